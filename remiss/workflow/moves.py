"""A status move checked against its table, and the refusal when the table has no row for it.

The only place a case's or a referral's status is set: every function that moves one (the
case's own moves, a decision that decides the case, a restore that starts the drafting) comes
through here, so none can skip the table.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from remiss.models import Case, Referral, User
from remiss.workflow.base import WorkflowError, _save
from remiss.workflow.tables import CASE_TABLE, EVENT_LABELS, REFERRAL_TABLE, find_row


def _refuse(event: str, status_label: str) -> WorkflowError:
    return WorkflowError(
        _("Det går inte att %(action)s när statusen är ”%(status)s”.")
        % {"action": EVENT_LABELS.get(event, event), "status": status_label}
    )


def _move_case(case: Case, event: str, by: User | None, reason: str) -> Case:
    row = find_row(CASE_TABLE, event, case.status)
    if row is None:
        raise _refuse(event, case.get_status_display())
    case.status = row.target
    return _save(case, by, reason)


def _move_referral(referral: Referral, event: str, by: User | None, reason: str) -> Referral:
    row = find_row(REFERRAL_TABLE, event, referral.status, office=not referral.body.makes_decisions)
    if row is None:
        if event in ("record_decision", "justera") and not referral.body.makes_decisions:
            raise WorkflowError(_("%(body)s är ett kontor och fattar inga beslut.") % {"body": referral.body.name})
        raise _refuse(event, referral.get_status_display())
    referral.status = row.target
    return _save(referral, by, reason)
