"""The compile job's table row by row (its forbidden moves are in tests/test_tasks.py), and the
HTTP status each workflow error carries, which must be the one the pages answer with today."""

import pytest
from django.core.exceptions import ValidationError

from remiss import workflow
from remiss.models import MemoJob
from remiss.views.conflicts import error_status
from remiss.workflow import MEMO_JOB_TABLE, ConflictError, InvalidError, LockedError, WorkflowError, find_row
from remiss.workflow.tables import MEMO_JOB_EVENT_LABELS

# How to bring a fresh (queued) job to each status, through the table's own moves.
PATH_TO = {"queued": [], "rendering": ["start"], "done": ["start", "finish"], "failed": ["start", "fail"]}


def test_the_job_table_names_real_statuses_and_every_event_has_words():
    statuses = set(MemoJob.Status.values)
    assert {r.source for r in MEMO_JOB_TABLE} | {r.target for r in MEMO_JOB_TABLE} <= statuses
    assert set(PATH_TO) == statuses
    assert {r.event for r in MEMO_JOB_TABLE} == set(MEMO_JOB_EVENT_LABELS)


@pytest.mark.django_db
@pytest.mark.parametrize("row", MEMO_JOB_TABLE, ids=[f"{r.event}-from-{r.source}" for r in MEMO_JOB_TABLE])
def test_every_allowed_job_move(case, row):
    job = workflow.create_memo_job(case, by=None)
    for event in PATH_TO[row.source]:
        job = workflow.move_memo_job(job, event)
    assert find_row(MEMO_JOB_TABLE, row.event, job.status) == row
    moved = workflow.move_memo_job(job, row.event, error="Fel" if row.event == "fail" else "")
    job = MemoJob.objects.get(pk=job.pk)
    assert moved.status == job.status == row.target
    if row.event == "start":
        assert job.started_at is not None and job.error == ""
    elif row.event in ("finish", "fail"):
        assert job.finished_at is not None
    else:  # retry: queued anew, as if it had never run
        assert job.started_at is None and job.finished_at is None
    if row.event == "fail":
        assert job.error == "Fel"


ERRORS = [
    WorkflowError("Välj minst en remissinstans."),
    InvalidError(ValidationError("Texten är för lång.")),
    LockedError("Beslutet är justerat."),
    ConflictError("Någon annan har sparat texten.", current=MemoJob()),
]


def test_each_error_carries_its_status():
    assert [type(e).http_status for e in ERRORS] == [200, 200, 409, 409]


@pytest.mark.parametrize("error", ERRORS, ids=[type(e).__name__ for e in ERRORS])
def test_the_status_is_the_one_the_pages_answer_with(error):
    """Every page answers a refusal through `views.conflicts.error_status`, which reads the error's own status."""
    assert error_status(error) == error.http_status
