"""The memo: its compilations (queued in `remiss.tasks`), the HTML preview, the job page that
follows a compilation, and the PDF download."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
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
def memo_list(request, pk: int):
    case = get_case(pk)
    fail_stale_memo_jobs(case=case)  # a render a stopped worker left is listed as failed, not running
    jobs = list(MemoJob.objects.filter(case=case).select_related("requested_by")[:RECENT_MEMO_JOBS])
    return render_page(
        request, "memo_list.html", {"case": case, "memos": list(queries.memo_history(case)), "jobs": jobs}
    )


@registrar_only
def memo_preview(request, pk: int):
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
def memo_compile(request, pk: int):
    """Queue the memo's compilation (remiss.tasks) and show the job's page, which follows it."""
    case = get_case(pk)
    job, created = request_memo(case, by=current_user(request))
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
    return render_page(request, "memo_job.html", {"case": job.case, "job": job, "state": _memo_job_state(job)})


@registrar_only
def memo_job_status(request, pk: int, job_id: int):
    response = JsonResponse(_memo_job_state(_memo_job(pk, job_id)))
    response["Cache-Control"] = "no-store"
    return response


@registrar_only
@require_POST
def memo_job_retry(request, pk: int, job_id: int):
    job = _memo_job(pk, job_id)
    try:
        job = retry_memo(job)
    except WorkflowError as error:
        refused(request, error)
    else:
        _memo_job_queued_message(request, job, True)
    return redirect("memo_job", pk=pk, job_id=job.pk)


@registrar_only
def memo_download(request, pk: int, mid: int):
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
