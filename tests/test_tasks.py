"""Background compilation of the memo (remiss.tasks): the compile button queues a task, a worker
runs it, the job page follows it; a failure keeps nothing and can be retried; workers recycle.

Two task backends: django-tasks' immediate backend (the task runs inside `enqueue`, so the whole
flow finishes within the request) and the database backend the app uses, with the task run by
calling it directly or by the real `db_worker` command."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import signal
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from remiss import workflow
from remiss.models import Memo, MemoJob
from remiss.tasks import compile_memo_job
from remiss.workflow import MEMO_JOB_TABLE, WorkflowError, move_memo_job
from tests.factories import CaseFactory, PoliticianFactory, PoliticianUserFactory, SeatFactory
from tests.test_memo import answered_case, stub_weasyprint

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def text(response) -> str:
    return unescape(response.content.decode())


def files_under(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def database_backend(settings):
    settings.TASKS = DATABASE


@pytest.fixture
def memo_case(referred, registrar, officer, media):
    """A referred case with an answer from the nämnd and from the office: enough for a memo."""
    case, r_namnd, r_office = referred
    workflow.save_background(case, text="<p>Regeringen beslutade att tillkalla en kommitté.</p>", by=registrar)
    workflow.save_opinion(
        r_namnd,
        text="<p>Förvaltningen tillstyrker förslagen.</p>",
        date=date(2030, 2, 22),
        by=officer,
    )
    workflow.mark_opinion_ready(r_namnd, by=officer)
    workflow.save_opinion(r_office, text="<p>Kontoret har inga synpunkter.</p>", date=date(2030, 3, 1), by=registrar)
    workflow.mark_opinion_ready(r_office, by=registrar)
    return case


@pytest.fixture
def registrar_client(client, registrar):
    client.force_login(registrar)
    return client


def compile_via_view(client, case, capture, *, execute: bool = True):
    """POST the compile button; run what the view left for after the commit (the enqueue)."""
    with capture(execute=execute) as callbacks:
        response = client.post(reverse("memo_compile", args=[case.pk]))
    return response, callbacks


OUT_OF_MEMORY = RuntimeError("WeasyPrint tog slut på minne")


def break_rendering(monkeypatch, error=OUT_OF_MEMORY):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("remiss.tasks.build_memo", fail)


# --- The whole flow ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # real commits: the enqueue runs inside the request
def test_compile_with_immediate_backend_gives_a_done_job_and_the_memo(
    registrar_client,
    registrar,
    memo_case,
    media,
    immediate,
):
    response = registrar_client.post(reverse("memo_compile", args=[memo_case.pk]))
    job = MemoJob.objects.get(case=memo_case)
    assert response.status_code == 302
    assert response["Location"] == reverse("memo_job", args=[memo_case.pk, job.pk])
    assert job.status == MemoJob.Status.DONE
    assert job.requested_by == registrar and job.task_id and job.error == ""
    assert job.started_at and job.finished_at and job.started_at <= job.finished_at
    memo = Memo.objects.get(case=memo_case)
    assert job.memo == memo and memo.created_by == registrar
    stored = Path(memo.pdf.path).read_bytes()
    assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == memo.sha256

    page = text(registrar_client.get(response["Location"]))
    assert f"Promemorian är sammanställd: {memo.pages} sidor." in page  # the message
    assert "Klar" in page and f"Promemorian är klar: {memo.pages} sidor." in page
    assert f'href="{reverse("memo_download", args=[memo_case.pk, memo.pk])}"' in page
    download = registrar_client.get(reverse("memo_download", args=[memo_case.pk, memo.pk]))
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == memo.sha256


def test_compile_with_database_backend_queues_a_task_that_a_worker_finishes(
    registrar_client,
    registrar,
    memo_case,
    media,
    database_backend,
    django_capture_on_commit_callbacks,
):
    response, _callbacks = compile_via_view(registrar_client, memo_case, django_capture_on_commit_callbacks)
    job = MemoJob.objects.get(case=memo_case)
    assert job.status == MemoJob.Status.QUEUED
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY
    assert task.task_path == "remiss.tasks.compile_memo_job"
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert job.task_id == str(task.id)
    assert not Memo.objects.exists() and files_under(media) == []

    page = text(registrar_client.get(response["Location"]))
    assert "Promemorian står i kö för att sammanställas." in page  # the message
    assert "I kö" in page and 'aria-live="polite"' in page
    assert ">Uppdatera</a>" in page  # without JavaScript
    assert re.search(r'<script src="[^"]*/remiss/memo-status\.js" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script (CSP script-src 'self')
    assert "http-equiv" not in page  # no meta refresh

    memo_pk = compile_memo_job.call(job.pk)  # what the worker does with the task
    job.refresh_from_db()
    assert job.status == MemoJob.Status.DONE and job.memo_id == memo_pk
    assert hashlib.sha256(Path(job.memo.pdf.path).read_bytes()).hexdigest() == job.memo.sha256


def test_the_task_is_queued_only_when_the_job_is_committed(
    registrar_client,
    memo_case,
    database_backend,
    django_capture_on_commit_callbacks,
):
    _response, callbacks = compile_via_view(
        registrar_client,
        memo_case,
        django_capture_on_commit_callbacks,
        execute=False,
    )
    assert MemoJob.objects.filter(case=memo_case, status=MemoJob.Status.QUEUED).count() == 1
    assert len(callbacks) == 1 and not DBTaskResult.objects.exists()
    callbacks[0]()
    assert DBTaskResult.objects.count() == 1


def test_a_second_click_while_queued_gets_the_same_job(
    registrar_client,
    memo_case,
    database_backend,
    django_capture_on_commit_callbacks,
):
    first, _ = compile_via_view(registrar_client, memo_case, django_capture_on_commit_callbacks)
    second, _ = compile_via_view(registrar_client, memo_case, django_capture_on_commit_callbacks)
    assert first["Location"] == second["Location"]
    assert MemoJob.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert "stod redan i kö" in text(registrar_client.get(second["Location"]))


def test_a_click_while_rendering_gets_a_new_job(
    registrar_client,
    memo_case,
    database_backend,
    django_capture_on_commit_callbacks,
):
    compile_via_view(registrar_client, memo_case, django_capture_on_commit_callbacks)
    move_memo_job(MemoJob.objects.get(), "start")  # a worker has read the texts already
    compile_via_view(registrar_client, memo_case, django_capture_on_commit_callbacks)
    assert MemoJob.objects.count() == 2 and DBTaskResult.objects.count() == 2


# --- Failure, nothing kept, retry ---------------------------------------------------------------


def test_a_failing_render_fails_the_job_with_its_reason_and_keeps_nothing(
    registrar_client,
    memo_case,
    media,
    immediate,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    break_rendering(monkeypatch)
    response, _ = compile_via_view(registrar_client, memo_case, django_capture_on_commit_callbacks)
    job = MemoJob.objects.get(case=memo_case)
    assert job.status == MemoJob.Status.FAILED and job.memo is None
    assert job.error == "Promemorian kunde inte sammanställas: RuntimeError: WeasyPrint tog slut på minne"
    assert not Memo.objects.exists() and files_under(media) == []

    page = text(registrar_client.get(response["Location"]))
    assert "Misslyckades" in page and "RuntimeError: WeasyPrint tog slut på minne" in page
    assert reverse("memo_job_retry", args=[memo_case.pk, job.pk]) in page and "Försök igen" in page


def test_the_task_result_fails_too(memo_case, media, immediate, monkeypatch):
    """The task re-raises after marking the job failed: the backend records the failure."""
    break_rendering(monkeypatch, ValueError("trasig mall"))
    job = workflow.create_memo_job(memo_case, by=None)
    result = compile_memo_job.enqueue(job.pk)
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is ValueError


def test_a_failure_after_the_pdf_was_written_keeps_neither_row_nor_file(memo_case, media, immediate, monkeypatch):
    real_move = workflow.move_memo_job

    def move(job, event, **kwargs):
        if event == "finish":
            assert files_under(media), "the PDF is written by now"
            raise OSError("disken är full")
        return real_move(job, event, **kwargs)

    monkeypatch.setattr(workflow, "move_memo_job", move)
    job = workflow.create_memo_job(memo_case, by=None)
    compile_memo_job.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == MemoJob.Status.FAILED and "OSError: disken är full" in job.error
    assert not Memo.objects.exists() and files_under(media) == []


def test_retry_from_failed_queues_again_and_finishes(
    registrar_client,
    memo_case,
    media,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = IMMEDIATE
    break_rendering(monkeypatch)
    compile_via_view(registrar_client, memo_case, django_capture_on_commit_callbacks)
    job = MemoJob.objects.get()
    assert job.status == MemoJob.Status.FAILED
    monkeypatch.undo()  # the cause is fixed

    settings.TASKS = DATABASE  # to see the job back in the queue before a worker takes it
    with django_capture_on_commit_callbacks(execute=True):
        response = registrar_client.post(reverse("memo_job_retry", args=[memo_case.pk, job.pk]))
    assert response["Location"] == reverse("memo_job", args=[memo_case.pk, job.pk])
    job.refresh_from_db()
    assert job.status == MemoJob.Status.QUEUED and job.started_at is None and job.finished_at is None
    task = DBTaskResult.objects.get()
    assert job.task_id == str(task.id)

    compile_memo_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == MemoJob.Status.DONE and job.error == "" and job.memo is not None
    assert Memo.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_retry_with_immediate_backend_ends_done(registrar_client, memo_case, media, immediate, monkeypatch):
    break_rendering(monkeypatch)
    failed = registrar_client.post(reverse("memo_compile", args=[memo_case.pk]), follow=True)
    assert "Promemorian kunde inte sammanställas." in text(failed)
    job = MemoJob.objects.get()
    assert job.status == MemoJob.Status.FAILED
    monkeypatch.undo()
    response = registrar_client.post(reverse("memo_job_retry", args=[memo_case.pk, job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == MemoJob.Status.DONE
    assert f"Promemorian är sammanställd: {job.memo.pages} sidor." in text(response)


def test_retry_of_a_job_that_did_not_fail_is_refused(
    registrar_client,
    memo_case,
    database_backend,
    django_capture_on_commit_callbacks,
):
    compile_via_view(registrar_client, memo_case, django_capture_on_commit_callbacks)
    job = MemoJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = registrar_client.post(reverse("memo_job_retry", args=[memo_case.pk, job.pk]), follow=True)
    assert "kan inte köas igen" in text(response)
    assert DBTaskResult.objects.count() == 1 and MemoJob.objects.get().status == MemoJob.Status.QUEUED


def test_a_task_for_a_job_no_longer_queued_does_nothing(memo_case, media):
    job = workflow.create_memo_job(memo_case, by=None)
    move_memo_job(job, "start")
    assert compile_memo_job.call(job.pk) is None
    assert MemoJob.objects.get().status == MemoJob.Status.RENDERING and not Memo.objects.exists()
    assert compile_memo_job.call(job.pk + 1000) is None  # gone


@pytest.mark.parametrize("n", [5, 50])
def test_the_task_runs_a_constant_number_of_queries(media, monkeypatch, django_assert_max_num_queries, n):
    case = answered_case(n)
    stub_weasyprint(monkeypatch)
    job = workflow.create_memo_job(case, by=None)
    with django_assert_max_num_queries(33):
        memo_pk = compile_memo_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == MemoJob.Status.DONE and job.memo_id == memo_pk
    assert sum(s["model"] == "remiss.referral" for s in job.memo.sources) == n
    assert Path(job.memo.pdf.path).read_bytes().startswith(b"%PDF")


# --- The job table ------------------------------------------------------------------------------

STATUSES = [s.value for s in MemoJob.Status]
ALLOWED = {(row.event, row.source) for row in MEMO_JOB_TABLE}
FORBIDDEN = [(e, s) for e in ("start", "finish", "fail", "retry") for s in STATUSES if (e, s) not in ALLOWED]


def job_in(case, status: str) -> MemoJob:
    job = workflow.create_memo_job(case, by=None)
    path = {"queued": [], "rendering": ["start"], "done": ["start", "finish"], "failed": ["start", "fail"]}[status]
    for event in path:
        job = move_memo_job(job, event)
    assert job.status == status
    return job


@pytest.mark.parametrize(("event", "status"), FORBIDDEN, ids=[f"{e}-from-{s}" for e, s in FORBIDDEN])
def test_forbidden_job_moves_raise_and_change_nothing(case, event, status):
    job = job_in(case, status)
    before = MemoJob.objects.filter(pk=job.pk).values().get()
    with pytest.raises(WorkflowError):
        move_memo_job(job, event)
    assert MemoJob.objects.filter(pk=job.pk).values().get() == before


def test_finish_from_queued_is_forbidden_with_a_swedish_reason(case):
    job = job_in(case, "queued")
    with pytest.raises(WorkflowError, match="kan inte bli klar när den har statusen ”I kö”"):
        move_memo_job(job, "finish")


# --- Who sees what ------------------------------------------------------------------------------


@pytest.fixture
def queued_job(memo_case):
    return job_in(memo_case, "queued")


def test_json_status_for_the_registrar(registrar_client, queued_job):
    url = reverse("memo_job_status", args=[queued_job.case_id, queued_job.pk])
    assert url == f"/arenden/{queued_job.case_id}/promemoria/jobb/{queued_job.pk}.json"
    response = registrar_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    state = response.json()
    assert state["status"] == "queued" and state["label"] == "I kö" and state["final"] is False
    assert state["download_url"] is None and state["error"] == ""

    move_memo_job(queued_job, "start")
    assert registrar_client.get(url).json()["label"] == "Sammanställs"
    move_memo_job(queued_job, "fail", error="Promemorian kunde inte sammanställas: OSError: x")
    state = registrar_client.get(url).json()
    assert state["status"] == "failed" and state["final"] is True and state["error"].endswith("OSError: x")


def test_json_status_of_a_done_job_links_the_pdf(registrar_client, memo_case, media, immediate):
    job = workflow.create_memo_job(memo_case, by=None)
    compile_memo_job.enqueue(job.pk)
    job.refresh_from_db()
    state = registrar_client.get(reverse("memo_job_status", args=[memo_case.pk, job.pk])).json()
    assert state["status"] == "done" and state["label"] == "Klar" and state["final"] is True
    assert state["download_url"] == reverse("memo_download", args=[memo_case.pk, job.memo_id])
    assert state["pages"] == job.memo.pages and state["sha256"] == job.memo.sha256


@pytest.fixture
def politician_user(namnd):
    user = PoliticianUserFactory(username="politiker")
    SeatFactory(politician=PoliticianFactory(user=user), body=namnd)
    return user


@pytest.mark.parametrize("who", ["officer", "politician_user"])
@pytest.mark.parametrize("page", ["memo_job", "memo_job_status", "memo_job_retry"])
def test_others_get_403(client, request, queued_job, database_backend, who, page):
    client.force_login(request.getfixturevalue(who))
    url = reverse(page, args=[queued_job.case_id, queued_job.pk])
    response = client.post(url) if page == "memo_job_retry" else client.get(url)
    assert response.status_code == 403
    assert MemoJob.objects.get().status == MemoJob.Status.QUEUED and not DBTaskResult.objects.exists()


def test_anonymous_visitors_go_to_the_login_page(client, queued_job):
    response = client.get(reverse("memo_job_status", args=[queued_job.case_id, queued_job.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_job_of_another_case_is_404(registrar_client, queued_job):
    other = CaseFactory()
    for page in ("memo_job", "memo_job_status"):
        assert registrar_client.get(reverse(page, args=[other.pk, queued_job.pk])).status_code == 404


def test_memo_list_shows_recent_jobs_with_their_status(registrar_client, memo_case):
    failed = job_in(memo_case, "failed")
    queued = job_in(memo_case, "queued")
    page = text(registrar_client.get(reverse("memo_list", args=[memo_case.pk])))
    assert "Senaste beställningar" in page
    assert reverse("memo_job", args=[memo_case.pk, failed.pk]) in page and "Misslyckades" in page
    assert reverse("memo_job", args=[memo_case.pk, queued.pk]) in page and "I kö" in page


def test_the_status_script_is_a_static_file_that_polls_the_json():
    from django.contrib.staticfiles import finders

    source = Path(finders.find("remiss/memo-status.js")).read_text()
    assert "data-status-url" in source and "2000" in source and "aria-live" in source


# --- The real worker, and recycling -------------------------------------------------------------


@pytest.fixture
def worker_side_effects():
    """db_worker installs signal handlers and configures its loggers; put them back afterwards."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    saved = [(lg, lg.level, list(lg.handlers)) for lg in loggers]
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    for lg, level, lg_handlers in saved:
        lg.setLevel(level)
        lg.handlers[:] = lg_handlers


def run_db_worker(*args: str) -> None:
    call_command("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0", "--verbosity", "0", *args)


@pytest.mark.django_db(transaction=True)
def test_db_worker_runs_the_queued_compilation(
    client,
    registrar,
    memo_case,
    media,
    database_backend,
    worker_side_effects,
):
    client.force_login(registrar)
    response = client.post(reverse("memo_compile", args=[memo_case.pk]))  # a real commit, then enqueue
    assert MemoJob.objects.get().status == MemoJob.Status.QUEUED

    run_db_worker("--batch")  # everything waiting, then exit

    job = MemoJob.objects.select_related("memo").get()
    assert job.status == MemoJob.Status.DONE
    assert hashlib.sha256(Path(job.memo.pdf.path).read_bytes()).hexdigest() == job.memo.sha256
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert response["Location"] == reverse("memo_job", args=[memo_case.pk, job.pk])
    assert client.get(reverse("memo_job_status", args=[memo_case.pk, job.pk])).json()["status"] == "done"


@pytest.mark.django_db(transaction=True)
def test_db_worker_records_a_failed_render(memo_case, media, database_backend, worker_side_effects, monkeypatch):
    break_rendering(monkeypatch)
    job = workflow.create_memo_job(memo_case, by=None)
    compile_memo_job.enqueue(job.pk)
    run_db_worker("--batch")
    job.refresh_from_db()
    assert job.status == MemoJob.Status.FAILED and "RuntimeError" in job.error
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    assert not Memo.objects.exists() and files_under(media) == []


@pytest.mark.django_db(transaction=True)
def test_a_worker_started_for_n_tasks_exits_after_n(
    memo_case,
    media,
    database_backend,
    worker_side_effects,
    monkeypatch,
):
    """`db_worker --max-tasks 2` with three compilations waiting: two are done, the worker exits
    (it never goes looking for a third), and the third waits for the next worker."""
    from django_tasks_db.management.commands import db_worker

    jobs = [workflow.create_memo_job(memo_case, by=None) for _ in range(3)]
    for job in jobs:
        compile_memo_job.enqueue(job.pk)

    def no_idling(seconds):
        raise AssertionError("the worker went on looking for tasks after its maximum")

    monkeypatch.setattr(db_worker.time, "sleep", no_idling)
    run_db_worker("--max-tasks", "2")
    monkeypatch.undo()

    statuses = sorted(MemoJob.objects.values_list("status", flat=True))
    assert statuses == ["done", "done", "queued"]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count() == 2
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1

    run_db_worker("--max-tasks", "1")  # the replacement takes the last one
    assert sorted(MemoJob.objects.values_list("status", flat=True)) == ["done", "done", "done"]
    assert Memo.objects.count() == 3 == len(files_under(media))


# --- Stale jobs: a worker that died mid-render --------------------------------------------------

STALE = "Sammanställningen avbröts (arbetsprocessen stannade). Försök igen."


def rendering_job(case, *, minutes_ago: float, task: DBTaskResult | None = None) -> MemoJob:
    """A job a worker started `minutes_ago` (and, with `task`, runs under that task)."""
    job = job_in(case, "rendering")
    fields = {"started_at": timezone.now() - timedelta(minutes=minutes_ago)}
    if task is not None:
        fields["task_id"] = str(task.id)
    MemoJob.objects.filter(pk=job.pk).update(**fields)  # arrange only: the render began earlier
    job.refresh_from_db()
    return job


def claimed_task(job: MemoJob, worker_id: str) -> DBTaskResult:
    """The job's task in the database backend, claimed by `worker_id` as db_worker does."""
    result = compile_memo_job.using(backend="default").enqueue(job.pk)
    task = DBTaskResult.objects.get(id=result.id)
    task.claim(worker_id)
    return task


def status_of(client, job) -> dict:
    return client.get(reverse("memo_job_status", args=[job.case_id, job.pk])).json()


def run_command(*args: str) -> str:
    out = io.StringIO()
    call_command("fail_stale_memo_jobs", *args, stdout=out)
    return out.getvalue()


def test_a_job_rendering_past_the_timeout_is_failed_with_the_reason_and_can_be_retried(
    registrar_client,
    memo_case,
    media,
    database_backend,
    django_capture_on_commit_callbacks,
):
    job = rendering_job(memo_case, minutes_ago=31)  # the default timeout is 30 minutes
    state = status_of(registrar_client, job)
    assert state["status"] == "failed" and state["final"] is True and state["error"] == STALE
    job.refresh_from_db()
    assert job.status == MemoJob.Status.FAILED and job.error == STALE and job.finished_at is not None
    page = text(registrar_client.get(reverse("memo_job", args=[memo_case.pk, job.pk])))
    assert STALE in page and reverse("memo_job_retry", args=[memo_case.pk, job.pk]) in page

    with django_capture_on_commit_callbacks(execute=True):
        registrar_client.post(reverse("memo_job_retry", args=[memo_case.pk, job.pk]))
    job.refresh_from_db()
    assert job.status == MemoJob.Status.QUEUED and job.task_id == str(DBTaskResult.objects.get().id)
    compile_memo_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == MemoJob.Status.DONE and job.error == "" and job.memo is not None


def test_a_fresh_rendering_job_is_left_alone_until_the_timeout_setting(registrar_client, memo_case, settings):
    job = rendering_job(memo_case, minutes_ago=5)
    assert status_of(registrar_client, job)["status"] == "rendering"
    assert "Inga avbrutna sammanställningsjobb." in run_command()
    assert MemoJob.objects.get(pk=job.pk).status == MemoJob.Status.RENDERING

    settings.REMISS_MEMO_JOB_TIMEOUT = 4 * 60
    assert status_of(registrar_client, job)["error"] == STALE


def test_the_command_is_idempotent(memo_case):
    stale = [rendering_job(memo_case, minutes_ago=m) for m in (45, 300)]
    fresh = rendering_job(memo_case, minutes_ago=1)
    done = job_in(memo_case, "done")

    first = run_command()
    for job in stale:
        assert f"Jobb {job.pk} ({memo_case.reference}, startat " in first
    assert "Markerade 2 avbrutna sammanställningsjobb som misslyckade." in first
    after_first = list(MemoJob.objects.order_by("pk").values("pk", "status", "error", "finished_at"))
    assert [j["status"] for j in after_first] == ["failed", "failed", "rendering", "done"]
    assert [j["pk"] for j in after_first] == [stale[0].pk, stale[1].pk, fresh.pk, done.pk]

    assert "Inga avbrutna sammanställningsjobb." in run_command()
    assert list(MemoJob.objects.order_by("pk").values("pk", "status", "error", "finished_at")) == after_first

    assert f"Jobb {fresh.pk} " in run_command("--timeout", "30")  # a shorter limit, for this run only
    assert MemoJob.objects.get(pk=fresh.pk).error == STALE


def test_a_job_whose_task_is_still_running_within_the_timeout_is_untouched(registrar_client, memo_case):
    job = rendering_job(memo_case, minutes_ago=10)
    task = claimed_task(job, "worker-a")
    MemoJob.objects.filter(pk=job.pk).update(task_id=str(task.id))
    assert status_of(registrar_client, job)["status"] == "rendering"
    assert "Inga avbrutna" in run_command()
    assert "Inga avbrutna" in run_command("--restarting-worker", "worker-b")  # another worker's restart
    assert MemoJob.objects.get(pk=job.pk).status == MemoJob.Status.RENDERING

    # The worker that claimed it starts again (systemd restarted it): the render died with it.
    assert "Markerade 1 avbrutet sammanställningsjobb som misslyckat." in run_command("--restarting-worker", "worker-a")
    job.refresh_from_db()
    assert job.status == MemoJob.Status.FAILED and job.error == STALE


def test_a_job_whose_task_ended_without_moving_it_is_failed_at_once(registrar_client, memo_case):
    job = rendering_job(memo_case, minutes_ago=1)
    task = claimed_task(job, "worker-a")
    MemoJob.objects.filter(pk=job.pk).update(task_id=str(task.id))
    task.set_failed(OSError("databasen svarade inte"))  # the job's own move to failed never landed
    assert status_of(registrar_client, job)["error"] == STALE


def test_an_earlier_attempts_ended_task_does_not_fail_a_new_render(registrar_client, memo_case):
    job = job_in(memo_case, "queued")
    task = claimed_task(job, "worker-a")
    MemoJob.objects.filter(pk=job.pk).update(task_id=str(task.id))
    move_memo_job(job, "start")
    move_memo_job(job, "fail", error="Promemorian kunde inte sammanställas: OSError: x")
    task.set_failed(OSError("x"))
    move_memo_job(job, "retry")
    # The retry's task has been taken by a worker before its id was noted on the job: the job
    # still names the first attempt's task, which ended before this render began.
    move_memo_job(job, "start")
    assert status_of(registrar_client, job)["status"] == "rendering"
    assert "Inga avbrutna" in run_command()


def test_compiling_again_fails_the_stale_job_and_queues_a_new_one(
    registrar_client,
    memo_case,
    database_backend,
    django_capture_on_commit_callbacks,
):
    stale = rendering_job(memo_case, minutes_ago=60)
    compile_via_view(registrar_client, memo_case, django_capture_on_commit_callbacks)
    stale.refresh_from_db()
    assert stale.status == MemoJob.Status.FAILED and stale.error == STALE
    assert MemoJob.objects.filter(status=MemoJob.Status.QUEUED).count() == 1


def test_the_memo_list_shows_a_stale_job_as_failed(registrar_client, memo_case):
    stale = rendering_job(memo_case, minutes_ago=60)
    page = text(registrar_client.get(reverse("memo_list", args=[memo_case.pk])))
    assert reverse("memo_job", args=[memo_case.pk, stale.pk]) in page
    assert "Misslyckades" in page and "Sammanställs" not in page
    assert MemoJob.objects.get(pk=stale.pk).error == STALE


# --- Stale jobs: a job stuck in the queue ("I kö") ------------------------------------------------

NEVER_QUEUED = "Sammanställningen kom aldrig in i kön (uppgiften saknas). Försök igen."
ENDED_IN_QUEUE = "Sammanställningen startade aldrig: uppgiften avslutades medan jobbet stod i kö. Försök igen."
NEVER_STARTED = "Sammanställningen startade aldrig (arbetsprocessen stannade). Försök igen."
WAITED_TOO_LONG = (
    "Sammanställningen har väntat i kön längre än 6 timmar utan att starta. Kontrollera att "
    "arbetsprocessen för sammanställning körs, och försök igen."
)


def job_in_queue(case, *, minutes_ago: float = 0, with_task: bool = True) -> tuple[MemoJob, DBTaskResult | None]:
    """A job ordered `minutes_ago`, with (as `request_memo` leaves it) its task queued then."""
    job = job_in(case, "queued")
    then = timezone.now() - timedelta(minutes=minutes_ago)
    MemoJob.objects.filter(pk=job.pk).update(created_at=then)  # arrange only: ordered earlier
    task = None
    if with_task:
        result = compile_memo_job.using(backend="default").enqueue(job.pk)
        workflow.note_memo_job_task(job, str(result.id))
        DBTaskResult.objects.filter(id=result.id).update(enqueued_at=then)
        task = DBTaskResult.objects.get(id=result.id)
    job.refresh_from_db()
    return job, task


def claim(task: DBTaskResult, worker_id: str, *, minutes_ago: float) -> None:
    """A worker took the task `minutes_ago`, as db_worker does, and has not started the job."""
    task.claim(worker_id)
    DBTaskResult.objects.filter(id=task.id).update(started_at=timezone.now() - timedelta(minutes=minutes_ago))


def retry_and_run(client, job: MemoJob, capture) -> MemoJob:
    """The registrar's "Försök igen", then a worker runs the new task."""
    with capture(execute=True):
        response = client.post(reverse("memo_job_retry", args=[job.case_id, job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    newest = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert job.status == MemoJob.Status.QUEUED and job.task_id == str(newest.id)
    compile_memo_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == MemoJob.Status.DONE and job.error == "" and job.memo is not None
    return job


@pytest.mark.parametrize("ending", ["failed", "successful"])
def test_a_queued_job_whose_task_ended_is_failed_at_once_and_can_be_retried(
    registrar_client,
    memo_case,
    media,
    database_backend,
    django_capture_on_commit_callbacks,
    ending,
):
    job, task = job_in_queue(memo_case)
    claim(task, "worker-a", minutes_ago=0)
    if ending == "failed":  # the task failed before its first step (the database did not answer)
        task.set_failed(OSError("databasen svarade inte"))
    else:  # or it found the job elsewhere and did nothing
        task.set_successful(None)
    state = status_of(registrar_client, job)
    assert state["status"] == "failed" and state["final"] is True and state["error"] == ENDED_IN_QUEUE
    job.refresh_from_db()
    assert job.finished_at is not None and job.started_at is None
    page = text(registrar_client.get(reverse("memo_job", args=[memo_case.pk, job.pk])))
    assert ENDED_IN_QUEUE in page and reverse("memo_job_retry", args=[memo_case.pk, job.pk]) in page
    retry_and_run(registrar_client, job, django_capture_on_commit_callbacks)


@pytest.mark.parametrize("task_id", ["", "8f0c5a1e-0000-4000-8000-000000000000"], ids=["no-task-id", "unknown-task"])
def test_a_job_whose_task_never_came_is_failed_after_the_grace_period_and_can_be_retried(
    registrar_client,
    memo_case,
    media,
    database_backend,
    django_capture_on_commit_callbacks,
    task_id,
):
    """The on_commit callback that queues the task was lost, or the backend no longer knows it."""
    fresh, _task = job_in_queue(memo_case, minutes_ago=1, with_task=False)
    late, _task = job_in_queue(memo_case, minutes_ago=3, with_task=False)
    for job in (fresh, late):
        workflow.note_memo_job_task(job, task_id)
    assert status_of(registrar_client, fresh)["status"] == "queued"  # its enqueue may still come
    assert status_of(registrar_client, late)["error"] == NEVER_QUEUED
    assert MemoJob.objects.get(pk=fresh.pk).status == MemoJob.Status.QUEUED
    retry_and_run(registrar_client, late, django_capture_on_commit_callbacks)


def test_a_task_claimed_by_a_worker_that_died_before_starting_the_job_is_failed(
    registrar_client,
    memo_case,
    media,
    database_backend,
    django_capture_on_commit_callbacks,
):
    just_taken, task_a = job_in_queue(memo_case, minutes_ago=5)
    claim(task_a, "worker-a", minutes_ago=0.5)  # the worker is about to start it
    abandoned, task_b = job_in_queue(memo_case, minutes_ago=5)
    claim(task_b, "worker-b", minutes_ago=3)
    assert status_of(registrar_client, just_taken)["status"] == "queued"
    assert status_of(registrar_client, abandoned)["error"] == NEVER_STARTED

    # The worker that took the first one starts again (systemd): it will not start the job now.
    assert "Inga avbrutna" in run_command("--restarting-worker", "worker-c")
    out = run_command("--restarting-worker", "worker-a")
    assert f"Jobb {just_taken.pk} ({memo_case.reference}, beställt " in out and NEVER_STARTED in out
    assert MemoJob.objects.get(pk=just_taken.pk).error == NEVER_STARTED
    retry_and_run(registrar_client, abandoned, django_capture_on_commit_callbacks)


def test_a_job_waiting_past_the_queue_timeout_is_failed_and_can_be_retried(
    registrar_client,
    memo_case,
    media,
    database_backend,
    django_capture_on_commit_callbacks,
    settings,
):
    job, _task = job_in_queue(memo_case, minutes_ago=6 * 60 + 1)  # no worker serves the queue
    assert settings.REMISS_MEMO_QUEUE_TIMEOUT == 6 * 60 * 60
    assert status_of(registrar_client, job)["error"] == WAITED_TOO_LONG
    retry_and_run(registrar_client, job, django_capture_on_commit_callbacks)


def test_the_queue_timeout_is_a_setting_and_a_command_option(registrar_client, memo_case, settings):
    job, _task = job_in_queue(memo_case, minutes_ago=90)
    assert "Inga avbrutna" in run_command()
    out = run_command("--queue-timeout", "3600")
    assert f"Jobb {job.pk} " in out and "längre än 1 timme utan att starta" in out
    other, _task = job_in_queue(memo_case, minutes_ago=90)
    settings.REMISS_MEMO_QUEUE_TIMEOUT = 80 * 60
    assert "längre än 80 minuter utan att starta" in status_of(registrar_client, other)["error"]


def test_fresh_and_waiting_queued_jobs_are_left_alone(registrar_client, memo_case):
    ordered_now, _ = job_in_queue(memo_case, with_task=False)  # its task is queued after the commit
    just_queued, _ = job_in_queue(memo_case)
    # Waiting behind a render that runs on the only worker: its task is ready, an hour old.
    rendering = rendering_job(memo_case, minutes_ago=20)
    MemoJob.objects.filter(pk=rendering.pk).update(task_id=str(claimed_task(rendering, "worker-a").id))
    waiting, _ = job_in_queue(memo_case, minutes_ago=60)
    # Ordered long ago, failed, and retried just now: the wait counts from the new task.
    retried, _ = job_in_queue(memo_case, minutes_ago=0)
    MemoJob.objects.filter(pk=retried.pk).update(created_at=timezone.now() - timedelta(hours=9))

    assert "Inga avbrutna sammanställningsjobb." in run_command()
    assert "Inga avbrutna" in run_command("--restarting-worker", "worker-b")
    for job in (ordered_now, just_queued, waiting, retried):
        assert status_of(registrar_client, job)["status"] == "queued"
    page = text(registrar_client.get(reverse("memo_list", args=[memo_case.pk])))
    assert "Misslyckades" not in page
    assert list(MemoJob.objects.values_list("status", flat=True).distinct().order_by("status")) == [
        "queued",
        "rendering",
    ]


def test_the_command_fails_each_stuck_queued_job_once(memo_case):
    never_queued, _ = job_in_queue(memo_case, minutes_ago=10, with_task=False)
    ended, task = job_in_queue(memo_case, minutes_ago=10)
    claim(task, "worker-a", minutes_ago=9)
    task.set_failed(OSError("x"))
    abandoned, task = job_in_queue(memo_case, minutes_ago=10)
    claim(task, "worker-b", minutes_ago=9)
    too_long, _ = job_in_queue(memo_case, minutes_ago=7 * 60)
    waiting, _ = job_in_queue(memo_case, minutes_ago=10)

    first = run_command()
    assert "Markerade 4 avbrutna sammanställningsjobb som misslyckade." in first
    for job in (never_queued, ended, abandoned, too_long):
        assert f"Jobb {job.pk} ({memo_case.reference}, beställt " in first
    errors = dict(MemoJob.objects.values_list("pk", "error"))
    assert errors == {
        never_queued.pk: NEVER_QUEUED,
        ended.pk: ENDED_IN_QUEUE,
        abandoned.pk: NEVER_STARTED,
        too_long.pk: WAITED_TOO_LONG,
        waiting.pk: "",
    }
    after_first = list(MemoJob.objects.order_by("pk").values("pk", "status", "error", "finished_at"))
    assert [j["status"] for j in after_first] == ["failed", "failed", "failed", "failed", "queued"]

    assert "Inga avbrutna sammanställningsjobb." in run_command()
    assert list(MemoJob.objects.order_by("pk").values("pk", "status", "error", "finished_at")) == after_first


def test_compiling_again_does_not_hand_back_a_job_stuck_in_the_queue(
    registrar_client,
    memo_case,
    database_backend,
    django_capture_on_commit_callbacks,
):
    stuck, _ = job_in_queue(memo_case, minutes_ago=7 * 60)  # its task is still "ready"
    response, _ = compile_via_view(registrar_client, memo_case, django_capture_on_commit_callbacks)
    stuck.refresh_from_db()
    assert stuck.status == MemoJob.Status.FAILED and stuck.error == WAITED_TOO_LONG
    new = MemoJob.objects.get(status=MemoJob.Status.QUEUED)
    assert new.pk != stuck.pk and response["Location"] == reverse("memo_job", args=[memo_case.pk, new.pk])


def test_a_task_that_runs_after_its_job_was_failed_in_the_queue_does_nothing(memo_case, media):
    job, _ = job_in_queue(memo_case, minutes_ago=7 * 60)
    assert run_command().count("markerat som misslyckat") == 1
    assert compile_memo_job.call(job.pk) is None  # the worker came back after all
    job.refresh_from_db()
    assert job.status == MemoJob.Status.FAILED and not Memo.objects.exists()
