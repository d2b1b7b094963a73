"""Decisions: a nämnd's on its opinion, borgarrådsberedningen's and kommunstyrelsen's, their
corrections (DECISION_EDIT_TABLE) and justering, which makes them final."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from remiss.models import Body, Case, Decision, Referral, StatementAuthor, User, genitive
from remiss.richtext import sanitize
from remiss.workflow.base import LockedError, WorkflowError, _claim_version, _delete, _locked, _save
from remiss.workflow.moves import _move_case, _move_referral
from remiss.workflow.referrals import set_position
from remiss.workflow.tables import decision_edit_row


def _clean_points(points: Sequence[str]) -> list[str]:
    return [" ".join(p.split()) for p in points if p and p.strip()]


def _check_meeting(case: Case, meeting_date: date | None) -> None:
    if meeting_date and meeting_date > case.deadline:
        raise WorkflowError(_("Sammanträdet kan inte ligga efter remisstiden (%(d)s).") % {"d": case.deadline})


def ensure_editable(decision: Decision) -> None:
    if decision.justered:
        raise LockedError(_("Beslutet är justerat. Det och dess uttalanden kan inte längre ändras."))


def decision_edit_refusal(decision: Decision, event: str) -> LockedError | None:
    """Why `event` (a row of DECISION_EDIT_TABLE) is not allowed on `decision` now, or None.
    Reads `decision` and its case as given; the workflow functions ask on the locked rows, and
    the pages ask to show a form or a read-only note."""
    row = decision_edit_row(event)
    if decision.justered and not row.justered:
        return LockedError(_("Beslutet är justerat. Det och dess uttalanden kan inte längre ändras."))
    if decision.case.status not in row.case_statuses:
        return LockedError(_("Ärendet är besvarat. Beslutet och dess uttalanden kan inte längre ändras."))
    return None


def _locked_decision(pk: int) -> Decision:
    """The decision and its case, both re-read under lock (the case first, as record_city_decision
    takes them), so a justering or the case's answer cannot slip in between the check and the save."""
    case_id = Decision.objects.values_list("case_id", flat=True).get(pk=pk)
    case = _locked(Case, case_id)
    decision = _locked(Decision, pk)
    decision.case = case
    return decision


def _ensure_decision_edit(decision: Decision, event: str) -> None:
    refusal = decision_edit_refusal(decision, event)
    if refusal is not None:
        raise refusal


@transaction.atomic
def record_decision(
    referral: Referral,
    *,
    meeting_date: date,
    points: Sequence[str],
    added_text: str = "",
    added_text_after_point: int = 1,
    immediate_justering: bool = False,
    position: str | None = None,
    by: User | None,
) -> Decision:
    """Record the nämnd's decision on its administration's opinion."""
    referral = _locked(Referral, referral.pk)
    points = _clean_points(points)
    if not points:
        raise WorkflowError(_("Skriv minst en beslutspunkt."))
    if meeting_date is None:
        raise WorkflowError(_("Ange sammanträdets datum."))
    _check_meeting(referral.case, meeting_date)
    _move_referral(referral, "record_decision", by, _("Nämndens beslut registrerat"))
    decision = Decision(
        case_id=referral.case_id,
        body_id=referral.body_id,
        meeting_date=meeting_date,
        points=points,
        added_text=sanitize(added_text),
        added_text_after_point=added_text_after_point,
        immediate_justering=immediate_justering,
    )
    _save(decision, by, _("Beslut registrerat"))
    if position is not None:
        referral.position = " ".join(position.split())
        _save(referral, by, _("Ställningstagande sparat"))
    return decision


@transaction.atomic
def record_city_decision(
    case: Case,
    *,
    body: Body,
    points: Sequence[str],
    meeting_date: date | None = None,
    by: User | None,
) -> Decision:
    """Borgarrådsberedningen's or kommunstyrelsen's decision. Kommunstyrelsen's decides the case."""
    case = _locked(Case, case.pk)
    if not body.is_city_level:
        raise WorkflowError(_("Bara borgarrådsberedningens och kommunstyrelsens beslut registreras här."))
    _check_meeting(case, meeting_date)
    if Decision.objects.filter(case=case, body=body).exists():
        raise WorkflowError(_("%(body)s beslut är redan registrerat.") % {"body": genitive(body.name)})
    if body.kind == Body.Kind.KOMMUNSTYRELSEN:
        _move_case(case, "decide", by, _("Kommunstyrelsen har beslutat"))
    decision = Decision(case=case, body=body, meeting_date=meeting_date, points=_clean_points(points))
    return _save(decision, by, _("Beslut registrerat"))


@transaction.atomic
def edit_decision(
    decision: Decision, *, by: User | None, expected_version: int | None = None, **fields: Any
) -> Decision:
    """Correct a decision's recorded texts, until it is justered or the case answered."""
    decision = _locked_decision(decision.pk)
    _ensure_decision_edit(decision, "edit_decision")
    allowed = {"meeting_date", "points", "added_text", "added_text_after_point", "immediate_justering"}
    unknown = set(fields) - allowed
    if unknown:
        raise WorkflowError(_("Fälten %(f)s ändras inte här.") % {"f": ", ".join(sorted(unknown))})
    if "points" in fields:
        fields["points"] = _clean_points(fields["points"])
        if not fields["points"] and not decision.body.is_city_level:
            raise WorkflowError(_("Skriv minst en beslutspunkt."))
    if "added_text" in fields:
        fields["added_text"] = sanitize(fields["added_text"])
    if "meeting_date" in fields:
        _check_meeting(decision.case, fields["meeting_date"])
    _claim_version(decision, expected_version)
    for name, value in fields.items():
        setattr(decision, name, value)
    _save(decision, by, _("Beslutet ändrat"))
    return decision


@transaction.atomic
def edit_decision_and_position(
    decision: Decision,
    referral: Referral,
    *,
    position: str,
    by: User | None,
    expected_version: int | None = None,
    **fields: Any,
) -> Decision:
    """The officer's decision form in one transaction: `edit_decision`, then `set_position` on the
    decision's referral when `position` differs from `referral.position`. A refusal of either
    leaves both as they were.

    `referral` is the decision's own (same case, same body), as the caller read it: the position
    is compared with that, so an unchanged field writes no history row and does not overwrite a
    colleague's sentence saved in the meantime.
    """
    if (referral.case_id, referral.body_id) != (decision.case_id, decision.body_id):
        raise ValueError("edit_decision_and_position: the referral is not the decision's own")
    decision = edit_decision(decision, by=by, expected_version=expected_version, **fields)
    if " ".join(position.split()) != referral.position:
        set_position(referral, position=position, by=by)
    return decision


@transaction.atomic
def justera(decision: Decision, *, by: User | None) -> Decision:
    """Approve the minutes of this item: from now on the decision and its statements are final."""
    decision = _locked(Decision, decision.pk)
    ensure_editable(decision)
    referral = (
        Referral.objects.filter(case_id=decision.case_id, body_id=decision.body_id).select_related("body").first()
    )
    if referral is not None:
        _move_referral(_locked(Referral, referral.pk), "justera", by, _("Beslutet justerat"))
    pending = StatementAuthor.objects.filter(statement__decision=decision, accepted=False)
    # An invitation nobody accepted before justering lapses; it must not appear later.
    for author in pending:
        _delete(author, by, _("Inbjudan förföll vid justering"))
    decision.justered = True
    return _save(decision, by, _("Beslutet justerat"))
