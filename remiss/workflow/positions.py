"""The body's stance on each proposal of the case, saved together under one version counter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from remiss.models import Position, Proposal, Referral, User
from remiss.workflow.base import LockedError, WorkflowError, _claim_version, _delete, _locked, _save


class PositionChange(NamedTuple):
    """One row of the positions form to save: a blank stance removes the body's position."""

    proposal: Proposal
    stance: str
    comment: str = ""


POSITIONS_CONFLICT = gettext_lazy(
    "Någon annan har sparat ställningstaganden medan du arbetade. Jämför dina val med de sparade."
)


@transaction.atomic
def save_positions(
    referral: Referral,
    changes: Sequence[PositionChange],
    *,
    by: User | None,
    expected_version: int | None = None,
) -> Referral:
    """Record, change or remove the body's stances on several proposals at once, until its
    decision is justered: all of them or none.

    Optimistic locking on `Referral.positions_version`, the one counter of the body's whole set
    of positions: a page read before a colleague saved any position is refused with
    ConflictError (its `current` is the referral), instead of overwriting what the colleague
    chose. Every save bumps it, scripts' too, so a page read before them is stale as well.
    """
    referral = _locked(Referral, referral.pk)
    if any(change.proposal.case_id != referral.case_id for change in changes):
        raise WorkflowError(_("Förslaget hör till ett annat ärende."))
    if referral.status in (Referral.Status.JUSTERED, Referral.Status.DECLINED, Referral.Status.NO_ANSWER):
        raise LockedError(_("Remitteringen är avslutad; ställningstagandena kan inte längre ändras."))
    _claim_version(referral, expected_version, field="positions_version", message=str(POSITIONS_CONFLICT))
    for change in changes:
        _write_position(referral, change, by)
    return referral


def _write_position(referral: Referral, change: PositionChange, by: User | None) -> None:
    """Save one stance, or delete it (a history row of its own, with the user and the reason)."""
    number = change.proposal.number
    position = Position.objects.filter(referral=referral, proposal=change.proposal).first()
    if not change.stance:
        if position is not None:
            _delete(position, by, _("Ställningstagande till förslag %(n)s borttaget") % {"n": number})
        return
    position = position or Position(referral=referral, proposal=change.proposal)
    position.stance = change.stance
    position.comment = " ".join(change.comment.split())
    _save(position, by, _("Ställningstagande till förslag %(n)s sparat") % {"n": number})


def set_proposal_position(
    referral: Referral,
    *,
    proposal: Proposal,
    stance: str,
    comment: str = "",
    by: User | None,
) -> Position:
    """Record (or change) the body's stance on one proposal, until its decision is justered."""
    if not stance:
        raise WorkflowError(_("Välj ett ställningstagande."))
    referral = save_positions(referral, [PositionChange(proposal, stance, comment)], by=by)
    return Position.objects.get(referral=referral, proposal=proposal)


def clear_proposal_position(referral: Referral, *, proposal: Proposal, by: User | None) -> None:
    """Remove the body's stance on one proposal (back to "not recorded"), until it is justered."""
    save_positions(referral, [PositionChange(proposal, "")], by=by)
