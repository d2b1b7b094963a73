"""The registrar's downloads for the ministry: the memo as .docx and the answer package (zip).

Registrar only: anonymous visitors go to the login page, everyone else gets 403. The package's
PDF is the latest compiled memo as stored; when the case has none yet, one is compiled (and
stored) first, so the zip always carries a PDF whose SHA-256 a Memo row records.
"""
from __future__ import annotations

import logging
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from remiss.access import is_registrar, require
from remiss.memo.docx import DOCX_CONTENT_TYPE, build_docx, docx_filename
from remiss.memo.gather import gather
from remiss.memo.package import ZIP_CONTENT_TYPE, build_package, content_disposition
from remiss.models import Case

logger = logging.getLogger(__name__)


def _registrar_only(view):
    """Anonymous → login page; logged in but not the registrar → 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(is_registrar(request.user))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response


@_registrar_only
@require_http_methods(["GET"])
def memo_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The memo as it stands now, as an editable Word file."""
    case = get_object_or_404(Case, pk=pk)
    with transaction.atomic():  # one snapshot, as when the PDF is compiled
        data = gather(case)
    return _attachment(build_docx(data), docx_filename(data), DOCX_CONTENT_TYPE)


@_registrar_only
@require_http_methods(["GET", "POST"])
def answer_package(request: HttpRequest, pk: int) -> HttpResponse:
    """The zip for the ministry: PDF/UA memo, .docx and cover letter (följebrev.txt)."""
    case = get_object_or_404(Case, pk=pk)
    try:
        package = build_package(case, by=request.user)
    except Exception:  # compiling the PDF can fail; the reason is for the log
        logger.exception("Building the answer package of case %s failed", case.pk)
        messages.error(request, _(
            "Svarspaketet kunde inte skapas: promemorian gick inte att sammanställa. Försök igen, "
            "eller kontakta förvaltningen av systemet."
        ))
        return redirect("memo_list", pk=case.pk)
    if package.compiled_now:
        logger.info("Compiled memo %s for the answer package of case %s", package.memo.pk, case.pk)
    return _attachment(package.content, package.filename, ZIP_CONTENT_TYPE)


urlpatterns = [
    path("arenden/<int:pk>/promemoria/word/", memo_docx, name="memo_docx"),
    path("arenden/<int:pk>/promemoria/svarspaket/", answer_package, name="answer_package"),
]
