"""An answering nämnd's decision, recorded by its officer: recording, editing and justering."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from remiss import queries, workflow
from remiss.access import can_act_on_decision, require
from remiss.attribution import full_line, has_own_text
from remiss.diff import Conflict, points_html
from remiss.forms import NamndDecisionForm
from remiss.models import Decision, Referral
from remiss.views.common import confirm_justera, confirmed, current_user, warn_unprintable
from remiss.views.conflicts import edit_conflict, error_status, saved_copy
from remiss.views.officer.base import ensure_open, load_referral
from remiss.workflow import ConflictError, LockedError, WorkflowError


def _statement_lines(decision: Decision | None) -> list[dict]:
    if decision is None:
        return []
    statements = queries.statements_with_attribution().filter(decision=decision)
    return [{"statement": s, "line": full_line(s), "own_text": has_own_text(s)} for s in statements]


def _decision_page(
    request: HttpRequest,
    referral: Referral,
    decision: Decision | None,
    form: NamndDecisionForm | None = None,
    *,
    conflict: Conflict | None = None,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    can_record = decision is None and referral.status == Referral.Status.OPINION_READY and referral.body.makes_decisions
    can_edit = decision is not None and not decision.justered
    if form is None and (can_record or can_edit):
        initial = (
            NamndDecisionForm.initial_for(decision, referral)
            if decision is not None
            else {"added_text_after_point": 1, "position": referral.position}
        )
        form = NamndDecisionForm(initial=initial, case=referral.case)
    return render(
        request,
        "remiss/officer/decision.html",
        {
            "nav": "officer",
            "referral": referral,
            "case": referral.case,
            "decision": decision,
            "form": form
            if (can_record or can_edit or form is not None) and not (decision and decision.justered)
            else None,
            "can_record": can_record,
            "can_edit": can_edit,
            "decides": referral.body.makes_decisions,
            "statements": _statement_lines(decision),
            "conflict": conflict,
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the nämnd's decision, or edit it until it is justered."""
    referral, decision = load_referral(request, pk)
    if request.method != "POST":
        return _decision_page(request, referral, decision)
    user = current_user(request)
    if decision is not None:
        require(can_act_on_decision(user, decision))
    try:
        ensure_open(decision)  # the lock speaks before any field does
    except LockedError as error:
        return _decision_page(request, referral, decision, error=str(error), status=error_status(error))
    form = NamndDecisionForm(request.POST, case=referral.case)
    if not form.is_valid():
        return _decision_page(request, referral, decision, form)
    data = form.cleaned_data
    fields = {
        "meeting_date": data["meeting_date"],
        "points": data["points"],
        "added_text": data["added_text"],
        "added_text_after_point": data["added_text_after_point"],
        "immediate_justering": data["immediate_justering"],
    }
    try:
        if decision is None:
            workflow.record_decision(referral, position=data["position"], by=user, **fields)
            messages.success(request, _("Nämndens beslut är registrerat."))
        else:
            workflow.edit_decision_and_position(
                decision,
                referral,
                position=data["position"],
                by=user,
                expected_version=data["version"],
                **fields,
            )
            messages.success(request, _("Beslutet är ändrat."))
    except ConflictError as error:
        current = saved_copy(error, Decision)
        return edit_conflict(
            request,
            error,
            [
                (str(form.fields["points"].label), points_html(data["points"]), points_html(current.points)),
                (str(form.fields["added_text"].label), data["added_text"], current.added_text),
            ],
            partial(_decision_page, request, referral, decision),
            form=partial(NamndDecisionForm, case=referral.case),
        )
    except WorkflowError as error:
        referral.refresh_from_db()
        if decision is not None:
            decision.refresh_from_db()
        return _decision_page(request, referral, decision, form, error=str(error), status=error_status(error))
    warn_unprintable(request, data)
    return redirect("officer_decision", pk=referral.pk)


@login_required
@require_POST
def officer_justera(request: HttpRequest, pk: int) -> HttpResponse:
    referral, decision = load_referral(request, pk)
    if decision is None:
        return _decision_page(request, referral, decision, error=_("Det finns inget beslut att justera ännu."))
    user = current_user(request)
    require(can_act_on_decision(user, decision))
    if not confirmed(request) and not decision.justered:  # a justered one gets its refusal at once
        return confirm_justera(
            request,
            decision,
            nav="officer",
            action=reverse("officer_justera", args=[pk]),
            back_url=reverse("officer_decision", args=[pk]),
        )
    try:
        workflow.justera(decision, by=user)
    except WorkflowError as error:
        return _decision_page(request, referral, decision, error=str(error), status=error_status(error))
    messages.success(request, _("Beslutet är justerat. Det och dess uttalanden kan inte längre ändras."))
    return redirect("officer_decision", pk=referral.pk)
