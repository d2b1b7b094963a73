"""Word in: an uploaded .docx is checked and converted, waits in the session for review, and on
confirmation replaces the opinion's text."""

from __future__ import annotations

import secrets
from functools import partial
from typing import TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from remiss import workflow
from remiss.diff import Conflict, word_diff
from remiss.docx_import import DocxUploadForm
from remiss.models import Decision, Opinion, Referral
from remiss.richtext import sanitize
from remiss.views.common import current_user, warn_unprintable
from remiss.views.conflicts import CONFLICT, edit_conflict, error_status, saved_copy
from remiss.views.officer.base import ensure_opinion_open, load_referral, opinion_of
from remiss.views.officer.referral_page import referral_page
from remiss.workflow import ConflictError, LockedError, WorkflowError

# The converted text of an uploaded .docx waits here, per referral, until the officer confirms it.
WORD_SESSION_KEY = "remiss_word_import"


class PendingImport(TypedDict):
    """One converted upload in the session: what the review page shows and the confirm saves."""

    token: str  # the upload the review page showed; a later upload (another tab) replaces it
    html: str
    filename: str
    version: int  # the opinion's version when uploaded: confirming saves over exactly that one
    tables: int
    images: int
    words: int


def _pending_import(request: HttpRequest, referral: Referral) -> PendingImport | None:
    pending: PendingImport | None = request.session.get(WORD_SESSION_KEY, {}).get(str(referral.pk))
    return pending


def _set_pending_import(request: HttpRequest, referral: Referral, pending: PendingImport | None) -> None:
    imports = dict(request.session.get(WORD_SESSION_KEY, {}))
    if pending is None:
        imports.pop(str(referral.pk), None)
    else:
        imports[str(referral.pk)] = pending
    request.session[WORD_SESSION_KEY] = imports


@login_required
@require_POST
def officer_word_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Check and convert an uploaded .docx; the result waits in the session for review."""
    referral, decision = load_referral(request, pk)
    try:
        ensure_opinion_open(referral, decision)
    except LockedError as error:
        return referral_page(request, referral, decision, error=str(error), status=error_status(error))
    form = DocxUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return referral_page(request, referral, decision, upload_form=form)
    converted = form.converted
    assert converted is not None
    _set_pending_import(
        request,
        referral,
        {
            "token": secrets.token_urlsafe(16),
            "html": converted.html,
            "filename": (form.cleaned_data["file"].name or "")[:200],
            "version": opinion_of(referral).version,
            "tables": converted.tables,
            "images": converted.images,
            "words": converted.words,
        },
    )
    return redirect("officer_word_review", pk=referral.pk)


def _word_review_page(
    request: HttpRequest,
    referral: Referral,
    decision: Decision | None,
    pending: PendingImport,
    *,
    conflict: Conflict | None = None,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    opinion = opinion_of(referral)
    return render(
        request,
        "remiss/officer/word_review.html",
        {
            "nav": "officer",
            "referral": referral,
            "case": referral.case,
            "decision": decision,
            "opinion": opinion,
            "pending": pending,
            "new_html": mark_safe(sanitize(pending["html"])),
            "diff": word_diff(opinion.text, pending["html"]) if opinion.text.strip() else None,
            "conflict": conflict,
            "error": error,
            "referral_url": reverse("officer_referral", args=[referral.pk]),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_word_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the converted text; POST action=confirm replaces the opinion's text, action=cancel drops it."""
    referral, decision = load_referral(request, pk)
    pending = _pending_import(request, referral)
    if pending is None:
        messages.info(request, _("Det finns ingen uppladdad Word-fil att granska. Ladda upp filen på nytt."))
        return redirect("officer_referral", pk=referral.pk)
    if request.method != "POST":
        return _word_review_page(request, referral, decision, pending)
    action = request.POST.get("action")
    if action == "cancel":
        _set_pending_import(request, referral, None)
        messages.info(request, _("Texten från Word-filen användes inte. Tjänsteutlåtandet är oförändrat."))
        return redirect("officer_referral", pk=referral.pk)
    if action != "confirm" or request.POST.get("token") != pending["token"]:
        # Another upload (in another tab) replaced the one this page showed.
        return _word_review_page(
            request,
            referral,
            decision,
            pending,
            status=CONFLICT,
            error=_("Texten har bytts ut mot en senare uppladdning. Granska texten nedan och bekräfta igen."),
        )
    opinion = opinion_of(referral)
    try:
        ensure_opinion_open(referral, decision)
        workflow.save_opinion(
            referral,
            text=pending["html"],
            proposed_decision=opinion.proposed_decision,
            date=opinion.date,
            by=current_user(request),
            expected_version=pending["version"],
        )
    except ConflictError as error:
        current = saved_copy(error, Opinion)
        pending = {**pending, "version": current.version}  # confirming again now replaces knowingly
        _set_pending_import(request, referral, pending)
        return edit_conflict(
            request,
            error,
            [(_("Tjänsteutlåtandets text"), pending["html"], current.text)],
            partial(_word_review_page, request, referral, decision, pending),
        )
    except WorkflowError as error:
        referral.refresh_from_db()
        return _word_review_page(request, referral, decision, pending, error=str(error), status=error_status(error))
    _set_pending_import(request, referral, None)
    messages.success(
        request,
        _("Texten från Word-filen har ersatt tjänsteutlåtandets text. Den tidigare versionen finns kvar i historiken."),
    )
    warn_unprintable(request, pending["html"])
    return redirect("officer_referral", pk=referral.pk)
