"""The officer's home (their body's referrals) and the opinion: saving it, marking it ready,
opening it again, and declining to answer."""

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
from remiss.forms import DeclineForm, OpinionForm, tie_error
from remiss.models import Opinion
from remiss.views.common import confirm_page, confirmed, current_user, decline_question, page_links, warn_unprintable
from remiss.views.conflicts import edit_conflict, error_status, saved_copy, with_version
from remiss.views.officer.base import ensure_open, load_referral, require_officer
from remiss.views.officer.referral_page import referral_page
from remiss.workflow import ConflictError, LockedError, WorkflowError


@login_required
def officer_home(request: HttpRequest) -> HttpResponse:
    require_officer(request)
    user = current_user(request)
    bodies = list(user.bodies.all())
    open_page, closed_page = queries.officer_referrals(
        user,
        body_ids=[b.pk for b in bodies],
        open_page=request.GET.get("sida"),
        closed_page=request.GET.get("sida_avslutade"),
    )
    return render(
        request,
        "remiss/officer/home.html",
        {
            "nav": "officer",
            "open_rows": open_page.object_list,
            "closed_rows": closed_page.object_list,
            "open_nav": page_links(request, open_page, "sida"),
            "closed_nav": page_links(request, closed_page, "sida_avslutade"),
            "bodies": bodies,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_referral(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's facts and the opinion editor. POST saves; with action=ready it also marks it ready."""
    referral, decision = load_referral(request, pk)
    if request.method != "POST":
        return referral_page(request, referral, decision)
    try:
        ensure_open(decision)  # the lock speaks before any field does
    except LockedError as error:
        return referral_page(request, referral, decision, error=str(error), status=error_status(error))
    with_position = not referral.body.makes_decisions
    form = OpinionForm(request.POST, with_position=with_position)
    if not form.is_valid():
        return referral_page(request, referral, decision, form)
    data = form.cleaned_data
    try:
        opinion = workflow.save_opinion_and_position(
            referral,
            text=data["text"],
            proposed_decision=data["proposed_decision"],
            date=data["date"],
            position=data["position"] if with_position else None,
            by=current_user(request),
            expected_version=data["version"],
        )
    except ConflictError as error:
        current = saved_copy(error, Opinion)
        return edit_conflict(
            request,
            error,
            [
                (str(form.fields["text"].label), data["text"], current.text),
                (str(form.fields["proposed_decision"].label), data["proposed_decision"], current.proposed_decision),
            ],
            partial(referral_page, request, referral, decision),
            form=partial(OpinionForm, with_position=with_position),
        )
    except WorkflowError as error:
        referral.refresh_from_db()
        return referral_page(request, referral, decision, form, error=str(error), status=error_status(error))
    warn_unprintable(request, data)  # saved, whether or not it can be marked ready below
    if request.POST.get("action") == "ready":
        try:
            workflow.mark_opinion_ready(referral, by=current_user(request))
        except WorkflowError as error:
            referral.refresh_from_db()
            form = OpinionForm(with_version(request.POST, opinion.version), with_position=with_position)
            form.is_valid()
            field = "text" if not opinion.text.strip() else "date" if opinion.date is None else None
            tie_error(form, field, str(error))
            messages.info(request, _("Utkastet är sparat, men det kan inte markeras som klart än."))
            return referral_page(request, referral, decision, form)
        messages.success(request, _("Tjänsteutlåtandet är sparat och markerat som klart."))
    else:
        messages.success(request, _("Tjänsteutlåtandet är sparat."))
    return redirect("officer_referral", pk=referral.pk)


@login_required
@require_POST
def officer_reopen_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    referral, decision = load_referral(request, pk)
    try:
        ensure_open(decision)
        workflow.reopen_opinion(referral, by=current_user(request))
    except WorkflowError as error:
        return referral_page(request, referral, decision, error=str(error), status=error_status(error))
    messages.success(request, _("Tjänsteutlåtandet är öppnat igen och kan ändras."))
    return redirect("officer_referral", pk=referral.pk)


@login_required
@require_POST
def officer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """The body declines to answer (the officer's own view of it, or the nämnd's decision), with
    an optional reason. It cannot be undone, so it asks first; a move the table refuses now
    (the referral answered or closed meanwhile) gets its refusal at once."""
    referral, decision = load_referral(request, pk)
    try:
        ensure_open(decision)  # the lock speaks before anything else
    except LockedError as error:
        return referral_page(request, referral, decision, error=str(error), status=error_status(error))
    form = DeclineForm(request.POST)
    valid = form.is_valid()
    if not (confirmed(request) and valid) and "decline" in workflow.allowed_events(referral):
        return confirm_page(
            request,
            case=referral.case,
            form=form,
            nav="officer",
            question=decline_question(referral.body),
            explanation=_(
                "Registratorn ser det på statustavlan, och i promemorian står att %(body)s har avstått från att svara."
            )
            % {"body": referral.body.name_in_text},
            action=reverse("officer_decline", args=[pk]),
            button=str(workflow.EVENT_LABELS["decline"]),
            back_url=reverse("officer_referral", args=[pk]),
        )
    try:
        workflow.decline(
            referral, by=current_user(request), reason=form.cleaned_data.get("reason", "") if valid else ""
        )
    except WorkflowError as error:
        referral.refresh_from_db()
        return referral_page(request, referral, decision, error=str(error), status=error_status(error))
    messages.success(request, _("%(body)s avstår från att svara.") % {"body": referral.body.name})
    warn_unprintable(request, referral.decline_reason)
    return redirect("officer_referral", pk=referral.pk)
