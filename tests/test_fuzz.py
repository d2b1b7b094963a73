"""Fuzzing the main forms with Hypothesis: no input, however wrong, may give a server error.

Each test posts generated data to one form's view, as the user the view is for: arbitrary text
(control characters and NUL included, surrogates excluded, since a browser cannot send them),
the corpus of tests/payloads.py, strings just around and far beyond MAX_TEXT_LENGTH, invalid and
extreme dates, numbers that are not numbers or do not fit, unknown primary keys, repeated fields
and missing fields. The answer must be one a person can act on (200, 302, 400, 403, 404 or 409);
an exception in the view fails the test with the example that caused it.

`test_every_form_of_every_role` goes wider: it finds every form on every role's pages and posts
each as every role (and as an anonymous visitor), with huge ints, NUL bytes, lone surrogates and 1 MB strings
too, and checks that a refused post changes no stored row.

Each example runs in a savepoint that is rolled back, so every example starts from the same case.
The examples are derandomized (the same ones every run, so CI never flakes). For a longer run:
REMISS_FUZZ_EXAMPLES=N sets the examples per form for its own role in the wide test (default 5;
other roles get a quarter), and REMISS_FUZZ_EXPLORE=1 gives fresh random examples, 400 in each
per-form test instead of 25 (and 400 per form in the wide one, unless REMISS_FUZZ_EXAMPLES says
otherwise).
"""

from __future__ import annotations

import os
from datetime import date
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remiss import workflow
from remiss.models import MAX_TEXT_LENGTH, Body, Meeting, Seat, Statement
from remiss.workflow import AuthorSpec
from tests.factories import (
    BodyFactory,
    BorgarradsberedningenFactory,
    KommunstyrelsenFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    ProposalFactory,
    SeatFactory,
)
from tests.formcrawl import PostForm, crawl
from tests.payloads import PAYLOAD_VALUES

EXPLORE = bool(os.environ.get("REMISS_FUZZ_EXPLORE"))
FUZZ = settings(
    max_examples=400 if EXPLORE else 25,  # the wide test below covers every form as well
    deadline=None,
    derandomize=not EXPLORE,
    database=None,  # nothing written into the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
ALLOWED = {200, 302, 400, 403, 404, 409, 429}  # 429: the public barrier report's per-address limit
# Forms anyone may post without logging in (the accessibility statement's barrier report): an
# anonymous post there may be accepted, and is held to the same rule as a logged-in one.
PUBLIC_ACTIONS = {"/tillganglighet/"}

# --- What a hostile or clumsy client might send ------------------------------------------------------

any_char = st.characters(exclude_categories=("Cs",))  # control characters and NUL stay in
short_payloads = [p for p in PAYLOAD_VALUES if len(p) < 2000]
texts = st.one_of(
    st.text(alphabet=any_char, max_size=200),
    st.sampled_from(short_payloads),
    st.builds(lambda c, n: c * n, any_char, st.integers(MAX_TEXT_LENGTH - 8, MAX_TEXT_LENGTH + 8)),
    st.builds(
        lambda c, n: c * n, st.sampled_from(["a", "å", "<", "&", "\n", " ", "\x00", "<p>"]), st.integers(0, 300_000)
    ),
    st.just(""),
)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),  # year 1 to 9999
    st.sampled_from(
        [
            "2030-02-30",
            "2030-13-01",
            "0000-00-00",
            "9999-12-31",
            "0001-01-01",
            "31/12/2030",
            "2030-1-1",
            "20300101",
            "-2030-01-01",
            "2030-02-01T00:00",
            "igår",
            " ",
            "",
            "1e9",
            "2030-02-01\x00",
        ]
    ),
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
    workflow.save_opinion(
        referral, text="<p>Positiv.</p>", proposed_decision="<p>Godkänn.</p>", date=date(2030, 2, 1), by=officer
    )
    workflow.mark_opinion_ready(referral, by=officer)
    decision = workflow.record_decision(referral, meeting_date=date(2030, 3, 20), points=["Godkänns."], by=officer)
    user = PoliticianUserFactory(username="ledamot")
    politician = PoliticianFactory(party=PartyFactory(abbreviation="M"), user=user)
    SeatFactory(politician=politician, body=namnd, role=Seat.Role.LEDAMOT)
    SeatFactory(politician=PoliticianFactory(party=PartyFactory(abbreviation="S")), body=namnd, role=Seat.Role.LEDAMOT)
    statement = workflow.add_statement(
        decision,
        kind=Statement.Kind.RESERVATION,
        authors=[AuthorSpec(politician)],
        text="<p>Vi reserverar oss.</p>",
        by=user,
    )
    office_officer = type(officer).objects.create_user(username="kontoret", role="officer")
    office_officer.bodies.add(office_referral.body)
    # A colleague's statement that invites the politician, and borgarrådsberedningen's decision
    # with a statement, so that the invitation's and the city's forms are on the pages too.
    colleague = PoliticianFactory(party=PartyFactory(abbreviation="S"))
    SeatFactory(politician=colleague, body=namnd, role=Seat.Role.LEDAMOT)
    workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        text="<p>Vi instämmer delvis.</p>",
        authors=[AuthorSpec(colleague), AuthorSpec(politician, accepted=False)],
        by=user,
    )
    brb = BorgarradsberedningenFactory()
    KommunstyrelsenFactory()
    SeatFactory(politician=colleague, body=brb, role=Seat.Role.LEDAMOT)
    city_decision = workflow.record_city_decision(
        case, body=brb, points=["Tillstyrks."], meeting_date=None, by=registrar
    )
    workflow.add_statement(
        city_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(colleague)],
        text="<p>Ett uttalande.</p>",
        by=registrar,
    )
    # Two versions of Ärendet (its history's restore form), a proposal (the positions form), a body
    # not yet referred (the refer form) and a failed compilation (its retry button).
    workflow.save_background(case, text="<p>Första versionen.</p>", by=registrar)
    workflow.save_background(case, text="<p>Andra versionen.</p>", by=registrar)
    ProposalFactory(case=case, number="1")
    BodyFactory(name="Kulturnämnden")
    workflow.move_memo_job(workflow.create_memo_job(case, by=registrar), "fail", error="Avbröts.")
    nobody = type(officer).objects.create_user(username="utan-roll")  # logged in, but no role in the app
    # An administrator, for the Organisation section's forms; a meeting date, for its remove button.
    administrator = type(officer).objects.create_user(username="administrator", role="admin")
    Meeting.objects.create(body=referral.body, date=date.today())  # the calendar page opens at this year
    clients = {}
    for name, who in (
        ("registrar", registrar),
        ("officer", officer),
        ("office", office_officer),
        ("politician", user),
        ("other", nobody),
        ("administrator", administrator),
    ):
        clients[name] = Client()
        clients[name].force_login(who)
    return {
        "case": case,
        "referral": referral,
        "office": office_referral,
        "decision": decision,
        "statement": statement,
        "city_decision": city_decision,
        "clients": clients,
    }


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
@given(
    data=form(
        title=texts,
        reference=texts,
        sender=texts,
        ministry_dnr=texts,
        city_dnr=texts,
        received=dates,
        deadline=dates,
        commissioner=pks,
        memo_title=texts,
    )
)
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
    post = data.draw(
        form(
            title=texts,
            reference=texts,
            sender=texts,
            ministry_dnr=texts,
            city_dnr=texts,
            received=dates,
            deadline=dates,
            commissioner=pks,
            memo_title=texts,
        )
    )
    post_once(world["clients"]["registrar"], url("case_edit", case.pk), post, then_get=[url("case_detail", case.pk)])


@FUZZ
@given(data=st.data())
def test_refer(world, data) -> None:
    case = world["case"]
    bodies = list(
        Body.objects.exclude(referrals__case=case).exclude(kind__in=["borgarradsberedningen", "kommunstyrelsen"])
    )
    prefixes = [f"b{b.pk}" for b in bodies] + ["b999999"]
    fields = {}
    for prefix in prefixes:
        fields.update({f"{prefix}-chosen": booleans, f"{prefix}-deadline": dates})
    fields.update(
        {"order": st.one_of(texts, st.just(",".join(str(b.pk) for b in bodies))), "move": texts, "action": texts}
    )
    post_once(world["clients"]["registrar"], url("case_refer", case.pk), data.draw(form(**fields)))


@FUZZ
@given(
    data=form(
        text=texts,
        proposed_decision=texts,
        date=dates,
        position=texts,
        version=numbers,
        action=st.one_of(st.sampled_from(["save", "ready"]), texts),
    )
)
def test_opinion_save(world, data) -> None:
    office = world["office"]
    post_once(
        world["clients"]["office"],
        url("officer_referral", office.pk),
        data,
        then_get=[url("officer_referral", office.pk)],
    )


@FUZZ
@given(data=form(reason=texts, confirm=st.one_of(st.just("1"), texts)))
def test_officer_decline(world, data) -> None:
    office = world["office"]
    post_once(
        world["clients"]["office"],
        url("officer_decline", office.pk),
        data,
        then_get=[url("officer_referral", office.pk)],
    )


@FUZZ
@given(
    data=form(
        meeting_date=dates,
        points=texts,
        added_text=texts,
        added_text_after_point=numbers,
        immediate_justering=booleans,
        position=texts,
        version=numbers,
    )
)
def test_decision_record_and_edit(world, data) -> None:
    referral = world["referral"]
    post_once(
        world["clients"]["officer"],
        url("officer_decision", referral.pk),
        data,
        then_get=[url("officer_decision", referral.pk)],
    )


@FUZZ
@given(
    data=form(
        kind=st.one_of(st.sampled_from([k for k, _ in Statement.Kind.choices]), texts),
        text=texts,
        backed_proposal=texts,
        and_others=booleans,
        identical_to=pks,
        coauthors=pks,
    )
)
def test_statement_add(world, data) -> None:
    decision = world["decision"]
    post_once(
        world["clients"]["politician"],
        url("politician_statement_add", decision.pk),
        data,
        then_get=[url("politician_decision", decision.pk)],
    )


@FUZZ
@given(data=form(text=texts, backed_proposal=texts, identical_to=pks, coauthors=pks, version=numbers))
def test_statement_edit(world, data) -> None:
    statement = world["statement"]
    post_once(
        world["clients"]["politician"],
        url("politician_statement_edit", statement.pk),
        data,
        then_get=[url("politician_decision", statement.decision_id)],
    )


@FUZZ
@given(
    data=form(decision_points=texts, summary=texts, views=texts, signed_place=texts, signed_date=dates, version=numbers)
)
def test_city_proposal_save(world, data) -> None:
    case = world["case"]
    post_once(
        world["clients"]["registrar"],
        url("case_city_proposal", case.pk),
        data,
        then_get=[url("case_detail", case.pk), url("memo_preview", case.pk)],
    )


@FUZZ
@given(data=form(text=texts, version=numbers))
def test_background_save(world, data) -> None:
    case = world["case"]
    post_once(
        world["clients"]["registrar"], url("case_background", case.pk), data, then_get=[url("memo_preview", case.pk)]
    )


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
    event = data.draw(
        form(
            event=st.one_of(st.sampled_from(["start_compiling", "reopen_referrals", "answer"]), texts), confirm=confirms
        )
    )
    post_once(client, url("case_event", case.pk), event)
    referral = world["referral"]
    move = data.draw(
        form(
            event=st.one_of(st.sampled_from(["decline", "mark_no_answer"]), texts),
            back=texts,
            confirm=confirms,
            reason=texts,
        )
    )
    post_once(client, url("case_referral_event", case.pk, referral.pk), move)
    deadline = data.draw(form(deadline=dates))
    post_once(client, url("case_referral_deadline", case.pk, referral.pk), deadline)


@FUZZ
@given(data=form(kind=texts, number=texts, title=texts, summary=texts))
def test_proposal_add(world, data) -> None:
    case = world["case"]
    post_once(
        world["clients"]["registrar"], url("case_proposals", case.pk), data, then_get=[url("case_proposals", case.pk)]
    )


# --- Every form of every role --------------------------------------------------------------------
#
# The forms are found, not listed: each role's pages are read (tests/formcrawl.py) and every
# <form method="post"> on them is posted by every role, its own and everyone else's, with the
# values the page offers mixed with hostile ones. Posted as raw bytes, so lone surrogates arrive
# as the invalid UTF-8 a hostile client can send. The answer is never a 500, and a post that is
# refused (anything but a redirect) leaves every stored row as it was.

HOSTILE = [
    "99999999999999999999",
    str(2**63),
    str(-(2**63) - 1),
    "-1",
    "0",
    "1e309",
    "NaN",  # numbers no column holds
    "\x00",
    "a\x00b",
    "<p>\x00</p>",
    "2030-01-01\x00",  # NUL bytes
    "\ud800",
    "a\udfffb",
    "\udc80" * 8,  # lone surrogates
    "x" * 1_048_576,
    "å" * 524_288,
    "<p>" + "ord " * 262_144 + "</p>",  # 1 MB
    "",
]
hostile = st.one_of(st.sampled_from(HOSTILE), texts, numbers, dates)


def own_examples() -> int:
    """Examples per form for the role whose pages show it; REMISS_FUZZ_EXAMPLES for a longer run."""
    return int(os.environ.get("REMISS_FUZZ_EXAMPLES", "400" if EXPLORE else "5"))


def posted(form: PostForm) -> st.SearchStrategy:
    """The form's fields, each missing, as the page offers it, or hostile; sometimes repeated."""

    def value(offered: list[str]) -> st.SearchStrategy:
        return st.one_of(st.sampled_from(offered), hostile) if offered else hostile

    fields = {name: field(value(offered)) for name, offered in form.fields.items()}
    as_offered = {name: st.sampled_from(offered) for name, offered in form.fields.items() if offered}
    return st.one_of(st.fixed_dictionaries(as_offered), st.fixed_dictionaries({}, optional=fields))


def raw_body(data: dict) -> bytes:
    pairs = [(name, v) for name, value in data.items() for v in (value if isinstance(value, list) else [value])]
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass").encode("ascii")


def stored() -> dict[str, list[tuple]]:
    """Every row of the app's tables (history included) and of the task queue."""
    models = [*apps.get_app_config("remiss").get_models(), *apps.get_app_config("django_tasks_database").get_models()]
    return {m._meta.label: list(m._base_manager.order_by("pk").values_list()) for m in models}


def accepted(response) -> bool:
    """A redirect, or a page that says something was saved: the opinion's "Utkastet är sparat, men
    det kan inte markeras som klart än" saves the draft and refuses only the move to ready."""
    if response.status_code == 302:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)  # a rendered page has moved its messages to loaded
    said = [*getattr(storage, "_loaded_messages", []), *getattr(storage, "_queued_messages", [])]
    return any(m.level in (message_levels.SUCCESS, message_levels.INFO) for m in said)


def post_refused_changes_nothing(client: Client, action: str, data: dict, *, anonymous: bool = False) -> None:
    """Post once in a savepoint that is rolled back. Anonymous posts are always refused, except on
    the public forms."""
    anonymous = anonymous and action.split("#")[0] not in PUBLIC_ACTIONS
    client.cookies.pop("messages", None)  # only this post's messages count (earlier ones wait in the cookie)
    with transaction.atomic():
        before = stored()
        response = client.post(action, raw_body(data), content_type="application/x-www-form-urlencoded")
        assert response.status_code in ALLOWED | {405}, (action, response.status_code, data)
        if anonymous or not accepted(response):
            assert stored() == before, (action, response.status_code, data)
        if anonymous:
            assert response.status_code in (302, 403, 405) and "_auth_user_id" not in client.session
        transaction.set_rollback(True)


def start_pages(world) -> list[str]:
    case, referral, office = world["case"], world["referral"], world["office"]
    names = [
        ("home",),
        ("case_detail", case.pk),
        ("case_referral", case.pk, referral.pk),
        ("case_referral", case.pk, office.pk),
        ("case_city_decisions", case.pk),
        ("memo_list", case.pk),
        ("officer_referral", referral.pk),
        ("officer_referral", office.pk),
        ("officer_decision", referral.pk),
        ("politician_decision", world["decision"].pk),
        ("politician_statement_edit", world["statement"].pk),
        ("case_city_statement", case.pk, world["city_decision"].pk),
        ("password_change",),
        ("case_plan", case.pk),
        ("case_refer", case.pk),
        ("calendar_page",),
        ("history_opinion", referral.opinion.pk),
        ("history_statement", world["statement"].pk),
        ("history_background", case.pk),
        ("officer_positions", office.pk),
    ]
    return [reverse(name, args=args) for name, *args in names]


def organisation_pages(world) -> list[str]:
    """The administrator's start pages: the Organisation section (whose own start page waits for
    the first-run page, which is among them). Only the administrator's crawl starts here, so the
    other roles' crawls reach as far into their own pages as before; their posts to these forms
    are fuzzed all the same."""
    names = [("org_first_run",), ("org_bodies",), ("org_body_meetings", world["referral"].body_id)]
    names += [("org_accounts",), ("org_politicians",), ("org_seats",), ("org_terms",), ("org_parties",)]
    return [reverse(name, args=args) for name, *args in names]


def test_every_form_of_every_role(world) -> None:
    clients = world["clients"]
    found = {
        role: crawl(client, start_pages(world) + (organisation_pages(world) if role == "administrator" else []))
        for role, client in clients.items()
    }
    forms: dict[str, PostForm] = {}
    for role_forms in found.values():
        for action, form in role_forms.items():
            forms.setdefault(action, PostForm(action)).merge(form)
    assert len(forms) >= 30, sorted(forms)  # the crawl reached the app's forms
    for action, form in sorted(forms.items()):
        for role, client in clients.items():
            examples = own_examples() if action in found[role] else max(1, own_examples() // 4)
            fuzz_form(client, form, examples)
        fuzz_form(Client(), form, max(1, own_examples() // 4), anonymous=True)


def fuzz_form(client: Client, form: PostForm, examples: int, *, anonymous: bool = False) -> None:
    @settings(FUZZ, max_examples=examples)
    @given(data=posted(form))
    def post(data) -> None:
        post_refused_changes_nothing(client, form.action, data, anonymous=anonymous)

    post()


# --- What the fuzzing found, pinned down -----------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "deadline"), [("0001-01-01", "0001-01-10"), ("9999-12-01", "9999-12-31"), ("0023-03-01", "2023-06-01")]
)
def test_a_year_at_the_ends_of_the_calendar_is_refused_in_swedish(registrar, received, deadline) -> None:
    """Found by the fuzzing: a case dated in year 1 (a typed 0001) made its planning page and its
    refer page fail with OverflowError, on every visit. Such dates are now refused at the door."""
    from remiss.models import Case

    client = Client()
    client.force_login(registrar)
    data = {
        "title": "Gammalt",
        "reference": "SOU 1:1",
        "sender": "Dep",
        "city_dnr": "KS 1/1",
        "received": received,
        "deadline": deadline,
    }
    response = client.post(url("case_create"), data)
    assert response.status_code == 200
    assert "Datumet måste ligga mellan år 1900 och 2199." in response.content.decode()
    assert not Case.objects.exists()
    with pytest.raises(workflow.InvalidError):
        workflow.register_case(
            title="Gammalt",
            reference="SOU 1:1",
            sender="Dep",
            city_dnr="KS 1/1",
            received=date.fromisoformat(received),
            deadline=date.fromisoformat(deadline),
            by=registrar,
        )


@pytest.mark.parametrize(
    ("received", "deadline"), [(date(1900, 1, 1), date(1900, 1, 10)), (date(2199, 12, 1), date(2199, 12, 31))]
)
def test_a_case_at_the_ends_of_the_allowed_range_still_opens(registrar, namnd, office, received, deadline) -> None:
    case = workflow.register_case(
        title="Gammalt",
        reference="SOU 1:1",
        sender="Dep",
        city_dnr="KS 1/1",
        received=received,
        deadline=deadline,
        by=registrar,
    )
    client = Client()
    client.force_login(registrar)
    for name in ("case_detail", "case_refer", "case_plan", "memo_preview", "case_city_proposal"):
        try:
            page = reverse(name, args=[case.pk])
        except NoReverseMatch:
            continue
        response = client.get(page)
        assert response.status_code == 200, (name, response.status_code)


@pytest.mark.parametrize(
    "target", ["99999999999999999999", "abc", "case_list", "/arenden/\x00", "\x00/", "//evil.example/"]
)
def test_a_strange_next_after_a_new_calendar_link_goes_to_the_calendar_page(client, registrar, target) -> None:
    """Found by the fuzzing: `next=abc` made redirect() look "abc" up as a view name; not found,
    it was a 500 (and `next=case_list` went to the case list by its view name)."""
    client.force_login(registrar)
    response = client.post(reverse("calendar_new_link"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("calendar_page")


def test_a_local_next_after_a_new_calendar_link_is_followed(client, registrar) -> None:
    client.force_login(registrar)
    response = client.post(reverse("calendar_new_link"), {"next": "/arenden/?sida=2"})
    assert response.status_code == 302 and response["Location"] == "/arenden/?sida=2"
