"""The registrar's pages: cases, referrals, the status board, city texts and the memo.

Every view here is the registrar's alone: anonymous visitors go to the login page, everyone
else gets 403. Reads come from `remiss.queries`, validation from `remiss.forms`, and every change
goes through `remiss.workflow`; when the workflow refuses, its Swedish message is shown (in the
messages region) and the form is shown again with what the person typed.
"""

from __future__ import annotations

import logging
import re
from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Value, When
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remiss import positions, queries, workflow
from remiss.access import is_registrar, require
from remiss.attribution import full_line
from remiss.diff import points_html
from remiss.forms import (
    BackgroundForm,
    CaseForm,
    CityDecisionEditForm,
    CityDecisionForm,
    CityProposalForm,
    CityStatementEditForm,
    CityStatementForm,
    DeclineForm,
    ProposalForm,
    ProposalSectionForm,
    ReferForm,
    ReferralDeadlineForm,
    ReferralOfficersForm,
    StatementRemoveForm,
)
from remiss.models import Body, Case, CityProposal, Decision, Memo, Proposal, Referral, Statement, genitive
from remiss.richtext import sanitize
from remiss.richtext_input import posted_html
from remiss.views.common import confirm_justera, confirm_page, confirmed, decline_question, warn_unprintable
from remiss.views.conflicts import CONFLICT, edit_conflict, error_status
from remiss.workflow import AuthorSpec, ConflictError, LockedError, WorkflowError

logger = logging.getLogger(__name__)

CASES_PER_PAGE = 25


def registrar_only(view):
    """Anonymous → login page; logged in but not the registrar → 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(is_registrar(request.user))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _render(request, template: str, context: dict, status: int = 200):
    context.setdefault("nav", "cases")
    return render(request, f"remiss/registrar/{template}", context, status=status)


def _refused(request, error: Exception) -> None:
    """Show the workflow's (or the model's) Swedish reason in the messages region."""
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error))


def _genitive(body: Body) -> str:
    return genitive(body.name)


def _case(pk: int) -> Case:
    return get_object_or_404(Case.objects.select_related("commissioner__party"), pk=pk)


# --- Cases ------------------------------------------------------------------------------------


@registrar_only
def case_list(request):
    page = queries.registrar_case_page(request.GET.get("sida"), CASES_PER_PAGE)
    return _render(request, "case_list.html", {"page": page, "cases": page.object_list})


@registrar_only
def case_create(request):
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = workflow.register_case(**form.cleaned_data, by=request.user)
        except (WorkflowError, ValidationError) as error:
            _refused(request, error)
        else:
            messages.success(request, _("Ärendet %(ref)s är registrerat.") % {"ref": case.reference})
            warn_unprintable(request, form.cleaned_data)
            return redirect("case_detail", pk=case.pk)
    return _render(request, "case_form.html", {"form": form, "case": None})


@registrar_only
def case_edit(request, pk: int):
    case = _case(pk)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.update_case(case, by=request.user, **form.cleaned_data)
        except (WorkflowError, ValidationError) as error:
            _refused(request, error)
        else:
            messages.success(request, _("Ärendets uppgifter är sparade."))
            warn_unprintable(request, form.cleaned_data)
            return redirect("case_detail", pk=case.pk)
    return _render(request, "case_form.html", {"form": form, "case": case})


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


def _confirm_event(
    request,
    case: Case,
    event: str,
    question: str,
    action: str,
    *,
    back_url: str,
    back: str = "",
    form: DeclineForm | None = None,
):
    """The page a final move shows first: `question`, and a button posting `event` to `action`
    again with confirm=1 (and `back`, where to return afterwards)."""
    fields = {"event": event, "back": back} if back else {"event": event}
    return confirm_page(
        request,
        case=case,
        question=question,
        action=action,
        button=str(workflow.EVENT_LABELS[event]),
        back_url=back_url,
        fields=fields,
        form=form,
        nav="cases",
    )


def _case_event_done(event: str) -> str:
    return {
        "start_compiling": _("Sammanställningen är påbörjad."),
        "reopen_referrals": _("Remitteringen är återupptagen."),
        "answer": _("Ärendet är markerat som besvarat."),
    }[event]


@registrar_only
def case_detail(request, pk: int):
    try:
        board = queries.status_board(pk)
    except Case.DoesNotExist as error:
        raise Http404 from error
    allowed = workflow.allowed_events(board.case)
    return _render(
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
def case_event(request, pk: int):
    case = _case(pk)
    event = request.POST.get("event", "")
    move = CASE_EVENTS.get(event)
    if move is None:
        messages.error(request, _("Okänd åtgärd."))
    elif event in FINAL_CASE_EVENTS and not confirmed(request) and event in workflow.allowed_events(case):
        return _confirm_event(
            request,
            case,
            event,
            FINAL_CASE_EVENTS[event](),
            reverse("case_event", args=[pk]),
            back_url=reverse("case_detail", args=[pk]),
        )
    else:
        try:
            move(case, by=request.user)
        except WorkflowError as error:
            _refused(request, error)
        else:
            messages.success(request, _case_event_done(event))
    return redirect("case_detail", pk=case.pk)


# --- Proposals --------------------------------------------------------------------------------


@registrar_only
def case_proposals(request, pk: int):
    case = _case(pk)
    form = ProposalForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = workflow.add_proposal(case, by=request.user, **form.cleaned_data)
        except (WorkflowError, ValidationError) as error:
            _refused(request, error)
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


def _proposals_page(request, case: Case, form: ProposalForm, section_form: ProposalSectionForm | None = None):
    """The proposals, each with its section form (the one posted, with its errors, if any), and the add form."""
    proposals = list(case.proposals.all())
    rows = [
        (p, section_form if section_form and section_form.proposal.pk == p.pk else ProposalSectionForm(proposal=p))
        for p in proposals
    ]
    return _render(request, "proposals.html", {"case": case, "form": form, "proposals": proposals, "rows": rows})


@registrar_only
@require_POST
def case_proposal_section(request, pk: int, proposal_pk: int):
    case = _case(pk)
    proposal = get_object_or_404(Proposal, pk=proposal_pk, case=case)
    form = ProposalSectionForm(request.POST, proposal=proposal)
    if not form.is_valid():
        return _proposals_page(request, case, ProposalForm(case=case), form)
    try:
        workflow.set_proposal_section(proposal, section=form.cleaned_data["section"], by=request.user)
    except (WorkflowError, ValidationError) as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("Avsnittet för %(kind)s %(n)s är sparat.")
            % {"kind": proposal.get_kind_display().lower(), "n": proposal.number},
        )
    return redirect("case_proposals", pk=case.pk)


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
def case_refer(request, pk: int):
    case = _case(pk)
    bodies = _referable_bodies(case)
    form = ReferForm(request.POST if request.method == "POST" else None, case=case, bodies=bodies)
    # "Flytta upp/ned" and "Visa ordningen" (without JavaScript) show the page again, reordered.
    rearranging = "move" in request.POST or request.POST.get("action") == "order"
    if request.method == "POST" and not rearranging and form.is_valid():
        try:
            created = workflow.refer(case, bodies=form.specs(), by=request.user)
        except (WorkflowError, ValidationError) as error:
            _refused(request, error)
        else:
            messages.success(request, _("Ärendet är remitterat till %(n)d instanser.") % {"n": len(created)})
            return redirect("case_detail", pk=case.pk)
    referred = list(case.referrals.select_related("body").order_by("order"))
    return _render(
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


def _referral(pk: int, rid: int) -> tuple[Referral, Decision | None]:
    try:
        return queries.referral_for_registrar(pk, rid)
    except Referral.DoesNotExist as error:
        raise Http404 from error


REFERRAL_EVENTS = {
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
def referral_detail(request, pk: int, rid: int):
    return _referral_page(request, pk, rid)


def _referral_page(
    request,
    pk: int,
    rid: int,
    deadline_form: ReferralDeadlineForm | None = None,
    officers_form: ReferralOfficersForm | None = None,
    status: int = 200,
):
    referral, decision = _referral(pk, rid)
    opinion = getattr(referral, "opinion", None)
    officers_refusal = workflow.officers_refusal(referral)
    return _render(
        request,
        "referral_detail.html",
        {
            "officers_form": officers_form or (None if officers_refusal else ReferralOfficersForm(referral=referral)),
            "officers_refusal": officers_refusal,
            "case": referral.case,
            "referral": referral,
            "decision": decision,
            "opinion": opinion,
            "body_genitive": _genitive(referral.body),
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
def referral_event(request, pk: int, rid: int):
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
        return _confirm_event(
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
            move(referral, by=request.user, **(extra or {}))
        except WorkflowError as error:
            _refused(request, error)
        else:
            messages.success(request, _referral_event_done(event, referral))
            warn_unprintable(request, *(extra or {}).values())
    if back == "referral":
        return redirect("case_referral", pk=pk, rid=rid)
    return redirect("case_detail", pk=pk)


@registrar_only
@require_POST
def referral_deadline(request, pk: int, rid: int):
    referral, _decision = _referral(pk, rid)
    form = ReferralDeadlineForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            workflow.set_referral_deadline(referral, deadline=form.cleaned_data["deadline"], by=request.user)
        except (WorkflowError, ValidationError) as error:
            _refused(request, error)
        else:
            messages.success(request, _("Svarsdatumet för %(body)s är ändrat.") % {"body": referral.body.name_in_text})
            return redirect("case_referral", pk=pk, rid=rid)
    return _referral_page(request, pk, rid, deadline_form=form)


@registrar_only
@require_POST
def referral_officers(request, pk: int, rid: int):
    """Choose the referral's handläggare among its body's officers (workflow.assign_officers)."""
    referral, _decision = _referral(pk, rid)
    form = ReferralOfficersForm(request.POST, referral=referral)
    if form.is_valid():
        try:
            workflow.assign_officers(referral, officers=form.cleaned_data["officers"], by=request.user)
        except (WorkflowError, ValidationError) as error:
            _refused(request, error)
            return _referral_page(request, pk, rid, officers_form=form, status=error_status(error))
        messages.success(request, _("Handläggarna för %(body)s är sparade.") % {"body": referral.body.name_in_text})
        return redirect("case_referral", pk=pk, rid=rid)
    return _referral_page(request, pk, rid, officers_form=form)


# --- The city's texts -------------------------------------------------------------------------


def _unsaved(request, fields: list[tuple[str, str]]) -> list[dict]:
    """What the person typed into a page whose text has since become final, shown (sanitised)
    so it can be copied: a refused save must not make their text vanish."""
    unsaved = []
    for name, label in fields:
        value = posted_html(request.POST, name)
        if value.strip():
            unsaved.append({"label": label, "html": mark_safe(value)})  # sanitised just above
    return unsaved


def _background_page(request, case: Case, form: BackgroundForm | None = None, *, conflict=None, status: int = 200):
    """Ärendet's page: the editor, or once the text is final (`workflow.city_texts_refusal`) the
    text read-only with the reason, and on a refused POST what the person typed."""
    refusal = workflow.city_texts_refusal(case)
    if refusal is None and form is None:
        form = BackgroundForm(initial={"text": case.background, "version": case.version})
    refused_post = refusal is not None and request.method == "POST"
    return _render(
        request,
        "background.html",
        {
            "case": case,
            "form": None if refusal else form,
            "conflict": conflict,
            "locked": str(refusal) if refusal else "",
            "error": str(refusal) if refused_post else None,
            "background_html": mark_safe(sanitize(case.background)),
            "unsaved": _unsaved(request, [("text", _("Din text"))]) if refused_post else [],
        },
        status=status,
    )


@registrar_only
def case_background(request, pk: int):
    case = _case(pk)
    if request.method != "POST":
        return _background_page(request, case)
    refusal = workflow.city_texts_refusal(case)
    if refusal is not None:  # the lock speaks before any field does
        return _background_page(request, case, status=error_status(refusal))
    form = BackgroundForm(request.POST)
    if not form.is_valid():
        return _background_page(request, case, form)
    try:
        workflow.save_background(
            case,
            text=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"],
            by=request.user,
        )
    except ConflictError as error:
        return edit_conflict(
            request,
            error,
            [(_("Ärendet"), form.cleaned_data["text"], error.current.background)],
            partial(_background_page, request, case),
            form=BackgroundForm,
        )
    except LockedError as error:  # kommunstyrelsen decided between the page's load and this save
        case.refresh_from_db()
        return _background_page(request, case, status=error_status(error))
    except (WorkflowError, ValidationError) as error:
        _refused(request, error)
        return _background_page(request, case, form)
    messages.success(request, _("Ärendet (bakgrunden) är sparat."))
    warn_unprintable(request, form.cleaned_data)
    return redirect("case_detail", pk=case.pk)


def _proposal_initial(case: Case, proposal: CityProposal | None) -> tuple[dict, bool]:
    """The form's starting values; an empty summary is drafted from the bodies' positions and
    their stances per proposal (`positions.draft_summary_with_stances`). The flag says the page
    shows such a draft; with no body's position yet there is none, and no note to explain one."""
    if proposal is None:
        draft = positions.draft_summary_with_stances(case)
        return {"summary": draft, "signed_place": "Stockholm"}, bool(draft)
    draft = positions.draft_summary_with_stances(case) if not proposal.summary.strip() else ""
    prefilled = bool(draft)
    return {
        "decision_points": "\n".join(proposal.decision_points),
        "summary": draft or proposal.summary,
        "views": proposal.views,
        "signed_place": proposal.signed_place,
        "signed_date": proposal.signed_date,
        "version": proposal.version,
    }, prefilled


def _locked_city_proposal_page(request, case: Case, proposal: CityProposal | None, refusal: LockedError):
    """The förslag till beslut read-only, with why it is final (and, on a refused POST, a 409
    with what the person typed, to copy)."""
    refused_post = request.method == "POST"
    return _render(
        request,
        "city_proposal.html",
        {
            "case": case,
            "form": None,
            "proposal": proposal,
            "locked": str(refusal),
            "error": str(refusal) if refused_post else None,
            "summary_html": mark_safe(sanitize(proposal.summary)) if proposal else "",
            "views_html": mark_safe(sanitize(proposal.views)) if proposal else "",
            "unsaved": _unsaved(
                request,
                [
                    ("summary", _("Din sammanfattning av ärendet")),
                    ("views", _("Dina föredragande borgarrådets synpunkter")),
                ],
            )
            if refused_post
            else [],
            "positions": [],
        },
        status=error_status(refusal) if refused_post else 200,
    )


def _city_proposal_page(
    request,
    case: Case,
    proposal: CityProposal | None,
    form: CityProposalForm,
    *,
    prefilled=False,
    conflict=None,
    status=200,
):
    """The förslag till beslut's editor, with the bodies' position sentences to draw on."""
    sentences = list(case.referrals.select_related("body").exclude(position="").order_by("order"))
    return _render(
        request,
        "city_proposal.html",
        {
            "case": case,
            "form": form,
            "conflict": conflict,
            "prefilled": prefilled,
            "positions": sentences,
            "proposal": proposal,
        },
        status=status,
    )


@registrar_only
def case_city_proposal(request, pk: int):
    case = _case(pk)
    proposal = CityProposal.objects.filter(case=case).first()
    refusal = workflow.city_texts_refusal(case)
    if refusal is not None:  # the lock speaks before any field does
        return _locked_city_proposal_page(request, case, proposal, refusal)
    if request.method != "POST":
        initial, prefilled = _proposal_initial(case, proposal)
        form = CityProposalForm(initial=initial, case=case)
        return _city_proposal_page(request, case, proposal, form, prefilled=prefilled)
    page = partial(_city_proposal_page, request, case, proposal)
    form = CityProposalForm(request.POST, case=case)
    if not form.is_valid():
        return page(form)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        workflow.save_city_proposal(case, by=request.user, expected_version=version, **data)
    except ConflictError as error:
        saved = error.current
        return edit_conflict(
            request,
            error,
            [
                (_("Beslutspunkter"), points_html(data["decision_points"]), points_html(saved.decision_points)),
                (_("Sammanfattning av ärendet"), data["summary"], saved.summary),
                (_("Föredragande borgarrådets synpunkter"), data["views"], saved.views),
            ],
            page,
            form=partial(CityProposalForm, case=case),
        )
    except LockedError as error:  # kommunstyrelsen decided between the page's load and this save
        case.refresh_from_db()
        return _locked_city_proposal_page(request, case, CityProposal.objects.filter(case=case).first(), error)
    except (WorkflowError, ValidationError) as error:
        _refused(request, error)
        return page(form)
    messages.success(request, _("Förslaget till beslut är sparat."))
    warn_unprintable(request, form.cleaned_data)
    return redirect("case_detail", pk=case.pk)


# --- Borgarrådsberedningen's and kommunstyrelsen's decisions -----------------------------------


def _city_bodies() -> list[Body]:
    bodies = Body.objects.filter(kind__in=[Body.Kind.BORGARRADSBEREDNINGEN, Body.Kind.KOMMUNSTYRELSEN])
    return sorted(bodies, key=lambda b: b.kind != Body.Kind.BORGARRADSBEREDNINGEN)


@registrar_only
def case_city_decisions(request, pk: int):
    case = get_object_or_404(Case.objects.select_related("city_proposal"), pk=pk)
    decisions = queries.city_decisions(case)
    decided = {d.body_id for d in decisions}
    posted = request.POST.get("body") if request.method == "POST" else None
    forms_ = []
    for body in _city_bodies():
        if body.pk in decided:
            continue
        bound = posted == str(body.pk)
        forms_.append(
            CityDecisionForm(request.POST if bound else None, case=case, body=body, prefix=f"beslut{body.pk}")
        )
    for form in forms_:
        if not form.is_bound or not form.is_valid():
            continue
        try:
            workflow.record_city_decision(
                case,
                body=form.body,
                points=form.cleaned_data["points"],
                meeting_date=form.cleaned_data["meeting_date"],
                by=request.user,
            )
        except (WorkflowError, ValidationError) as error:
            _refused(request, error)
        else:
            messages.success(request, _("%(body)s beslut är registrerat.") % {"body": _genitive(form.body)})
            warn_unprintable(request, form.cleaned_data)
            return redirect("case_city_decisions", pk=case.pk)
    for decision in decisions:  # what the page offers; the workflow asks again on saving
        decision.case = case
        decision.editable = workflow.decision_edit_refusal(decision, "edit_decision") is None
        decision.statements_editable = workflow.decision_edit_refusal(decision, "edit_statement") is None
        decision.statements_removable = workflow.decision_edit_refusal(decision, "remove_statement") is None
    return _render(request, "city_decisions.html", {"case": case, "decisions": decisions, "forms": forms_})


def _city_decision(pk: int, did: int) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("case", "body"),
        pk=did,
        case_id=pk,
        body__kind__in=[Body.Kind.BORGARRADSBEREDNINGEN, Body.Kind.KOMMUNSTYRELSEN],
    )


@registrar_only
@require_POST
def city_decision_justera(request, pk: int, did: int):
    decision = _city_decision(pk, did)
    if not confirmed(request) and not decision.justered:  # a justered one gets its refusal at once
        return confirm_justera(
            request,
            decision,
            nav="cases",
            action=reverse("case_city_decision_justera", args=[pk, did]),
            back_url=reverse("case_city_decisions", args=[pk]),
        )
    try:
        workflow.justera(decision, by=request.user)
    except WorkflowError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(body)s beslut är justerat.") % {"body": _genitive(decision.body)})
    return redirect("case_city_decisions", pk=pk)


@registrar_only
def city_statement(request, pk: int, did: int):
    decision = _city_decision(pk, did)
    form = CityStatementForm(request.POST or None, decision=decision)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        authors = [AuthorSpec(politician, and_others=and_others) for politician, and_others in form.authors()]
        try:
            workflow.add_statement(
                decision,
                kind=data["kind"],
                authors=authors,
                text=data["text"] or "",
                backed_proposal=data["backed_proposal"] or "",
                identical_to=data["identical_to"],
                author_title=data["author_title"] or "",
                by=request.user,
            )
        except (WorkflowError, ValidationError) as error:
            _refused(request, error)
        else:
            messages.success(
                request, _("Uttalandet är tillagt i %(body)s beslut.") % {"body": _genitive(decision.body).lower()}
            )
            warn_unprintable(request, form.cleaned_data)
            return redirect("case_city_decisions", pk=pk)
    return _render(request, "city_statement.html", {"case": decision.case, "decision": decision, "form": form})


def _city_decision_edit_page(request, decision: Decision, form, *, conflict=None, refusal=None, status=200):
    return _render(
        request,
        "city_decision_edit.html",
        {
            "case": decision.case,
            "decision": decision,
            "form": form,
            "conflict": conflict,
            "refusal": refusal,
        },
        status=status,
    )


@registrar_only
def city_decision_edit(request, pk: int, did: int):
    """Correct a recorded city decision's meeting date and points, until justering or the answer."""
    decision = _city_decision(pk, did)
    refusal = workflow.decision_edit_refusal(decision, "edit_decision")
    page = partial(_city_decision_edit_page, request, decision)
    form_for = partial(CityDecisionEditForm, case=decision.case, body=decision.body)
    if request.method != "POST":
        return page(form_for(initial=CityDecisionEditForm.initial_for(decision)), refusal=refusal)
    form = form_for(request.POST)
    if refusal is not None:  # the lock speaks before any field does; what was typed stays shown
        _refused(request, refusal)
        return page(form, refusal=refusal, status=error_status(refusal))
    if not form.is_valid():
        return page(form)
    data = form.cleaned_data
    try:
        workflow.edit_decision(
            decision,
            points=data["points"],
            meeting_date=data["meeting_date"],
            expected_version=data["version"],
            by=request.user,
        )
    except ConflictError as error:
        saved = error.current
        return edit_conflict(
            request,
            error,
            [(str(form.fields["points"].label), points_html(data["points"]), points_html(saved.points))],
            page,
            form=form_for,
        )
    except (WorkflowError, ValidationError) as error:
        _refused(request, error)
        return page(form, refusal=error if isinstance(error, LockedError) else None, status=error_status(error))
    messages.success(request, _("%(body)s beslut är ändrat.") % {"body": _genitive(decision.body)})
    warn_unprintable(request, form.cleaned_data)
    return redirect("case_city_decisions", pk=pk)


def _city_statement(pk: int, did: int, sid: int) -> Statement:
    statement = get_object_or_404(
        Statement.objects.select_related("decision__case", "decision__body").prefetch_related(
            "authors__politician__party"
        ),
        pk=sid,
        decision_id=did,
        decision__case_id=pk,
        decision__body__kind__in=[Body.Kind.BORGARRADSBEREDNINGEN, Body.Kind.KOMMUNSTYRELSEN],
    )
    return statement


def _city_statement_edit_page(request, statement: Statement, form, *, conflict=None, refusal=None, status=200):
    return _render(
        request,
        "city_statement.html",
        {
            "case": statement.decision.case,
            "decision": statement.decision,
            "form": form,
            "statement": statement,
            "line": full_line(statement),
            "conflict": conflict,
            "refusal": refusal,
            "pending": [a for a in statement.authors.all() if not a.accepted],
        },
        status=status,
    )


@registrar_only
def city_statement_edit(request, pk: int, did: int, sid: int):
    """Correct a statement on a city decision: kind, authors in order, text and references."""
    statement = _city_statement(pk, did, sid)
    decision = statement.decision
    refusal = workflow.decision_edit_refusal(decision, "edit_statement")
    page = partial(_city_statement_edit_page, request, statement)
    form_for = partial(CityStatementEditForm, statement=statement)
    if request.method != "POST":
        return page(form_for(None), refusal=refusal)
    form = form_for(request.POST)
    if refusal is not None:  # the lock speaks before any field does
        _refused(request, refusal)
        return page(form, refusal=refusal, status=error_status(refusal))
    if not form.is_valid():
        return page(form)
    data = form.cleaned_data
    authors = [AuthorSpec(politician, and_others=and_others) for politician, and_others in form.authors()]
    try:
        workflow.edit_statement(
            statement,
            kind=data["kind"],
            authors=authors,
            text=data["text"] or "",
            backed_proposal=data["backed_proposal"] or "",
            endorses=data["endorses"],
            identical_to=data["identical_to"],
            author_title=data["author_title"] or "",
            expected_version=data["version"],
            by=request.user,
        )
    except ConflictError as error:
        saved = error.current
        return edit_conflict(
            request,
            error,
            [
                (_("Text"), data["text"] or "", saved.text),
                (_("Yrkade bifall till"), data["backed_proposal"] or "", saved.backed_proposal),
            ],
            page,
            form=form_for,
        )
    except (WorkflowError, ValidationError) as error:
        _refused(request, error)
        return page(form, refusal=error if isinstance(error, LockedError) else None, status=error_status(error))
    messages.success(request, _("Uttalandet i %(body)s beslut är ändrat.") % {"body": _genitive(decision.body).lower()})
    warn_unprintable(request, form.cleaned_data)
    return redirect("case_city_decisions", pk=pk)


@registrar_only
def city_statement_remove(request, pk: int, did: int, sid: int):
    """Ask "Ta bort …?", then remove the statement (workflow.remove_statement; history keeps it)."""
    statement = _city_statement(pk, did, sid)
    decision = statement.decision
    refusal = workflow.decision_edit_refusal(decision, "remove_statement")
    status = 200
    form = StatementRemoveForm(initial={"version": statement.version})
    if request.method == "POST":
        posted = StatementRemoveForm(request.POST)
        posted.is_valid()  # always valid: a missing or malformed version cleans to one no row has
        version = posted.cleaned_data["version"]
        try:
            workflow.remove_statement(statement, expected_version=version, by=request.user)
        except ConflictError as error:
            # Someone changed it after the page was read: show what it says now and ask again.
            messages.error(
                request, _("Uttalandet har ändrats sedan du öppnade sidan. Läs det som det är nu och bekräfta igen.")
            )
            statement = _city_statement(pk, did, sid)
            form = StatementRemoveForm(initial={"version": error.current.version})
            status = CONFLICT
        except WorkflowError as error:
            _refused(request, error)
            status = error_status(error)
            refusal = refusal or (error if isinstance(error, LockedError) else None)
        else:
            messages.success(
                request, _("Uttalandet är borttaget ur %(body)s beslut.") % {"body": _genitive(decision.body).lower()}
            )
            return redirect("case_city_decisions", pk=pk)
    return _render(
        request,
        "city_statement_remove.html",
        {
            "case": decision.case,
            "decision": decision,
            "statement": statement,
            "line": full_line(statement),
            "html": sanitize(statement.text) if not statement.identical_to_id else "",
            "form": form,
            "refusal": refusal,
        },
        status=status,
    )


# --- The memo ---------------------------------------------------------------------------------


RECENT_MEMO_JOBS = 10


@registrar_only
def memo_list(request, pk: int):
    from remiss.models import MemoJob
    from remiss.tasks import fail_stale_memo_jobs

    case = _case(pk)
    fail_stale_memo_jobs(case=case)  # a render a stopped worker left is listed as failed, not running
    jobs = list(MemoJob.objects.filter(case=case).select_related("requested_by")[:RECENT_MEMO_JOBS])
    return _render(request, "memo_list.html", {"case": case, "memos": list(queries.memo_history(case)), "jobs": jobs})


@registrar_only
def memo_preview(request, pk: int):
    """The memo as the PDF will have it, as its own HTML page with the memo's stylesheet."""
    from remiss.memo import gather, render_html
    from remiss.memo.render import STYLESHEET

    case = _case(pk)
    with transaction.atomic():
        data = gather(case)
    # The memo's own document is made for WeasyPrint; the page takes its body and puts it in the
    # landmarks a browser page needs (skip link, header, main, footer), with the same stylesheet.
    body = re.search(r'<body class="([^"]*)">(.*)</body>', render_html(data), re.DOTALL)
    return render(
        request,
        "remiss/registrar/memo_preview.html",
        {
            "case": case,
            "title": data.document_title,
            "body_class": body.group(1),
            "memo_body": mark_safe(body.group(2)),  # the memo template's own output, already escaped
            "stylesheet": static(STYLESHEET),
        },
    )


@registrar_only
@require_POST
def memo_compile(request, pk: int):
    """Queue the memo's compilation (remiss.tasks) and show the job's page, which follows it."""
    from remiss.tasks import request_memo

    case = _case(pk)
    job, created = request_memo(case, by=request.user)
    _memo_job_queued_message(request, job, created)
    return redirect("memo_job", pk=case.pk, job_id=job.pk)


def _memo_job_queued_message(request, job, created: bool) -> None:
    job.refresh_from_db()
    if job.status == job.Status.DONE:  # a backend that runs tasks at once (the tests' immediate one)
        messages.success(request, _("Promemorian är sammanställd: %(pages)d sidor.") % {"pages": job.memo.pages})
    elif job.status == job.Status.FAILED:
        messages.error(request, _("Promemorian kunde inte sammanställas."))
    elif created:
        messages.success(request, _("Promemorian står i kö för att sammanställas. Sidan visar när den är klar."))
    else:
        messages.info(
            request,
            _("Promemorian stod redan i kö; den sammanställs med texterna som de är när den startar."),
        )


def _memo_job(pk: int, job_id: int):
    """The job; one a stopped worker left rendering is failed first, so it can be retried."""
    from remiss.models import MemoJob
    from remiss.tasks import fail_if_stale

    return fail_if_stale(
        get_object_or_404(MemoJob.objects.select_related("case", "memo", "requested_by"), pk=job_id, case_id=pk)
    )


def _memo_job_state(job) -> dict:
    """What the job page and its JSON say about a job (one sentence per status, in Swedish)."""
    status = job.Status
    sentence = {
        status.QUEUED: _("Promemorian står i kö och sammanställs så snart en arbetsprocess är ledig."),
        status.RENDERING: _("Promemorian sammanställs. En lång promemoria kan ta någon minut."),
        status.DONE: _("Promemorian är klar."),
        status.FAILED: _("Sammanställningen misslyckades."),
    }[job.status]
    done = job.status == status.DONE and job.memo is not None
    if done:
        sentence = _("Promemorian är klar: %(pages)d sidor.") % {"pages": job.memo.pages}
    return {
        "id": job.pk,
        "status": job.status,
        "label": job.get_status_display(),
        "final": job.status in (status.DONE, status.FAILED),
        "message": sentence,
        "error": job.error if job.status == status.FAILED else "",
        "pages": job.memo.pages if done else None,
        "sha256": job.memo.sha256 if done else None,
        "download_url": reverse("memo_download", args=[job.case_id, job.memo_id]) if done else None,
    }


@registrar_only
def memo_job(request, pk: int, job_id: int):
    """One compilation: queued, rendering, done (download) or failed (reason, try again).

    static/remiss/memo-status.js polls memo_job_status and updates the page in place; without
    JavaScript the "Uppdatera" link reloads it."""
    job = _memo_job(pk, job_id)
    return _render(request, "memo_job.html", {"case": job.case, "job": job, "state": _memo_job_state(job)})


@registrar_only
def memo_job_status(request, pk: int, job_id: int):
    from django.http import JsonResponse

    response = JsonResponse(_memo_job_state(_memo_job(pk, job_id)))
    response["Cache-Control"] = "no-store"
    return response


@registrar_only
@require_POST
def memo_job_retry(request, pk: int, job_id: int):
    from remiss.tasks import retry_memo

    job = _memo_job(pk, job_id)
    try:
        job = retry_memo(job)
    except WorkflowError as error:
        _refused(request, error)
    else:
        _memo_job_queued_message(request, job, True)
    return redirect("memo_job", pk=pk, job_id=job.pk)


@registrar_only
def memo_download(request, pk: int, mid: int):
    from remiss.memo.store import memo_filename

    memo = get_object_or_404(Memo.objects.select_related("case"), pk=mid, case_id=pk)
    try:
        handle = memo.pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("PDF-filen finns inte längre.")) from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=memo_filename(memo.case, memo.created_at),
        content_type="application/pdf",
    )


urlpatterns = [
    path("arenden/", case_list, name="case_list"),
    path("arenden/ny/", case_create, name="case_create"),
    path("arenden/<int:pk>/", case_detail, name="case_detail"),
    path("arenden/<int:pk>/andra/", case_edit, name="case_edit"),
    path("arenden/<int:pk>/handelse/", case_event, name="case_event"),
    path("arenden/<int:pk>/forslag/", case_proposals, name="case_proposals"),
    path("arenden/<int:pk>/forslag/<int:proposal_pk>/avsnitt/", case_proposal_section, name="case_proposal_section"),
    path("arenden/<int:pk>/remittera/", case_refer, name="case_refer"),
    path("arenden/<int:pk>/remitteringar/<int:rid>/", referral_detail, name="case_referral"),
    path("arenden/<int:pk>/remitteringar/<int:rid>/handelse/", referral_event, name="case_referral_event"),
    path("arenden/<int:pk>/remitteringar/<int:rid>/svarsdatum/", referral_deadline, name="case_referral_deadline"),
    path("arenden/<int:pk>/remitteringar/<int:rid>/handlaggare/", referral_officers, name="case_referral_officers"),
    path("arenden/<int:pk>/arendet/", case_background, name="case_background"),
    path("arenden/<int:pk>/forslag-till-beslut/", case_city_proposal, name="case_city_proposal"),
    path("arenden/<int:pk>/stadens-beslut/", case_city_decisions, name="case_city_decisions"),
    path(
        "arenden/<int:pk>/stadens-beslut/<int:did>/justera/", city_decision_justera, name="case_city_decision_justera"
    ),
    path("arenden/<int:pk>/stadens-beslut/<int:did>/uttalande/", city_statement, name="case_city_statement"),
    path("arenden/<int:pk>/stadens-beslut/<int:did>/andra/", city_decision_edit, name="case_city_decision_edit"),
    path(
        "arenden/<int:pk>/stadens-beslut/<int:did>/uttalanden/<int:sid>/andra/",
        city_statement_edit,
        name="case_city_statement_edit",
    ),
    path(
        "arenden/<int:pk>/stadens-beslut/<int:did>/uttalanden/<int:sid>/ta-bort/",
        city_statement_remove,
        name="case_city_statement_remove",
    ),
    path("arenden/<int:pk>/promemoria/", memo_list, name="memo_list"),
    path("arenden/<int:pk>/promemoria/forhandsvisning/", memo_preview, name="memo_preview"),
    path("arenden/<int:pk>/promemoria/sammanstall/", memo_compile, name="memo_compile"),
    path("arenden/<int:pk>/promemoria/jobb/<int:job_id>/", memo_job, name="memo_job"),
    path("arenden/<int:pk>/promemoria/jobb/<int:job_id>.json", memo_job_status, name="memo_job_status"),
    path("arenden/<int:pk>/promemoria/jobb/<int:job_id>/forsok-igen/", memo_job_retry, name="memo_job_retry"),
    path("arenden/<int:pk>/promemoria/<int:mid>/pdf/", memo_download, name="memo_download"),
]
