"""What every officer page shares: only officers of the referral's body reach it (403 for
everyone else, drafts or not), and a justered decision or a closed referral locks its texts."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from remiss import queries, workflow
from remiss.access import can_work_on_referral, require
from remiss.models import Decision, Opinion, Referral, User
from remiss.views.common import current_user
from remiss.workflow import LockedError

_R = Referral.Status
EDITABLE = (_R.REFERRED, _R.DRAFTING)


def require_officer(request: HttpRequest) -> None:
    require(current_user(request).role == User.Role.OFFICER)


def load_referral(request: HttpRequest, pk: int) -> tuple[Referral, Decision | None]:
    require_officer(request)
    try:
        referral, decision = queries.referral_for_officer(pk)
    except Referral.DoesNotExist:
        raise Http404 from None
    require(can_work_on_referral(current_user(request), referral))
    return referral, decision


def ensure_open(decision: Decision | None) -> None:
    """Once the decision is justered, every change to the referral is refused with one message."""
    if decision is not None:
        workflow.ensure_editable(decision)


def opinion_of(referral: Referral) -> Opinion:
    try:
        return referral.opinion
    except Opinion.DoesNotExist:
        return Opinion(referral=referral)


def ensure_opinion_open(referral: Referral, decision: Decision | None) -> None:
    """Raise LockedError unless the opinion's text can still change (as save_opinion would)."""
    ensure_open(decision)
    if referral.status not in EDITABLE:
        raise LockedError(
            _("Tjänsteutlåtandet kan inte ändras när remitteringen har statusen ”%(status)s”.")
            % {"status": referral.get_status_display()}
        )
