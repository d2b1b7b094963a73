"""The registrar's case pages: the list, registering and correcting a case, the status board and
its moves, and the betänkande's proposals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remiss import queries, workflow
from remiss.forms import CaseForm, ProposalForm, ProposalSectionForm
from remiss.models import Case, Proposal
from remiss.views.common import confirmed, current_user, warn_unprintable
from remiss.views.registrar.base import confirm_event, get_case, refused, registrar_only, render_page
from remiss.workflow import WorkflowError

CASES_PER_PAGE = 25


# --- Cases ------------------------------------------------------------------------------------


@registrar_only
def case_list(request: HttpRequest) -> HttpResponse:
    page = queries.registrar_case_page(request.GET.get("sida"), CASES_PER_PAGE)
    return render_page(request, "case_list.html", {"page": page, "cases": page.object_list})


@registrar_only
def case_create(request: HttpRequest) -> HttpResponse:
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = workflow.register_case(**form.cleaned_data, by=current_user(request))
        except (WorkflowError, ValidationError) as error:
            refused(request, error)
        else:
            messages.success(request, _("Ärendet %(ref)s är registrerat.") % {"ref": case.reference})
            warn_unprintable(request, form.cleaned_data)
            return redirect("case_detail", pk=case.pk)
    return render_page(request, "case_form.html", {"form": form, "case": None})


@registrar_only
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(pk)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.update_case(case, by=current_user(request), **form.cleaned_data)
        except (WorkflowError, ValidationError) as error:
            refused(request, error)
        else:
            messages.success(request, _("Ärendets uppgifter är sparade."))
            warn_unprintable(request, form.cleaned_data)
            return redirect("case_detail", pk=case.pk)
    return render_page(request, "case_form.html", {"form": form, "case": case})


# The case's own moves the board offers as buttons; referring and deciding have their own pages.
CASE_EVENTS = {
    "start_compiling": workflow.start_compiling,
    "reopen_referrals": workflow.reopen_referrals,
    "answer": workflow.mark_answered,
}


# The board's moves CASE_TABLE has no way back from: they ask first (a page, then confirm=1).
FINAL_CASE_EVENTS = {
    "answer": lambda: _("Markera ärendet som besvarat? Det går inte att ångra."),
}


def _case_event_done(event: str) -> str:
    return {
        "start_compiling": _("Sammanställningen är påbörjad."),
        "reopen_referrals": _("Remitteringen är återupptagen."),
        "answer": _("Ärendet är markerat som besvarat."),
    }[event]


@registrar_only
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        board = queries.status_board(pk)
    except Case.DoesNotExist as error:
        raise Http404 from error
    allowed = workflow.allowed_events(board.case)
    return render_page(
        request,
        "case_detail.html",
        {
            "board": board,
            "case": board.case,
            "can_refer": "refer" in allowed,
            "case_events": [(e, str(workflow.EVENT_LABELS[e])) for e in allowed if e in CASE_EVENTS],
        },
    )


@registrar_only
@require_POST
def case_event(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(pk)
    event = request.POST.get("event", "")
    move = CASE_EVENTS.get(event)
    if move is None:
        messages.error(request, _("Okänd åtgärd."))
    elif event in FINAL_CASE_EVENTS and not confirmed(request) and event in workflow.allowed_events(case):
        return confirm_event(
            request,
            case,
            event,
            FINAL_CASE_EVENTS[event](),
            reverse("case_event", args=[pk]),
            back_url=reverse("case_detail", args=[pk]),
        )
    else:
        try:
            move(case, by=current_user(request))
        except WorkflowError as error:
            refused(request, error)
        else:
            messages.success(request, _case_event_done(event))
    return redirect("case_detail", pk=case.pk)


# --- Proposals --------------------------------------------------------------------------------


@registrar_only
def case_proposals(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(pk)
    form = ProposalForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = workflow.add_proposal(case, by=current_user(request), **form.cleaned_data)
        except (WorkflowError, ValidationError) as error:
            refused(request, error)
        else:
            # "förslag" is neuter, "bedömning" common gender: "Förslag 1 är tillagt", "Bedömning 1 är tillagd"
            added = (
                _("Förslag %(number)s är tillagt.")
                if proposal.kind == Proposal.Kind.FORSLAG
                else _("Bedömning %(number)s är tillagd.")
            )
            messages.success(request, added % {"number": proposal.number})
            warn_unprintable(request, form.cleaned_data)
            return redirect("case_proposals", pk=case.pk)
    return _proposals_page(request, case, form)


def _proposals_page(
    request: HttpRequest, case: Case, form: ProposalForm, section_form: ProposalSectionForm | None = None
) -> HttpResponse:
    """The proposals, each with its section form (the one posted, with its errors, if any), and the add form."""
    proposals = list(case.proposals.all())
    rows = [
        (p, section_form if section_form and section_form.proposal.pk == p.pk else ProposalSectionForm(proposal=p))
        for p in proposals
    ]
    return render_page(request, "proposals.html", {"case": case, "form": form, "proposals": proposals, "rows": rows})


@registrar_only
@require_POST
def case_proposal_section(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    case = get_case(pk)
    proposal = get_object_or_404(Proposal, pk=proposal_pk, case=case)
    form = ProposalSectionForm(request.POST, proposal=proposal)
    if not form.is_valid():
        return _proposals_page(request, case, ProposalForm(case=case), form)
    try:
        workflow.set_proposal_section(proposal, section=form.cleaned_data["section"], by=current_user(request))
    except (WorkflowError, ValidationError) as error:
        refused(request, error)
    else:
        messages.success(
            request,
            _("Avsnittet för %(kind)s %(n)s är sparat.")
            % {"kind": proposal.get_kind_display().lower(), "n": proposal.number},
        )
    return redirect("case_proposals", pk=case.pk)
