"""Terms of office (mandatperioder): the seat held on a decision's meeting date decides what a
politician may see and write there, an ended seat starts nothing new, a closed body keeps its
history, and a new term changes nothing that an earlier one wrote.

The people: Anna (ledamot 2023–2026), Erik (ersättare 2023–2026), Nils (ledamot 2027–2030 only)
and Rut (ledamot in both terms), all in socialnämnden. The old decision's meeting is on
10 December 2026, the new one's on 10 February 2027. `today` sets the day the rules ask for.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from remiss import access, history, queries, workflow
from remiss.attribution import full_line
from remiss.calendar_feed import feed_events
from remiss.demo import load_demo
from remiss.forms import CityStatementEditForm, CityStatementForm, PoliticianStatementForm
from remiss.memo import gather, render_html
from remiss.models import Case, CitySettings, Meeting, Politician, Seat, Statement, StatementAuthor, Term
from remiss.workflow import AuthorSpec, WorkflowError
from tests.factories import (
    CaseFactory,
    DecisionFactory,
    KommunstyrelsenFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    RegistrarFactory,
    SeatFactory,
    StadsdelsnamndFactory,
    StatementAuthorFactory,
    StatementFactory,
    TermFactory,
)

OLD_MEETING = date(2026, 12, 10)
NEW_MEETING = date(2027, 2, 10)
IN_THE_OLD_TERM = date(2026, 12, 15)
IN_THE_NEW_TERM = date(2027, 1, 15)
ENDED = "Din plats i socialnämnden upphörde den 31 december 2026. Du kan inte längre skriva nya uttalanden där."


# --- The world --------------------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch):
    """Set the day `timezone.localdate()` gives: the rules, the queries and the pages all ask it."""
    real = timezone.localdate

    def set_day(day: date) -> date:
        def localdate(value=None, timezone=None):
            return day if value is None else real(value, timezone)

        monkeypatch.setattr(timezone, "localdate", localdate)
        return day

    return set_day


@pytest.fixture
def terms(db) -> tuple[Term, Term]:
    return TermFactory(starts=date(2023, 1, 1)), TermFactory(starts=date(2027, 1, 1))


def _person(username: str, first: str, last: str, party: str = "S") -> Politician:
    user = PoliticianUserFactory(username=username, first_name=first, last_name=last)
    return PoliticianFactory(first_name=first, last_name=last, party=PartyFactory(abbreviation=party), user=user)


def _seat(politician, body, term, role=Seat.Role.LEDAMOT, **dates) -> Seat:
    return SeatFactory(
        politician=politician,
        body=body,
        role=role,
        term=term,
        starts=dates.get("starts", term.starts),
        ends=dates.get("ends", term.ends),
    )


@pytest.fixture
def people(terms, namnd) -> dict[str, Politician]:
    old, new = terms
    anna = _person("anna", "Anna", "Andersson")
    erik = _person("erik", "Erik", "Ek", "M")
    nils = _person("nils", "Nils", "Nilsson", "L")
    rut = _person("rut", "Rut", "Rask", "C")
    _seat(anna, namnd, old)
    _seat(erik, namnd, old, Seat.Role.ERSATTARE)
    _seat(nils, namnd, new)
    _seat(rut, namnd, old)
    _seat(rut, namnd, new)
    return {"anna": anna, "erik": erik, "nils": nils, "rut": rut}


@pytest.fixture
def old_decision(namnd):
    case = CaseFactory(
        title="Ett ärende från den gamla perioden", received=date(2026, 10, 1), deadline=date(2027, 3, 31)
    )
    return DecisionFactory(case=case, body=namnd, meeting_date=OLD_MEETING)


@pytest.fixture
def new_decision(namnd):
    case = CaseFactory(title="Ett ärende från den nya perioden", received=date(2026, 12, 1), deadline=date(2027, 3, 31))
    return DecisionFactory(case=case, body=namnd, meeting_date=NEW_MEETING)


def _add(decision, politician, kind=Statement.Kind.SARSKILT_UTTALANDE, text="<p>Vårt uttalande.</p>"):
    return workflow.add_statement(decision, kind=kind, authors=[AuthorSpec(politician)], text=text, by=politician.user)


def _post(**overrides) -> dict:
    data = {
        "kind": "sarskilt_uttalande",
        "text": "<p>Vårt särskilda uttalande.</p>",
        "text_format": "html",
        "backed_proposal": "",
        "identical_to": "",
    }
    data.update(overrides)
    return data


def _as(client, politician):
    client.force_login(politician.user)
    return client


# --- The seat that holds for a decision ----------------------------------------------------------


def test_seat_for_is_the_seat_held_on_the_meeting_date(people, old_decision, new_decision, today):
    today(IN_THE_NEW_TERM)
    rut = people["rut"]
    assert access.seat_for(rut.user, old_decision).term.name == "2023–2026"
    assert access.seat_for(rut.user, new_decision).term.name == "2027–2030"
    assert access.seat_for(people["anna"].user, old_decision) is not None
    assert access.seat_for(people["anna"].user, new_decision) is None
    assert access.seat_for(people["nils"].user, old_decision) is None
    assert access.seat_in(people["anna"].user, old_decision.body_id) is None  # not today's seat any more


def test_a_decision_without_meeting_date_takes_today_but_never_after_the_remisstid(people, namnd, today):
    decision = DecisionFactory(
        case=CaseFactory(received=date(2026, 10, 1), deadline=date(2027, 3, 31)), body=namnd, meeting_date=None
    )
    today(IN_THE_NEW_TERM)
    assert decision.seat_day() == IN_THE_NEW_TERM
    today(date(2027, 6, 1))
    assert decision.seat_day() == date(2027, 3, 31)  # the meeting cannot have been later


# --- Allowed and forbidden: who may start a statement -------------------------------------------


def test_ledamot_with_a_seat_on_the_meeting_date_makes_a_ledamot_s_statements(client, people, old_decision, today):
    today(IN_THE_OLD_TERM)
    anna = people["anna"]
    assert access.statement_kinds_for(access.seat_for(anna.user, old_decision)) == [
        Statement.Kind.SARSKILT_UTTALANDE,
        Statement.Kind.RESERVATION,
    ]
    response = _as(client, anna).post(reverse("politician_statement_add", args=[old_decision.pk]), _post())
    assert response.status_code == 302
    assert Statement.objects.filter(decision=old_decision, authors__politician=anna).count() == 1
    with pytest.raises(WorkflowError, match="Anna Andersson är inte ersättare i socialnämnden"):
        _add(old_decision, anna, kind=Statement.Kind.ERSATTARYTTRANDE)


def test_ersattare_with_a_seat_on_the_meeting_date_makes_an_ersattaryttrande(client, people, old_decision, today):
    today(IN_THE_OLD_TERM)
    erik = people["erik"]
    assert access.statement_kinds_for(access.seat_for(erik.user, old_decision)) == [Statement.Kind.ERSATTARYTTRANDE]
    response = _as(client, erik).post(
        reverse("politician_statement_add", args=[old_decision.pk]), _post(kind="ersattaryttrande")
    )
    assert response.status_code == 302
    assert Statement.objects.get(decision=old_decision).kind == Statement.Kind.ERSATTARYTTRANDE
    with pytest.raises(WorkflowError, match="Erik Ek är ersättare i socialnämnden"):
        _add(old_decision, erik)


def test_a_seat_starting_after_the_meeting_does_not_count(client, people, terms, namnd, old_decision, today):
    """A replacement in the middle of the term, from 20 December: the 10 December meeting was not theirs."""
    today(IN_THE_OLD_TERM)
    late = _person("sen", "Sara", "Sen")
    _seat(late, namnd, terms[0], starts=date(2026, 12, 20))
    with pytest.raises(WorkflowError, match="Sara Sen hade ingen plats i socialnämnden den 10 december 2026"):
        _add(old_decision, late)
    client.force_login(late.user)
    assert client.get(reverse("politician_decision", args=[old_decision.pk])).status_code == 403
    assert client.post(reverse("politician_statement_add", args=[old_decision.pk]), _post()).status_code == 403
    assert not old_decision.statements.exists()


def test_a_seat_ended_before_the_meeting_does_not_count(client, people, new_decision, today):
    today(IN_THE_NEW_TERM)
    anna = people["anna"]
    with pytest.raises(WorkflowError, match="Anna Andersson hade ingen plats i socialnämnden den 10 februari 2027"):
        _add(new_decision, anna)
    client.force_login(anna.user)
    assert client.get(reverse("politician_decision", args=[new_decision.pk])).status_code == 403
    assert client.post(reverse("politician_statement_add", args=[new_decision.pk]), _post()).status_code == 403
    assert not new_decision.statements.exists()


def test_a_new_term_s_seat_does_not_reach_an_old_term_s_decision(client, people, old_decision, today):
    today(IN_THE_NEW_TERM)
    nils = people["nils"]
    with pytest.raises(WorkflowError, match="Nils Nilsson hade ingen plats i socialnämnden den 10 december 2026"):
        _add(old_decision, nils)
    client.force_login(nils.user)
    assert client.get(reverse("politician_decision", args=[old_decision.pk])).status_code == 403
    assert client.post(reverse("politician_statement_add", args=[old_decision.pk]), _post()).status_code == 403
    assert not history.can_view_decision(nils.user, old_decision)
    assert client.get(reverse("history_decision", args=[old_decision.pk])).status_code == 403


def test_an_ended_seat_starts_no_new_statement_even_in_its_own_term_s_decision(client, people, old_decision, today):
    today(IN_THE_NEW_TERM)
    anna = people["anna"]
    assert access.new_statement_refusal(anna.user, old_decision) == ENDED
    assert not access.can_add_statement(anna.user, old_decision)
    client.force_login(anna.user)
    page = client.get(reverse("politician_decision", args=[old_decision.pk]))
    assert page.status_code == 200  # she still reads it
    html = page.content.decode()
    assert ENDED in html and reverse("politician_statement_add", args=[old_decision.pk]) not in html
    assert "Du var ledamot i socialnämnden (mandatperiod 2023–2026)." in html
    form_page = client.get(reverse("politician_statement_add", args=[old_decision.pk]))
    assert form_page.status_code == 403 and ENDED in form_page.content.decode()
    posted = client.post(reverse("politician_statement_add", args=[old_decision.pk]), _post())
    assert posted.status_code == 403 and ENDED in posted.content.decode()
    assert not old_decision.statements.exists()


def test_a_re_elected_politician_still_writes_in_the_old_term_s_open_decision(client, people, old_decision, today):
    today(IN_THE_NEW_TERM)
    rut = people["rut"]
    assert access.new_statement_refusal(rut.user, old_decision) is None
    response = _as(client, rut).post(reverse("politician_statement_add", args=[old_decision.pk]), _post())
    assert response.status_code == 302
    assert Statement.objects.filter(decision=old_decision, authors__politician=rut).exists()


def test_an_ended_ersattare_cannot_stand_behind_a_statement(client, people, old_decision, today):
    today(IN_THE_OLD_TERM)
    statement = _add(old_decision, people["rut"])
    today(IN_THE_NEW_TERM)
    response = _as(client, people["erik"]).post(reverse("politician_endorse", args=[statement.pk]))
    assert response.status_code == 403
    assert ENDED in response.content.decode()
    assert old_decision.statements.count() == 1


def test_without_meeting_date_the_seat_of_today_counts_until_the_remisstid(client, people, namnd, today):
    decision = DecisionFactory(
        case=CaseFactory(received=date(2026, 10, 1), deadline=date(2027, 3, 31)), body=namnd, meeting_date=None
    )
    anna, nils = people["anna"], people["nils"]
    today(IN_THE_OLD_TERM)
    assert access.new_statement_refusal(anna.user, decision) is None
    assert not access.can_view_statements(nils.user, decision)
    today(IN_THE_NEW_TERM)
    assert access.new_statement_refusal(anna.user, decision) == ENDED
    assert access.new_statement_refusal(nils.user, decision) is None
    response = _as(client, nils).post(reverse("politician_statement_add", args=[decision.pk]), _post())
    assert response.status_code == 302


def test_without_meeting_date_an_old_case_keeps_its_own_term_s_seats(people, namnd, today):
    """A case whose remisstid passed in the old term: its decision was the old term's, whenever it is read."""
    decision = DecisionFactory(
        case=CaseFactory(received=date(2026, 9, 1), deadline=date(2026, 11, 30)), body=namnd, meeting_date=None
    )
    today(IN_THE_NEW_TERM)
    assert access.can_view_statements(people["anna"].user, decision)
    assert not access.can_view_statements(people["nils"].user, decision)
    assert access.seat_for(people["rut"].user, decision).term.name == "2023–2026"


# --- Co-authors and the registrar's authors: the seats of the meeting date ---------------------


def test_co_authors_offered_are_those_seated_on_the_meeting_date(client, people, old_decision, today):
    today(IN_THE_NEW_TERM)
    rut = people["rut"]
    form = PoliticianStatementForm(decision=old_decision, politician=rut, allowed_kinds=["sarskilt_uttalande"])
    offered = set(form.fields["coauthors"].queryset)
    assert offered == {people["anna"], people["erik"]}  # not Nils, whose seat began after the meeting
    assert form.fields["coauthors"].roles[people["erik"].pk] == Seat.Role.ERSATTARE
    response = _as(client, rut).post(
        reverse("politician_statement_add", args=[old_decision.pk]), _post(coauthors=[str(people["nils"].pk)])
    )
    assert response.status_code == 200 and not old_decision.statements.exists()
    with pytest.raises(WorkflowError, match="Nils Nilsson hade ingen plats"):
        workflow.invite_coauthor(_add(old_decision, rut), politician=people["nils"], by=rut.user)


def test_an_invited_co_author_with_an_ended_seat_may_still_accept(client, people, old_decision, today):
    """Accepting joins a statement already started, which the meeting date's seat allows."""
    today(IN_THE_OLD_TERM)
    rut, anna = people["rut"], people["anna"]
    statement = workflow.add_statement(
        old_decision,
        kind="sarskilt_uttalande",
        authors=[AuthorSpec(rut), AuthorSpec(anna, accepted=False)],
        text="<p>Text</p>",
        by=rut.user,
    )
    today(IN_THE_NEW_TERM)
    invitation = statement.authors.get(politician=anna)
    response = _as(client, anna).post(reverse("politician_accept_invitation", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.accepted


def test_the_registrar_s_city_statement_authors_are_those_seated_on_the_meeting_date(terms, today):
    ks = KommunstyrelsenFactory()
    old, new = terms
    before, after = _person("fore", "Frida", "Före"), _person("efter", "Emil", "Efter")
    _seat(before, ks, old)
    _seat(after, ks, new)
    case = CaseFactory(received=date(2026, 10, 1), deadline=date(2027, 3, 31))
    decision = DecisionFactory(body=ks, meeting_date=OLD_MEETING, case=case)
    today(IN_THE_NEW_TERM)
    assert set(CityStatementForm(decision=decision).fields["author_1"].queryset) == {before}
    statement = StatementFactory(decision=decision)
    StatementAuthorFactory(statement=statement, politician=after)  # entered before the rules
    # The edit form shows its own author as it stands (saving it is refused by the model, by name).
    assert set(CityStatementEditForm(statement=statement).fields["author_1"].queryset) == {before, after}


# --- Reading: what an ended seat still sees ----------------------------------------------------------


def test_a_politician_whose_seat_ended_still_reads_what_they_wrote(client, people, old_decision, today):
    today(IN_THE_OLD_TERM)
    anna = people["anna"]
    statement = _add(old_decision, anna, text="<p>Tidiga insatser först.</p>")
    today(date(2027, 3, 1))
    client.force_login(anna.user)
    home = client.get(reverse("politician_home"))
    assert home.status_code == 200
    html = home.content.decode()
    assert "Särskilt uttalande av Anna Andersson (S)" in html
    assert "Din plats upphörde den 31 december 2026." in html  # the seat still covers an open decision
    decision_page = client.get(reverse("politician_decision", args=[old_decision.pk]))
    assert decision_page.status_code == 200 and "Tidiga insatser först." in decision_page.content.decode()
    own = client.get(reverse("politician_statement_edit", args=[statement.pk]))
    assert own.status_code == 200 and "Tidiga insatser först." in own.content.decode()
    assert client.get(reverse("history_statement", args=[statement.pk])).status_code == 200


def test_an_author_whose_seat_ended_may_still_correct_the_statement_until_justering(
    client, people, old_decision, today
):
    """The chosen rule: the statement was made while the seat held, so its author finishes it."""
    today(IN_THE_OLD_TERM)
    anna = people["anna"]
    statement = _add(old_decision, anna)
    today(IN_THE_NEW_TERM)
    client.force_login(anna.user)
    data = {"text": "<p>Rättad text.</p>", "text_format": "html", "identical_to": "", "version": statement.version}
    response = client.post(reverse("politician_statement_edit", args=[statement.pk]), data)
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.text == "<p>Rättad text.</p>"
    workflow.justera(old_decision, by=None)
    data["version"] = statement.version
    locked = client.post(reverse("politician_statement_edit", args=[statement.pk]), data | {"text": "<p>Sent.</p>"})
    assert locked.status_code == 409
    statement.refresh_from_db()
    assert statement.text == "<p>Rättad text.</p>"


def test_an_author_without_a_covering_seat_still_sees_the_decision(client, people, new_decision, today):
    """Rows from before the rules (or a seat corrected since): authorship alone lets them read it."""
    today(IN_THE_NEW_TERM)
    anna = people["anna"]
    statement = StatementFactory(decision=new_decision)
    StatementAuthorFactory(statement=statement, politician=anna)
    client.force_login(anna.user)
    page = client.get(reverse("politician_decision", args=[new_decision.pk]))
    assert page.status_code == 200
    assert "Du hade ingen plats i socialnämnden när beslutet fattades" in page.content.decode()


def test_the_overview_lists_open_decisions_under_the_seat_that_covers_them(people, old_decision, new_decision, today):
    today(IN_THE_NEW_TERM)

    def listed(name):
        overview = queries.politician_overview(people[name])
        return [(s.seat.term.name, [r.decision.pk for r in s.open_decisions], s.ended_label) for s in overview.seats]

    assert listed("rut") == [("2023–2026", [old_decision.pk], ""), ("2027–2030", [new_decision.pk], "")]
    assert listed("anna") == [("2023–2026", [old_decision.pk], "31 december 2026")]
    assert listed("nils") == [("2027–2030", [new_decision.pk], "")]
    workflow.justera(old_decision, by=None)
    assert listed("anna") == []  # an ended seat with nothing open is history


def test_the_calendar_shows_the_meetings_of_the_seat_of_that_day(people, namnd):
    Meeting.objects.create(body=namnd, date=OLD_MEETING)
    Meeting.objects.create(body=namnd, date=NEW_MEETING)

    def days(name):
        return [e.day for e in feed_events(people[name].user) if e.summary.startswith("Sammanträde")]

    assert days("anna") == [OLD_MEETING]
    assert days("nils") == [NEW_MEETING]
    assert days("rut") == [OLD_MEETING, NEW_MEETING]


# --- Closed bodies -----------------------------------------------------------------------------------


def _refer_data(*bodies, deadline="2030-03-20") -> dict:
    data = {f"b{b.pk}-deadline": deadline for b in bodies}
    data.update({f"b{b.pk}-chosen": "on" for b in bodies})
    return data


def test_a_closed_body_is_not_offered_for_referral_and_refused_when_posted(client, db):
    case = CaseFactory()
    closed = StadsdelsnamndFactory(name="Centrala Hisingens stadsdelsnämnd", closed_on=date(2021, 1, 1))
    open_body = StadsdelsnamndFactory(name="Skarpnäcks stadsdelsnämnd")
    client.force_login(RegistrarFactory())
    page = client.get(reverse("case_refer", args=[case.pk])).content.decode()
    assert "Skarpnäcks stadsdelsnämnd" in page and "Centrala Hisingens" not in page
    response = client.post(reverse("case_refer", args=[case.pk]), _refer_data(closed, open_body))
    assert response.status_code == 200
    assert (
        "Centrala Hisingens stadsdelsnämnd är nedlagd sedan 1 januari 2021 och kan inte få nya remisser."
        in response.content.decode()
    )
    assert not case.referrals.exists()


def test_a_body_closing_later_must_answer_before_it_closes(client, db):
    case = CaseFactory()  # remisstid 28 April 2030
    closing = StadsdelsnamndFactory(name="Östra stadsdelsnämnd", closed_on=date(2030, 4, 1))
    client.force_login(RegistrarFactory())
    late = client.post(reverse("case_refer", args=[case.pk]), _refer_data(closing, deadline="2030-04-10"))
    assert (
        "Östra stadsdelsnämnd läggs ned den 1 april 2030; svarsdatumet måste ligga före det." in late.content.decode()
    )
    assert not case.referrals.exists()
    early = client.post(reverse("case_refer", args=[case.pk]), _refer_data(closing, deadline="2030-03-20"))
    assert early.status_code == 302 and case.referrals.get().body == closing


def test_a_closed_body_keeps_its_referrals_decisions_statements_and_memo(
    client, people, namnd, registrar, officer, today
):
    today(IN_THE_OLD_TERM)
    case = CaseFactory(received=date(2026, 10, 1), deadline=date(2027, 3, 31))
    (referral,) = workflow.refer(case, bodies=[workflow.ReferralSpec(namnd, date(2027, 3, 1))], by=registrar)
    workflow.save_opinion(referral, text="<p>Positiv.</p>", date=date(2026, 11, 20), by=officer)
    workflow.mark_opinion_ready(referral, by=officer)
    decision = workflow.record_decision(
        referral, meeting_date=OLD_MEETING, points=["Socialnämnden godkänner tjänsteutlåtandet."], by=officer
    )
    statement = _add(decision, people["anna"], text="<p>Före nedläggningen.</p>")
    workflow.justera(decision, by=None)
    html_before = render_html(gather(case), created=datetime(2027, 1, 1, tzinfo=UTC))
    namnd.closed_on = date(2027, 1, 1)
    namnd.save()
    today(IN_THE_NEW_TERM)
    assert render_html(gather(case), created=datetime(2027, 1, 1, tzinfo=UTC)) == html_before
    client.force_login(registrar)
    detail = client.get(reverse("case_referral", args=[case.pk, referral.pk]))
    assert detail.status_code == 200 and "Socialnämnden" in detail.content.decode()
    client.force_login(people["anna"].user)
    page = client.get(reverse("politician_decision", args=[decision.pk]))
    assert page.status_code == 200 and "Före nedläggningen." in page.content.decode()
    assert full_line(statement) == "Särskilt uttalande av Anna Andersson (S)"


def test_a_closed_body_takes_no_new_seat_but_its_old_seats_can_be_corrected(people, namnd, terms):
    namnd.closed_on = date(2027, 1, 1)
    namnd.save()
    with pytest.raises(ValidationError, match="Socialnämnden är nedlagd från och med 1 januari 2027"):
        Seat(politician=_person("ny2", "Ny", "Vald"), body=namnd, role=Seat.Role.LEDAMOT, term=terms[1]).full_clean()
    with pytest.raises(ValidationError, match="nedlagd"):
        Seat(politician=_person("ny", "Ny", "Person"), body=namnd, role=Seat.Role.LEDAMOT).full_clean()
    # A seat of the time before the closing may still be recorded (an import of the old term's seats).
    Seat(
        politician=_person("gammal", "Gun", "Gammal"),
        body=namnd,
        role=Seat.Role.LEDAMOT,
        starts=date(2023, 1, 1),
        ends=date(2026, 12, 31),
    ).full_clean()
    seat = people["anna"].seats.get()
    seat.ends = date(2026, 11, 30)
    seat.full_clean()  # an existing seat is corrected as before


# --- The demo and a new term -----------------------------------------------------------------------


def _statements_as_they_stand(case: Case) -> list[tuple]:
    statements = Statement.objects.filter(decision__case=case).order_by("pk")
    return [
        (s.pk, s.version, s.kind, s.text, s.backed_proposal, full_line(s), s.history.count()) for s in statements
    ] + list(
        StatementAuthor.objects.filter(statement__decision__case=case)
        .order_by("pk")
        .values_list("pk", "politician_id", "accepted", "and_others", "order")
    )


def test_the_demo_s_seats_belong_to_the_term_2023_2026_and_the_demo_names_its_city(db):
    load_demo()
    seats = Seat.objects.all()
    assert seats.exists()
    assert set(seats.values_list("term__name", "starts", "ends")) == {("2023–2026", date(2023, 1, 1), None)}
    term = Term.objects.get(name="2023–2026")
    assert (term.starts, term.ends) == (date(2023, 1, 1), date(2026, 12, 31))
    settings = CitySettings.objects.get()
    assert (settings.city_name, settings.signing_place) == ("Stockholms stad", "Stockholm")


def test_the_demo_keeps_an_organisation_s_own_settings(db):
    CitySettings.objects.create(city_name="Göteborgs stad", signing_place="Göteborg")
    load_demo()
    assert list(CitySettings.objects.values_list("city_name", flat=True)) == ["Göteborgs stad"]


def test_after_a_new_term_the_demo_memo_and_its_statements_are_unchanged(client, db, today):
    load_demo()
    case = Case.objects.get(reference="SOU 2022:67")
    created = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
    html_before = render_html(gather(case), created=created)
    statements_before = _statements_as_they_stand(case)

    # The new term: every 2023–2026 seat ends on 31 December, other people take the 2027–2030 seats.
    today(date(2027, 1, 10))
    for seat in Seat.objects.filter(term__name="2023–2026"):
        seat.ends = date(2026, 12, 31)
        seat._change_reason = "Mandatperioden slut"
        seat.full_clean()
        seat.save()
    new_term = Term.objects.create(name="2027–2030", starts=date(2027, 1, 1), ends=date(2030, 12, 31))
    bodies = {seat.body for seat in Seat.objects.select_related("body")}
    newcomer = _person("ny.ledamot", "Nora", "Nyvald")
    for body in bodies:
        _seat(newcomer, body, new_term)
        _seat(PoliticianFactory(), body, new_term, Seat.Role.ERSATTARE)

    assert render_html(gather(case), created=created) == html_before  # the memo's text, byte for byte
    assert _statements_as_they_stand(case) == statements_before

    soc_decision = case.decisions.get(body__name="Socialnämnden")
    jan = Politician.objects.get(user__username="jan.jonsson")
    own = Statement.objects.filter(authors__politician=jan, decision=soc_decision)
    assert own.exists()
    client.force_login(jan.user)
    home = client.get(reverse("politician_home")).content.decode()
    assert all(full_line(s) in home for s in own)
    page = client.get(reverse("politician_decision", args=[soc_decision.pk]))
    assert page.status_code == 200
    assert access.new_statement_refusal(jan.user, soc_decision) == ENDED
    client.force_login(newcomer.user)
    assert client.get(reverse("politician_decision", args=[soc_decision.pk])).status_code == 403
