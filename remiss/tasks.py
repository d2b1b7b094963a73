"""Background work: compiling the memo outside the web request.

The compile button calls `request_memo`, which creates a `MemoJob` (queued) and, once that row is
committed, queues the django-tasks task `compile_memo_job(job_id)`. A worker runs it:
`manage.py db_worker` (django-tasks-db), started next to runserver by `make run` and as its own
service in production (see README, "Production layout"). The job's status only ever changes
through `workflow.move_memo_job`:

    queued --start--> rendering --finish--> done
                               \\--fail---> failed --retry--> queued (a new task is queued)

The task renders with `build_memo` (no transaction is held while WeasyPrint works, which can take
tens of seconds), then saves the PDF and its `Memo` row *and* moves the job to done in one
transaction (`store_memo` inside it). If anything fails, nothing is kept: the transaction rolls
the row and the job's move back, the file just written is deleted, and the job moves to failed
with a short Swedish reason followed by the exception's class and message.

Failures are re-raised after the job is marked failed, so the task result is FAILED too and
carries the traceback (admin: "Task results"; the worker logs it). Both backends catch it: the
database worker records it, and the immediate backend (tests) does the same, so `enqueue` never
raises because a render failed. A task for a job that is no longer queued (delivered twice, or
the job was moved meanwhile) does nothing and succeeds.
"""
from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task

from remiss import workflow
from remiss.memo.store import build_memo, store_memo
from remiss.models import Case, Memo, MemoJob, User
from remiss.workflow import WorkflowError

logger = logging.getLogger(__name__)

MAX_REASON = 1000  # characters of the failure reason kept on the job


def describe_failure(error: BaseException) -> str:
    """'Promemorian kunde inte sammanställas: OSError: …', for the registrar's page."""
    if isinstance(error, (KeyboardInterrupt, SystemExit)):
        reason = _("Sammanställningen avbröts när arbetsprocessen stoppades")
    else:
        reason = _("Promemorian kunde inte sammanställas")
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return f"{reason}: {detail}"[:MAX_REASON]


@task()
def compile_memo_job(job_id: int) -> int | None:
    """Render and store the memo of one `MemoJob`; returns the new Memo's pk (None if skipped)."""
    job = MemoJob.objects.select_related("case", "requested_by").filter(pk=job_id).first()
    if job is None:
        logger.warning("Memo job %s no longer exists; nothing to do", job_id)
        return None
    try:
        workflow.move_memo_job(job, "start")
    except WorkflowError:
        logger.warning("Memo job %s is %s, not queued; another task took it", job_id, job.status)
        return None
    try:
        memo = _render_and_store(job.case, by=job.requested_by, job=job)
    except BaseException as error:
        logger.exception("Compiling memo job %s (case %s) failed", job_id, job.case_id)
        try:
            workflow.move_memo_job(job, "fail", error=describe_failure(error))
        except Exception:  # the original failure is the one to report
            logger.exception("Could not mark memo job %s as failed", job_id)
        raise
    return memo.pk


def _render_and_store(case: Case, *, by: User | None, job: MemoJob) -> Memo:
    """`compile_memo`, in its two halves, with the job's move to done inside the storing
    transaction: a Memo row exists exactly when its job is done."""
    compiled = build_memo(case)
    memo: Memo | None = None
    try:
        with transaction.atomic():
            memo = store_memo(case, compiled, by=by)
            workflow.move_memo_job(job, "finish", memo=memo)
    except BaseException:
        # store_memo removes its file when its own save fails; when the move to done fails after
        # it, the row is rolled back here and the file is ours to remove.
        if memo is not None and memo.pdf.name:
            memo.pdf.storage.delete(memo.pdf.name)
        raise
    return memo


# --- Queueing, for the views ------------------------------------------------------------------


def request_memo(case: Case, *, by: User | None) -> tuple[MemoJob, bool]:
    """The job that will compile `case`'s memo: (job, created).

    A job whose task is still waiting in the queue has not read any text yet, so a second click
    gets that job back instead of a second render. Otherwise a new job is created and its task
    queued when the job's row is committed, so a worker never looks for a job it cannot see yet.
    """
    waiting = (
        MemoJob.objects.filter(case_id=case.pk, status=MemoJob.Status.QUEUED)
        .exclude(task_id="").order_by("-created_at", "-pk").first()
    )
    if waiting is not None and _task_waiting(waiting.task_id):
        return waiting, False
    with transaction.atomic():
        job = workflow.create_memo_job(case, by=by)
        transaction.on_commit(partial(_enqueue, job.pk))
    return job, True


def retry_memo(job: MemoJob) -> MemoJob:
    """Failed → queued, and queue a new task for the job (raises WorkflowError if not failed)."""
    with transaction.atomic():
        job = workflow.move_memo_job(job, "retry")
        transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    try:
        result = compile_memo_job.enqueue(job_id)
    except Exception as error:
        logger.exception("Could not queue memo job %s", job_id)
        job = MemoJob.objects.get(pk=job_id)
        reason = f"{_('Sammanställningen kunde inte köas')}: {type(error).__name__}: {error}"
        workflow.move_memo_job(job, "fail", error=reason[:MAX_REASON])
        return
    workflow.note_memo_job_task(job_id, str(result.id))


def _task_waiting(task_id: str) -> bool:
    """Is this task still in the queue, not yet taken by a worker?"""
    try:
        return compile_memo_job.get_result(task_id).status == TaskResultStatus.READY
    except Exception:  # unknown id, or a backend that keeps no results
        return False
