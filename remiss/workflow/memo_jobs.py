"""Background compilation of the memo: a compile job's moves along MEMO_JOB_TABLE."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from remiss.models import Case, Memo, MemoJob, User
from remiss.workflow.base import WorkflowError, _locked
from remiss.workflow.tables import MEMO_JOB_EVENT_LABELS, MEMO_JOB_TABLE, find_row


def move_memo_job(job: MemoJob, event: str, *, memo: Memo | None = None, error: str = "", task_id: str = "") -> MemoJob:
    """Move a compile job along MEMO_JOB_TABLE; the worker and the compile view call this."""
    with transaction.atomic():
        job = _locked(MemoJob, job.pk)
        row = find_row(MEMO_JOB_TABLE, event, job.status)
        if row is None:
            raise WorkflowError(
                _("Sammanställningen kan inte %(event)s när den har statusen ”%(status)s”.")
                % {
                    "event": MEMO_JOB_EVENT_LABELS.get(event, event),
                    "status": job.get_status_display(),
                }
            )
        job.status = row.target
        now = timezone.now()
        if event == "start":
            job.started_at, job.error = now, ""
        elif event in ("finish", "fail"):
            job.finished_at = now
        elif event == "retry":
            job.started_at = job.finished_at = None
        if memo is not None:
            job.memo = memo
        if error:
            job.error = error[:5000]
        if task_id:
            job.task_id = task_id
        job.save()
        return job


def create_memo_job(case: Case, *, by: User | None) -> MemoJob:
    """A new compile job for `case`, queued; `remiss.tasks.request_memo` queues its task."""
    return MemoJob.objects.create(case_id=case.pk, requested_by=by, status=MemoJob.Status.QUEUED)


def note_memo_job_task(job: MemoJob | int, task_id: str) -> None:
    """Remember the id of the task that runs `job`. Only that column is written (one UPDATE), so
    this never undoes a status move a worker made meanwhile."""
    MemoJob.objects.filter(pk=getattr(job, "pk", job)).update(task_id=str(task_id)[:64])
