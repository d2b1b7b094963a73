"""The compound moves the forms make (two or three workflow steps in one transaction): each
allowed path, each refused step, and that a refusal of a later step undoes the earlier ones."""

from datetime import date

import pytest

from remiss import workflow
from remiss.models import (
    MAX_TEXT_LENGTH,
    Body,
    Decision,
    Opinion,
    Referral,
    Seat,
    Statement,
    StatementAuthor,
)
from remiss.workflow import AuthorSpec, ConflictError, InvalidError, LockedError, WorkflowError
from tests.factories import OfficerFactory, PartyFactory, PoliticianFactory, PoliticianUserFactory, SeatFactory

pytestmark = pytest.mark.django_db

MEETING = date(2030, 3, 10)
TOO_LONG = "x" * (MAX_TEXT_LENGTH + 1)  # refused by the model's own validation (InvalidError)


def _reasons(obj) -> list[str]:
    """The history reasons of `obj`, oldest first."""
    rows = type(obj).history.filter(id=obj.pk).order_by("history_date", "history_id")
    return [row.history_change_reason for row in rows]


def _state(*objs) -> list[dict]:
    """Every column and the history count of each object, as the database has them now."""
    return [
        {**type(obj).objects.filter(pk=obj.pk).values().get(), "history": type(obj).history.filter(id=obj.pk).count()}
        for obj in objs
    ]


# --- save_opinion_and_position: the officer's opinion form -----------------------------------


@pytest.fixture
def office_referral(referred):
    _case, _r_namnd, r_office = referred
    return r_office, OfficerFactory(username="kontoret", bodies=[r_office.body])


def test_opinion_and_changed_position_are_saved_together(office_referral):
    referral, officer = office_referral
    opinion = workflow.save_opinion_and_position(
        referral,
        text="<p>Kontoret tillstyrker.</p>",
        date=date(2030, 2, 1),
        position="  Kontoret   tillstyrker förslagen. ",
        by=officer,
        expected_version=Opinion.objects.get(referral=referral).version,
    )
    referral.refresh_from_db()
    assert opinion.text == "<p>Kontoret tillstyrker.</p>"
    assert referral.status == Referral.Status.DRAFTING
    assert referral.position == "Kontoret tillstyrker förslagen."
    assert _reasons(opinion)[-1] == "Tjänsteutlåtandet sparat"
    assert _reasons(referral)[-2:] == ["Arbetet med tjänsteutlåtandet påbörjat", "Ställningstagande sparat"]
    assert referral.history.first().history_user == officer


def test_an_unchanged_position_writes_no_history_row(office_referral):
    referral, officer = office_referral
    Referral.objects.filter(pk=referral.pk).update(position="Kontoret tillstyrker.")
    referral.refresh_from_db()
    workflow.save_opinion_and_position(
        referral, text="<p>Text.</p>", position="Kontoret  tillstyrker.", by=officer, expected_version=None
    )
    assert "Ställningstagande sparat" not in _reasons(referral)
    assert Opinion.objects.get(referral=referral).text == "<p>Text.</p>"


def test_without_a_position_only_the_opinion_is_saved(referred, officer):
    """A nämnd's opinion form has no position field: the caller passes None."""
    _case, referral, _ = referred
    Referral.objects.filter(pk=referral.pk).update(position="Nämnden tillstyrker.")
    referral.refresh_from_db()
    workflow.save_opinion_and_position(referral, text="<p>Text.</p>", position=None, by=officer)
    referral.refresh_from_db()
    assert referral.position == "Nämnden tillstyrker."
    assert "Ställningstagande sparat" not in _reasons(referral)


def test_a_stale_opinion_changes_neither(office_referral):
    referral, officer = office_referral
    opinion = Opinion.objects.get(referral=referral)
    workflow.save_opinion(referral, text="<p>Kollegans text.</p>", by=officer, expected_version=opinion.version)
    before = _state(referral, opinion)
    with pytest.raises(ConflictError):
        workflow.save_opinion_and_position(
            referral, text="<p>Min text.</p>", position="Ny mening.", by=officer, expected_version=opinion.version
        )
    assert _state(referral, opinion) == before


def test_a_finished_opinion_is_locked_and_changes_neither(office_referral):
    referral, officer = office_referral
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.OPINION_READY)
    opinion = Opinion.objects.get(referral=referral)
    before = _state(referral, opinion)
    with pytest.raises(LockedError, match="Tjänsteutlåtandet kan inte ändras"):
        workflow.save_opinion_and_position(referral, text="<p>Ny.</p>", position="Ny mening.", by=officer)
    assert _state(referral, opinion) == before


@pytest.mark.parametrize("refusal", ["invalid", "locked"])
def test_a_refused_position_undoes_the_saved_opinion_and_the_start_of_drafting(office_referral, refusal):
    referral, officer = office_referral
    position, error = TOO_LONG, InvalidError
    if refusal == "locked":  # arrange only: a justered decision locks the position (set_position's rule)
        Decision.objects.create(
            case=referral.case, body=referral.body, meeting_date=MEETING, points=["Klart."], justered=True
        )
        position, error = "Ny mening.", LockedError
    opinion = Opinion.objects.get(referral=referral)
    before = _state(referral, opinion)
    with pytest.raises(error):
        workflow.save_opinion_and_position(
            referral, text="<p>Kontoret tillstyrker.</p>", position=position, by=officer, expected_version=None
        )
    assert _state(referral, opinion) == before  # still referred, the opinion still empty, no history


# --- edit_decision_and_position: the officer's decision form ---------------------------------


@pytest.fixture
def namnd_decision(referred):
    """The nämnd's recorded decision, not justered, and its referral."""
    _case, referral, _ = referred
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.OPINION_READY)
    decision = workflow.record_decision(referral, meeting_date=MEETING, points=["Nämnden godkänner."], by=None)
    referral.refresh_from_db()
    return decision, referral


def test_decision_and_changed_position_are_saved_together(namnd_decision, officer):
    decision, referral = namnd_decision
    workflow.edit_decision_and_position(
        decision,
        referral,
        points=["Nämnden godkänner med tillägg."],
        position="Nämnden tillstyrker.",
        by=officer,
        expected_version=decision.version,
    )
    decision.refresh_from_db()
    referral.refresh_from_db()
    assert decision.points == ["Nämnden godkänner med tillägg."]
    assert referral.position == "Nämnden tillstyrker."
    assert _reasons(decision)[-1] == "Beslutet ändrat"
    assert _reasons(referral)[-1] == "Ställningstagande sparat"


def test_an_unchanged_decision_position_writes_no_history_row(namnd_decision, officer):
    decision, referral = namnd_decision
    rows = referral.history.count()
    workflow.edit_decision_and_position(
        decision, referral, points=["Ändrad."], position=referral.position, by=officer, expected_version=None
    )
    assert referral.history.count() == rows
    assert Decision.objects.get(pk=decision.pk).points == ["Ändrad."]


@pytest.mark.parametrize("refusal", ["stale", "justered"])
def test_a_refused_decision_edit_changes_neither(namnd_decision, officer, refusal):
    decision, referral = namnd_decision
    version, error = decision.version, LockedError
    if refusal == "stale":
        workflow.edit_decision(decision, points=["Kollegans punkt."], by=officer, expected_version=version)
        error = ConflictError
    else:
        Decision.objects.filter(pk=decision.pk).update(justered=True)
    before = _state(decision, referral)
    with pytest.raises(error):
        workflow.edit_decision_and_position(
            decision, referral, points=["Min punkt."], position="Ny mening.", by=officer, expected_version=version
        )
    assert _state(decision, referral) == before


def test_a_refused_position_undoes_the_decision_edit(namnd_decision, officer):
    decision, referral = namnd_decision
    before = _state(decision, referral)
    with pytest.raises(InvalidError):
        workflow.edit_decision_and_position(
            decision, referral, points=["Ändrad."], position=TOO_LONG, by=officer, expected_version=decision.version
        )
    assert _state(decision, referral) == before  # points, version and history as they were


def test_another_bodys_referral_is_refused_before_anything_changes(namnd_decision, referred, officer):
    decision, referral = namnd_decision
    _case, _, r_office = referred
    before = _state(decision, referral, r_office)
    with pytest.raises(ValueError, match="not the decision's own"):
        workflow.edit_decision_and_position(decision, r_office, points=["Ändrad."], position="Ny.", by=officer)
    assert _state(decision, referral, r_office) == before


# --- edit_own_statement: the politician's statement form --------------------------------------


def _member(body: Body, first: str, last: str, party: str):
    politician = PoliticianFactory(
        first_name=first,
        last_name=last,
        party=PartyFactory(abbreviation=party),
        user=PoliticianUserFactory(username=f"{first}.{last}".lower()),
    )
    SeatFactory(politician=politician, body=body, role=Seat.Role.LEDAMOT)
    return politician


@pytest.fixture
def own_statement(namnd_decision):
    """Kristin's särskilt uttalande on the nämnd's decision, and two colleagues she may invite."""
    decision, _referral = namnd_decision
    kristin = _member(decision.body, "Kristin", "Jacobsson", "C")
    andrea = _member(decision.body, "Andrea", "Hedin", "M")
    jan = _member(decision.body, "Jan", "Jönsson", "L")
    statement = workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(kristin)],
        text="<p>Vi föreslår en handlingsplan.</p>",
        by=kristin.user,
    )
    return statement, kristin, andrea, jan


def _statement_state(statement: Statement) -> tuple:
    return (
        _state(statement),
        list(StatementAuthor.objects.order_by("pk").values_list("pk", "politician_id", "and_others", "accepted")),
        StatementAuthor.history.count(),
    )


def test_text_mark_and_invitations_are_saved_together(own_statement):
    statement, kristin, andrea, jan = own_statement
    workflow.edit_own_statement(
        statement,
        politician=kristin,
        and_others=True,
        invitees=[andrea, jan],
        text="<p>Vi föreslår en ny handlingsplan.</p>",
        by=kristin.user,
        expected_version=statement.version,
    )
    statement.refresh_from_db()
    assert statement.text == "<p>Vi föreslår en ny handlingsplan.</p>"
    assert _reasons(statement)[-1] == "Uttalandet ändrat"
    own = statement.authors.get(politician=kristin)
    assert own.and_others and _reasons(own)[-1] == "”m.fl.” tillagt"
    invited = statement.authors.filter(accepted=False).order_by("order")
    assert [a.politician for a in invited] == [andrea, jan]
    assert all(_reasons(a) == ["Medförfattare inbjuden"] for a in invited)


def test_an_unchanged_mark_and_no_invitees_save_the_text_alone(own_statement):
    statement, kristin, _andrea, _jan = own_statement
    own = statement.authors.get(politician=kristin)
    workflow.edit_own_statement(
        statement, politician=kristin, and_others=False, text="<p>Ny.</p>", by=kristin.user, expected_version=None
    )
    assert Statement.objects.get(pk=statement.pk).text == "<p>Ny.</p>"
    assert _reasons(own) == ["Författare tillagd"]  # no empty version of her row


@pytest.mark.parametrize("refusal", ["stale", "justered"])
def test_a_refused_statement_edit_changes_nothing(own_statement, refusal):
    statement, kristin, andrea, _jan = own_statement
    version, error = statement.version, LockedError
    if refusal == "stale":
        workflow.edit_statement(statement, text="<p>Kollegans.</p>", by=kristin.user, expected_version=version)
        error = ConflictError
    else:
        Decision.objects.filter(pk=statement.decision_id).update(justered=True)
    before = _statement_state(statement)
    with pytest.raises(error):
        workflow.edit_own_statement(
            statement,
            politician=kristin,
            and_others=True,
            invitees=[andrea],
            text="<p>Min.</p>",
            by=kristin.user,
            expected_version=version,
        )
    assert _statement_state(statement) == before


def test_a_refused_mark_undoes_the_text(own_statement):
    """The second step refuses someone who is not an accepted author: the text stays as it was."""
    statement, _kristin, andrea, _jan = own_statement
    before = _statement_state(statement)
    with pytest.raises(WorkflowError, match="står inte bland uttalandets författare"):
        workflow.edit_own_statement(
            statement,
            politician=andrea,
            and_others=True,
            text="<p>Ändrad.</p>",
            by=andrea.user,
            expected_version=statement.version,
        )
    assert _statement_state(statement) == before


def test_a_refused_invitation_undoes_the_text_the_mark_and_the_earlier_invitations(own_statement):
    statement, kristin, andrea, jan = own_statement
    workflow.invite_coauthor(statement, politician=jan, by=kristin.user)  # already invited: the third step refuses
    before = _statement_state(statement)
    with pytest.raises(WorkflowError, match="Jan Jönsson står redan bland författarna"):
        workflow.edit_own_statement(
            statement,
            politician=kristin,
            and_others=True,
            invitees=[andrea, jan],
            text="<p>Ändrad.</p>",
            by=kristin.user,
            expected_version=statement.version,
        )
    assert _statement_state(statement) == before  # Andrea's invitation, the mark and the text undone
