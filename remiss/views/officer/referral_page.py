"""The officer's referral page: the case's facts, the opinion editor, the positions per proposal
(one page of them) and the Word upload. Every view that refuses a save shows it again."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from remiss import positions, workflow
from remiss.diff import Conflict
from remiss.docx_import import DocxUploadForm
from remiss.forms import DeclineForm, OpinionForm
from remiss.models import Decision, Opinion, Referral
from remiss.positions_form import PAGE_PARAM, PAGE_SIZE, PositionsForm, page_of, rows_for_referral
from remiss.richtext_input import posted_html
from remiss.views.common import page_links
from remiss.views.officer.base import EDITABLE, opinion_of


def _opinion_form_initial(referral: Referral, opinion: Opinion) -> dict:
    return {
        "date": opinion.date,
        "text": opinion.text,
        "proposed_decision": opinion.proposed_decision,
        "position": referral.position,
        "version": opinion.version,
    }


def referral_page(
    request: HttpRequest,
    referral: Referral,
    decision: Decision | None,
    form: OpinionForm | None = None,
    *,
    conflict: Conflict | None = None,
    error: str | None = None,
    status: int = 200,
    positions_form: PositionsForm | None = None,
    positions_conflict: Conflict | None = None,
    upload_form: DocxUploadForm | None = None,
) -> HttpResponse:
    opinion = opinion_of(referral)
    editable = referral.status in EDITABLE and not (decision is not None and decision.justered)
    if editable and form is None:
        form = OpinionForm(
            initial=_opinion_form_initial(referral, opinion), with_position=not referral.body.makes_decisions
        )
    unsaved = []
    if not editable and request.method == "POST":
        # Refused because the opinion is no longer open: show what was typed, so it can be copied.
        for name, label in (("text", _("Din text")), ("proposed_decision", _("Ditt förslag till beslut"))):
            value = posted_html(request.POST, name)
            if value:
                unsaved.append({"label": label, "html": mark_safe(value)})
    return render(
        request,
        "remiss/officer/referral.html",
        {
            "nav": "officer",
            "referral": referral,
            "case": referral.case,
            "opinion": opinion,
            "decision": decision,
            "form": form if editable else None,
            "editable": editable,
            "conflict": conflict,
            "error": error,
            "unsaved": unsaved,
            "can_reopen": "reopen_opinion" in workflow.allowed_events(referral)
            and not (decision and decision.justered),
            "decline_form": DeclineForm() if "decline" in workflow.allowed_events(referral) else None,
            "decides": referral.body.makes_decisions,
            "overdue": not referral.is_closed and referral.deadline < timezone.localdate(),
            **_positions_context(request, referral, decision, positions_form, positions_conflict),
            "upload_form": (upload_form or DocxUploadForm()) if editable else None,
        },
        status=status,
    )


def positions_url(referral: Referral, page: str | int | None) -> str:
    """The referral page at the given page of the positions form."""
    query = "?" + urlencode({PAGE_PARAM: page}) if page else ""
    return reverse("officer_referral", args=[referral.pk]) + query + "#positions-heading"


def _positions_context(
    request: HttpRequest,
    referral: Referral,
    decision: Decision | None,
    form: PositionsForm | None,
    conflict: Conflict | None = None,
) -> dict[str, Any]:
    rows = rows_for_referral(referral)  # after the referral: its version is never newer
    locked = positions.positions_locked(referral) or (decision is not None and decision.justered)
    page = page_of(rows, request.GET.get(PAGE_PARAM))
    if form is None and not locked and rows:
        form = PositionsForm(rows=list(page.object_list), version=referral.positions_version)
    return {
        "position_rows": rows,
        "positions_form": None if locked else form,
        "positions_locked": locked,
        "positions_conflict": conflict,
        "positions_page_size": PAGE_SIZE,
        "positions_action": reverse("officer_positions", args=[referral.pk])
        + "?"
        + urlencode({PAGE_PARAM: page.number}),
        "positions_nav": page_links(
            request,
            page,
            PAGE_PARAM,
            path=reverse("officer_referral", args=[referral.pk]),
            anchor="#positions-heading",
        ),
        "positions_discard_url": positions_url(referral, page.number),
    }
