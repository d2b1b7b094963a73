"""Fuzzing the main forms with Hypothesis: no input, however wrong, may give a server error.

Each test posts generated data to one form's view, as the user the view is for: arbitrary text
(control characters and NUL included, surrogates excluded, since a browser cannot send them),
the corpus of tests/payloads.py, strings just around and far beyond MAX_TEXT_LENGTH, invalid and
extreme dates, numbers that are not numbers or do not fit, unknown primary keys, repeated fields
and missing fields. The answer must be one a person can act on (200, 302, 400, 403, 404 or 409);
an exception in the view fails the test with the example that caused it.

Each example runs in a savepoint that is rolled back, so every example starts from the same case.
The examples are derandomized (the same ones every run, so CI never flakes); set
REMISS_FUZZ_EXPLORE=1 for fresh random ones and ten times as many.
"""
from __future__ import annotations

import os
from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remiss import workflow
from remiss.models import MAX_TEXT_LENGTH, Body, Seat, Statement
from remiss.workflow import AuthorSpec
from tests.factories import (
    BorgarradsberedningenFactory,
    KommunstyrelsenFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
)
from tests.payloads import PAYLOAD_VALUES

EXPLORE = bool(os.environ.get("REMISS_FUZZ_EXPLORE"))
FUZZ = settings(
    max_examples=400 if EXPLORE else 40,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,  # nothing written into the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
ALLOWED = {200, 302, 400, 403, 404, 409}

# --- What a hostile or clumsy client might send ------------------------------------------------------

any_char = st.characters(exclude_categories=("Cs",))  # control characters and NUL stay in
short_payloads = [p for p in PAYLOAD_VALUES if len(p) < 2000]
texts = st.one_of(
    st.text(alphabet=any_char, max_size=200),
    st.sampled_from(short_payloads),
    st.builds(lambda c, n: c * n, any_char, st.integers(MAX_TEXT_LENGTH - 8, MAX_TEXT_LENGTH + 8)),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "å", "<", "&", "\n", " ", "\x00", "<p>"]), st.integers(0, 300_000)),
    st.just(""),
)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),  # year 1 to 9999
    st.sampled_from([
        "2030-02-30", "2030-13-01", "0000-00-00", "9999-12-31", "0001-01-01", "31/12/2030", "2030-1-1", "20300101",
        "-2030-01-01", "2030-02-01T00:00", "igår", " ", "", "1e9", "2030-02-01\x00",
    ]),
    texts,
)
numbers = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["", "0", "-1", "1", "2", "99", "100", "1.5", "1e10", "abc", "NaN", "∞", "٣", "0x10", " 1 "]),
    texts,
)
pks = st.one_of(numbers, st.sampled_from(["999999", "1", "2", "3"]))
booleans = st.one_of(st.sampled_from(["on", "true", "false", "0", "1", ""]), texts)


def field(values: st.SearchStrategy) -> st.SearchStrategy:
    """A posted field: one value, or the same name several times (a list)."""
    return st.one_of(values, st.lists(values, min_size=2, max_size=3))


def form(**fields: st.SearchStrategy) -> st.SearchStrategy:
    """POST data in which any field may be missing."""
    return st.fixed_dictionaries({}, optional={name: field(values) for name, values in fields.items()})


# --- The world the forms act on ----------------------------------------------------------------------


@pytest.fixture
def world(referred, registrar, officer, namnd):
    """A referred case: the nämnd's opinion ready with a recorded decision and a statement, the
    office's opinion being drafted, and a politician with a seat. Plus logged-in clients."""
    case, referral, office_referral = referred
    workflow.save_opinion(referral, text="<p>Positiv.</p>", proposed_decision="<p>Godkänn.</p>", date=date(2030, 2, 1), by=officer)
    workflow.mark_opinion_ready(referral, by=officer)
    decision = workflow.record_decision(referral, meeting_date=date(2030, 3, 20), points=["Godkänns."], by=officer)
    user = PoliticianUserFactory(username="ledamot")
    politician = PoliticianFactory(party=PartyFactory(abbreviation="M"), user=user)
    SeatFactory(politician=politician, body=namnd, role=Seat.Role.LEDAMOT)
    SeatFactory(politician=PoliticianFactory(party=PartyFactory(abbreviation="S")), body=namnd, role=Seat.Role.LEDAMOT)
    statement = workflow.add_statement(decision, kind=Statement.Kind.RESERVATION, authors=[AuthorSpec(politician)],
                                       text="<p>Vi reserverar oss.</p>", by=user)
    office_officer = type(officer).objects.create_user(username="kontoret", role="officer")
    office_officer.bodies.add(office_referral.body)
    BorgarradsberedningenFactory()
    KommunstyrelsenFactory()
    clients = {}
    for name, who in (("registrar", registrar), ("officer", officer), ("office", office_officer), ("politician", user)):
        clients[name] = Client()
        clients[name].force_login(who)
    return {"case": case, "referral": referral, "office": office_referral, "decision": decision, "statement": statement,
            "clients": clients}


def url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        pytest.skip(f"no view {name}")


def post_once(client: Client, target: str, data: dict, *, then_get: list[str] = ()) -> None:
    """Post in a savepoint that is rolled back; the answer (and any page `then_get`) must not be a 500."""
    with transaction.atomic():
        response = client.post(target, data)
        assert response.status_code in ALLOWED, (response.status_code, data)
        if response.status_code == 302:
            for page in then_get:
                follow = client.get(page)
                assert follow.status_code in ALLOWED, (page, follow.status_code, data)
        transaction.set_rollback(True)


# --- The forms -----------------------------------------------------------------------------------------


@FUZZ
@given(data=form(title=texts, reference=texts, sender=texts, ministry_dnr=texts, city_dnr=texts, received=dates,
                 deadline=dates, commissioner=pks, memo_title=texts))
def test_register_case(world, data) -> None:
    """A case registered with whatever dates: its pages (refer, plan, preview) must still open."""
    client = world["clients"]["registrar"]
    from remiss.models import Case

    with transaction.atomic():
        response = client.post(url("case_create"), data)
        assert response.status_code in ALLOWED, (response.status_code, data)
        if response.status_code == 302:
            case = Case.objects.order_by("-pk").first()
            for name in ("case_detail", "case_refer", "case_plan", "case_edit", "memo_preview", "case_city_proposal"):
                try:
                    page = reverse(name, args=[case.pk])
                except NoReverseMatch:
                    continue
                follow = client.get(page)
                assert follow.status_code in ALLOWED, (name, follow.status_code, data)
        transaction.set_rollback(True)


@FUZZ
@given(data=st.data())
def test_edit_case(world, data) -> None:
    case = world["case"]
    post = data.draw(form(title=texts, reference=texts, sender=texts, ministry_dnr=texts, city_dnr=texts, received=dates,
                          deadline=dates, commissioner=pks, memo_title=texts))
    post_once(world["clients"]["registrar"], url("case_edit", case.pk), post, then_get=[url("case_detail", case.pk)])


@FUZZ
@given(data=st.data())
def test_refer(world, data) -> None:
    case = world["case"]
    bodies = list(Body.objects.exclude(referrals__case=case).exclude(kind__in=["borgarradsberedningen", "kommunstyrelsen"]))
    prefixes = [f"b{b.pk}" for b in bodies] + ["b999999"]
    fields = {}
    for prefix in prefixes:
        fields.update({f"{prefix}-chosen": booleans, f"{prefix}-deadline": dates})
    fields.update({"order": st.one_of(texts, st.just(",".join(str(b.pk) for b in bodies))), "move": texts, "action": texts})
    post_once(world["clients"]["registrar"], url("case_refer", case.pk), data.draw(form(**fields)))


@FUZZ
@given(data=form(text=texts, proposed_decision=texts, date=dates, position=texts, version=numbers,
                 action=st.one_of(st.sampled_from(["save", "ready"]), texts)))
def test_opinion_save(world, data) -> None:
    office = world["office"]
    post_once(world["clients"]["office"], url("officer_referral", office.pk), data, then_get=[url("officer_referral", office.pk)])


@FUZZ
@given(data=form(reason=texts, confirm=st.one_of(st.just("1"), texts)))
def test_officer_decline(world, data) -> None:
    office = world["office"]
    post_once(world["clients"]["office"], url("officer_decline", office.pk), data, then_get=[url("officer_referral", office.pk)])


@FUZZ
@given(data=form(meeting_date=dates, points=texts, added_text=texts, added_text_after_point=numbers,
                 immediate_justering=booleans, position=texts, version=numbers))
def test_decision_record_and_edit(world, data) -> None:
    referral = world["referral"]
    post_once(world["clients"]["officer"], url("officer_decision", referral.pk), data,
              then_get=[url("officer_decision", referral.pk)])


@FUZZ
@given(data=form(kind=st.one_of(st.sampled_from([k for k, _ in Statement.Kind.choices]), texts), text=texts,
                 backed_proposal=texts, and_others=booleans, identical_to=pks, coauthors=pks))
def test_statement_add(world, data) -> None:
    decision = world["decision"]
    post_once(world["clients"]["politician"], url("politician_statement_add", decision.pk), data,
              then_get=[url("politician_decision", decision.pk)])


@FUZZ
@given(data=form(text=texts, backed_proposal=texts, identical_to=pks, coauthors=pks, version=numbers))
def test_statement_edit(world, data) -> None:
    statement = world["statement"]
    post_once(world["clients"]["politician"], url("politician_statement_edit", statement.pk), data,
              then_get=[url("politician_decision", statement.decision_id)])


@FUZZ
@given(data=form(decision_points=texts, summary=texts, views=texts, signed_place=texts, signed_date=dates, version=numbers))
def test_city_proposal_save(world, data) -> None:
    case = world["case"]
    post_once(world["clients"]["registrar"], url("case_city_proposal", case.pk), data,
              then_get=[url("case_detail", case.pk), url("memo_preview", case.pk)])


@FUZZ
@given(data=form(text=texts, version=numbers))
def test_background_save(world, data) -> None:
    case = world["case"]
    post_once(world["clients"]["registrar"], url("case_background", case.pk), data, then_get=[url("memo_preview", case.pk)])


@FUZZ
@given(data=st.data())
def test_city_decisions_and_moves(world, data) -> None:
    """The city's decisions (any body, any date) and the status moves, in any order."""
    case = world["case"]
    client = world["clients"]["registrar"]
    city = [str(b.pk) for b in Body.objects.filter(kind__in=["borgarradsberedningen", "kommunstyrelsen"])]
    fields = {"body": st.one_of(st.sampled_from(city), pks)}
    for pk in city:
        fields.update({f"beslut{pk}-meeting_date": dates, f"beslut{pk}-points": texts})
    post_once(client, url("case_city_decisions", case.pk), data.draw(form(**fields)))
    confirms = st.one_of(st.just("1"), texts)  # final moves happen only with confirm=1
    event = data.draw(form(event=st.one_of(st.sampled_from(["start_compiling", "reopen_referrals", "answer"]), texts), confirm=confirms))
    post_once(client, url("case_event", case.pk), event)
    referral = world["referral"]
    move = data.draw(form(event=st.one_of(st.sampled_from(["decline", "mark_no_answer"]), texts), back=texts, confirm=confirms,
                          reason=texts))
    post_once(client, url("case_referral_event", case.pk, referral.pk), move)
    deadline = data.draw(form(deadline=dates))
    post_once(client, url("case_referral_deadline", case.pk, referral.pk), deadline)


@FUZZ
@given(data=form(kind=texts, number=texts, title=texts, summary=texts))
def test_proposal_add(world, data) -> None:
    case = world["case"]
    post_once(world["clients"]["registrar"], url("case_proposals", case.pk), data, then_get=[url("case_proposals", case.pk)])


# --- What the fuzzing found, pinned down -----------------------------------------------------------


@pytest.mark.parametrize(("received", "deadline"), [("0001-01-01", "0001-01-10"), ("9999-12-01", "9999-12-31"),
                                                     ("0023-03-01", "2023-06-01")])
def test_a_year_at_the_ends_of_the_calendar_is_refused_in_swedish(registrar, received, deadline) -> None:
    """Found by the fuzzing: a case dated in year 1 (a typed 0001) made its planning page and its
    refer page fail with OverflowError, on every visit. Such dates are now refused at the door."""
    from remiss.models import Case

    client = Client()
    client.force_login(registrar)
    data = {"title": "Gammalt", "reference": "SOU 1:1", "sender": "Dep", "city_dnr": "KS 1/1",
            "received": received, "deadline": deadline}
    response = client.post(url("case_create"), data)
    assert response.status_code == 200
    assert "Datumet måste ligga mellan år 1900 och 2199." in response.content.decode()
    assert not Case.objects.exists()
    with pytest.raises(workflow.InvalidError):
        workflow.register_case(title="Gammalt", reference="SOU 1:1", sender="Dep", city_dnr="KS 1/1",
                               received=date.fromisoformat(received), deadline=date.fromisoformat(deadline), by=registrar)


@pytest.mark.parametrize(("received", "deadline"), [(date(1900, 1, 1), date(1900, 1, 10)), (date(2199, 12, 1), date(2199, 12, 31))])
def test_a_case_at_the_ends_of_the_allowed_range_still_opens(registrar, namnd, office, received, deadline) -> None:
    case = workflow.register_case(title="Gammalt", reference="SOU 1:1", sender="Dep", city_dnr="KS 1/1", received=received,
                                  deadline=deadline, by=registrar)
    client = Client()
    client.force_login(registrar)
    for name in ("case_detail", "case_refer", "case_plan", "memo_preview", "case_city_proposal"):
        try:
            page = reverse(name, args=[case.pk])
        except NoReverseMatch:
            continue
        response = client.get(page)
        assert response.status_code == 200, (name, response.status_code)
