"""Model rules: every database constraint by a direct save, every clean() rule by a ValidationError.

Each failing case has a passing twin nearby, so a test cannot pass because of some other error.
"""

import re
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from remiss.models import (
    AccessibilityStatement,
    BarrierReport,
    Body,
    Case,
    CityProposal,
    CitySettings,
    Decision,
    Meeting,
    Memo,
    MemoJob,
    Opinion,
    Party,
    Politician,
    Position,
    Proposal,
    Referral,
    ReminderLog,
    Seat,
    Statement,
    StatementAuthor,
    Term,
    User,
)
from tests.factories import (
    BodyFactory,
    BorgarradsberedningenFactory,
    CaseFactory,
    DecisionFactory,
    KommunstyrelsenFactory,
    OfficeFactory,
    OpinionFactory,
    PartyFactory,
    PoliticianFactory,
    ProposalFactory,
    ReferralFactory,
    SeatFactory,
    StadsdelsnamndFactory,
    StatementAuthorFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_violates(save, table: str, *, name: str | None = None, unique: tuple[str, ...] = ()) -> None:
    """`save()` must fail in the database on exactly this constraint (SQLite and PostgreSQL alike).

    `name` is a declared constraint; `unique` the columns of a unique one (which SQLite names by
    its columns, and PostgreSQL by `name`, or by table and column for a field's `unique=True`).
    """
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        save()
    if connection.vendor == "postgresql":
        diag = error.value.__cause__.diag
        assert diag.table_name == table
        if name:
            assert diag.constraint_name == name
        else:
            assert re.fullmatch(rf"{table}_{unique[0]}_(key|[0-9a-f]+_uniq)", diag.constraint_name)
    elif unique:
        assert str(error.value) == "UNIQUE constraint failed: " + ", ".join(f"{table}.{c}" for c in unique)
    else:
        assert str(error.value) == f"CHECK constraint failed: {name}"


# --- Database constraints ---------------------------------------------------------------------


def test_seat_one_per_body_without_a_term():
    seat = SeatFactory(role=Seat.Role.LEDAMOT)
    SeatFactory(politician=seat.politician)  # another body: fine
    duplicate = Seat(politician=seat.politician, body=seat.body, role=Seat.Role.ERSATTARE)
    assert_violates(
        duplicate.save, "remiss_seat", name="one_seat_per_body_without_term", unique=("politician_id", "body_id")
    )
    assert Seat.objects.filter(politician=seat.politician, body=seat.body).count() == 1


def test_seat_one_per_body_and_term():
    old = Term.objects.create(name="2023–2026", starts=date(2023, 1, 1), ends=date(2026, 12, 31))
    new = Term.objects.create(name="2027–2030", starts=date(2027, 1, 1), ends=date(2030, 12, 31))
    seat = SeatFactory(role=Seat.Role.LEDAMOT, term=old)
    Seat.objects.create(politician=seat.politician, body=seat.body, role=Seat.Role.LEDAMOT, term=new)  # re-elected
    duplicate = Seat(politician=seat.politician, body=seat.body, role=Seat.Role.ERSATTARE, term=old)
    assert_violates(
        duplicate.save, "remiss_seat", name="one_seat_per_body_and_term", unique=("politician_id", "body_id", "term_id")
    )
    assert Seat.objects.filter(politician=seat.politician, body=seat.body).count() == 2


def test_seat_and_term_start_before_they_end():
    other = SeatFactory()
    seat = Seat(politician=other.politician, body=BodyFactory(), role=Seat.Role.LEDAMOT)
    seat.starts, seat.ends = date(2027, 1, 1), date(2026, 12, 31)
    assert_violates(seat.save, "remiss_seat", name="seat_starts_before_ends")
    SeatFactory(starts=date(2027, 1, 1), ends=date(2027, 1, 1))  # one day: allowed
    term = Term(name="2027–2030", starts=date(2031, 1, 1), ends=date(2030, 12, 31))
    assert_violates(term.save, "remiss_term", name="term_starts_before_ends")


def test_case_deadline_not_before_received():
    CaseFactory(received=date(2030, 1, 10), deadline=date(2030, 1, 10))  # same day: allowed
    case = CaseFactory.build(received=date(2030, 1, 10), deadline=date(2030, 1, 9))
    assert_violates(case.save, "remiss_case", name="case_deadline_after_received")
    assert not Case.objects.filter(reference=case.reference).exists()


def test_case_reference_and_city_dnr_unique():
    existing = CaseFactory()
    same_reference = CaseFactory.build(reference=existing.reference)
    assert_violates(same_reference.save, "remiss_case", unique=("reference",))
    same_dnr = CaseFactory.build(city_dnr=existing.city_dnr)
    assert_violates(same_dnr.save, "remiss_case", unique=("city_dnr",))
    assert Case.objects.count() == 1


def test_party_and_body_names_unique():
    PartyFactory(abbreviation="M")
    assert_violates(
        Party(abbreviation="M", name="Nya Moderaterna", genitive="Nya Moderaternas").save,
        "remiss_party",
        unique=("abbreviation",),
    )
    assert_violates(
        Party(abbreviation="MM", name="Moderaterna", genitive="Moderaternas").save, "remiss_party", unique=("name",)
    )
    body = BodyFactory()
    duplicate = Body(name=body.name, name_in_text="x", kind=Body.Kind.FACKNAMND, administration="X")
    assert_violates(duplicate.save, "remiss_body", unique=("name",))


def test_proposal_number_unique_per_case_and_kind():
    proposal = ProposalFactory(number="5.1", kind=Proposal.Kind.FORSLAG)
    ProposalFactory(case=proposal.case, number="5.1", kind=Proposal.Kind.BEDOMNING)  # other kind: fine
    ProposalFactory(number="5.1", kind=Proposal.Kind.FORSLAG)  # other case: fine
    duplicate = Proposal(case=proposal.case, number="5.1", kind=Proposal.Kind.FORSLAG, title="Igen")
    assert_violates(
        duplicate.save, "remiss_proposal", name="proposal_number_unique", unique=("case_id", "kind", "number")
    )
    assert proposal.case.proposals.count() == 2


def test_referral_one_per_body():
    referral = ReferralFactory()
    ReferralFactory(body=referral.body)  # another case: fine
    duplicate = Referral(case=referral.case, body=referral.body, deadline=referral.deadline)
    assert_violates(duplicate.save, "remiss_referral", name="one_referral_per_body", unique=("case_id", "body_id"))
    assert referral.case.referrals.count() == 1


def test_decision_one_per_body():
    decision = DecisionFactory()
    DecisionFactory(body=decision.body)  # another case: fine
    duplicate = Decision(case=decision.case, body=decision.body, points=["Igen."])
    assert_violates(duplicate.save, "remiss_decision", name="one_decision_per_body", unique=("case_id", "body_id"))
    assert decision.case.decisions.count() == 1


def test_decision_added_text_point_positive():
    DecisionFactory(added_text_after_point=1)
    decision = DecisionFactory.build(added_text_after_point=0)
    decision.case.save()
    decision.body.save()
    assert_violates(decision.save, "remiss_decision", name="decision_added_text_point_positive")


def test_opinion_one_per_referral():
    opinion = OpinionFactory()
    assert_violates(Opinion(referral=opinion.referral).save, "remiss_opinion", unique=("referral_id",))


def test_statement_only_reservation_backs_proposal():
    StatementFactory(kind=Statement.Kind.RESERVATION, text="", backed_proposal="förvaltningens förslag till beslut")
    decision = DecisionFactory()
    for kind in (Statement.Kind.SARSKILT_UTTALANDE, Statement.Kind.ERSATTARYTTRANDE):
        statement = Statement(
            decision=decision, kind=kind, text="<p>Text.</p>", backed_proposal="förvaltningens förslag"
        )
        assert_violates(statement.save, "remiss_statement", name="only_reservation_backs_proposal")
    assert not decision.statements.exists()


def test_statement_has_content():
    decision = DecisionFactory()
    other = StatementFactory(decision=decision)
    # A reservation may be only a line; the others need text, an endorsement or an identical twin.
    Statement.objects.create(decision=decision, kind=Statement.Kind.RESERVATION, text="")
    Statement.objects.create(decision=decision, kind=Statement.Kind.ERSATTARYTTRANDE, text="", endorses=other)
    Statement.objects.create(decision=decision, kind=Statement.Kind.SARSKILT_UTTALANDE, text="", identical_to=other)
    for kind in (Statement.Kind.SARSKILT_UTTALANDE, Statement.Kind.ERSATTARYTTRANDE):
        empty = Statement(decision=decision, kind=kind, text="")
        assert_violates(empty.save, "remiss_statement", name="statement_has_content")
    assert decision.statements.count() == 4


def test_statement_cannot_endorse_itself_in_the_database():
    statement = StatementFactory()
    other = StatementFactory(decision=statement.decision)
    statement.endorses = other
    statement.save()  # endorsing another statement: fine
    statement.endorses_id = statement.pk
    assert_violates(statement.save, "remiss_statement", name="statement_not_endorsing_itself")
    statement.refresh_from_db()
    assert statement.endorses_id == other.pk


def test_statement_cannot_be_identical_to_itself_in_the_database():
    statement = StatementFactory()
    other = StatementFactory()
    statement.identical_to = other
    statement.save()
    statement.identical_to_id = statement.pk
    assert_violates(statement.save, "remiss_statement", name="statement_not_identical_to_itself")
    statement.refresh_from_db()
    assert statement.identical_to_id == other.pk


def test_statement_author_once_per_statement():
    author = StatementAuthorFactory()
    StatementAuthorFactory(statement=author.statement)  # another politician: fine
    duplicate = StatementAuthor(statement=author.statement, politician=author.politician)
    assert_violates(
        duplicate.save,
        "remiss_statementauthor",
        name="author_once_per_statement",
        unique=("statement_id", "politician_id"),
    )
    assert author.statement.authors.count() == 2


def test_politician_user_is_one_to_one():
    user = UserFactory()
    PoliticianFactory(user=user)
    assert_violates(
        PoliticianFactory.build(user=user, party=PartyFactory()).save, "remiss_politician", unique=("user_id",)
    )


def test_position_one_per_referral_and_proposal():
    referral = ReferralFactory()
    proposal = ProposalFactory(case=referral.case)
    Position.objects.create(referral=referral, proposal=proposal, stance=Position.Stance.TILLSTYRKER)
    Position.objects.create(
        referral=referral, proposal=ProposalFactory(case=referral.case), stance=Position.Stance.AVSTYRKER
    )
    duplicate = Position(referral=referral, proposal=proposal, stance=Position.Stance.AVSTYRKER)
    assert_violates(
        duplicate.save, "remiss_position", name="one_position_per_proposal", unique=("referral_id", "proposal_id")
    )
    assert referral.positions.count() == 2


def test_position_proposal_must_belong_to_the_referrals_case():
    referral = ReferralFactory()
    Position(
        referral=referral, proposal=ProposalFactory(case=referral.case), stance=Position.Stance.TILLSTYRKER
    ).full_clean()
    other = Position(referral=referral, proposal=ProposalFactory(), stance=Position.Stance.TILLSTYRKER)
    with pytest.raises(ValidationError, match="Förslaget hör till ett annat ärende än remitteringen"):
        other.full_clean()


def test_meeting_one_per_body_and_day():
    meeting = Meeting.objects.create(body=BodyFactory(), date=date(2023, 3, 21))
    Meeting.objects.create(body=meeting.body, date=date(2023, 3, 22))
    Meeting.objects.create(body=BodyFactory(), date=date(2023, 3, 21))
    assert_violates(
        Meeting(body=meeting.body, date=date(2023, 3, 21)).save,
        "remiss_meeting",
        name="one_meeting_per_body_and_day",
        unique=("body_id", "date"),
    )


def test_reminder_once_per_user_and_key():
    reminder = ReminderLog.objects.create(user=UserFactory(), key="referral:1:due")
    ReminderLog.objects.create(user=reminder.user, key="referral:2:due")
    assert_violates(
        ReminderLog(user=reminder.user, key="referral:1:due").save,
        "remiss_reminderlog",
        name="reminder_once_per_user_and_key",
        unique=("user_id", "key"),
    )


def test_every_constraint_of_the_app_has_a_test_above():
    """A constraint added to a model needs its own IntegrityError test in this module."""
    tested = {
        "one_seat_per_body_without_term",
        "one_seat_per_body_and_term",
        "seat_starts_before_ends",
        "term_starts_before_ends",
        "case_deadline_after_received",
        "proposal_number_unique",
        "one_referral_per_body",
        "one_decision_per_body",
        "decision_added_text_point_positive",
        "only_reservation_backs_proposal",
        "statement_has_content",
        "statement_not_endorsing_itself",
        "statement_not_identical_to_itself",
        "author_once_per_statement",
        "one_position_per_proposal",
        "one_meeting_per_body_and_day",
        "reminder_once_per_user_and_key",
    }
    declared = {
        constraint.name
        for model in apps.get_app_config("remiss").get_models()
        for constraint in model._meta.constraints
    }
    assert declared == tested


# --- clean(): who may make which statement ----------------------------------------------------


@pytest.fixture
def namnd_decision(db):
    body = BodyFactory(name="Socialnämnden", name_in_text="socialnämnden", administration="Socialförvaltningen")
    return DecisionFactory(body=body)


def _seat_error(author: StatementAuthor) -> tuple[str, str]:
    """The code and message of the one seat rule `author.full_clean()` breaks."""
    with pytest.raises(ValidationError) as error:
        author.full_clean()
    (only,) = error.value.error_dict["__all__"]
    return only.code, only.messages[0]


def _author(decision, kind, seat_role, **statement_fields):
    statement = StatementFactory(decision=decision, kind=kind, **statement_fields)
    politician = PoliticianFactory(first_name="Michaela", last_name="Hollis", party=PartyFactory(abbreviation="KD"))
    if seat_role is not None:
        SeatFactory(politician=politician, body=decision.body, role=seat_role)
    return StatementAuthor(statement=statement, politician=politician)


def test_ersattaryttrande_by_an_ersattare_is_valid(namnd_decision):
    _author(namnd_decision, Statement.Kind.ERSATTARYTTRANDE, Seat.Role.ERSATTARE).full_clean()


def test_ersattaryttrande_by_a_ledamot_is_refused(namnd_decision):
    author = _author(namnd_decision, Statement.Kind.ERSATTARYTTRANDE, Seat.Role.LEDAMOT)
    code, message = _seat_error(author)
    assert code == "not_ersattare"
    assert (
        message == "Michaela Hollis är inte ersättare i socialnämnden; ett ersättaryttrande lämnas bara av ersättare."
    )


def test_ersattaryttrande_by_an_ersattare_of_another_body_is_refused(namnd_decision):
    author = _author(namnd_decision, Statement.Kind.ERSATTARYTTRANDE, None)
    SeatFactory(politician=author.politician, role=Seat.Role.ERSATTARE)  # ersättare, but elsewhere
    assert _seat_error(author)[0] == "no_seat"


@pytest.mark.parametrize("kind", [Statement.Kind.RESERVATION, Statement.Kind.SARSKILT_UTTALANDE])
def test_reservation_and_sarskilt_uttalande_by_a_ledamot_are_valid(namnd_decision, kind):
    _author(namnd_decision, kind, Seat.Role.LEDAMOT).full_clean()


@pytest.mark.parametrize("kind", [Statement.Kind.RESERVATION, Statement.Kind.SARSKILT_UTTALANDE])
def test_reservation_and_sarskilt_uttalande_by_an_ersattare_are_refused(namnd_decision, kind):
    author = _author(namnd_decision, kind, Seat.Role.ERSATTARE)
    code, message = _seat_error(author)
    assert code == "not_ledamot"
    assert message == "Michaela Hollis är ersättare i socialnämnden; en ersättare lämnar ett ersättaryttrande."


@pytest.mark.parametrize("kind", list(Statement.Kind))
def test_author_without_a_seat_is_refused(namnd_decision, kind):
    author = _author(namnd_decision, kind, None)
    code, message = _seat_error(author)
    assert code == "no_seat"
    assert message == "Michaela Hollis har ingen plats i socialnämnden och kan inte stå bakom ett uttalande där."


# --- clean(): the statement itself ------------------------------------------------------------


def _clean_errors(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return error.value.message_dict


def test_backed_proposal_only_on_a_reservation():
    decision = DecisionFactory()
    Statement(decision=decision, kind=Statement.Kind.RESERVATION, backed_proposal="förvaltningens förslag").full_clean()
    for kind in (Statement.Kind.SARSKILT_UTTALANDE, Statement.Kind.ERSATTARYTTRANDE):
        statement = Statement(
            decision=decision, kind=kind, text="<p>Text.</p>", backed_proposal="förvaltningens förslag"
        )
        errors = _clean_errors(statement)
        assert errors["backed_proposal"] == ["Bara en reservation kan yrka bifall till ett förslag."]


@pytest.mark.parametrize("kind", [Statement.Kind.SARSKILT_UTTALANDE, Statement.Kind.ERSATTARYTTRANDE])
def test_statement_needs_text_endorsement_or_likalydande(kind):
    decision = DecisionFactory()
    other = StatementFactory(decision=decision)
    errors = _clean_errors(Statement(decision=decision, kind=kind, text="   "))
    assert "text" in errors
    # Each of the three kinds of content is enough on its own.
    Statement(decision=decision, kind=kind, text="<p>Egen text.</p>").full_clean()
    Statement(decision=decision, kind=kind, endorses=other).full_clean()
    Statement(decision=decision, kind=kind, identical_to=other).full_clean()


def test_reservation_without_text_is_valid():
    Statement(decision=DecisionFactory(), kind=Statement.Kind.RESERVATION, text="").full_clean()


def test_statement_cannot_endorse_itself():
    statement = StatementFactory()
    statement.endorses_id = statement.pk
    errors = _clean_errors(statement)
    assert "Ett uttalande kan inte ställa sig bakom sig självt." in errors["endorses"]


def test_statement_cannot_be_identical_to_itself():
    statement = StatementFactory()
    statement.identical_to_id = statement.pk
    errors = _clean_errors(statement)
    assert "Ett uttalande kan inte vara likalydande med sig självt." in errors["identical_to"]


def test_endorsing_a_statement_of_another_decision_is_refused():
    statement = StatementFactory()
    elsewhere = StatementFactory(decision=DecisionFactory(case=statement.decision.case))
    endorsing = Statement(decision=statement.decision, kind=Statement.Kind.ERSATTARYTTRANDE, endorses=elsewhere)
    errors = _clean_errors(endorsing)
    assert errors["endorses"] == ["Man kan bara ställa sig bakom ett uttalande i samma beslut."]
    endorsing.endorses = statement
    endorsing.full_clean()


def test_likalydande_must_belong_to_the_same_case():
    brb = DecisionFactory(body=BorgarradsberedningenFactory())
    ks = DecisionFactory(case=brb.case, body=KommunstyrelsenFactory())
    original = StatementFactory(decision=brb)
    Statement(decision=ks, kind=Statement.Kind.SARSKILT_UTTALANDE, identical_to=original).full_clean()
    other_case = StatementFactory()
    errors = _clean_errors(Statement(decision=ks, kind=Statement.Kind.SARSKILT_UTTALANDE, identical_to=other_case))
    assert errors["identical_to"] == ["Ett likalydande uttalande måste höra till samma ärende."]


def test_statement_of_a_justered_decision_cannot_be_cleaned():
    statement = StatementFactory()
    statement.full_clean()
    Decision.objects.filter(pk=statement.decision_id).update(justered=True)
    statement.refresh_from_db()
    errors = _clean_errors(statement)
    assert "Beslutet är justerat; dess uttalanden kan inte längre ändras." in errors["__all__"]


# --- clean(): decisions, cases, referrals -----------------------------------------------------


def test_decision_for_an_office_is_refused():
    decision = DecisionFactory.build(body=OfficeFactory())
    decision.case.save()
    errors = _clean_errors(decision)
    assert errors["body"] == ["Ett kontor fattar inga beslut; det lämnar bara ett tjänsteutlåtande."]
    for kind in (
        Body.Kind.FACKNAMND,
        Body.Kind.STADSDELSNAMND,
        Body.Kind.BORGARRADSBEREDNINGEN,
        Body.Kind.KOMMUNSTYRELSEN,
    ):
        DecisionFactory.build(case=decision.case, body=BodyFactory(kind=kind)).full_clean()


def test_decision_meeting_after_remisstid_is_refused():
    case = CaseFactory(deadline=date(2030, 4, 28))
    DecisionFactory.build(
        case=case, body=BodyFactory(), meeting_date=date(2030, 4, 28)
    ).full_clean()  # on the day: fine
    decision = DecisionFactory.build(case=case, body=BodyFactory(), meeting_date=date(2030, 4, 29))
    errors = _clean_errors(decision)
    assert errors["meeting_date"] == ["Sammanträdet kan inte ligga efter remisstiden."]


@pytest.mark.parametrize("points", [["Godkänner.", "  "], [""], ["Godkänner.", 3], "Godkänner."])
def test_decision_points_must_be_a_list_of_texts(points):
    decision = DecisionFactory.build(body=BodyFactory(), points=points)
    decision.case.save()
    assert "points" in _clean_errors(decision)


def test_case_deadline_before_received_is_refused():
    CaseFactory.build(received=date(2030, 1, 10), deadline=date(2030, 1, 10)).full_clean()
    case = CaseFactory.build(received=date(2030, 1, 10), deadline=date(2030, 1, 9))
    errors = _clean_errors(case)
    assert errors["deadline"] == ["Remisstiden kan inte vara före datumet då remissen kom in."]


@pytest.mark.parametrize(
    ("deadline", "valid"),
    [
        (date(2030, 1, 9), False),
        (date(2030, 1, 10), True),
        (date(2030, 3, 1), True),
        (date(2030, 4, 28), True),
        (date(2030, 4, 29), False),
    ],
    ids=["day-before-received", "on-received", "between", "on-remisstid", "day-after-remisstid"],
)
def test_referral_deadline_within_received_and_remisstid(deadline, valid):
    case = CaseFactory(received=date(2030, 1, 10), deadline=date(2030, 4, 28))
    referral = Referral(case=case, body=BodyFactory(), deadline=deadline)
    if valid:
        referral.full_clean()
    else:
        errors = _clean_errors(referral)
        assert len(errors["deadline"]) == 1
        assert errors["deadline"][0].startswith("Svarsdatumet kan inte vara")


@pytest.mark.parametrize("factory", [BorgarradsberedningenFactory, KommunstyrelsenFactory], ids=["brb", "ks"])
def test_referral_to_a_city_level_body_is_refused(factory):
    case = CaseFactory()
    errors = _clean_errors(Referral(case=case, body=factory(), deadline=case.deadline))
    assert errors["body"] == ["Borgarrådsberedningen och kommunstyrelsen remitteras inte; de beslutar i ärendet."]
    for body in (OfficeFactory(), BodyFactory(), StadsdelsnamndFactory()):
        Referral(case=case, body=body, deadline=case.deadline).full_clean()


def test_city_proposal_signed_after_remisstid_is_refused():
    case = CaseFactory(deadline=date(2030, 4, 28))
    proposal = case.city_proposal
    proposal.signed_date = date(2030, 4, 28)
    proposal.full_clean()
    proposal.signed_date = date(2030, 4, 29)
    assert "signed_date" in _clean_errors(proposal)


def test_text_length_is_limited():
    from remiss.models import MAX_TEXT_LENGTH

    opinion = OpinionFactory()
    opinion.text = "x" * MAX_TEXT_LENGTH
    opinion.full_clean()
    opinion.text = "x" * (MAX_TEXT_LENGTH + 1)
    assert _clean_errors(opinion)["text"][0].startswith("Texten är för lång")


# --- Derived properties -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("administration", "expected"),
    [
        ("Socialförvaltningen", "Socialförvaltningens"),
        ("Skarpnäcks stadsdelsförvaltning", "Skarpnäcks stadsdelsförvaltnings"),
        ("Utbildningsförvaltningen", "Utbildningsförvaltningens"),
        ("Stadsledningskontoret", "Stadsledningskontorets"),
        ("Trafikkontoret", "Trafikkontorets"),
        ("Stockholms stads kansli", "Stockholms stads kanslis"),
        ("Stadsdelsförvaltningarnas samverkan Hammarby", "Stadsdelsförvaltningarnas samverkan Hammarbys"),
        ("Förvaltning för Aktiv Vux", "Förvaltning för Aktiv Vux"),
        ("Kulturhus", "Kulturhus"),
    ],
)
def test_administration_genitive(administration, expected):
    assert BodyFactory.build(administration=administration).administration_genitive == expected


def test_makes_decisions_and_city_level():
    assert not OfficeFactory.build().makes_decisions
    assert BodyFactory.build().makes_decisions
    assert StadsdelsnamndFactory.build().makes_decisions
    assert BorgarradsberedningenFactory.build().is_city_level
    assert KommunstyrelsenFactory.build().is_city_level
    assert not BodyFactory.build().is_city_level


@pytest.mark.parametrize(
    ("kind", "status", "answered"),
    [
        (Body.Kind.OFFICE, Referral.Status.OPINION_READY, True),
        (Body.Kind.OFFICE, Referral.Status.DRAFTING, False),
        (Body.Kind.FACKNAMND, Referral.Status.OPINION_READY, False),
        (Body.Kind.FACKNAMND, Referral.Status.DECIDED, True),
        (Body.Kind.FACKNAMND, Referral.Status.JUSTERED, True),
        (Body.Kind.FACKNAMND, Referral.Status.DECLINED, False),
    ],
)
def test_referral_is_answered(kind, status, answered):
    referral = ReferralFactory(body=BodyFactory(kind=kind))
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    assert referral.is_answered is answered
    assert referral.is_closed is (answered or status == Referral.Status.DECLINED)


def test_decision_numbered_only_with_several_points():
    assert not DecisionFactory.build(points=["Godkänner."]).numbered
    assert DecisionFactory.build(points=["Godkänner.", "Justeras omedelbart."]).numbered


# --- __str__ ----------------------------------------------------------------------------------


def test_str_of_every_model_is_swedish():
    moderaterna = PartyFactory(abbreviation="M")
    soc = BodyFactory(name="Socialnämnden", name_in_text="socialnämnden", administration="Socialförvaltningen")
    hedin = PoliticianFactory(first_name="Andrea", last_name="Hedin", party=moderaterna)
    seat = SeatFactory(politician=hedin, body=soc, role=Seat.Role.ERSATTARE)
    case = CaseFactory(title="Vägar till ett tryggare samhälle", reference="SOU 2022:67")
    proposal = ProposalFactory(case=case, kind=Proposal.Kind.BEDOMNING, number="6.2", title="Stöd till föräldrar")
    referral = ReferralFactory(case=case, body=soc)
    opinion = OpinionFactory(referral=referral)
    decision = DecisionFactory(case=case, body=soc)
    statement = StatementFactory(decision=decision, kind=Statement.Kind.RESERVATION)
    author = StatementAuthorFactory(statement=statement, politician=hedin)
    memo = Memo.objects.create(case=case, pdf="memos/1/a.pdf", sha256="0" * 64)
    user = UserFactory(username="registrator")
    position = Position.objects.create(referral=referral, proposal=proposal, stance=Position.Stance.TILLSTYRKER)
    meeting = Meeting.objects.create(body=soc, date=date(2023, 3, 21))
    reminder = ReminderLog.objects.create(user=user, key="referral:12:due:2023-03-31")
    job = MemoJob.objects.create(case=case)
    statement_page = AccessibilityStatement.objects.create(
        organisation="Stockholms stad", text="<p>x</p>", assessed_on=date(2027, 1, 1)
    )
    barrier = BarrierReport.objects.create(description="Knappen går inte att nå med tangentbordet.")
    term = Term.objects.create(name="2027–2030", starts=date(2027, 1, 1), ends=date(2030, 12, 31))
    city = CitySettings.objects.create(city_name="Göteborgs Stad", signing_place="Göteborg")

    expected = {
        moderaterna: "Moderaterna (M)",
        soc: "Socialnämnden",
        hedin: "Andrea Hedin (M)",
        seat: "Andrea Hedin (M) – Ersättare i Socialnämnden",
        case: "Vägar till ett tryggare samhälle (SOU 2022:67)",
        proposal: "Bedömning 6.2: Stöd till föräldrar",
        referral: "SOU 2022:67 → Socialnämnden",
        opinion: "Tjänsteutlåtande från Socialförvaltningen",
        decision: "Socialnämndens beslut i SOU 2022:67",
        statement: "Reservation (Socialnämnden)",
        author: "Andrea Hedin (M)",
        case.city_proposal: "Förslag till beslut i SOU 2022:67",
        user: "registrator",
        position: "Socialnämnden: 6.2 – Tillstyrker",
        meeting: "Socialnämnden 2023-03-21",
        reminder: "registrator – referral:12:due:2023-03-31",
        job: "SOU 2022:67: I kö",
        statement_page: "Tillgänglighetsredogörelse",
        barrier: "Tillgänglighetsbrist: Knappen går inte att nå med tangentbordet.",
        term: "Mandatperiod 2027–2030",
        city: "Göteborgs Stad",
    }
    for obj, text in expected.items():
        assert str(obj) == text, type(obj).__name__
    assert str(memo).startswith("Promemoria SOU 2022:67, ")
    assert str(memo.created_at.year) in str(memo)
    # Every model of the app is covered above: a new model needs its line here.
    app_models = {m for m in apps.get_app_config("remiss").get_models() if not m.__name__.startswith("Historical")}
    covered = {type(obj) for obj in expected} | {Memo}
    assert app_models - covered == set(), "models without a __str__ test"


def test_str_of_each_kind_and_role_uses_swedish_labels():
    soc = BodyFactory(name="Utbildningsnämnden")
    decision = DecisionFactory(body=soc)
    labels = {
        Statement.Kind.SARSKILT_UTTALANDE: "Särskilt uttalande (Utbildningsnämnden)",
        Statement.Kind.ERSATTARYTTRANDE: "Ersättaryttrande (Utbildningsnämnden)",
    }
    for kind, text in labels.items():
        assert str(StatementFactory(decision=decision, kind=kind)) == text
    seat = SeatFactory(body=soc, role=Seat.Role.LEDAMOT)
    assert str(seat).endswith("– Ledamot i Utbildningsnämnden")
    assert str(ProposalFactory(kind=Proposal.Kind.FORSLAG, number="4", title="En kommitté")) == "Förslag 4: En kommitté"
    assert str(DecisionFactory(body=StadsdelsnamndFactory(name="Skarpnäcks stadsdelsnämnd"), case=decision.case)) == (
        f"Skarpnäcks stadsdelsnämnds beslut i {decision.case.reference}"
    )


def test_user_roles():
    assert UserFactory.build(role=User.Role.REGISTRAR).is_registrar
    assert not UserFactory.build(role=User.Role.OFFICER).is_registrar
    assert UserFactory.build(role=User.Role.OFFICER).is_officer
    assert User.Role.REGISTRAR.label == "Registrator"
    assert Politician._meta.verbose_name == "politiker"
    assert CityProposal._meta.verbose_name == "förslag till beslut"
