"""The history pages through the web: who may see and restore each text (everyone else 403,
anonymous visitors the login page), comparing two versions, restoring one, a version read-only,
"Vad nämnden ändrade", a memo's versions and the old memo's identical bytes, the query count that
does not grow with the number of versions, and the markup the pages are built from."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from remiss import workflow
from remiss.memo.store import compile_memo
from remiss.models import Case, CityProposal, Memo, Opinion, Seat
from remiss.workflow import AuthorSpec
from tests import test_browser as browser_tests
from tests.browser_support import AxeAudit
from tests.factories import (
    BodyFactory,
    KommunstyrelsenFactory,
    OfficerFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
    UserFactory,
)

RESTORED = re.compile(r"Återställd till version från \d{1,2} [a-zåäö]+ \d{4} kl\. \d{2}:\d{2}")


# --- People and texts -------------------------------------------------------------------------


def _politician(username, first, last, body, role=Seat.Role.LEDAMOT):
    user = PoliticianUserFactory(username=username, first_name=first, last_name=last)
    politician = PoliticianFactory(first_name=first, last_name=last, party=PartyFactory(abbreviation="L"), user=user)
    SeatFactory(politician=politician, body=body, role=role)
    return user


@pytest.fixture
def users(namnd, officer, registrar):
    other_body = BodyFactory(name="Utbildningsnämnden", name_in_text="utbildningsnämnden")
    return {
        "officer": officer,
        "registrar": registrar,
        "other_officer": OfficerFactory(username="annan.handlaggare", bodies=[other_body]),
        "ledamot": _politician("jan.jonsson", "Jan", "Jönsson", namnd),
        "member": _politician("eva.ek", "Eva", "Ek", namnd, Seat.Role.ERSATTARE),
        "outsider": _politician("olle.ute", "Olle", "Ute", other_body),
        "plain": UserFactory(username="vanlig"),
        "anonymous": None,
    }


def _opinion_versions(referral, officer, n: int) -> Opinion:
    opinion = None
    for i in range(n):
        opinion = workflow.save_opinion(
            referral,
            text=f"<p>Version {i} av texten med några ord.</p>",
            proposed_decision=f"<p>Förslag {i}.</p>",
            date=date(2030, 2, 1 + i % 20),
            by=officer,
        )
    return opinion


@pytest.fixture
def opinion(referred, officer):
    return _opinion_versions(referred[1], officer, 2)


@pytest.fixture
def decision(referred, officer):
    referral = referred[1]
    workflow.save_opinion(
        referral,
        text="<p>Positiv.</p>",
        proposed_decision="<p>Socialnämnden godkänner.</p>",
        date=date(2030, 2, 1),
        by=officer,
    )
    workflow.mark_opinion_ready(referral, by=officer)
    decision = workflow.record_decision(
        referral, meeting_date=date(2030, 3, 20), points=["Socialnämnden godkänner."], by=officer
    )
    return workflow.edit_decision(decision, points=["Socialnämnden godkänner i huvudsak."], by=officer)


@pytest.fixture
def statement(decision, users):
    ledamot = users["ledamot"]
    statement = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        authors=[AuthorSpec(ledamot.politician)],
        text="<p>Vår första mening.</p>",
        by=ledamot,
    )
    return workflow.edit_statement(statement, text="<p>Vår andra mening.</p>", by=ledamot)


@pytest.fixture
def city_proposal(referred, registrar):
    case = referred[0]
    workflow.save_city_proposal(case, decision_points=["Remissen besvaras."], summary="<p>Kort.</p>", by=registrar)
    return workflow.save_city_proposal(
        case, decision_points=["Remissen besvaras med detta."], summary="<p>Längre.</p>", by=registrar
    )


@pytest.fixture
def background(referred, registrar):
    case = referred[0]
    workflow.save_background(case, text="<p>Betänkandet i korthet.</p>", by=registrar)
    return workflow.save_background(case, text="<p>Betänkandet i längre form.</p>", by=registrar)


def _url(kind: str, obj, suffix: str = "") -> str:
    pk = obj.case_id if isinstance(obj, CityProposal) else obj.pk
    return reverse(f"history_{kind}{suffix}", args=[pk])


def _login(client, user):
    if user is not None:
        client.force_login(user)


def _rows(obj):
    return list(type(obj).history.filter(id=obj.pk).order_by("history_id"))


def _restore_data(obj):
    rows = _rows(obj)
    version = obj.version if hasattr(obj, "version") else rows[-1].history_id
    return {"history_id": rows[-2].history_id, "version": version}


# --- Access: who may see, who may restore -------------------------------------------------------

VIEW, RESTORE = "view", "restore"
MATRIX = {
    # kind: (fixture, {role: (view status, restore status)})
    "opinion": (
        "opinion",
        {
            "officer": (200, 302),
            "registrar": (200, 403),
            "other_officer": (403, 403),
            "ledamot": (403, 403),
            "outsider": (403, 403),
            "plain": (403, 403),
        },
    ),
    "decision": (
        "decision",
        {
            "officer": (200, 302),
            "registrar": (200, 403),
            "ledamot": (200, 403),
            "member": (200, 403),
            "other_officer": (403, 403),
            "outsider": (403, 403),
            "plain": (403, 403),
        },
    ),
    "statement": (
        "statement",
        {
            "ledamot": (200, 302),
            "member": (200, 403),
            "officer": (200, 403),
            "registrar": (200, 403),
            "other_officer": (403, 403),
            "outsider": (403, 403),
            "plain": (403, 403),
        },
    ),
    "city_proposal": (
        "city_proposal",
        {
            "registrar": (200, 302),
            "officer": (403, 403),
            "ledamot": (403, 403),
            "plain": (403, 403),
        },
    ),
    "background": (
        "background",
        {
            "registrar": (200, 302),
            "officer": (403, 403),
            "ledamot": (403, 403),
            "plain": (403, 403),
        },
    ),
}
CASES = [(kind, role, *statuses) for kind, (_f, roles) in MATRIX.items() for role, statuses in roles.items()]


@pytest.mark.parametrize(("kind", "role", "view_status", "restore_status"), CASES)
def test_who_may_see_and_restore(client, request, users, kind, role, view_status, restore_status):
    obj = request.getfixturevalue(MATRIX[kind][0])
    _login(client, users[role])
    response = client.get(_url(kind, obj))
    assert response.status_code == view_status
    before = len(_rows(obj))
    response = client.post(_url(kind, obj, "_restore"), _restore_data(obj))
    assert response.status_code == restore_status
    assert len(_rows(obj)) == before + (1 if restore_status == 302 else 0)
    if view_status == 200:
        page = client.get(_url(kind, obj)).content.decode()
        assert ("Återställ denna version" in page) == (restore_status == 302)


@pytest.mark.parametrize("kind", list(MATRIX))
def test_anonymous_goes_to_the_login_page(client, request, kind):
    obj = request.getfixturevalue(MATRIX[kind][0])
    for response in (client.get(_url(kind, obj)), client.post(_url(kind, obj, "_restore"), _restore_data(obj))):
        assert response.status_code == 302 and "/konto/login/" in response["Location"]


def test_a_ready_opinion_is_readable_by_any_logged_in_user_but_restorable_by_none(client, referred, officer, users):
    _case, referral, _office = referred
    opinion = _opinion_versions(referral, officer, 2)
    workflow.mark_opinion_ready(referral, by=officer)
    client.force_login(users["other_officer"])
    assert client.get(_url("opinion", opinion)).status_code == 200
    assert client.post(_url("opinion", opinion, "_restore"), _restore_data(opinion)).status_code == 403
    client.force_login(officer)
    page = client.get(_url("opinion", opinion)).content.decode()
    assert "Återställ denna version" not in page and "Tjänsteutlåtandet kan inte ändras" in page
    response = client.post(_url("opinion", opinion, "_restore"), _restore_data(opinion))
    assert response.status_code == 409 and "Tjänsteutlåtandet kan inte ändras" in response.content.decode()


def test_city_texts_are_readable_by_everyone_once_the_case_is_decided(
    client, city_proposal, background, users, registrar
):
    case = city_proposal.case
    workflow.start_compiling(case, by=registrar)
    workflow.record_city_decision(case, body=KommunstyrelsenFactory(), points=["Remissen besvaras."], by=registrar)
    client.force_login(users["ledamot"])
    assert client.get(_url("city_proposal", city_proposal)).status_code == 200
    assert client.get(_url("background", case)).status_code == 200
    assert (
        client.post(_url("city_proposal", city_proposal, "_restore"), _restore_data(city_proposal)).status_code == 403
    )
    client.force_login(registrar)
    before = len(_rows(city_proposal))
    response = client.post(_url("city_proposal", city_proposal, "_restore"), _restore_data(city_proposal))
    assert response.status_code == 409 and "Kommunstyrelsen har beslutat" in response.content.decode()
    assert len(_rows(city_proposal)) == before


def test_background_restore_refused_once_decided_with_the_edit_pages_message(client, background, registrar):
    old = next(r for r in _rows(background) if r.background == "<p>Betänkandet i korthet.</p>")
    workflow.start_compiling(background, by=registrar)
    workflow.record_city_decision(
        background, body=KommunstyrelsenFactory(), points=["Remissen besvaras."], by=registrar
    )
    locked = "Kommunstyrelsen har beslutat i ärendet. Ärendet och förslaget till beslut kan inte längre ändras."
    client.force_login(registrar)
    page = client.get(_url("background", background)).content.decode()
    assert locked in page and "Återställ denna version" not in page
    edit_page = client.get(reverse("case_background", args=[background.pk])).content.decode()
    assert locked in edit_page
    version = Case.objects.get(pk=background.pk).version
    response = client.post(
        _url("background", background, "_restore"), {"history_id": old.history_id, "version": version}
    )
    assert response.status_code == 409 and locked in response.content.decode()
    stored = Case.objects.get(pk=background.pk)
    assert (stored.background, stored.version) == ("<p>Betänkandet i längre form.</p>", version)


def test_a_justered_decision_and_its_statements_refuse_restore_with_a_swedish_message(
    client, statement, decision, officer, users
):
    workflow.justera(decision, by=officer)
    decision.refresh_from_db()
    client.force_login(officer)
    response = client.post(_url("decision", decision, "_restore"), _restore_data(decision))
    assert response.status_code == 409 and "Beslutet är justerat" in response.content.decode()
    client.force_login(users["ledamot"])
    statement.refresh_from_db()
    response = client.post(_url("statement", statement, "_restore"), _restore_data(statement))
    assert response.status_code == 409 and "Beslutet är justerat" in response.content.decode()


def test_unknown_texts_are_404(client, registrar):
    client.force_login(registrar)
    for kind in MATRIX:
        assert client.get(reverse(f"history_{kind}", args=[999999])).status_code == 404


# --- Comparing and restoring ------------------------------------------------------------------


def test_compare_two_versions_shows_a_word_diff_that_is_not_colour_only(client, opinion, officer):
    rows = _rows(opinion)
    client.force_login(officer)
    response = client.get(_url("opinion", opinion), {"fran": rows[-1].history_id, "till": rows[-2].history_id})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Skillnader mellan version 2 och version 3" in page
    assert '<del><span class="visually-hidden">borttaget: </span>0</del>' in page
    assert '<ins><span class="visually-hidden">tillagt: </span>1</ins>' in page


@pytest.mark.parametrize("query", [{"fran": "x", "till": "1"}, {"fran": "1"}, {"fran": "999999", "till": "999998"}])
def test_a_bad_comparison_is_a_message_not_an_error(client, opinion, officer, query):
    client.force_login(officer)
    response = client.get(_url("opinion", opinion), query)
    assert response.status_code == 200 and "Det gick inte att jämföra" in response.content.decode()


def test_restore_through_the_page(client, opinion, officer):
    client.force_login(officer)
    rows = _rows(opinion)
    target = rows[1]  # the first saved text
    response = client.post(
        _url("opinion", opinion, "_restore"), {"history_id": target.history_id, "version": opinion.version}
    )
    assert response.status_code == 302 and response["Location"] == _url("opinion", opinion)
    opinion.refresh_from_db()
    assert opinion.text == target.text
    after = _rows(opinion)
    assert [r.history_id for r in after[:-1]] == [r.history_id for r in rows]
    assert RESTORED.fullmatch(after[-1].history_change_reason)
    page = client.get(response["Location"]).content.decode()
    assert "Versionen är återställd" in page and RESTORED.search(page)


def test_restore_with_a_stale_version_is_a_409_and_keeps_the_other_save(client, opinion, officer, referred):
    client.force_login(officer)
    seen = opinion.version
    workflow.save_opinion(referred[1], text="<p>Sparat av någon annan.</p>", by=officer, expected_version=seen)
    response = client.post(
        _url("opinion", opinion, "_restore"), {"history_id": _rows(opinion)[1].history_id, "version": seen}
    )
    assert response.status_code == 409 and "ändrats sedan du öppnade historiken" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.text == "<p>Sparat av någon annan.</p>"


def test_restore_without_a_version_is_refused(client, opinion, officer):
    client.force_login(officer)
    response = client.post(_url("opinion", opinion, "_restore"), {"history_id": _rows(opinion)[1].history_id})
    assert response.status_code == 400
    assert client.get(_url("opinion", opinion, "_restore")).status_code == 405


def test_restore_background_through_the_page(client, background, registrar):
    client.force_login(registrar)
    rows = _rows(background)
    old = next(r for r in rows if r.background == "<p>Betänkandet i korthet.</p>")
    page = client.get(_url("background", background)).content.decode()
    assert f'name="version" value="{background.version}"' in page
    stale = {"history_id": old.history_id, "version": background.version - 1}
    response = client.post(_url("background", background, "_restore"), stale)
    assert response.status_code == 409
    assert "Texten har ändrats sedan du öppnade historiken." in response.content.decode()
    assert Case.objects.get(pk=background.pk).background == "<p>Betänkandet i längre form.</p>"
    response = client.post(
        _url("background", background, "_restore"), {"history_id": old.history_id, "version": background.version}
    )
    assert response.status_code == 302
    version = background.version
    background.refresh_from_db()
    assert background.background == "<p>Betänkandet i korthet.</p>"
    assert background.version == version + 1


# --- The page's markup ------------------------------------------------------------------------


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.radios: list[str] = []
        self.labels: set[str] = set()
        self.th_scopes: list[str | None] = []
        self.tags: list[str] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "input" and attrs.get("type") == "radio":
            self.radios.append(attrs.get("id"))
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag == "th":
            self.th_scopes.append(attrs.get("scope"))
        if "style" in attrs or any(name.startswith("on") for name in attrs):
            self.inline.append(tag)
        if tag == "script" and "src" not in attrs:
            self.inline.append("script")
        if tag == "style":
            self.inline.append("style")


@pytest.mark.parametrize("kind", list(MATRIX))
def test_version_pickers_are_labelled_radios_in_a_table_with_headers(client, request, users, kind):
    obj = request.getfixturevalue(MATRIX[kind][0])
    role = next(r for r, (view, restore) in MATRIX[kind][1].items() if restore == 302)
    client.force_login(users[role])
    response = client.get(_url(kind, obj))
    markup = _Markup()
    markup.feed(response.content.decode())
    assert markup.radios and all(r in markup.labels for r in markup.radios)
    assert len(markup.radios) == 2 * len({r.split("-", 1)[1] for r in markup.radios})
    assert markup.th_scopes and all(scope in ("col", "row") for scope in markup.th_scopes)
    assert "fieldset" in markup.tags and "legend" in markup.tags
    assert markup.inline == []
    csp = response.headers.get("Content-Security-Policy", "")
    assert "unsafe-inline" not in csp


# --- The query count does not grow with the versions ------------------------------------------


def _query_limit_holds(client, django_assert_max_num_queries, url, query=None, limit=12):
    with django_assert_max_num_queries(limit):
        response = client.get(url, query or {})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("n", [3, 30])
def test_opinion_history_queries_do_not_grow(client, referred, officer, django_assert_max_num_queries, n):
    opinion = _opinion_versions(referred[1], officer, n)
    client.force_login(officer)
    rows = _rows(opinion)
    response = _query_limit_holds(
        client,
        django_assert_max_num_queries,
        _url("opinion", opinion),
        {"fran": rows[1].history_id, "till": rows[-1].history_id},
    )
    assert response.content.decode().count('name="fran"') == n + 1


@pytest.mark.parametrize("n", [3, 30])
def test_statement_history_queries_do_not_grow(client, decision, users, django_assert_max_num_queries, n):
    ledamot = users["ledamot"]
    other = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        authors=[AuthorSpec(ledamot.politician)],
        text="<p>Ett annat.</p>",
        by=ledamot,
    )
    statement = workflow.add_statement(
        decision, kind="sarskilt_uttalande", authors=[AuthorSpec(ledamot.politician)], text="<p>Start.</p>", by=ledamot
    )
    for i in range(n - 1):
        if i % 2:
            workflow.edit_statement(statement, text=f"<p>Text {i}.</p>", identical_to=None, by=ledamot)
        else:
            workflow.edit_statement(statement, text="", identical_to=other, by=ledamot)
    client.force_login(ledamot)
    rows = _rows(statement)
    assert len(rows) == n
    # Four more than the others: the statements a version names, with their authors, in one go.
    _query_limit_holds(
        client,
        django_assert_max_num_queries,
        _url("statement", statement),
        {"fran": rows[0].history_id, "till": rows[-1].history_id},
        limit=14,
    )


@pytest.mark.parametrize("n", [3, 30])
def test_decision_and_city_histories_queries_do_not_grow(
    client, decision, registrar, officer, django_assert_max_num_queries, n
):
    case = decision.case
    for i in range(n):
        workflow.edit_decision(decision, points=[f"Punkt {i}."], by=officer)
        workflow.save_city_proposal(
            case, decision_points=[f"Punkt {i}."], summary=f"<p>Sammanfattning {i}.</p>", by=registrar
        )
        workflow.save_background(case, text=f"<p>Bakgrund {i}.</p>", by=registrar)
    client.force_login(officer)
    _query_limit_holds(client, django_assert_max_num_queries, _url("decision", decision))
    client.force_login(registrar)
    _query_limit_holds(
        client, django_assert_max_num_queries, _url("city_proposal", CityProposal.objects.get(case=case))
    )
    _query_limit_holds(client, django_assert_max_num_queries, _url("background", case))


# --- One version, read-only -----------------------------------------------------------------------


def test_one_version_is_shown_read_only_with_a_restore_button_for_the_editor(client, opinion, officer, users):
    old = _rows(opinion)[1]
    url = reverse("history_version", args=["remiss.opinion", old.history_id])
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "Version 0 av texten" in page and "Version 1 av texten" not in page
    assert "Återställ denna version" in page and "kan inte ändras" in page
    client.force_login(users["registrar"])
    page = client.get(url).content.decode()
    assert "Version 0 av texten" in page and "Återställ denna version" not in page
    client.force_login(users["other_officer"])
    assert client.get(url).status_code == 403


def test_an_old_background_version_can_be_restored_from_its_page(client, background, registrar):
    rows = _rows(background)
    old = next(r for r in rows if r.background == "<p>Betänkandet i korthet.</p>")
    client.force_login(registrar)
    page = client.get(reverse("history_version", args=["remiss.case", old.history_id])).content.decode()
    assert "Betänkandet i korthet." in page and "Titel" in page and "Återställ denna version" in page
    token = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert int(token) == background.version
    response = client.post(
        reverse("history_background_restore", args=[background.pk]), {"history_id": old.history_id, "version": token}
    )
    assert response.status_code == 302
    background.refresh_from_db()
    assert background.background == "<p>Betänkandet i korthet.</p>"


def test_version_of_a_name_is_the_registrars(client, registrar, officer):
    party = PartyFactory(abbreviation="KD")
    url = reverse("history_version", args=["remiss.party", party.history.first().history_id])
    client.force_login(registrar)
    assert "Kristdemokraterna" in client.get(url).content.decode()
    client.force_login(officer)
    assert client.get(url).status_code == 403


def test_unknown_versions_are_404(client, registrar):
    client.force_login(registrar)
    assert client.get(reverse("history_version", args=["remiss.opinion", 999999])).status_code == 404
    assert client.get(reverse("history_version", args=["remiss.memo", 1])).status_code == 404
    assert client.get(reverse("history_version", args=["auth.user", 1])).status_code == 404


# --- What the nämnd changed -------------------------------------------------------------------


def test_namnd_changes_page(client, decision, users, referred):
    referral = referred[1]
    url = reverse("namnd_changes", args=[referral.pk])
    for role in ("officer", "registrar", "ledamot", "member"):
        client.force_login(users[role])
        response = client.get(url)
        assert response.status_code == 200, role
    page = response.content.decode()
    assert "Socialförvaltningens förslag till beslut" in page and "Nämndens beslut" in page
    assert "Nämndens beslut har andra ord än förvaltningens förslag till beslut" in page
    # In substance: "godkänner." and "godkänner" are the same word; only "i huvudsak" was added.
    assert 'Socialnämnden godkänner <ins><span class="visually-hidden">tillagt: </span>i huvudsak.</ins>' in page
    for role in ("other_officer", "outsider", "plain"):
        client.force_login(users[role])
        assert client.get(url).status_code == 403, role
    client.force_login(users["ledamot"])
    assert client.get(reverse("decision_namnd_changes", args=[decision.pk])).status_code == 200


def test_namnd_changes_as_proposed_for_an_office_and_a_city_decision(client, referred, officer, registrar):
    case, referral, office_referral = referred
    workflow.save_opinion(
        referral,
        text="<p>Positiv.</p>",
        proposed_decision="<p>1. Socialnämnden godkänner.</p>",
        date=date(2030, 2, 1),
        by=officer,
    )
    workflow.mark_opinion_ready(referral, by=officer)
    workflow.record_decision(referral, meeting_date=date(2030, 3, 20), points=["Socialnämnden godkänner"], by=officer)
    client.force_login(registrar)
    page = client.get(reverse("namnd_changes", args=[referral.pk])).content.decode()
    assert "Nämnden beslutade i enlighet med förvaltningens förslag." in page
    page = client.get(reverse("namnd_changes", args=[office_referral.pk])).content.decode()
    assert "är ett kontor" in page
    workflow.start_compiling(case, by=registrar)
    ks = workflow.record_city_decision(case, body=KommunstyrelsenFactory(), points=["Besvaras."], by=registrar)
    assert client.get(reverse("decision_namnd_changes", args=[ks.pk])).status_code == 404
    assert client.get(reverse("namnd_changes", args=[999999])).status_code == 404


# --- Links from the officer's and the politician's pages ------------------------------------------


def test_officer_and_politician_pages_link_to_the_histories(client, statement, decision, referred, officer, users):
    referral = referred[1]
    client.force_login(officer)
    page = client.get(reverse("officer_referral", args=[referral.pk])).content.decode()
    assert reverse("history_opinion", args=[referral.opinion.pk]) in page
    page = client.get(reverse("officer_decision", args=[referral.pk])).content.decode()
    assert reverse("history_decision", args=[decision.pk]) in page
    assert reverse("namnd_changes", args=[referral.pk]) in page
    assert reverse("history_statement", args=[statement.pk]) in page
    client.force_login(users["ledamot"])
    page = client.get(reverse("politician_decision", args=[decision.pk])).content.decode()
    assert reverse("history_decision", args=[decision.pk]) in page
    assert reverse("decision_namnd_changes", args=[decision.pk]) in page
    assert reverse("history_statement", args=[statement.pk]) in page
    page = client.get(reverse("politician_statement_edit", args=[statement.pk])).content.decode()
    assert reverse("history_statement", args=[statement.pk]) in page


# --- A memo's versions --------------------------------------------------------------------------


def test_an_old_memo_keeps_its_bytes_and_points_to_the_versions_it_contains(
    client, referred, officer, registrar, settings, tmp_path, users
):
    settings.MEDIA_ROOT = tmp_path
    case, referral, _office = referred
    workflow.save_opinion(
        referral, text="<p>Texten som den var vid sammanställningen.</p>", date=date(2030, 2, 1), by=officer
    )
    workflow.save_background(case, text="<p>Bakgrunden som den var.</p>", by=registrar)
    workflow.save_city_proposal(
        case, decision_points=["Remissen besvaras."], summary="<p>Sammanfattningen då.</p>", by=registrar
    )
    memo = compile_memo(case, registrar)
    sources = {(s["model"], s["pk"]): s["history_id"] for s in memo.sources}
    opinion = Opinion.objects.get(referral=referral)

    # The texts change afterwards; one is even restored.
    workflow.save_opinion(referral, text="<p>En helt ny text.</p>", date=date(2030, 2, 2), by=officer)
    workflow.save_background(case, text="<p>En ny bakgrund.</p>", by=registrar)
    workflow.save_city_proposal(
        case, decision_points=["Remissen besvaras annorlunda."], summary="<p>Ny.</p>", by=registrar
    )
    workflow.save_opinion(referral, text="<p>Och ännu en.</p>", date=date(2030, 2, 3), by=officer)
    newer = Opinion.history.filter(id=opinion.pk).order_by("-history_id")[1]  # "En helt ny text."
    workflow.restore_text(opinion, newer.history_id, by=officer)

    client.force_login(registrar)
    response = client.get(reverse("memo_download", args=[case.pk, memo.pk]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    assert hashlib.sha256(pdf).hexdigest() == memo.sha256

    opinion.refresh_from_db()
    old_opinion = Opinion.history.get(history_id=sources[("remiss.opinion", opinion.pk)])
    assert old_opinion.text == "<p>Texten som den var vid sammanställningen.</p>" != opinion.text
    old_case = Case.history.get(history_id=sources[("remiss.case", case.pk)])
    assert old_case.background == "<p>Bakgrunden som den var.</p>"
    proposal = CityProposal.objects.get(case=case)
    old_proposal = CityProposal.history.get(history_id=sources[("remiss.cityproposal", proposal.pk)])
    assert old_proposal.decision_points == ["Remissen besvaras."] != proposal.decision_points

    page = client.get(reverse("memo_versions", args=[memo.pk])).content.decode()
    assert memo.sha256 in page and "Tjänsteutlåtande" in page and "Förslag till beslut" in page
    version_url = reverse("history_version", args=["remiss.opinion", old_opinion.history_id])
    assert f'<a href="{version_url}">Visa versionen' in page
    # the history row's id is not a version number: "Version 40" of a referral saved 3 times misled
    assert f"(id {old_opinion.history_id})" in page and f"Version {old_opinion.history_id}" not in page
    old_page = client.get(version_url).content.decode()
    assert "Texten som den var vid sammanställningen." in old_page and "En helt ny text." not in old_page
    assert reverse("memo_download", args=[case.pk, memo.pk]) in page

    for role in ("officer", "ledamot", "plain"):
        client.force_login(users[role])
        assert client.get(reverse("memo_versions", args=[memo.pk])).status_code == 403
    client.force_login(registrar)
    assert client.get(reverse("memo_versions", args=[999999])).status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_memo_versions_page_queries_do_not_grow_with_sources(
    client, referred, registrar, django_assert_max_num_queries, n
):
    """Two queries per model named, however many rows: a stored Memo row naming n bodies and n parties."""
    bodies = [BodyFactory() for _ in range(n)]
    parties = [PartyFactory(abbreviation=f"P{i}") for i in range(n)]
    sources = [
        {"model": label, "pk": obj.pk, "history_id": obj.history.first().history_id}
        for label, objs in (("remiss.body", bodies), ("remiss.party", parties))
        for obj in objs
    ]
    memo = Memo.objects.create(case=referred[0], pdf="memos/x.pdf", sha256="0" * 64, pages=1, sources=sources)
    client.force_login(registrar)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("memo_versions", args=[memo.pk]))
    assert response.status_code == 200
    assert response.content.decode().count(reverse("history_version", args=["remiss.body", 1])[:-2]) == n


# --- In a browser: axe-core on the history pages, the compare and restore buttons by themselves ---

# The browser fixtures of test_browser, found by pytest as this module's attributes.
browser, demo, new_page = browser_tests.browser, browser_tests.demo, browser_tests.new_page
login = browser_tests.login


def _browser_states():
    """A fresh case: Socialnämnden's opinion drafted twice (restorable), Utbildningsnämnden's
    decision with Andrea Hedin's reservation edited once, a city proposal saved twice, a memo."""
    from datetime import timedelta

    from remiss.models import Body, Politician, User
    from remiss.workflow import ReferralSpec

    registrar = User.objects.get(username="registrator")
    soc, utb = (Body.objects.get(name=n) for n in ("Socialnämnden", "Utbildningsnämnden"))
    today = date.today()
    case = workflow.register_case(
        title="Ett betänkande med historik",
        reference="SOU 2031:8",
        sender="Finansdepartementet",
        city_dnr="KS 2031/8-1.1",
        received=today - timedelta(days=60),
        deadline=today + timedelta(days=60),
        by=registrar,
    )
    r_soc, r_utb = workflow.refer(
        case,
        bodies=[
            ReferralSpec(soc, today + timedelta(days=20)),
            ReferralSpec(utb, today + timedelta(days=20)),
        ],
        by=registrar,
    )
    soc_officer, utb_officer = (
        User.objects.get(username="handlaggare.soc"),
        User.objects.get(username="handlaggare.utb"),
    )
    workflow.save_opinion(r_soc, text="<p>Förvaltningen är positiv till förslagen.</p>", date=today, by=soc_officer)
    opinion = workflow.save_opinion(
        r_soc, text="<p>Förvaltningen är negativ till förslagen.</p>", date=today, by=soc_officer
    )
    workflow.save_opinion(
        r_utb,
        text="<p>Tillstyrker.</p>",
        proposed_decision="<p>Utbildningsnämnden godkänner.</p>",
        date=today - timedelta(days=10),
        by=utb_officer,
    )
    workflow.mark_opinion_ready(r_utb, by=utb_officer)
    decision = workflow.record_decision(
        r_utb,
        meeting_date=today - timedelta(days=2),
        by=utb_officer,
        points=["Utbildningsnämnden godkänner i huvudsak."],
        added_text="<p>Och mer.</p>",
    )
    hedin = Politician.objects.get(first_name="Andrea", last_name="Hedin")
    statement = workflow.add_statement(
        decision,
        kind="reservation",
        authors=[AuthorSpec(hedin)],
        backed_proposal="förvaltningens förslag till beslut",
        by=registrar,
    )
    workflow.edit_statement(statement, text="<p>Med en motivering.</p>", by=hedin.user)
    workflow.save_city_proposal(case, decision_points=["Remissen besvaras."], summary="<p>Kort.</p>", by=registrar)
    workflow.save_city_proposal(case, decision_points=["Remissen besvaras så."], summary="<p>Längre.</p>", by=registrar)
    return case, opinion, r_utb, decision, statement


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_history_pages_in_a_browser(demo, new_page, settings, tmp_path):
    """axe-core (WCAG 2.1 A/AA) on every history page (and on the locked city texts' pages the
    history leads back to); comparing and restoring with the page's own controls."""
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path
    case, opinion, r_utb, decision, statement = _browser_states()
    from remiss.models import User

    memo = compile_memo(case, User.objects.get(username="registrator"))
    audit = AxeAudit()

    page = new_page(for_axe=True)
    login(page, "handlaggare.soc")
    page.goto(reverse("history_opinion", args=[opinion.pk]))
    audit.check(page, "Historik: tjänsteutlåtandet")
    page.get_by_label("Jämför från version 2").check()
    page.get_by_label("Jämför till version 3").check()
    page.get_by_role("button", name="Jämför").click()
    expect(page.locator(".comparison del")).to_contain_text("positiv")
    expect(page.locator(".comparison ins")).to_contain_text("negativ")
    audit.check(page, "Historik: tjänsteutlåtandet, jämförelse")
    page.get_by_role("button", name=re.compile(r"^Återställ denna version \(version 2,")).click()
    expect(page.locator(".messages")).to_contain_text("Versionen är återställd")
    expect(page.locator("tr.current")).to_contain_text("Återställd till version från")
    audit.check(page, "Historik: tjänsteutlåtandet, efter återställning")
    page.get_by_role("link", name="Visa version 2").click()
    expect(page.locator("main")).to_contain_text("Förvaltningen är positiv till förslagen.")
    audit.check(page, "Historik: en version")

    page = new_page(for_axe=True)
    login(page, "handlaggare.utb")
    page.goto(reverse("namnd_changes", args=[r_utb.pk]))
    expect(page.locator(".verdict")).to_contain_text("Nämnden lade till egen text.")
    audit.check(page, "Vad nämnden ändrade")
    page.goto(reverse("history_decision", args=[decision.pk]))
    audit.check(page, "Historik: beslutet")

    page = new_page(for_axe=True)
    login(page, "andrea.hedin")
    page.goto(reverse("history_statement", args=[statement.pk]))
    audit.check(page, "Historik: uttalandet")

    page = new_page(for_axe=True)
    login(page, "registrator")
    page.goto(reverse("history_city_proposal", args=[case.pk]))
    audit.check(page, "Historik: förslag till beslut")
    page.goto(reverse("history_background", args=[case.pk]))
    audit.check(page, "Historik: Ärendet")
    page.get_by_role("link", name="Till Ärendet").click()
    expect(page.get_by_role("button", name="Spara Ärendet")).to_be_visible()
    decided = Case.objects.get(reference="SOU 2022:67")  # the demo case: kommunstyrelsen has decided
    page.goto(reverse("case_background", args=[decided.pk]))
    expect(page.locator(".readonly-note")).to_contain_text("Ärendet och förslaget till beslut kan inte längre ändras.")
    expect(page.get_by_role("button", name="Spara Ärendet")).to_have_count(0)
    audit.check(page, "Ärendet, låst efter kommunstyrelsens beslut")
    page.goto(reverse("case_city_proposal", args=[decided.pk]))
    expect(page.locator(".readonly-note")).to_contain_text("Ärendet och förslaget till beslut kan inte längre ändras.")
    audit.check(page, "Förslag till beslut, låst efter kommunstyrelsens beslut")
    page.goto(reverse("memo_versions", args=[memo.pk]))
    audit.check(page, "Promemorians versioner")
    audit.assert_clean()


# --- Each move under its own name -------------------------------------------------------------------


def _reasons_on_page(client, user, opinion) -> list[tuple[str, str]]:
    """(Orsak, Ändrat) of each row of the opinion's history page, newest first."""
    client.force_login(user)
    page = client.get(_url("opinion", opinion)).content.decode()
    rows = re.findall(
        r"<tr[^>]*>\s*<th scope=\"row\">.*?</th>\s*<td>.*?</td>\s*<td>.*?</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>",
        page,
        re.S,
    )
    return [(html.unescape(a).strip(), html.unescape(b).strip()) for a, b in rows]


def _post_opinion(client, referral, opinion, action: str, text: str = "<p>Positiv.</p>"):
    opinion.refresh_from_db()
    return client.post(
        reverse("officer_referral", args=[referral.pk]),
        {
            "text": text,
            "proposed_decision": "<p>Godkänn.</p>",
            "date": "2030-02-01",
            "position": "",
            "version": str(opinion.version),
            "action": action,
        },
    )


def test_marking_ready_shows_as_its_own_move_not_as_a_save(client, referred, officer):
    """'Markera som klart' without a change was listed as 'Tjänsteutlåtandet sparat – Inget i texten'."""
    _case, referral, _office = referred
    client.force_login(officer)
    opinion = workflow.save_opinion(
        referral, text="<p>Positiv.</p>", proposed_decision="<p>Godkänn.</p>", date=date(2030, 2, 1), by=officer
    )
    assert _post_opinion(client, referral, opinion, "ready").status_code == 302
    reasons = _reasons_on_page(client, officer, opinion)
    assert reasons[0] == ("Tjänsteutlåtandet markerat som klart", "Inget i texten"), reasons
    assert ("Tjänsteutlåtandet sparat", "Inget i texten") not in reasons, reasons


def test_every_move_of_an_opinion_shows_under_its_own_name(client, referred, officer):
    _case, referral, _office = referred
    client.force_login(officer)
    opinion = Opinion.objects.get(referral=referral)
    assert _post_opinion(client, referral, opinion, "save").status_code == 302
    assert _post_opinion(client, referral, opinion, "ready", text="<p>Positiv, med en ändring.</p>").status_code == 302
    assert client.post(reverse("officer_reopen_opinion", args=[referral.pk])).status_code == 302
    assert (
        _post_opinion(client, referral, opinion, "save", text="<p>Positiv, med en ändring.</p>").status_code == 302
    )  # nothing new
    reasons = [reason for reason, _changed in _reasons_on_page(client, officer, opinion)]
    assert reasons == [
        "Tjänsteutlåtandet öppnat igen",
        "Tjänsteutlåtandet markerat som klart",
        "Tjänsteutlåtandet sparat",
        "Tjänsteutlåtandet sparat",
        "Tomt tjänsteutlåtande skapat",
    ], reasons


def test_the_word_diff_keeps_nested_list_items_and_paragraphs_apart(client, referred, officer):
    _case, referral, _office = referred
    older = (
        "<p>Nämnden vill lyfta</p><ul><li>Tidig upptäckt<ul><li>i förskolan</li><li>i skolan</li></ul></li></ul>"
        "<p>Slut</p>"
    )
    newer = older.replace("i skolan", "i hemmet")
    opinion = _opinion_with(referral, officer, older, newer)
    rows = _rows(opinion)
    client.force_login(officer)
    page = html.unescape(
        client.get(
            _url("opinion", opinion), {"fran": rows[-2].history_id, "till": rows[-1].history_id}
        ).content.decode()
    )
    assert "upptäckti" not in page and "lyftaTidig" not in page
    diff = re.search(r"Tidig upptäckt(.*?)förskolan", page, re.S)
    assert diff and "<br>" in diff.group(1), page
    assert re.search(r"skolan</del>.*?hemmet</ins>\s*<br>\s*Slut", page, re.S), page


def _opinion_with(referral, officer, *texts: str) -> Opinion:
    opinion = None
    for text in texts:
        opinion = workflow.save_opinion(referral, text=text, date=date(2030, 2, 1), by=officer)
    return opinion
