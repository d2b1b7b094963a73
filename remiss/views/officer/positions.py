"""Saving the body's stance on each proposal: one page of the positions form at a time."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from remiss import positions, workflow
from remiss.diff import Conflict
from remiss.models import Decision, Position, Referral
from remiss.positions_form import PAGE_PARAM, PositionsForm, rows_for_referral
from remiss.views.common import current_user, warn_unprintable
from remiss.views.conflicts import edit_conflict, error_status, saved_copy
from remiss.views.officer.base import ensure_open, load_referral
from remiss.views.officer.referral_page import positions_url, referral_page
from remiss.workflow import ConflictError, LockedError, WorkflowError


def _positions_page(
    request: HttpRequest,
    referral: Referral,
    decision: Decision | None,
    form: PositionsForm,
    *,
    conflict: Conflict | None = None,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The referral page with the positions form as posted (or rebased after a conflict)."""
    return referral_page(
        request, referral, decision, positions_form=form, positions_conflict=conflict, error=error, status=status
    )


@login_required
@require_POST
def officer_positions(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the body's stance on each proposal of one page that the officer changed, all in one
    transaction, if nobody saved positions since the page was read (else the conflict page)."""
    referral, decision = load_referral(request, pk)
    try:
        ensure_open(decision)
        if positions.positions_locked(referral):
            raise LockedError(_("Remitteringen är avslutad; ställningstagandena kan inte längre ändras."))
    except LockedError as error:
        return referral_page(request, referral, decision, error=str(error), status=error_status(error))
    form = PositionsForm(request.POST, rows=rows_for_referral(referral))
    if not form.is_valid():
        return _positions_page(request, referral, decision, form)
    changes = form.changes()
    try:
        if changes:
            workflow.save_positions(referral, changes, by=current_user(request), expected_version=form.version)
    except ConflictError as error:
        rows_now = rows_for_referral(referral)  # read after the version in error.current
        pairs = form.conflict_pairs(rows_now)
        # The rows this person changed keep their choices; the others show what is saved now.
        rebased = form.rebased(rows_now, saved_copy(error, Referral).positions_version)
        return edit_conflict(
            request,
            error,
            pairs,
            partial(_positions_page, request, referral, decision, rebased),
            history=Position.history.filter(referral_id=referral.pk),
            advice=_(
                "Dina val finns kvar i formuläret nedan; inget av det du valde eller skrev har gått förlorat. "
                "Raderna du inte ändrade visar nu det som är sparat. Jämför, ändra det du vill och spara igen. "
                "Då ersätter dina val de sparade, bara på raderna du har ändrat."
            ),
        )
    except WorkflowError as error:
        referral.refresh_from_db()
        return _positions_page(request, referral, decision, form, error=str(error), status=error_status(error))
    if changes:
        messages.success(
            request,
            ngettext(
                "%(n)d ställningstagande är sparat.",
                "%(n)d ställningstaganden är sparade.",
                len(changes),
            )
            % {"n": len(changes)},
        )
        warn_unprintable(request, [change.comment for change in changes])
    else:
        messages.info(request, _("Inga ställningstaganden ändrades."))
    return redirect(positions_url(referral, request.GET.get(PAGE_PARAM)))
