"""scripts/run-dev.sh (`make run`): the development worker is started as production starts one.

The script is run with a stand-in interpreter (PY) that records each manage.py command and ends
at once, so the worker loop restarts its worker as after a crash or --max-tasks, and "runserver"
ends the run once the worker has been started twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "run-dev.sh"

FAKE_PY = """#!/usr/bin/env bash
# manage.py COMMAND ARGS…: note the command line, one per line; "runserver" waits for two workers.
shift
echo "$*" >> "$CALLS"
if [ "$1" = runserver ]; then
    for _ in $(seq 600); do
        [ "$(grep -c '^db_worker' "$CALLS")" -ge 2 ] && exit 0
        sleep 0.1
    done
    exit 1
fi
"""


def _run(tmp_path: Path, **env: str) -> list[list[str]]:
    fake = tmp_path / "python"
    fake.write_text(FAKE_PY)
    fake.chmod(0o755)
    calls = tmp_path / "calls"
    calls.touch()
    environment = {k: v for k, v in os.environ.items() if k != "REMISS_WORKER_ID"}
    environment.update(PY=str(fake), CALLS=str(calls), **env)
    result = subprocess.run(["bash", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [line.split() for line in calls.read_text().splitlines()]


def _value(args: list[str], option: str) -> str:
    return args[args.index(option) + 1]


@pytest.mark.skipif(sys.platform == "win32", reason="a bash script")
def test_each_worker_start_first_fails_what_its_id_left_rendering(tmp_path) -> None:
    """Found in review: a render killed with the dev worker stayed "Sammanställs" for 30 minutes,
    because only the production unit ran the stale-job step (ExecStartPre) before its worker."""
    calls = _run(tmp_path)
    commands = [args[0] for args in calls if args[0] != "runserver"]
    workers = [args for args in calls if args[0] == "db_worker"]
    steps = [args for args in calls if args[0] == "fail_stale_memo_jobs"]
    assert len(workers) >= 2
    # Every worker start comes right after the stale-job step …
    for n, command in enumerate(commands):
        if command == "db_worker":
            assert n > 0 and commands[n - 1] == "fail_stale_memo_jobs", commands
    # … for the very worker id the worker then runs under, the same on every restart.
    ids = {_value(args, "--worker-id") for args in workers}
    assert len(ids) == 1
    assert {_value(args, "--restarting-worker") for args in steps} == ids
    assert "--max-tasks" in workers[0] and "--no-reload" in workers[0]


def test_the_worker_id_can_be_set(tmp_path) -> None:
    calls = _run(tmp_path, REMISS_WORKER_ID="min-dator")
    assert {_value(args, "--worker-id") for args in calls if args[0] == "db_worker"} == {"min-dator"}
    assert {_value(args, "--restarting-worker") for args in calls if args[0] == "fail_stale_memo_jobs"} == {"min-dator"}
