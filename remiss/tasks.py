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

A worker killed outright (out of memory, a deploy's kill, power loss) cannot mark its job failed,
so a job can be left rendering for ever. `fail_stale_memo_jobs` finds such jobs and fails them
with a Swedish reason, so the usual retry works. A rendering job is stale when its task has ended
since the job started (nothing will move the job any more), when it has rendered for longer than
`REMISS_MEMO_JOB_TIMEOUT` seconds (a 200-page memo takes about a minute), or when the worker that
claimed its task is starting again (so that worker is gone).

A job can also be left queued ("I kö") for ever: its task was never queued (the on_commit
callback was lost), a worker claimed the task and died before starting the job, or the task
ended without moving it. A queued job is stale when its task has ended; when it has no task id,
or one the backend does not know, `QUEUE_GRACE` (2 minutes) after it was ordered; when its task
was claimed `QUEUE_GRACE` ago (or by a worker id starting again) and the job has not started;
and when its task has waited in the queue for longer than `REMISS_MEMO_QUEUE_TIMEOUT` seconds
(6 hours: waiting behind other compilations is normal). A stale job moves to failed with a
Swedish reason that says which of these happened, so the usual retry works.

The checks run where they are cheap: when the registrar reads a job (`fail_if_stale`), lists the
memos, asks for a new compilation, and from `manage.py fail_stale_memo_jobs` (cron, or a worker's
start).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import TaskResult, TaskResultStatus, task

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
    # First, so that a dead render is no longer listed as running and a job stuck in the queue is
    # not handed back as the one to wait for.
    fail_stale_memo_jobs(case=case)
    waiting = (
        MemoJob.objects.filter(case_id=case.pk, status=MemoJob.Status.QUEUED)
        .exclude(task_id="")
        .order_by("-created_at", "-pk")
        .first()
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
    result = _task_result(task_id)
    return result is not None and result.status == TaskResultStatus.READY


# --- Stale jobs: a worker that died, a task that never came ------------------------------------

# How long a queued job may go without a task that could run it (no task id noted, a task the
# backend does not know, or a task a worker claimed without starting the job). The id is noted
# and the job started within milliseconds of the enqueue and the claim, so two minutes only
# spares a slow database.
QUEUE_GRACE = timedelta(minutes=2)


def job_timeout() -> timedelta:
    """How long a job may render before it counts as abandoned: `REMISS_MEMO_JOB_TIMEOUT` seconds,
    30 minutes by default. Generous on purpose, as a 200-page memo renders in about a minute and a
    job failed too early loses a render that would have finished."""
    return timedelta(seconds=settings.REMISS_MEMO_JOB_TIMEOUT)


def job_queue_timeout() -> timedelta:
    """How long a job's task may wait in the queue before the job is failed:
    `REMISS_MEMO_QUEUE_TIMEOUT` seconds, 6 hours by default.

    A queued job may rightly wait behind other compilations (each takes about a minute per
    worker), behind a deploy or while workers restart, so this is far longer than any real
    backlog. It is there for a queue that no worker serves at all: failing such a job tells the
    registrar, instead of showing "I kö" for ever. Failing it costs little (it has read no text
    yet, and a task that still runs later finds the job failed and does nothing), but a job
    failed while it was about to run costs a click and a worry, hence hours rather than minutes.
    """
    return timedelta(seconds=settings.REMISS_MEMO_QUEUE_TIMEOUT)


def stale_reason() -> str:
    return _("Sammanställningen avbröts (arbetsprocessen stannade). Försök igen.")


def _duration(span: timedelta) -> str:
    """'6 timmar', '90 minuter', '45 sekunder': a time limit in the unit it was given in."""
    seconds = int(span.total_seconds())
    if seconds % 3600 == 0:
        return ngettext("%(n)d timme", "%(n)d timmar", seconds // 3600) % {"n": seconds // 3600}
    if seconds % 60 == 0:
        return ngettext("%(n)d minut", "%(n)d minuter", seconds // 60) % {"n": seconds // 60}
    return ngettext("%(n)d sekund", "%(n)d sekunder", seconds) % {"n": seconds}


def _task_result(task_id: str) -> TaskResult | None:
    if not task_id:
        return None
    try:
        return compile_memo_job.get_result(task_id)
    except Exception:  # unknown (or pruned) id, or a backend that keeps no results
        return None


def _rendering_stale_reason(
    job: MemoJob,
    *,
    now: datetime,
    timeout: timedelta,
    restarting_worker: str | None,
) -> str | None:
    """Will nothing ever move this rendering job on? See the module docstring for the rules."""
    started = job.started_at or job.created_at
    if started <= now - timeout:
        return stale_reason()
    result = _task_result(job.task_id)
    if result is None:
        return None  # no word from the task: only the timeout can tell
    # The task's end is committed after the job's move, so an ended task with the job still
    # rendering means the move to failed itself failed. A task that ended before this run began
    # is an earlier attempt's (the job was retried), and says nothing about this one.
    if result.is_finished and result.finished_at is not None and result.finished_at >= started:
        return stale_reason()
    # A worker id is unique to one worker process slot; when it starts again, its old process
    # is gone, and so is any task it still shows as running.
    if _claimed_by(result, restarting_worker):
        return stale_reason()
    return None


def _claimed_by(result: TaskResult, worker: str | None) -> bool:
    return bool(
        worker and result.status == TaskResultStatus.RUNNING and result.worker_ids and result.worker_ids[-1] == worker
    )


def _queued_stale_reason(
    job: MemoJob,
    *,
    now: datetime,
    queue_timeout: timedelta,
    restarting_worker: str | None,
) -> str | None:
    """Will no task ever start this queued job? See the module docstring for the rules."""
    result = _task_result(job.task_id)
    if result is None:
        # No task id yet (the enqueue runs after the job's commit, and notes the id just after),
        # or one the backend has forgotten: a lost on_commit callback, a crash in between, a pruned
        # result. Only the grace period tells a late note from a task that will never come.
        if job.created_at <= now - QUEUE_GRACE:
            return _("Sammanställningen kom aldrig in i kön (uppgiften saknas). Försök igen.")
        return None
    if result.is_finished:
        # The task moves the job to rendering before it can end, so a task that has ended with
        # the job still queued failed before its first step, or found the job elsewhere. (For the
        # few milliseconds between a retry's commit and the noting of its new task, the job still
        # names the previous attempt's task. A check landing just then fails the job early; the
        # new task then finds it failed and does nothing, and the registrar can retry again.)
        return _("Sammanställningen startade aldrig: uppgiften avslutades medan jobbet stod i kö. Försök igen.")
    if result.status == TaskResultStatus.RUNNING:
        # A worker claimed the task but the job never started: that worker died in between, or
        # (with a restarting worker id) is being replaced right now.
        claimed = result.started_at or result.enqueued_at or job.created_at
        if claimed <= now - QUEUE_GRACE or _claimed_by(result, restarting_worker):
            return _("Sammanställningen startade aldrig (arbetsprocessen stannade). Försök igen.")
        return None
    # Waiting in the queue, perhaps behind other compilations. The wait counts from this task's
    # enqueue, not from the job's creation: a retried job waits anew.
    if (result.enqueued_at or job.created_at) <= now - queue_timeout:
        return _(
            "Sammanställningen har väntat i kön längre än %(limit)s utan att starta. Kontrollera att "
            "arbetsprocessen för sammanställning körs, och försök igen."
        ) % {"limit": _duration(queue_timeout)}
    return None


def _stale_reason(
    job: MemoJob,
    *,
    now: datetime,
    timeout: timedelta,
    queue_timeout: timedelta,
    restarting_worker: str | None,
) -> str | None:
    """Why nothing will ever move this job on, in Swedish for the registrar; None if something will."""
    if job.status == MemoJob.Status.RENDERING:
        return _rendering_stale_reason(job, now=now, timeout=timeout, restarting_worker=restarting_worker)
    if job.status == MemoJob.Status.QUEUED:
        return _queued_stale_reason(job, now=now, queue_timeout=queue_timeout, restarting_worker=restarting_worker)
    return None


def _fail_if_stale(
    job: MemoJob,
    *,
    now: datetime,
    timeout: timedelta,
    queue_timeout: timedelta,
    restarting_worker: str | None = None,
) -> bool:
    """Fail the job if it is stale; True if this call failed it."""
    stale_reason = partial(
        _stale_reason, now=now, timeout=timeout, queue_timeout=queue_timeout, restarting_worker=restarting_worker
    )
    if stale_reason(job) is None:
        return False  # the common case, decided without a lock
    with transaction.atomic():
        # Decide again on the locked row: a worker may have started or finished it, or a retry
        # started it anew. The row is read before the task, whose end is committed after the
        # job's moves.
        current = MemoJob.objects.select_for_update().get(pk=job.pk)
        reason = stale_reason(current)
        if reason is None:
            return False
        was = current.status
        workflow.move_memo_job(current, "fail", error=reason)
    job.refresh_from_db(fields=["status", "error", "finished_at"])
    logger.warning("Memo job %s (case %s) was stale while %s; marked failed: %s", job.pk, job.case_id, was, reason)
    return True


def fail_if_stale(job: MemoJob) -> MemoJob:
    """`job`, moved to failed first if it is stale; for the job page and its JSON, which then
    show the reason and the retry button. Costs nothing unless the job is queued or rendering."""
    if job.status in (MemoJob.Status.QUEUED, MemoJob.Status.RENDERING):
        _fail_if_stale(job, now=timezone.now(), timeout=job_timeout(), queue_timeout=job_queue_timeout())
    return job


def fail_stale_memo_jobs(
    *,
    case: Case | None = None,
    timeout: timedelta | None = None,
    queue_timeout: timedelta | None = None,
    restarting_worker: str | None = None,
    now: datetime | None = None,
) -> list[MemoJob]:
    """Fail every stale queued or rendering job (of `case`, or all); returns the jobs it failed.
    Running it again fails nothing more: a failed job is neither queued nor rendering."""
    now = now or timezone.now()
    timeout = job_timeout() if timeout is None else timeout
    queue_timeout = job_queue_timeout() if queue_timeout is None else queue_timeout
    waiting = (
        MemoJob.objects.filter(status__in=[MemoJob.Status.QUEUED, MemoJob.Status.RENDERING])
        .select_related("case")
        .order_by("pk")
    )
    if case is not None:
        waiting = waiting.filter(case_id=case.pk)
    return [
        job
        for job in waiting
        if _fail_if_stale(
            job,
            now=now,
            timeout=timeout,
            queue_timeout=queue_timeout,
            restarting_worker=restarting_worker,
        )
    ]
