"""The registrar's downloads for the ministry: the memo as .docx and the answer package (zip).

Registrar only: anonymous visitors go to the login page, everyone else gets 403. The package's
PDF is the latest compiled memo as stored, so the zip always carries a PDF whose SHA-256 a Memo
row records. Both downloads are GETs and only serve: no request renders a PDF (a link on another
site could otherwise start one). Without a stored memo the registrar is sent to the memo page,
whose compile button (a POST) queues the compilation.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from remiss.memo.docx import DOCX_CONTENT_TYPE, build_docx, docx_filename
from remiss.memo.gather import gather
from remiss.memo.package import ZIP_CONTENT_TYPE, NoStoredMemo, build_package, content_disposition
from remiss.models import Case
from remiss.views.common import current_user
from remiss.views.registrar.base import registrar_only


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response


@registrar_only
@require_http_methods(["GET"])
def memo_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The memo as it stands now, as an editable Word file."""
    case = get_object_or_404(Case, pk=pk)
    data = gather(case)  # one snapshot, as when the PDF is compiled
    return _attachment(build_docx(data), docx_filename(data), DOCX_CONTENT_TYPE)


@registrar_only
@require_http_methods(["GET"])
def answer_package(request: HttpRequest, pk: int) -> HttpResponse:
    """The zip for the ministry: the stored PDF/UA memo, .docx and cover letter (följebrev.txt)."""
    case = get_object_or_404(Case, pk=pk)
    try:
        package = build_package(case, by=current_user(request))
    except NoStoredMemo as missing:
        if missing.lost is not None:
            messages.error(
                request,
                _(
                    "PDF-filen för den senaste sammanställningen finns inte längre. Sammanställ promemorian "
                    "igen; när den är klar kan du ladda ner svarspaketet."
                ),
            )
        else:
            messages.info(
                request,
                _(
                    "Svarspaketet kan laddas ner först när promemorian har sammanställts. Sammanställ PDF:en; "
                    "när den är klar kan du ladda ner svarspaketet."
                ),
            )
        return redirect("memo_list", pk=case.pk)
    return _attachment(package.content, package.filename, ZIP_CONTENT_TYPE)


urlpatterns = [
    path("arenden/<int:pk>/promemoria/word/", memo_docx, name="memo_docx"),
    path("arenden/<int:pk>/promemoria/svarspaket/", answer_package, name="answer_package"),
]
