"""The city's own texts the registrar writes: Ärendet (the background) and the presenting
commissioner's förslag till beslut, each with its conflict page and, once kommunstyrelsen has
decided, read-only with what a refused save typed."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from remiss import positions, workflow
from remiss.city import signing_place
from remiss.diff import Conflict, points_html
from remiss.forms import BackgroundForm, CityProposalForm
from remiss.models import Case, CityProposal
from remiss.richtext import sanitize
from remiss.richtext_input import posted_html
from remiss.views.common import current_user, warn_unprintable
from remiss.views.conflicts import edit_conflict, error_status, saved_copy
from remiss.views.registrar.base import get_case, refused, registrar_only, render_page
from remiss.workflow import ConflictError, LockedError, WorkflowError


def _unsaved(request: HttpRequest, fields: list[tuple[str, str]]) -> list[dict[str, str]]:
    """What the person typed into a page whose text has since become final, shown (sanitised)
    so it can be copied: a refused save must not make their text vanish."""
    unsaved = []
    for name, label in fields:
        value = posted_html(request.POST, name)
        if value.strip():
            unsaved.append({"label": label, "html": mark_safe(value)})  # sanitised just above
    return unsaved


def _background_page(
    request: HttpRequest,
    case: Case,
    form: BackgroundForm | None = None,
    *,
    conflict: Conflict | None = None,
    status: int = 200,
) -> HttpResponse:
    """Ärendet's page: the editor, or once the text is final (`workflow.city_texts_refusal`) the
    text read-only with the reason, and on a refused POST what the person typed."""
    refusal = workflow.city_texts_refusal(case)
    if refusal is None and form is None:
        form = BackgroundForm(initial={"text": case.background, "version": case.version})
    refused_post = refusal is not None and request.method == "POST"
    return render_page(
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
def case_background(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(pk)
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
            by=current_user(request),
        )
    except ConflictError as error:
        return edit_conflict(
            request,
            error,
            [(_("Ärendet"), form.cleaned_data["text"], saved_copy(error, Case).background)],
            partial(_background_page, request, case),
            form=BackgroundForm,
        )
    except LockedError as error:  # kommunstyrelsen decided between the page's load and this save
        case.refresh_from_db()
        return _background_page(request, case, status=error_status(error))
    except (WorkflowError, ValidationError) as error:
        refused(request, error)
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
        return {"summary": draft, "signed_place": signing_place()}, bool(draft)
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


def _locked_city_proposal_page(
    request: HttpRequest, case: Case, proposal: CityProposal | None, refusal: LockedError
) -> HttpResponse:
    """The förslag till beslut read-only, with why it is final (and, on a refused POST, a 409
    with what the person typed, to copy)."""
    refused_post = request.method == "POST"
    return render_page(
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
    request: HttpRequest,
    case: Case,
    proposal: CityProposal | None,
    form: CityProposalForm,
    *,
    prefilled: bool = False,
    conflict: Conflict | None = None,
    status: int = 200,
) -> HttpResponse:
    """The förslag till beslut's editor, with the bodies' position sentences to draw on."""
    sentences = list(case.referrals.select_related("body").exclude(position="").order_by("order"))
    return render_page(
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
def case_city_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(pk)
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
        workflow.save_city_proposal(case, by=current_user(request), expected_version=version, **data)
    except ConflictError as error:
        saved = saved_copy(error, CityProposal)
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
        refused(request, error)
        return page(form)
    messages.success(request, _("Förslaget till beslut är sparat."))
    warn_unprintable(request, form.cleaned_data)
    return redirect("case_detail", pk=case.pk)
