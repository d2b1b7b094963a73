"""The memo: its compilations (queued in `remiss.tasks`), the HTML preview, the job page that
follows a compilation, and the PDF download."""

from __future__ import annotations

import re
from typing import TypedDict

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remiss import queries
from remiss.memo import gather, render_html
from remiss.memo.render import STYLESHEET
from remiss.memo.store import memo_filename
from remiss.models import Memo, MemoJob
from remiss.tasks import fail_if_stale, fail_stale_memo_jobs, request_memo, retry_memo
from remiss.views.common import current_user
from remiss.views.registrar.base import get_case, refused, registrar_only, render_page
from remiss.workflow import WorkflowError

RECENT_MEMO_JOBS = 10


@registrar_only
def memo_list(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(pk)
    fail_stale_memo_jobs(case=case)  # a render a stopped worker left is listed as failed, not running
    jobs = list(MemoJob.objects.filter(case=case).select_related("requested_by")[:RECENT_MEMO_JOBS])
    return render_page(
        request, "memo_list.html", {"case": case, "memos": list(queries.memo_history(case)), "jobs": jobs}
    )


@registrar_only
def memo_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The memo as the PDF will have it, as its own HTML page with the memo's stylesheet."""
    case = get_case(pk)
    data = gather(case)  # one snapshot of the case
    # The memo's own document is made for WeasyPrint; the page takes its body and puts it in the
    # landmarks a browser page needs (skip link, header, main, footer), with the same stylesheet.
    body = re.search(r'<body class="([^"]*)">(.*)</body>', render_html(data), re.DOTALL)
    assert body is not None, "templates/memo/memo.html always has its <body class>"
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
def memo_compile(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the memo's compilation (remiss.tasks) and show the job's page, which follows it."""
    case = get_case(pk)
    job, created = request_memo(case, by=current_user(request))
    _memo_job_queued_message(request, job, created)
    return redirect("memo_job", pk=case.pk, job_id=job.pk)


def _memo_job_queued_message(request: HttpRequest, job: MemoJob, created: bool) -> None:
    job.refresh_from_db()
    if job.status == job.Status.DONE:  # a backend that runs tasks at once (the tests' immediate one)
        assert job.memo is not None  # finished by this very request, in the move that set its memo
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


def _memo_job(pk: int, job_id: int) -> MemoJob:
    """The job; one a stopped worker left rendering is failed first, so it can be retried."""
    return fail_if_stale(
        get_object_or_404(MemoJob.objects.select_related("case", "memo", "requested_by"), pk=job_id, case_id=pk)
    )


class MemoJobState(TypedDict):
    """What the job page shows of a job, and its JSON (static/remiss/memo-status.js) says."""

    id: int
    status: str
    label: str
    final: bool
    message: str
    error: str
    pages: int | None
    sha256: str | None
    download_url: str | None


def _memo_job_state(job: MemoJob) -> MemoJobState:
    """What the job page and its JSON say about a job (one sentence per status, in Swedish)."""
    status = job.Status
    sentences: dict[str, str] = {
        status.QUEUED: _("Promemorian står i kö och sammanställs så snart en arbetsprocess är ledig."),
        status.RENDERING: _("Promemorian sammanställs. En lång promemoria kan ta någon minut."),
        status.DONE: _("Promemorian är klar."),
        status.FAILED: _("Sammanställningen misslyckades."),
    }
    sentence = sentences[job.status]
    memo = job.memo if job.status == status.DONE else None  # None too when the memo was deleted since
    if memo is not None:
        sentence = _("Promemorian är klar: %(pages)d sidor.") % {"pages": memo.pages}
    return {
        "id": job.pk,
        "status": job.status,
        "label": job.get_status_display(),
        "final": job.status in (status.DONE, status.FAILED),
        "message": sentence,
        "error": job.error if job.status == status.FAILED else "",
        "pages": memo.pages if memo is not None else None,
        "sha256": memo.sha256 if memo is not None else None,
        "download_url": reverse("memo_download", args=[job.case_id, memo.pk]) if memo is not None else None,
    }


@registrar_only
def memo_job(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    """One compilation: queued, rendering, done (download) or failed (reason, try again).

    static/remiss/memo-status.js polls memo_job_status and updates the page in place; without
    JavaScript the "Uppdatera" link reloads it."""
    job = _memo_job(pk, job_id)
    return render_page(request, "memo_job.html", {"case": job.case, "job": job, "state": _memo_job_state(job)})


@registrar_only
def memo_job_status(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    response = JsonResponse(_memo_job_state(_memo_job(pk, job_id)))
    response["Cache-Control"] = "no-store"
    return response


@registrar_only
@require_POST
def memo_job_retry(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    job = _memo_job(pk, job_id)
    try:
        job = retry_memo(job)
    except WorkflowError as error:
        refused(request, error)
    else:
        _memo_job_queued_message(request, job, True)
    return redirect("memo_job", pk=pk, job_id=job.pk)


@registrar_only
def memo_download(request: HttpRequest, pk: int, mid: int) -> FileResponse:
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
