"""Unit tests of remiss/access.py: who may see and do what, without going through a view."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from remiss import access, workflow
from remiss.models import Seat, Statement
from remiss.workflow import AuthorSpec
from tests.factories import (
    BodyFactory,
    BorgarradsberedningenFactory,
    DecisionFactory,
    OfficerFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
    UserFactory,
)


@pytest.fixture
def other_officer(db):
    return OfficerFactory(username="annan", bodies=[BodyFactory()])


@pytest.fixture
def anonymous():
    return AnonymousUser()


def _politician(namnd, role=Seat.Role.LEDAMOT, username=None):
    user = PoliticianUserFactory(username=username or f"pol-{role}-{namnd.pk}")
    politician = PoliticianFactory(user=user)
    SeatFactory(politician=politician, body=namnd, role=role)
    return user


@pytest.fixture
def ledamot(namnd):
    return _politician(namnd, username="ledamot")


@pytest.fixture
def ersattare(namnd):
    return _politician(namnd, Seat.Role.ERSATTARE, username="ersattare")


@pytest.fixture
def decision(referred, officer):
    _case, referral, _office = referred
    workflow.save_opinion(referral, text="<p>T</p>", date=date(2030, 2, 1), by=officer)
    workflow.mark_opinion_ready(referral, by=officer)
    return workflow.record_decision(referral, meeting_date=date(2030, 3, 1), points=["Godkänner."], by=officer)


@pytest.fixture
def statement(decision, ledamot):
    return workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        text="<p>T</p>",
        authors=[AuthorSpec(ledamot.politician)],
        by=ledamot,
    )


# --- Roles ------------------------------------------------------------------------------------


def test_is_registrar(registrar, officer, anonymous, db):
    assert access.is_registrar(registrar)
    assert access.is_registrar(UserFactory(username="root", is_superuser=True))
    assert not access.is_registrar(officer)
    assert not access.is_registrar(anonymous)


def test_politician_of(ledamot, officer, anonymous):
    assert access.politician_of(ledamot) == ledamot.politician
    assert access.politician_of(officer) is None
    assert access.politician_of(anonymous) is None


def test_works_for_only_own_bodies_and_only_as_officer(officer, namnd, other_officer, registrar, ledamot, anonymous):
    assert access.works_for(officer, namnd)
    assert access.works_for(officer, namnd.pk)
    assert not access.works_for(other_officer, namnd)
    assert not access.works_for(registrar, namnd)
    assert not access.works_for(ledamot, namnd)
    assert not access.works_for(anonymous, namnd)
    registrar.bodies.add(namnd)  # a body on the account does not make the registrar its officer
    assert not access.works_for(registrar, namnd)


# --- Referrals, opinions, decisions -------------------------------------------------------------


def test_can_work_on_referral(referred, officer, other_officer, registrar, ledamot, anonymous):
    _case, referral, office_referral = referred
    assert access.can_work_on_referral(officer, referral)
    assert not access.can_work_on_referral(officer, office_referral)
    for user in (other_officer, registrar, ledamot, anonymous):
        assert not access.can_work_on_referral(user, referral)


def test_drafts_are_seen_only_by_the_body_and_the_registrar(referred, officer, other_officer, registrar, anonymous):
    _case, referral, _office = referred
    workflow.save_opinion(referral, text="<p>Utkast</p>", by=officer)
    referral.refresh_from_db()
    assert access.can_view_opinion(officer, referral)
    assert access.can_view_opinion(registrar, referral)
    assert not access.can_view_opinion(other_officer, referral)
    assert not access.can_view_opinion(anonymous, referral)
    assert access.can_edit_opinion(officer, referral)
    assert not access.can_edit_opinion(other_officer, referral)
    assert not access.can_edit_opinion(registrar, referral)


def test_can_act_on_decision_is_the_bodys_officer_and_never_city_level(
    decision, officer, other_officer, registrar, ledamot, db
):
    assert access.can_act_on_decision(officer, decision)
    for user in (other_officer, registrar, ledamot):
        assert not access.can_act_on_decision(user, decision)
    brb = BorgarradsberedningenFactory()
    city_officer = OfficerFactory(username="brb-officer", bodies=[brb])
    city_decision = DecisionFactory(case=decision.case, body=brb)
    assert not access.can_act_on_decision(city_officer, city_decision)


def test_can_record_decision(referred, officer, other_officer, ledamot):
    _case, referral, _office = referred
    assert access.can_record_decision(officer, referral)
    assert not access.can_record_decision(other_officer, referral)
    assert not access.can_record_decision(ledamot, referral)


# --- Seats and statements ------------------------------------------------------------------------


def test_seat_in_and_statement_kinds(namnd, ledamot, ersattare, officer):
    assert access.seat_in(ledamot, namnd).role == Seat.Role.LEDAMOT
    assert access.seat_in(officer, namnd) is None
    assert access.statement_kinds_for(access.seat_in(ledamot, namnd)) == [
        Statement.Kind.SARSKILT_UTTALANDE,
        Statement.Kind.RESERVATION,
    ]
    assert access.statement_kinds_for(access.seat_in(ersattare, namnd)) == [Statement.Kind.ERSATTARYTTRANDE]
    assert access.statement_kinds_for(None) == []


def test_can_view_and_add_statements_needs_a_seat(decision, ledamot, ersattare, officer, registrar, db):
    outsider = _politician(BodyFactory(), username="utanfor")
    for user in (ledamot, ersattare):
        assert access.can_view_statements(user, decision)
        assert access.can_add_statement(user, decision)
    for user in (outsider, officer, registrar):
        assert not access.can_view_statements(user, decision)
        assert not access.can_add_statement(user, decision)
    workflow.justera(decision, by=None)
    decision.refresh_from_db()
    assert not access.can_add_statement(ledamot, decision)
    assert access.can_view_statements(ledamot, decision)


def test_authorship_counts_only_once_accepted(decision, ledamot, namnd):
    invitee = _politician(namnd, username="inbjuden")
    statement = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        text="<p>T</p>",
        authors=[AuthorSpec(ledamot.politician), AuthorSpec(invitee.politician, accepted=False)],
        by=ledamot,
    )
    assert access.is_statement_author(ledamot, statement)
    assert access.can_edit_statement(ledamot, statement)
    assert not access.is_statement_author(invitee, statement)
    assert not access.can_edit_statement(invitee, statement)
    author = statement.authors.get(politician=invitee.politician)
    assert access.can_answer_invitation(invitee, author)
    assert not access.can_answer_invitation(ledamot, author)
    workflow.accept_coauthorship(author, by=invitee)
    assert access.is_statement_author(invitee, statement)


def test_justering_ends_editing_but_not_authorship(decision, statement, ledamot):
    workflow.justera(decision, by=None)
    statement.refresh_from_db()
    assert access.is_statement_author(ledamot, statement)
    assert not access.can_edit_statement(ledamot, statement)


def test_can_endorse_only_an_ersattare_and_not_their_own(decision, statement, ledamot, ersattare, officer, namnd):
    assert access.can_endorse(ersattare, statement)
    assert not access.can_endorse(ledamot, statement)
    assert not access.can_endorse(officer, statement)
    own = workflow.add_statement(
        decision,
        kind="ersattaryttrande",
        text="<p>Eget</p>",
        authors=[AuthorSpec(ersattare.politician)],
        by=ersattare,
    )
    assert not access.can_endorse(ersattare, own)


def test_officers_and_the_registrar_are_no_authors(statement, officer, registrar, anonymous):
    for user in (officer, registrar, anonymous):
        assert not access.is_statement_author(user, statement)
        assert not access.can_edit_statement(user, statement)


def test_require():
    access.require(True)
    with pytest.raises(PermissionDenied):
        access.require(False)


# --- Swedish error pages (pytest-django runs with DEBUG off, as production does) ------------------


def test_a_missing_page_gives_404_in_swedish(client, officer):
    from django.conf import settings

    assert not settings.DEBUG
    client.force_login(officer)
    response = client.get("/finns-inte-har/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Sidan finns inte</h1>" in html
    assert 'lang="sv"' in html and "remiss/app.css" in html  # the app's own look
    assert "Not Found" not in html


def test_a_missing_object_gives_the_same_swedish_404(client, officer):
    from django.urls import reverse

    client.force_login(officer)
    response = client.get(reverse("officer_referral", args=[999_999]))
    assert response.status_code == 404
    assert "<h1>Sidan finns inte</h1>" in response.content.decode()


def test_another_bodys_referral_gives_403_in_swedish(client, referred, other_officer):
    from django.urls import reverse

    client.force_login(other_officer)
    response = client.get(reverse("officer_referral", args=[referred[1].pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Du har inte behörighet till sidan</h1>" in html
    assert "Inget har ändrats." in html
    assert "403 Forbidden" not in html


def test_a_politician_on_a_registrar_page_gets_403_in_swedish(client, namnd):
    from django.urls import reverse

    client.force_login(_politician(namnd))
    response = client.get(reverse("case_list"))
    assert response.status_code == 403
    assert "<h1>Du har inte behörighet till sidan</h1>" in response.content.decode()


def test_the_registrar_on_an_officers_page_is_not_told_to_contact_the_registrar(client, referred, registrar):
    from django.urls import reverse

    client.force_login(registrar)
    response = client.get(reverse("officer_referral", args=[referred[1].pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Du har inte behörighet till sidan</h1>" in html and "kontakta registratorn" not in html
    assert f'under <a href="{reverse("case_list")}">Ärenden</a>.' in html


def test_the_500_page_is_swedish_and_needs_neither_database_nor_context(db, django_assert_num_queries):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Ett fel uppstod</h1>" in html
    assert "Det som redan var sparat finns kvar." in html
    assert 'lang="sv"' in html and "remiss/app.css" in html


def test_the_500_template_extends_nothing():
    from pathlib import Path

    from django.conf import settings

    source = (Path(settings.BASE_DIR) / "templates" / "500.html").read_text()
    assert "{% extends" not in source and "{% url" not in source and "user." not in source


# --- 405: a POST-only address opened directly (remiss/middleware.py) -----------------------------


def test_opening_logout_directly_gives_a_swedish_405_page(client, officer):
    client.force_login(officer)
    response = client.get("/konto/logout/")
    assert response.status_code == 405
    assert "POST" in response["Allow"] and "GET" not in response["Allow"].split(", ")
    html = response.content.decode()
    assert "<h1>Sidan kan inte öppnas direkt</h1>" in html
    assert 'href="/"' in html and "Gå till startsidan" in html
    assert 'lang="sv"' in html and "remiss/app.css" in html
    assert "_auth_user_id" in client.session  # nothing happened: still logged in


@pytest.mark.parametrize("name", ["officer_word_upload", "officer_positions"])
def test_opening_an_officers_post_only_address_gives_the_swedish_405(client, referred, officer, name):
    from django.urls import reverse

    client.force_login(officer)
    response = client.get(reverse(name, args=[referred[1].pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "<h1>Sidan kan inte öppnas direkt</h1>" in response.content.decode()


def test_a_405_that_has_its_own_body_is_left_alone(rf):
    from django.http import HttpResponseNotAllowed

    from remiss.middleware import MethodNotAllowedPageMiddleware

    own = HttpResponseNotAllowed(["GET"], content=b'{"detail": "Method not allowed"}', content_type="application/json")
    assert MethodNotAllowedPageMiddleware(lambda request: own)(rf.get("/api/x")) is own
    ok = MethodNotAllowedPageMiddleware(lambda request: HttpResponseNotAllowed(["POST"]))
    page = ok(rf.get("/x"))  # the empty one is replaced
    assert page.status_code == 405 and page["Allow"] == "POST"
    assert "Sidan kan inte öppnas direkt" in page.content.decode()
