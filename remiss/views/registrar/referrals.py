"""Referring a case to the city's bodies, and one referral: its page, its final moves (no answer,
declined), its deadline and its handläggare."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remiss import queries, workflow
from remiss.forms import DeclineForm, ReferForm, ReferralDeadlineForm, ReferralOfficersForm
from remiss.models import Body, Case, Referral
from remiss.queries import DecisionRow
from remiss.richtext import sanitize
from remiss.views.common import confirmed, current_user, decline_question, warn_unprintable
from remiss.views.conflicts import error_status
from remiss.views.registrar.base import body_genitive, confirm_event, get_case, refused, registrar_only, render_page
from remiss.workflow import WorkflowError

# --- Referring --------------------------------------------------------------------------------


def _referable_bodies(case: Case) -> list[Body]:
    """The register's answering bodies the case is not yet referred to: offices, facknämnder, stadsdelsnämnder."""
    rank = SqlCase(
        When(kind=Body.Kind.OFFICE, then=Value(0)),
        When(kind=Body.Kind.FACKNAMND, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        Body.objects.exclude(kind__in=[Body.Kind.BORGARRADSBEREDNINGEN, Body.Kind.KOMMUNSTYRELSEN])
        .exclude(referrals__case=case)
        .annotate(rank=rank)
        .order_by("rank", "name")
    )


@registrar_only
def case_refer(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(pk)
    bodies = _referable_bodies(case)
    form = ReferForm(request.POST if request.method == "POST" else None, case=case, bodies=bodies)
    # "Flytta upp/ned" and "Visa ordningen" (without JavaScript) show the page again, reordered.
    rearranging = "move" in request.POST or request.POST.get("action") == "order"
    if request.method == "POST" and not rearranging and form.is_valid():
        try:
            created = workflow.refer(case, bodies=form.specs(), by=current_user(request))
        except (WorkflowError, ValidationError) as error:
            refused(request, error)
        else:
            messages.success(request, _("Ärendet är remitterat till %(n)d instanser.") % {"n": len(created)})
            return redirect("case_detail", pk=case.pk)
    referred = list(case.referrals.select_related("body").order_by("order"))
    return render_page(
        request,
        "refer.html",
        {
            "case": case,
            "form": form,
            "referred": referred,
            "can_refer": "refer" in workflow.allowed_events(case),
        },
    )


# --- One referral -----------------------------------------------------------------------------


def _referral(pk: int, rid: int) -> tuple[Referral, DecisionRow | None]:
    try:
        return queries.referral_for_registrar(pk, rid)
    except Referral.DoesNotExist as error:
        raise Http404 from error


# The final moves the referral's page offers; declining also takes the optional reason.
REFERRAL_EVENTS: dict[str, Callable[..., Referral]] = {
    "mark_no_answer": workflow.mark_no_answer,
    "decline": workflow.decline,
}


def _referral_event_done(event: str, referral: Referral) -> str:
    return {
        "mark_no_answer": _("%(body)s är markerad som ej besvarad."),
        "decline": _("%(body)s avstår från att svara."),
    }[event] % {"body": referral.body.name}


def _referral_event_question(event: str, referral: Referral) -> str:
    """The confirmation page's question. Both moves are final: REFERRAL_TABLE has no way back."""
    if event == "decline":
        return decline_question(referral.body)
    return _("Markera %(body)s som ej besvarad? Det går inte att ångra.") % {"body": referral.body.name_in_text}


@registrar_only
def referral_detail(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    return _referral_page(request, pk, rid)


def _referral_page(
    request: HttpRequest,
    pk: int,
    rid: int,
    deadline_form: ReferralDeadlineForm | None = None,
    officers_form: ReferralOfficersForm | None = None,
    status: int = 200,
) -> HttpResponse:
    referral, decision = _referral(pk, rid)
    opinion = getattr(referral, "opinion", None)
    officers_refusal = workflow.officers_refusal(referral)
    return render_page(
        request,
        "referral_detail.html",
        {
            "officers_form": officers_form or (None if officers_refusal else ReferralOfficersForm(referral=referral)),
            "officers_refusal": officers_refusal,
            "case": referral.case,
            "referral": referral,
            "decision": decision,
            "opinion": opinion,
            "body_genitive": body_genitive(referral.body),
            "opinion_html": sanitize(opinion.text) if opinion else "",
            "proposed_decision_html": sanitize(opinion.proposed_decision) if opinion else "",
            "added_text_html": sanitize(decision.added_text) if decision else "",
            "overdue": not referral.is_closed and referral.deadline < timezone.localdate(),
            "actions": [
                (e, str(workflow.EVENT_LABELS[e])) for e in workflow.allowed_events(referral) if e in REFERRAL_EVENTS
            ],
            "deadline_form": deadline_form or (None if referral.is_closed else ReferralDeadlineForm(referral=referral)),
        },
        status=status,
    )


def _referral_event_form(event: str, data: QueryDict) -> tuple[DeclineForm | None, dict[str, str] | None]:
    """Declining asks for its optional reason on the confirmation page: that form, and the move's
    extra arguments (None while the form is invalid, so the page is shown again)."""
    if event != "decline":
        return None, {}
    form = DeclineForm(data)
    return form, ({"reason": form.cleaned_data["reason"]} if form.is_valid() else None)


@registrar_only
@require_POST
def referral_event(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    referral, _decision = _referral(pk, rid)
    event = request.POST.get("event", "")
    move = REFERRAL_EVENTS.get(event)
    back = request.POST.get("back")
    form, extra = _referral_event_form(event, request.POST)
    if move is None:
        messages.error(request, _("Okänd åtgärd."))
    elif not (confirmed(request) and extra is not None) and event in workflow.allowed_events(referral):
        # Final moves ask first; one the table refuses now goes straight on to its Swedish refusal.
        to_referral = back == "referral"
        return confirm_event(
            request,
            referral.case,
            event,
            _referral_event_question(event, referral),
            reverse("case_referral_event", args=[pk, rid]),
            back="referral" if to_referral else "",
            form=form,
            back_url=reverse("case_referral", args=[pk, rid]) if to_referral else reverse("case_detail", args=[pk]),
        )
    else:
        try:
            move(referral, by=current_user(request), **(extra or {}))
        except WorkflowError as error:
            refused(request, error)
        else:
            messages.success(request, _referral_event_done(event, referral))
            warn_unprintable(request, *(extra or {}).values())
    if back == "referral":
        return redirect("case_referral", pk=pk, rid=rid)
    return redirect("case_detail", pk=pk)


@registrar_only
@require_POST
def referral_deadline(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    referral, _decision = _referral(pk, rid)
    form = ReferralDeadlineForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            workflow.set_referral_deadline(referral, deadline=form.cleaned_data["deadline"], by=current_user(request))
        except (WorkflowError, ValidationError) as error:
            refused(request, error)
        else:
            messages.success(request, _("Svarsdatumet för %(body)s är ändrat.") % {"body": referral.body.name_in_text})
            return redirect("case_referral", pk=pk, rid=rid)
    return _referral_page(request, pk, rid, deadline_form=form)


@registrar_only
@require_POST
def referral_officers(request: HttpRequest, pk: int, rid: int) -> HttpResponse:
    """Choose the referral's handläggare among its body's officers (workflow.assign_officers)."""
    referral, _decision = _referral(pk, rid)
    form = ReferralOfficersForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            workflow.assign_officers(referral, officers=form.cleaned_data["officers"], by=current_user(request))
        except (WorkflowError, ValidationError) as error:
            refused(request, error)
            return _referral_page(request, pk, rid, officers_form=form, status=error_status(error))
        messages.success(request, _("Handläggarna för %(body)s är sparade.") % {"body": referral.body.name_in_text})
        return redirect("case_referral", pk=pk, rid=rid)
    return _referral_page(request, pk, rid, officers_form=form)
