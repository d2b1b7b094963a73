"""The workflow: every transition of the tables, allowed and forbidden, and the rules around them."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from remiss import workflow
from remiss.attribution import attribution, listed_authors
from remiss.models import (
    MAX_AUTHORS,
    Body,
    Case,
    CityProposal,
    Decision,
    Opinion,
    Referral,
    Seat,
    Statement,
    StatementAuthor,
)
from remiss.workflow import (
    CASE_TABLE,
    REFERRAL_TABLE,
    AuthorSpec,
    ConflictError,
    LockedError,
    ReferralSpec,
    WorkflowError,
    find_row,
)
from tests.factories import (
    BodyFactory,
    BorgarradsberedningenFactory,
    CaseFactory,
    KommunstyrelsenFactory,
    OfficeFactory,
    OfficerFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    RegistrarFactory,
    SeatFactory,
    StadsdelsnamndFactory,
)

pytestmark = pytest.mark.django_db

DEADLINE = date(2030, 3, 31)
MEETING = date(2030, 3, 20)


def _events(table) -> list[str]:
    return list(dict.fromkeys(row.event for row in table))


CASE_EVENTS = _events(CASE_TABLE)
REFERRAL_EVENTS = _events(REFERRAL_TABLE)
BODY_KINDS = {"office": True, "namnd": False}

# The change reason each successful move writes into the moved row's history.
REASONS = {
    "refer": "Remitterat till 1 instans",
    "start_compiling": "Sammanställningen påbörjad",
    "reopen_referrals": "Remitteringen återupptagen",
    "decide": "Kommunstyrelsen har beslutat",
    "answer": "Svaret skickat till departementet",
    "start_drafting": "Arbetet med tjänsteutlåtandet påbörjat",
    "mark_opinion_ready": "Tjänsteutlåtandet markerat som klart",
    "reopen_opinion": "Tjänsteutlåtandet öppnat igen",
    "record_decision": "Nämndens beslut registrerat",
    "justera": "Beslutet justerat",
    "decline": "Avstår från att svara",
    "mark_no_answer": "Inget svar kom in",
}


def test_the_tables_name_every_event_and_status():
    """The generated cases below are only complete if the tables use what the models define."""
    assert set(CASE_EVENTS) | set(REFERRAL_EVENTS) == set(REASONS) == set(workflow.EVENT_LABELS)
    assert {r.source for r in CASE_TABLE} | {r.target for r in CASE_TABLE} <= set(Case.Status.values)
    assert {r.source for r in REFERRAL_TABLE} | {r.target for r in REFERRAL_TABLE} <= set(Referral.Status.values)
    # Every status is reachable and every non-final one can be left.
    assert {r.target for r in REFERRAL_TABLE} == set(Referral.Status.values) - {Referral.Status.REFERRED}
    assert {r.target for r in CASE_TABLE} == set(Case.Status.values) - {Case.Status.REGISTERED}


def _history(obj) -> int:
    return type(obj).history.filter(id=obj.pk).count()


def _latest(obj):
    return type(obj).history.filter(id=obj.pk).order_by("-history_date", "-history_id").first()


# --- Every transition of the case -------------------------------------------------------------


def _case_params():
    for event in CASE_EVENTS:
        for status in Case.Status.values:
            for kind, office in BODY_KINDS.items():
                yield pytest.param(event, status, office, id=f"case-{event}-from-{status}-{kind}")


@pytest.mark.parametrize(("event", "status", "is_office"), list(_case_params()))
def test_case_transition(event, status, is_office):
    office = is_office
    registrar = RegistrarFactory(username="registrator")
    case = CaseFactory()
    make_body = OfficeFactory if office else BodyFactory
    ks = KommunstyrelsenFactory()
    if status != Case.Status.REGISTERED:
        workflow.refer(case, bodies=[ReferralSpec(make_body(), DEADLINE)], by=registrar)
    # Arrange only: put the case in the status under test.
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    new_body = make_body()

    acts = {
        "refer": lambda: workflow.refer(case, bodies=[ReferralSpec(new_body, DEADLINE)], by=registrar),
        "start_compiling": lambda: workflow.start_compiling(case, by=registrar),
        "reopen_referrals": lambda: workflow.reopen_referrals(case, by=registrar),
        "decide": lambda: workflow.record_city_decision(case, body=ks, points=[], by=registrar),
        "answer": lambda: workflow.mark_answered(case, by=registrar),
    }
    row = find_row(CASE_TABLE, event, status, office=office)
    history_before = _history(case)
    referrals_before = case.referrals.count()

    if row is None:
        with pytest.raises(WorkflowError) as error:
            acts[event]()
        assert str(error.value).startswith("Det går inte att ")
        case.refresh_from_db()
        assert case.status == status
        assert _history(case) == history_before
        assert case.referrals.count() == referrals_before
        assert not Decision.objects.filter(case=case).exists()
        return

    acts[event]()
    case.refresh_from_db()
    assert case.status == row.target
    assert _history(case) == history_before + 1
    latest = _latest(case)
    assert latest.status == row.target
    assert latest.history_change_reason == REASONS[event]
    assert latest.history_user == registrar
    if event == "refer":
        assert case.referrals.filter(body=new_body).count() == 1
    if event == "decide":
        assert Decision.objects.get(case=case).body == ks


# --- Every transition of a referral -----------------------------------------------------------


def _referral_params():
    for event in REFERRAL_EVENTS:
        for status in Referral.Status.values:
            for kind, office in BODY_KINDS.items():
                yield pytest.param(event, status, office, id=f"referral-{event}-from-{status}-{kind}")


@pytest.mark.parametrize(("event", "status", "is_office"), list(_referral_params()))
def test_referral_transition(event, status, is_office, referred):
    case, r_namnd, r_office = referred
    office = is_office
    referral = r_office if office else r_namnd
    actor = OfficerFactory(username="handlaggare.test", bodies=[referral.body])
    # Arrange only: the status under test and what each move needs to be possible at all.
    Referral.objects.filter(pk=referral.pk).update(status=status)
    Opinion.objects.filter(referral=referral).update(text="<p>Förvaltningen tillstyrker.</p>", date=date(2030, 2, 1))
    decision = None
    if event == "justera":
        decision = Decision.objects.create(case=case, body=referral.body, meeting_date=MEETING, points=["Godkänner."])
    referral.refresh_from_db()

    acts = {
        "start_drafting": lambda: workflow.start_drafting(referral, by=actor),
        "mark_opinion_ready": lambda: workflow.mark_opinion_ready(referral, by=actor),
        "reopen_opinion": lambda: workflow.reopen_opinion(referral, by=actor),
        "record_decision": lambda: workflow.record_decision(
            referral,
            meeting_date=MEETING,
            points=["Nämnden godkänner tjänsteutlåtandet."],
            by=actor,
        ),
        "justera": lambda: workflow.justera(decision, by=actor),
        "decline": lambda: workflow.decline(referral, by=actor),
        "mark_no_answer": lambda: workflow.mark_no_answer(referral, by=actor),
    }
    row = find_row(REFERRAL_TABLE, event, status, office=office)
    history_before = _history(referral)
    decisions_before = Decision.objects.count()
    decision_history_before = _history(decision) if decision else 0

    if row is None:
        with pytest.raises(WorkflowError) as error:
            acts[event]()
        if office and event in ("record_decision", "justera"):
            assert str(error.value) == f"{referral.body.name} är ett kontor och fattar inga beslut."
        else:
            assert str(error.value).startswith("Det går inte att ")
        referral.refresh_from_db()
        assert referral.status == status
        assert _history(referral) == history_before
        assert Decision.objects.count() == decisions_before
        if decision is not None:
            decision.refresh_from_db()
            assert not decision.justered
            assert _history(decision) == decision_history_before
        return

    acts[event]()
    referral.refresh_from_db()
    assert referral.status == row.target
    assert _history(referral) == history_before + 1
    latest = _latest(referral)
    assert latest.status == row.target
    assert latest.history_change_reason == REASONS[event]
    assert latest.history_user == actor
    if event == "record_decision":
        assert Decision.objects.get(case=case, body=referral.body).points == ["Nämnden godkänner tjänsteutlåtandet."]
    if event == "justera":
        decision.refresh_from_db()
        assert decision.justered
        assert _history(decision) == decision_history_before + 1


def test_allowed_events_follow_the_table(referred):
    case, r_namnd, r_office = referred
    case.refresh_from_db()
    assert workflow.allowed_events(case) == ["refer", "start_compiling"]
    assert workflow.allowed_events(r_namnd) == ["start_drafting", "decline", "mark_no_answer"]
    Referral.objects.filter(pk__in=[r_namnd.pk, r_office.pk]).update(status=Referral.Status.OPINION_READY)
    r_namnd.refresh_from_db()
    r_office.refresh_from_db()
    assert workflow.allowed_events(r_namnd) == ["reopen_opinion", "record_decision", "decline", "mark_no_answer"]
    assert workflow.allowed_events(r_office) == ["reopen_opinion"]


def test_decline_keeps_its_reason_on_the_referral_with_history(referred):
    _case, r_namnd, _o = referred
    officer = OfficerFactory(username="handlaggare.avstar", bodies=[r_namnd.body])
    workflow.decline(r_namnd, by=officer, reason="  Ärendet berör inte nämndens verksamhet.\r\nSe protokollet.  ")
    r_namnd.refresh_from_db()
    assert r_namnd.status == Referral.Status.DECLINED
    assert r_namnd.decline_reason == "Ärendet berör inte nämndens verksamhet.\nSe protokollet."
    latest = _latest(r_namnd)
    assert latest.decline_reason == r_namnd.decline_reason
    assert latest.history_change_reason == "Avstår från att svara"
    assert latest.history_user == officer


def test_a_refused_decline_keeps_no_reason(referred):
    _case, _n, r_office = referred
    Referral.objects.filter(pk=r_office.pk).update(status=Referral.Status.OPINION_READY)
    history = _history(r_office)
    with pytest.raises(WorkflowError, match="Det går inte att avstå från att svara"):
        workflow.decline(r_office, by=None, reason="För sent.")
    r_office.refresh_from_db()
    assert r_office.status == Referral.Status.OPINION_READY and r_office.decline_reason == ""
    assert _history(r_office) == history


# --- A whole case, through the public functions -----------------------------------------------


def test_a_case_from_registration_to_answer_writes_one_history_row_per_move():
    registrar = RegistrarFactory(username="registrator")
    soc = BodyFactory(name="Socialnämnden", name_in_text="socialnämnden", administration="Socialförvaltningen")
    officer = OfficerFactory(username="handlaggare.soc", bodies=[soc])
    case = workflow.register_case(
        title="Vägar till ett tryggare samhälle",
        reference="SOU 2030:67",
        sender="Justitiedepartementet",
        city_dnr="KS 2030/99-1.1",
        received=date(2030, 1, 10),
        deadline=date(2030, 4, 28),
        by=registrar,
    )
    (referral,) = workflow.refer(case, bodies=[ReferralSpec(soc, DEADLINE)], by=registrar)
    workflow.save_opinion(referral, text="<p>Positiv.</p>", date=date(2030, 2, 22), by=officer)
    workflow.mark_opinion_ready(referral, by=officer)
    decision = workflow.record_decision(referral, meeting_date=MEETING, points=["Godkänner."], by=officer)
    workflow.justera(decision, by=officer)
    workflow.start_compiling(case, by=registrar)
    workflow.record_city_decision(case, body=KommunstyrelsenFactory(), points=[], by=registrar)
    workflow.mark_answered(case, by=registrar)

    def trail(obj):
        rows = type(obj).history.filter(id=obj.pk).order_by("history_date", "history_id")
        return [(r.status, r.history_change_reason, r.history_user) for r in rows]

    assert trail(case) == [
        ("registered", "Ärendet registrerat", registrar),
        ("referred", "Remitterat till 1 instans", registrar),
        ("compiling", "Sammanställningen påbörjad", registrar),
        ("decided", "Kommunstyrelsen har beslutat", registrar),
        ("answered", "Svaret skickat till departementet", registrar),
    ]
    assert trail(referral) == [
        ("referred", "Remitterat", registrar),
        ("drafting", "Arbetet med tjänsteutlåtandet påbörjat", officer),
        ("opinion_ready", "Tjänsteutlåtandet markerat som klart", officer),
        ("decided", "Nämndens beslut registrerat", officer),
        ("justered", "Beslutet justerat", officer),
    ]
    opinion = referral.opinion
    reasons = list(
        opinion.history.order_by("history_date", "history_id").values_list("history_change_reason", "history_user")
    )
    assert reasons == [
        ("Tomt tjänsteutlåtande skapat", registrar.pk),
        ("Tjänsteutlåtandet sparat", officer.pk),
        ("Tjänsteutlåtandet markerat som klart", officer.pk),  # the move, on the opinion's own history too
    ]


def test_a_failed_save_after_the_move_rolls_the_move_back(referred, monkeypatch):
    """record_city_decision moves the case before it saves the decision; a failing save undoes the move."""
    case, *_ = referred
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPILING)
    history_before = _history(case)

    def refuse(self):
        raise ValidationError("Beslutet kunde inte sparas.")

    monkeypatch.setattr(Decision, "clean", refuse)
    with pytest.raises(ValidationError, match="Beslutet kunde inte sparas"):
        workflow.record_city_decision(case, body=KommunstyrelsenFactory(), points=[], by=None)
    case.refresh_from_db()
    assert case.status == Case.Status.COMPILING
    assert _history(case) == history_before
    assert not case.decisions.exists()


def test_record_city_decision_for_borgarradsberedningen_does_not_decide_the_case(referred):
    case, *_ = referred
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPILING)
    decision = workflow.record_city_decision(
        case,
        body=BorgarradsberedningenFactory(),
        points=["Borgarrådsberedningen tillstyrker förslaget."],
        by=None,
    )
    case.refresh_from_db()
    assert case.status == Case.Status.COMPILING
    assert decision.points == ["Borgarrådsberedningen tillstyrker förslaget."]
    with pytest.raises(WorkflowError, match="Borgarrådsberedningens beslut är redan registrerat"):
        workflow.record_city_decision(case, body=BorgarradsberedningenFactory(), points=["Igen."], by=None)
    with pytest.raises(WorkflowError, match="Bara borgarrådsberedningens och kommunstyrelsens"):
        workflow.record_city_decision(case, body=BodyFactory(), points=["Nej."], by=None)
    assert case.decisions.count() == 1


def test_record_decision_refuses_a_meeting_after_remisstid(referred):
    case, r_namnd, _ = referred
    Referral.objects.filter(pk=r_namnd.pk).update(status=Referral.Status.OPINION_READY)
    with pytest.raises(WorkflowError, match="Sammanträdet kan inte ligga efter remisstiden"):
        workflow.record_decision(r_namnd, meeting_date=date(2030, 4, 29), points=["Godkänner."], by=None)
    with pytest.raises(WorkflowError, match="Skriv minst en beslutspunkt"):
        workflow.record_decision(r_namnd, meeting_date=MEETING, points=["  ", ""], by=None)
    r_namnd.refresh_from_db()
    assert r_namnd.status == Referral.Status.OPINION_READY
    assert not case.decisions.exists()


# --- The opinion ------------------------------------------------------------------------------


def test_save_opinion_sanitises_and_starts_drafting(referred, officer):
    _, referral, _ = referred
    opinion = workflow.save_opinion(
        referral,
        text='<p style="color:red">Vi är <b>positiva</b>.</p><script>alert("x")</script><p>&nbsp;</p>',
        proposed_decision="Nämnden godkänner\n\ntjänsteutlåtandet.",
        date=date(2030, 2, 22),
        by=officer,
    )
    opinion.refresh_from_db()
    assert opinion.text == "<p>Vi är <strong>positiva</strong>.</p>"
    assert opinion.proposed_decision == "<p>Nämnden godkänner</p><p>tjänsteutlåtandet.</p>"
    assert opinion.date == date(2030, 2, 22)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFTING
    assert _latest(referral).history_change_reason == "Arbetet med tjänsteutlåtandet påbörjat"
    assert _latest(referral).history_user == officer
    assert _latest(opinion).history_user == officer
    assert _latest(opinion).text == "<p>Vi är <strong>positiva</strong>.</p>"


@pytest.mark.parametrize(
    "status",
    [Referral.Status.OPINION_READY, Referral.Status.DECIDED, Referral.Status.JUSTERED, Referral.Status.DECLINED],
)
def test_save_opinion_refuses_a_finished_opinion(referred, officer, status):
    _, referral, _ = referred
    workflow.save_opinion(referral, text="<p>Första.</p>", date=date(2030, 2, 1), by=officer)
    Referral.objects.filter(pk=referral.pk).update(status=status)
    with pytest.raises(LockedError):
        workflow.save_opinion(referral, text="<p>Andra.</p>", by=officer)
    assert Opinion.objects.get(referral=referral).text == "<p>Första.</p>"


@pytest.mark.parametrize(
    ("text", "opinion_date", "message"),
    [
        ("", date(2030, 2, 1), "Tjänsteutlåtandet är tomt"),
        ("<p>&nbsp;</p><p> </p>", date(2030, 2, 1), "Tjänsteutlåtandet är tomt"),
        ("<p>Klart.</p>", None, "Ange tjänsteutlåtandets datum"),
    ],
    ids=["empty", "only-empty-paragraphs", "no-date"],
)
def test_mark_opinion_ready_refuses_an_unfinished_opinion(referred, officer, text, opinion_date, message):
    _, referral, _ = referred
    workflow.save_opinion(referral, text=text, date=opinion_date, by=officer)
    history_before = _history(referral)
    with pytest.raises(WorkflowError, match=message):
        workflow.mark_opinion_ready(referral, by=officer)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFTING
    assert _history(referral) == history_before


def test_save_opinion_with_a_stale_version_conflicts(referred, officer):
    _, referral, _ = referred
    colleague = OfficerFactory(username="kollega", bodies=[referral.body])
    version_both_read = Opinion.objects.get(referral=referral).version
    first = workflow.save_opinion(referral, text="<p>Min text.</p>", by=officer, expected_version=version_both_read)
    assert first.version == version_both_read + 1
    history_before = _history(first)

    with pytest.raises(ConflictError) as error:
        workflow.save_opinion(referral, text="<p>Kollegans text.</p>", by=colleague, expected_version=version_both_read)
    assert error.value.current.text == "<p>Min text.</p>"
    assert error.value.current.version == version_both_read + 1
    assert "Någon annan har sparat texten" in str(error.value)
    stored = Opinion.objects.get(referral=referral)
    assert stored.text == "<p>Min text.</p>"
    assert stored.version == version_both_read + 1
    assert _history(stored) == history_before

    # With the current version the colleague can save.
    workflow.save_opinion(referral, text="<p>Kollegans text.</p>", by=colleague, expected_version=stored.version)
    assert Opinion.objects.get(referral=referral).text == "<p>Kollegans text.</p>"


# --- Referring --------------------------------------------------------------------------------


def test_refer_refuses_a_body_twice(referred, registrar):
    case, r_namnd, _ = referred
    history_before = _history(case)
    with pytest.raises(WorkflowError, match="Ärendet är redan remitterat till socialnämnden"):
        workflow.refer(case, bodies=[ReferralSpec(r_namnd.body, DEADLINE)], by=registrar)
    fresh = StadsdelsnamndFactory(name="Skarpnäcks stadsdelsnämnd", name_in_text="Skarpnäcks stadsdelsnämnd")
    with pytest.raises(WorkflowError, match="Ärendet är redan remitterat till Skarpnäcks stadsdelsnämnd"):
        workflow.refer(case, bodies=[ReferralSpec(fresh, DEADLINE), ReferralSpec(fresh, DEADLINE)], by=registrar)
    assert case.referrals.count() == 2
    assert not Referral.objects.filter(body=fresh).exists()
    assert _history(case) == history_before
    # The same body in another case is fine, and a new body in this one continues the order.
    (later,) = workflow.refer(case, bodies=[ReferralSpec(fresh, DEADLINE)], by=registrar)
    assert later.order == 3
    workflow.refer(CaseFactory(), bodies=[ReferralSpec(r_namnd.body, DEADLINE)], by=registrar)


def test_refer_needs_a_body_and_valid_deadlines(case, namnd, registrar):
    with pytest.raises(WorkflowError, match="Välj minst en remissinstans"):
        workflow.refer(case, bodies=[], by=registrar)
    # The referral's own rules (Referral.clean) surface as the model's ValidationError.
    with pytest.raises(ValidationError, match="Svarsdatumet kan inte vara efter remisstiden"):
        workflow.refer(case, bodies=[ReferralSpec(namnd, date(2030, 4, 29))], by=registrar)
    with pytest.raises(ValidationError, match="Borgarrådsberedningen och kommunstyrelsen remitteras inte"):
        workflow.refer(case, bodies=[ReferralSpec(KommunstyrelsenFactory(), DEADLINE)], by=registrar)
    case.refresh_from_db()
    assert case.status == Case.Status.REGISTERED
    assert not case.referrals.exists()
    assert _history(case) == 1


def test_refer_creates_the_referrals_in_order_with_an_empty_opinion(referred):
    case, r_namnd, r_office = referred
    assert list(case.referrals.values_list("body__name", "order", "status")) == [
        ("Socialnämnden", 1, "referred"),
        ("Stadsledningskontoret", 2, "referred"),
    ]
    for referral in (r_namnd, r_office):
        assert referral.opinion.text == ""
        assert referral.opinion.date is None


# --- Statements and co-authors ----------------------------------------------------------------


@pytest.fixture
def soc_decision(referred):
    """The nämnd's recorded, not yet justered, decision."""
    _, referral, _ = referred
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.OPINION_READY)
    return workflow.record_decision(referral, meeting_date=MEETING, points=["Socialnämnden godkänner."], by=None)


def _member(body: Body, first: str, last: str, party: str, role=Seat.Role.LEDAMOT, user=True):
    politician = PoliticianFactory(
        first_name=first,
        last_name=last,
        party=PartyFactory(abbreviation=party),
        user=PoliticianUserFactory(username=f"{first}.{last}".lower()) if user else None,
    )
    SeatFactory(politician=politician, body=body, role=role)
    return politician


def test_co_author_is_listed_only_after_accepting(soc_decision):
    body = soc_decision.body
    kristin = _member(body, "Kristin", "Jacobsson", "C")
    andrea = _member(body, "Andrea", "Hedin", "M")
    statement = workflow.add_statement(
        soc_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(kristin)],
        text="<p>Vi föreslår en handlingsplan.</p>",
        by=kristin.user,
    )
    invitation = workflow.invite_coauthor(statement, politician=andrea, and_others=True, by=kristin.user)
    assert not invitation.accepted
    assert [a.politician for a in listed_authors(statement)] == [kristin]
    assert _latest(invitation).history_change_reason == "Medförfattare inbjuden"

    workflow.accept_coauthorship(invitation, by=andrea.user)
    assert [a.politician for a in listed_authors(statement)] == [kristin, andrea]
    assert _latest(invitation).history_change_reason == "Medförfattarskap accepterat"
    assert _latest(invitation).history_user == andrea.user
    with pytest.raises(WorkflowError, match="redan accepterad"):
        workflow.accept_coauthorship(invitation, by=andrea.user)
    with pytest.raises(WorkflowError, match="Andrea Hedin står redan bland författarna"):
        workflow.invite_coauthor(statement, politician=andrea, by=kristin.user)


def test_invitation_respects_the_seat_rules(soc_decision):
    body = soc_decision.body
    kristin = _member(body, "Kristin", "Jacobsson", "C")
    substitute = _member(body, "Michaela", "Hollis", "KD", role=Seat.Role.ERSATTARE)
    outsider = PoliticianFactory(first_name="Ola", last_name="Utomstående")
    statement = workflow.add_statement(
        soc_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(kristin)],
        text="<p>Text.</p>",
        by=None,
    )
    with pytest.raises(WorkflowError, match="Michaela Hollis är ersättare i socialnämnden"):
        workflow.invite_coauthor(statement, politician=substitute, by=None)
    with pytest.raises(WorkflowError, match="Ola Utomstående har ingen plats i socialnämnden"):
        workflow.invite_coauthor(statement, politician=outsider, by=None)
    assert statement.authors.count() == 1


def test_declining_an_invitation_removes_it(soc_decision):
    body = soc_decision.body
    kristin = _member(body, "Kristin", "Jacobsson", "C")
    andrea = _member(body, "Andrea", "Hedin", "M")
    statement = workflow.add_statement(
        soc_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(kristin)],
        text="<p>Text.</p>",
        by=None,
    )
    invitation = workflow.invite_coauthor(statement, politician=andrea, by=kristin.user)
    workflow.decline_coauthorship(invitation, by=andrea.user)
    assert not StatementAuthor.objects.filter(pk=invitation.pk).exists()
    deleted = StatementAuthor.history.filter(id=invitation.pk, history_type="-").get()
    assert deleted.history_change_reason == "Inbjudan avböjd"
    accepted = statement.authors.get()
    with pytest.raises(WorkflowError, match="kan inte tacka nej i efterhand"):
        workflow.decline_coauthorship(accepted, by=kristin.user)
    assert statement.authors.count() == 1


def test_an_author_sets_and_clears_their_own_and_others_mark(soc_decision):
    body = soc_decision.body
    kristin = _member(body, "Kristin", "Jacobsson", "C")
    andrea = _member(body, "Andrea", "Hedin", "M")
    statement = workflow.add_statement(
        soc_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(kristin), AuthorSpec(andrea)],
        text="<p>Text.</p>",
        by=kristin.user,
    )
    author = workflow.set_and_others(statement, politician=andrea, and_others=True, by=andrea.user)
    assert author.politician == andrea and StatementAuthor.objects.get(pk=author.pk).and_others is True
    assert not statement.authors.get(politician=kristin).and_others  # only her own row
    assert _latest(author).history_change_reason == "”m.fl.” tillagt"
    assert _latest(author).history_user == andrea.user
    assert attribution(Statement.objects.get(pk=statement.pk)) == (
        "Särskilt uttalande av Kristin Jacobsson (C) och Andrea Hedin m.fl. (M)"
    )
    rows = StatementAuthor.history.filter(id=author.pk).count()
    workflow.set_and_others(statement, politician=andrea, and_others=True, by=andrea.user)
    assert StatementAuthor.history.filter(id=author.pk).count() == rows  # unchanged: no empty version

    workflow.set_and_others(statement, politician=andrea, and_others=False, by=andrea.user)
    assert StatementAuthor.objects.get(pk=author.pk).and_others is False
    assert _latest(author).history_change_reason == "”m.fl.” borttaget"


def test_and_others_only_for_an_accepted_author_and_with_optimistic_locking(soc_decision):
    body = soc_decision.body
    kristin = _member(body, "Kristin", "Jacobsson", "C")
    andrea = _member(body, "Andrea", "Hedin", "M")
    jan = _member(body, "Jan", "Jönsson", "L")
    statement = workflow.add_statement(
        soc_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(kristin), AuthorSpec(andrea, accepted=False)],
        text="<p>Text.</p>",
        by=kristin.user,
    )
    for politician in (andrea, jan):  # an invitee, and someone not on the statement at all
        with pytest.raises(WorkflowError, match=f"{politician.full_name} står inte bland uttalandets författare"):
            workflow.set_and_others(statement, politician=politician, and_others=True, by=politician.user)
    assert not StatementAuthor.objects.filter(and_others=True).exists()

    read = statement.version
    workflow.edit_statement(statement, text="<p>Ny.</p>", by=kristin.user, expected_version=read)
    with pytest.raises(ConflictError):
        workflow.set_and_others(statement, politician=kristin, and_others=True, by=kristin.user, expected_version=read)
    assert not statement.authors.get(politician=kristin).and_others

    Case.objects.filter(pk=soc_decision.case_id).update(status=Case.Status.ANSWERED)  # the edit table's other lock
    with pytest.raises(LockedError, match="Ärendet är besvarat"):
        workflow.set_and_others(statement, politician=kristin, and_others=True, by=kristin.user)
    assert not statement.authors.get(politician=kristin).and_others


def test_pending_invitations_are_removed_at_justering(soc_decision):
    body = soc_decision.body
    kristin = _member(body, "Kristin", "Jacobsson", "C")
    andrea = _member(body, "Andrea", "Hedin", "M")
    jan = _member(body, "Jan", "Jönsson", "L")
    statement = workflow.add_statement(
        soc_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(kristin)],
        text="<p>Text.</p>",
        by=None,
    )
    accepted = workflow.invite_coauthor(statement, politician=andrea, by=kristin.user)
    workflow.accept_coauthorship(accepted, by=andrea.user)
    pending = workflow.invite_coauthor(statement, politician=jan, by=kristin.user)
    clerk = OfficerFactory(username="sekreterare", bodies=[body])

    workflow.justera(soc_decision, by=clerk)

    assert list(statement.authors.values_list("politician", flat=True)) == [kristin.pk, andrea.pk]
    assert not StatementAuthor.objects.filter(pk=pending.pk).exists()
    lapsed = StatementAuthor.history.filter(id=pending.pk, history_type="-").get()
    assert lapsed.history_change_reason == "Inbjudan förföll vid justering"
    assert lapsed.history_user == clerk


def _many_members(body: Body, n: int):
    return [_member(body, f"Ledamot{i}", "Testsson", "M", user=False) for i in range(n)]


def test_max_authors_on_add_statement(soc_decision):
    members = _many_members(soc_decision.body, MAX_AUTHORS + 1)
    with pytest.raises(WorkflowError) as error:
        workflow.add_statement(
            soc_decision,
            kind=Statement.Kind.SARSKILT_UTTALANDE,
            authors=[AuthorSpec(p) for p in members],
            text="<p>Text.</p>",
            by=None,
        )
    assert str(error.value) == f"Ett uttalande kan ha högst {MAX_AUTHORS} författare."
    assert not Statement.objects.exists()
    statement = workflow.add_statement(
        soc_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(p) for p in members[:MAX_AUTHORS]],
        text="<p>Text.</p>",
        by=None,
    )
    assert statement.authors.count() == MAX_AUTHORS
    with pytest.raises(WorkflowError) as error:
        workflow.invite_coauthor(statement, politician=members[-1], by=None)
    assert str(error.value) == f"Ett uttalande kan ha högst {MAX_AUTHORS} författare."
    assert statement.authors.count() == MAX_AUTHORS


def test_add_statement_refuses_duplicates_and_foreign_references(soc_decision, referred):
    case, _, _ = referred
    body = soc_decision.body
    kristin = _member(body, "Kristin", "Jacobsson", "C")
    with pytest.raises(WorkflowError, match="Samma person kan inte stå två gånger"):
        workflow.add_statement(
            soc_decision,
            kind=Statement.Kind.SARSKILT_UTTALANDE,
            authors=[AuthorSpec(kristin), AuthorSpec(kristin)],
            text="<p>Text.</p>",
            by=None,
        )
    with pytest.raises(WorkflowError, match="minst en författare"):
        workflow.add_statement(
            soc_decision, kind=Statement.Kind.SARSKILT_UTTALANDE, authors=[], text="<p>T.</p>", by=None
        )
    Case.objects.filter(pk=case.pk).update(status=Case.Status.COMPILING)
    brb = workflow.record_city_decision(case, body=BorgarradsberedningenFactory(), points=["Tillstyrker."], by=None)
    fjellner = _member(brb.body, "Christofer", "Fjellner", "M")
    elsewhere = workflow.add_statement(
        brb,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(fjellner)],
        text="<p>Text.</p>",
        by=None,
    )
    substitute = _member(body, "Michaela", "Hollis", "KD", role=Seat.Role.ERSATTARE)
    with pytest.raises(WorkflowError, match="samma beslut"):
        workflow.add_statement(
            soc_decision,
            kind=Statement.Kind.ERSATTARYTTRANDE,
            authors=[AuthorSpec(substitute)],
            endorses=elsewhere,
            by=None,
        )
    with pytest.raises(WorkflowError, match="Skriv en text"):
        workflow.add_statement(
            soc_decision, kind=Statement.Kind.ERSATTARYTTRANDE, authors=[AuthorSpec(substitute)], by=None
        )
    assert not soc_decision.statements.exists()


def test_add_statement_sanitises_and_records_the_author(soc_decision):
    kristin = _member(soc_decision.body, "Kristin", "Jacobsson", "C")
    statement = workflow.add_statement(
        soc_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(kristin)],
        text='<p onclick="x()">Vi <i>föreslår</i></p><script>x</script>',
        by=kristin.user,
    )
    statement.refresh_from_db()
    assert statement.text == "<p>Vi <em>föreslår</em></p>"
    assert statement.created_by == kristin.user
    assert _latest(statement).history_change_reason == "Uttalande tillagt"
    assert _latest(statement).history_user == kristin.user


# --- After justering nothing changes ----------------------------------------------------------


def test_after_justering_the_decision_and_its_statements_are_locked(soc_decision):
    body = soc_decision.body
    kristin = _member(body, "Kristin", "Jacobsson", "C")
    andrea = _member(body, "Andrea", "Hedin", "M")
    statement = workflow.add_statement(
        soc_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(kristin)],
        text="<p>Före justering.</p>",
        by=kristin.user,
    )
    workflow.justera(soc_decision, by=None)
    # Arrange only: an invitation that somehow outlived the justering.
    stray = StatementAuthor.objects.create(statement=statement, politician=andrea, accepted=False, order=9)

    def snapshot():
        d = Decision.objects.get(pk=soc_decision.pk)
        s = Statement.objects.get(pk=statement.pk)
        return (
            d.points,
            d.meeting_date,
            d.added_text,
            d.version,
            d.justered,
            s.text,
            s.version,
            Statement.objects.count(),
            list(StatementAuthor.objects.order_by("pk").values_list("pk", "accepted", "and_others")),
            Decision.history.count(),
            Statement.history.count(),
            StatementAuthor.history.count(),
        )

    before = snapshot()
    attempts = {
        "edit_decision": lambda: workflow.edit_decision(soc_decision, points=["Ändrat."], by=None),
        "edit_statement": lambda: workflow.edit_statement(statement, text="<p>Efter.</p>", by=kristin.user),
        "add_statement": lambda: workflow.add_statement(
            soc_decision,
            kind=Statement.Kind.RESERVATION,
            authors=[AuthorSpec(andrea)],
            by=andrea.user,
        ),
        "invite_coauthor": lambda: workflow.invite_coauthor(statement, politician=andrea, by=kristin.user),
        "set_and_others": lambda: workflow.set_and_others(
            statement, politician=kristin, and_others=True, by=kristin.user
        ),
        "accept_coauthorship": lambda: workflow.accept_coauthorship(stray, by=andrea.user),
        "decline_coauthorship": lambda: workflow.decline_coauthorship(stray, by=andrea.user),
        "justera": lambda: workflow.justera(soc_decision, by=None),
    }
    for name, attempt in attempts.items():
        with pytest.raises(LockedError, match="Beslutet är justerat"):
            attempt()
        assert snapshot() == before, name
    with pytest.raises(LockedError):
        workflow.set_position(Referral.objects.get(case=soc_decision.case, body=body), position="Ny.", by=None)


def test_before_justering_edits_go_through_with_optimistic_locking(soc_decision):
    kristin = _member(soc_decision.body, "Kristin", "Jacobsson", "C")
    statement = workflow.add_statement(
        soc_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(kristin)],
        text="<p>Ett.</p>",
        by=None,
    )
    read = statement.version
    workflow.edit_statement(statement, text="<p>Två.</p>", by=kristin.user, expected_version=read)
    with pytest.raises(ConflictError) as error:
        workflow.edit_statement(statement, text="<p>Tre.</p>", by=kristin.user, expected_version=read)
    assert error.value.current.text == "<p>Två.</p>"
    assert Statement.objects.get(pk=statement.pk).text == "<p>Två.</p>"

    decision_read = soc_decision.version
    workflow.edit_decision(soc_decision, points=["Godkänner i huvudsak.", " "], by=None, expected_version=decision_read)
    with pytest.raises(ConflictError):
        workflow.edit_decision(soc_decision, points=["Annat."], by=None, expected_version=decision_read)
    assert Decision.objects.get(pk=soc_decision.pk).points == ["Godkänner i huvudsak."]
    with pytest.raises(WorkflowError, match="Fälten justered ändras inte här"):
        workflow.edit_decision(soc_decision, justered=True, by=None)
    assert not Decision.objects.get(pk=soc_decision.pk).justered


# --- The case's own data ----------------------------------------------------------------------


def test_update_case_cannot_touch_the_status_or_an_answered_case(case, registrar):
    with pytest.raises(WorkflowError, match="Statusen ändras bara genom arbetsflödet"):
        workflow.update_case(case, status=Case.Status.ANSWERED, by=registrar)
    with pytest.raises(WorkflowError, match="Texten Ärendet ändras på sin egen sida"):
        workflow.update_case(case, background="<p>Förbi versionen.</p>", by=registrar)
    assert Case.objects.get(pk=case.pk).background == ""
    workflow.save_background(case, text="<h1>Bakgrund</h1><p onclick='x'>Text</p>", by=registrar)
    case.refresh_from_db()
    assert case.background == "<h3>Bakgrund</h3><p>Text</p>"
    assert case.status == Case.Status.REGISTERED
    Case.objects.filter(pk=case.pk).update(status=Case.Status.ANSWERED)
    with pytest.raises(LockedError):
        workflow.update_case(case, title="Ny titel", by=registrar)
    case.refresh_from_db()
    assert case.title != "Ny titel"


def test_save_background_counts_versions_and_refuses_a_stale_one(case, registrar):
    read = Case.objects.get(pk=case.pk).version
    saved = workflow.save_background(case, text="<p>Ett.</p>", by=registrar, expected_version=read)
    assert saved.version == read + 1 == Case.objects.get(pk=case.pk).version
    rows = Case.history.filter(id=case.pk).count()
    with pytest.raises(ConflictError) as error:
        workflow.save_background(case, text="<p>Två.</p>", by=registrar, expected_version=read)
    assert error.value.current.background == "<p>Ett.</p>"
    assert "Någon annan har sparat texten" in str(error.value)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.background, stored.version, Case.history.filter(id=case.pk).count()) == (
        "<p>Ett.</p>",
        read + 1,
        rows,
    )
    workflow.save_background(case, text="<p>Två.</p>", by=registrar, expected_version=read + 1)
    latest = Case.history.filter(id=case.pk).first()
    assert (latest.background, latest.history_change_reason, latest.history_user) == (
        "<p>Två.</p>",
        "Ärendet sparat",
        registrar,
    )


def test_status_moves_do_not_move_the_background_version(referred, registrar):
    """Only Ärendet's text counts: a status change while the registrar writes is no conflict."""
    case = referred[0]
    read = Case.objects.get(pk=case.pk).version
    workflow.start_compiling(case, by=registrar)
    workflow.update_case(case, title="Ny titel", by=registrar)
    workflow.save_background(case, text="<p>Ändå sparad.</p>", by=registrar, expected_version=read)
    assert Case.objects.get(pk=case.pk).background == "<p>Ändå sparad.</p>"


CITY_TEXTS_LOCKED = "Kommunstyrelsen har beslutat i ärendet. Ärendet och förslaget till beslut kan inte längre ändras."


def test_background_editable_until_kommunstyrelsen_decides_then_locked_for_edit_and_restore_alike(referred, registrar):
    case = referred[0]
    workflow.save_background(case, text="<p>Ett.</p>", by=registrar)
    workflow.start_compiling(case, by=registrar)
    case = workflow.save_background(case, text="<p>Två.</p>", by=registrar, expected_version=case.version + 1)
    assert Case.objects.get(pk=case.pk).background == "<p>Två.</p>"  # compiling: still open
    old = Case.history.filter(id=case.pk, background="<p>Ett.</p>").first().history_id
    workflow.record_city_decision(case, body=KommunstyrelsenFactory(), points=["Remissen besvaras."], by=registrar)
    case.refresh_from_db()
    assert workflow.city_texts_refusal(case) is not None
    before = (Case.objects.get(pk=case.pk).background, Case.objects.get(pk=case.pk).version, Case.history.count())
    with pytest.raises(LockedError) as edit:
        workflow.save_background(case, text="<p>Tre.</p>", by=registrar, expected_version=case.version)
    with pytest.raises(LockedError) as restore:
        workflow.restore_text(case, old, by=registrar, expected_version=case.version)
    with pytest.raises(LockedError) as proposal:
        workflow.save_city_proposal(case, summary="<p>Sent.</p>", by=registrar)
    assert str(edit.value) == str(restore.value) == str(proposal.value) == CITY_TEXTS_LOCKED
    assert str(workflow.restore_refusal(case)) == CITY_TEXTS_LOCKED
    assert (
        Case.objects.get(pk=case.pk).background,
        Case.objects.get(pk=case.pk).version,
        Case.history.count(),
    ) == before
    workflow.mark_answered(case, by=registrar)
    with pytest.raises(LockedError, match="Kommunstyrelsen har beslutat i ärendet"):
        workflow.save_background(case, text="<p>Tre.</p>", by=registrar)


def test_city_proposal_locked_once_kommunstyrelsen_has_decided(referred, registrar):
    case, *_ = referred
    proposal = workflow.save_city_proposal(
        case, summary="<p>Sammanfattning.</p>", decision_points=["Besvaras.", ""], by=registrar
    )
    assert proposal.decision_points == ["Besvaras."]
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DECIDED)
    with pytest.raises(LockedError):
        workflow.save_city_proposal(case, summary="<p>Ändrad.</p>", by=registrar)
    assert CityProposal.objects.get(case=case).summary == "<p>Sammanfattning.</p>"


def test_assign_officers_only_from_the_body(referred, registrar, officer):
    _, r_namnd, r_office = referred
    workflow.assign_officers(r_namnd, officers=[officer], by=registrar)
    assert list(r_namnd.officers.all()) == [officer]
    with pytest.raises(WorkflowError, match="arbetar inte för stadsledningskontoret"):
        workflow.assign_officers(r_office, officers=[officer], by=registrar)
    assert not r_office.officers.exists()


# --- Assigning the handläggare ------------------------------------------------------------------


@pytest.mark.parametrize("is_office", [False, True], ids=["namnd", "office"])
@pytest.mark.parametrize("status", Referral.Status.values)
def test_assign_officers_until_the_referral_is_answered_or_closed(referred, registrar, status, is_office):
    _, r_namnd, r_office = referred
    referral = r_office if is_office else r_namnd
    colleague = OfficerFactory(username="kollega", first_name="Ulla", last_name="Berg", bodies=[referral.body])
    Referral.objects.filter(pk=referral.pk).update(status=status)  # arrange only
    referral.refresh_from_db()
    history_before = _history(referral)
    if referral.is_closed:  # answered (a nämnd's decision, an office's ready opinion), declined, no answer
        with pytest.raises(LockedError) as error:
            workflow.assign_officers(referral, officers=[colleague], by=registrar)
        assert (
            str(error.value)
            == f"Remitteringen har statusen ”{referral.get_status_display()}”; handläggarna kan inte längre ändras."
        )
        assert not referral.officers.exists()
        assert _history(referral) == history_before
        assert workflow.officers_refusal(referral) is not None
        return
    assert workflow.officers_refusal(referral) is None
    workflow.assign_officers(referral, officers=[colleague], by=registrar)
    assert list(referral.officers.all()) == [colleague]
    assert _history(referral) == history_before + 1
    assert _latest(referral).history_change_reason == "Handläggare tilldelade: Ulla Berg"
    assert _latest(referral).history_user == registrar
    assert Referral.objects.get(pk=referral.pk).status == status


def test_assign_officers_refuses_non_officers_and_records_removal(referred, registrar, officer):
    _, r_namnd, _ = referred
    politician = PoliticianUserFactory(username="politiker", first_name="Anna", last_name="Politiker")
    politician.bodies.add(r_namnd.body)  # even when (wrongly) linked to the body
    workflow.assign_officers(r_namnd, officers=[officer], by=registrar)
    with pytest.raises(WorkflowError, match="Anna Politiker är inte handläggare"):
        workflow.assign_officers(r_namnd, officers=[officer, politician], by=registrar)
    assert list(r_namnd.officers.all()) == [officer]
    workflow.assign_officers(r_namnd, officers=[], by=registrar)
    assert not r_namnd.officers.exists()
    assert _latest(r_namnd).history_change_reason == "Handläggare borttagna"


def test_assign_officers_reason_fits_the_history_column(referred, registrar):
    _, r_namnd, _ = referred
    many = [
        OfficerFactory(username=f"h{i}", first_name=f"Förnamn{i}", last_name="Efternamnsson", bodies=[r_namnd.body])
        for i in range(8)
    ]
    workflow.assign_officers(r_namnd, officers=many, by=registrar)
    reason = _latest(r_namnd).history_change_reason
    assert (
        len(reason) <= 100
        and reason.startswith("Handläggare tilldelade: Förnamn0 Efternamnsson")
        and reason.endswith("…")
    )
    assert r_namnd.officers.count() == 8


# --- Correcting and removing what a decision records ------------------------------------------


@pytest.fixture
def brb_statement(referred, registrar):
    """Borgarrådsberedningen's recorded decision with one särskilt uttalande of two ledamöter."""
    case, *_ = referred
    decision = workflow.record_city_decision(
        case, body=BorgarradsberedningenFactory(), points=["Tillstyrker."], by=registrar
    )
    fjellner = _member(decision.body, "Christofer", "Fjellner", "M", user=False)
    jonsson = _member(decision.body, "Jan", "Jönsson", "L", user=False)
    statement = workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(fjellner), AuthorSpec(jonsson)],
        text="<p>Vi vill framhålla skolan.</p>",
        by=registrar,
    )
    return decision, statement, fjellner, jonsson


def _decision_edit_params():
    for row in workflow.DECISION_EDIT_TABLE:
        for status in Case.Status.values:
            for justered in (False, True):
                yield pytest.param(
                    row.event, status, justered, id=f"{row.event}-case-{status}-{'justered' if justered else 'open'}"
                )


@pytest.mark.parametrize(("event", "status", "justered"), list(_decision_edit_params()))
def test_decision_edit_table(brb_statement, registrar, event, status, justered):
    decision, statement, fjellner, jonsson = brb_statement
    # Arrange only: the case's status and the decision's justering under test.
    Case.objects.filter(pk=decision.case_id).update(status=status)
    Decision.objects.filter(pk=decision.pk).update(justered=justered)
    decision.refresh_from_db()
    statement.refresh_from_db()
    acts = {
        "edit_decision": lambda: workflow.edit_decision(
            decision,
            points=["Borgarrådsberedningen tillstyrker med ändring."],
            by=registrar,
            expected_version=decision.version,
        ),
        "edit_statement": lambda: workflow.edit_statement(
            statement,
            text="<p>Ändrad.</p>",
            authors=[AuthorSpec(jonsson)],
            by=registrar,
            expected_version=statement.version,
        ),
        "remove_statement": lambda: workflow.remove_statement(
            statement, by=registrar, expected_version=statement.version
        ),
    }

    def snapshot():
        return (
            list(Decision.objects.values_list("pk", "points", "version")),
            list(Statement.objects.values_list("pk", "text", "version")),
            list(StatementAuthor.objects.order_by("pk").values_list("pk", "politician_id", "order")),
            Decision.history.count(),
            Statement.history.count(),
            StatementAuthor.history.count(),
        )

    row = next(r for r in workflow.DECISION_EDIT_TABLE if r.event == event)
    allowed = status in row.case_statuses and (row.justered or not justered)
    assert (workflow.decision_edit_refusal(decision, event) is None) == allowed
    if not allowed:
        before = snapshot()
        with pytest.raises(LockedError) as error:
            acts[event]()
        expected = "Beslutet är justerat." if justered else "Ärendet är besvarat."
        assert str(error.value).startswith(expected)
        assert snapshot() == before
        return
    acts[event]()
    if event == "edit_decision":
        assert Decision.objects.get(pk=decision.pk).points == ["Borgarrådsberedningen tillstyrker med ändring."]
        assert _latest(decision).history_change_reason == "Beslutet ändrat"
    elif event == "edit_statement":
        statement.refresh_from_db()
        assert statement.text == "<p>Ändrad.</p>"
        assert [a.politician for a in statement.authors.all()] == [jonsson]
        assert _latest(statement).history_change_reason == "Uttalandet ändrat"
    else:
        assert not Statement.objects.filter(pk=statement.pk).exists()


def test_the_decision_edit_table_names_real_statuses():
    assert {r.event for r in workflow.DECISION_EDIT_TABLE} == {"edit_decision", "edit_statement", "remove_statement"}
    for row in workflow.DECISION_EDIT_TABLE:
        assert set(row.case_statuses) <= set(Case.Status.values)
        assert Case.Status.ANSWERED not in row.case_statuses and not row.justered


def test_edit_statement_replaces_the_authors_in_order_with_history(brb_statement, registrar):
    decision, statement, fjellner, jonsson = brb_statement
    ekman = _member(decision.body, "Anna", "Ekman", "C", user=False)
    invitee = _member(decision.body, "Olle", "Inbjuden", "KD", user=False)
    pending = workflow.invite_coauthor(statement, politician=invitee, by=None)
    old_fjellner = statement.authors.get(politician=fjellner)

    workflow.edit_statement(
        statement,
        authors=[AuthorSpec(ekman), AuthorSpec(jonsson, and_others=True)],
        author_title="borgarråden",
        by=registrar,
        expected_version=statement.version,
    )

    authors = list(statement.authors.order_by("order"))
    assert [(a.politician, a.accepted, a.and_others, a.order) for a in authors] == [
        (ekman, True, False, 1),
        (jonsson, True, True, 2),
        (invitee, False, False, 3),
    ]
    assert pending.pk == authors[2].pk  # the unanswered invitation stays
    removed = StatementAuthor.history.filter(id=old_fjellner.pk, history_type="-").get()
    assert removed.history_change_reason == "Författare borttagen" and removed.history_user == registrar
    added = StatementAuthor.history.filter(id=authors[0].pk).get()
    assert added.history_change_reason == "Författare tillagd"
    assert _latest(authors[1]).history_change_reason == "Författare ändrad"
    assert Statement.objects.get(pk=statement.pk).author_title == "borgarråden"


def test_edit_statement_refuses_bad_authors_and_kinds_and_keeps_everything(brb_statement, registrar):
    decision, statement, fjellner, jonsson = brb_statement
    outsider = PoliticianFactory(first_name="Ola", last_name="Utomstående")
    substitute = _member(decision.body, "Michaela", "Hollis", "KD", role=Seat.Role.ERSATTARE, user=False)

    def snapshot():
        s = Statement.objects.get(pk=statement.pk)
        return (
            s.kind,
            s.text,
            s.version,
            list(s.authors.values_list("politician_id", "order")),
            Statement.history.count(),
        )

    before = snapshot()
    attempts = [
        ({"authors": []}, "minst en författare"),
        ({"authors": [AuthorSpec(jonsson), AuthorSpec(jonsson)]}, "Samma person kan inte stå två gånger"),
        ({"authors": [AuthorSpec(outsider)]}, "Ola Utomstående har ingen plats i borgarrådsberedningen"),
        ({"kind": Statement.Kind.ERSATTARYTTRANDE}, "är inte ersättare i borgarrådsberedningen"),
        ({"kind": Statement.Kind.ERSATTARYTTRANDE, "authors": [AuthorSpec(fjellner)]}, "är inte ersättare"),
        ({"backed_proposal": "förvaltningens förslag"}, "Bara en reservation kan yrka bifall"),
        ({"endorses": statement}, "kan inte ställa sig bakom sig självt"),
        ({"created_by": registrar}, "Fälten created_by ändras inte här"),
    ]
    for fields, message in attempts:
        with pytest.raises(WorkflowError, match=message):
            workflow.edit_statement(statement, text="<p>Nytt.</p>", by=registrar, **fields)
        assert snapshot() == before, fields
    # The same kind change with a fitting author goes through.
    workflow.edit_statement(
        statement,
        kind=Statement.Kind.ERSATTARYTTRANDE,
        authors=[AuthorSpec(substitute)],
        by=registrar,
    )
    statement.refresh_from_db()
    assert statement.kind == Statement.Kind.ERSATTARYTTRANDE
    assert [a.politician for a in statement.authors.all()] == [substitute]
    # A reservation backs a proposal and may endorse another statement in the same decision.
    other = workflow.add_statement(
        decision, kind=Statement.Kind.RESERVATION, authors=[AuthorSpec(fjellner)], by=registrar
    )
    workflow.edit_statement(
        statement,
        kind=Statement.Kind.RESERVATION,
        authors=[AuthorSpec(jonsson)],
        backed_proposal="  Moderaternas   förslag ",
        endorses=other,
        by=registrar,
    )
    statement.refresh_from_db()
    assert (statement.backed_proposal, statement.endorses) == ("Moderaternas förslag", other)


def test_remove_statement_keeps_the_deletion_in_history(brb_statement, registrar):
    decision, statement, fjellner, jonsson = brb_statement
    author_ids = list(statement.authors.values_list("pk", flat=True))
    stale = statement.version
    workflow.edit_statement(statement, text="<p>Någon annans ändring.</p>", by=registrar, expected_version=stale)
    with pytest.raises(ConflictError) as error:
        workflow.remove_statement(statement, by=registrar, expected_version=stale)
    assert error.value.current.text == "<p>Någon annans ändring.</p>"
    assert Statement.objects.filter(pk=statement.pk).exists() and statement.authors.count() == 2

    workflow.remove_statement(statement, by=registrar, expected_version=stale + 1)

    assert not Statement.objects.filter(pk=statement.pk).exists()
    assert not StatementAuthor.objects.filter(pk__in=author_ids).exists()
    gone = Statement.history.filter(id=statement.pk, history_type="-").get()
    assert (gone.history_change_reason, gone.history_user, gone.text) == (
        "Uttalandet borttaget",
        registrar,
        "<p>Någon annans ändring.</p>",
    )
    for pk in author_ids:
        row = StatementAuthor.history.filter(id=pk, history_type="-").get()
        assert (row.history_change_reason, row.history_user) == ("Uttalandet borttaget", registrar)


def test_remove_statement_refused_while_another_refers_to_it(brb_statement, registrar):
    decision, statement, fjellner, jonsson = brb_statement
    substitute = _member(decision.body, "Michaela", "Hollis", "KD", role=Seat.Role.ERSATTARE, user=False)
    endorsing = workflow.add_statement(
        decision,
        kind=Statement.Kind.ERSATTARYTTRANDE,
        authors=[AuthorSpec(substitute)],
        endorses=statement,
        by=registrar,
    )
    with pytest.raises(
        WorkflowError,
        match="Uttalandet kan inte tas bort, eftersom andra uttalanden hänvisar till det: Ersättaryttrande",
    ):
        workflow.remove_statement(statement, by=registrar)
    assert Statement.objects.filter(pk=statement.pk).exists()
    workflow.remove_statement(endorsing, by=registrar)
    workflow.remove_statement(statement, by=registrar)
    assert not Statement.objects.exists()


def test_restore_follows_the_decision_edit_table(brb_statement, registrar):
    decision, statement, fjellner, jonsson = brb_statement
    first = Statement.history.filter(id=statement.pk).order_by("history_id").first()
    workflow.edit_statement(statement, text="<p>Andra versionen.</p>", by=registrar)
    Case.objects.filter(pk=decision.case_id).update(status=Case.Status.ANSWERED)  # arrange only
    statement = Statement.objects.select_related("decision__case").get(pk=statement.pk)
    with pytest.raises(LockedError, match="Ärendet är besvarat. Beslutet och dess uttalanden kan inte längre ändras."):
        workflow.restore_text(statement, first.history_id, by=registrar)
    assert Statement.objects.get(pk=statement.pk).text == "<p>Andra versionen.</p>"
    Case.objects.filter(pk=decision.case_id).update(status=Case.Status.DECIDED)
    workflow.restore_text(Statement.objects.get(pk=statement.pk), first.history_id, by=registrar)
    assert Statement.objects.get(pk=statement.pk).text == "<p>Vi vill framhålla skolan.</p>"


# --- Compile jobs: a job that never started can fail -------------------------------------------


def test_a_queued_compile_job_can_fail_and_then_be_retried(case):
    """remiss.tasks fails a job stuck in the queue (and one whose task could not be queued)."""
    assert find_row(workflow.MEMO_JOB_TABLE, "fail", "queued").target == "failed"
    job = workflow.create_memo_job(case, by=None)
    job = workflow.move_memo_job(job, "fail", error="Sammanställningen kom aldrig in i kön")
    job.refresh_from_db()
    assert job.status == "failed" and job.error == "Sammanställningen kom aldrig in i kön"
    assert job.started_at is None and job.finished_at is not None
    job = workflow.move_memo_job(job, "retry")
    assert job.status == "queued" and job.finished_at is None


@pytest.mark.parametrize("status", ["done", "failed"])
def test_a_finished_compile_job_cannot_fail(case, status):
    job = workflow.create_memo_job(case, by=None)
    for event in ("start", "finish" if status == "done" else "fail"):
        job = workflow.move_memo_job(job, event)
    with pytest.raises(WorkflowError, match="kan inte misslyckas när den har statusen"):
        workflow.move_memo_job(job, "fail", error="x")
    job.refresh_from_db()
    assert job.status == status and job.error == ""
