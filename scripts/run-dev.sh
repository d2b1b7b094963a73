#!/usr/bin/env bash
# `make run`: Django's development server and, beside it, one task worker that compiles memos,
# so the embedded default behaves like production (web processes queue, a worker renders).
#
# The worker is `manage.py db_worker --max-tasks N`: after N tasks it exits, giving WeasyPrint's
# memory back, and the loop below starts a fresh one. When runserver exits (Ctrl+C, or it fails
# to start) the worker is stopped too, and nothing is left running.
#
# Before each start, as the production unit's ExecStartPre does, `fail_stale_memo_jobs
# --restarting-worker ID` fails a render that this worker id left behind when it was killed, so
# its job can be retried at once instead of showing "Sammanställs" for REMISS_MEMO_JOB_TIMEOUT.
# That needs a worker id that stays the same across restarts (and across `make run`s).
#
#   PY=.venv/bin/python               the interpreter (the Makefile passes its own)
#   REMISS_RUN_ADDR=127.0.0.1:8000    where runserver listens
#   REMISS_WORKER_MAX_TASKS=20        tasks per worker process before it is replaced
#   REMISS_WORKER_ID=dev-<host name>  the worker's id (unique among the workers on one database)
#   REMISS_SQLITE_PATH, DATABASE_URL  the database, as for every manage.py command
set -uo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
ADDR=${REMISS_RUN_ADDR:-127.0.0.1:8000}
MAX_TASKS=${REMISS_WORKER_MAX_TASKS:-20}
WORKER_ID=${REMISS_WORKER_ID:-dev-${HOSTNAME:-local}}

# --no-reload: with the autoreloader, a worker that reaches --max-tasks would stop working but
# its process would stay; without it, the process ends and the loop replaces it.
worker_loop() {
    local child=""
    trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait; exit 0' TERM
    while :; do
        "$PY" manage.py fail_stale_memo_jobs --restarting-worker "$WORKER_ID"
        "$PY" manage.py db_worker --no-reload --max-tasks "$MAX_TASKS" --interval 1 --worker-id "$WORKER_ID" &
        child=$!
        wait "$child"
        child=""
        sleep 1 &  # a worker that dies at once (no database yet?) is not restarted in a tight loop
        wait $!
    done
}

worker_loop &
supervisor=$!
server=""

stop() {
    trap - EXIT INT TERM
    [ -n "$server" ] && kill -TERM "$server" 2>/dev/null
    kill -TERM "$supervisor" 2>/dev/null
    wait 2>/dev/null
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

echo "Worker supervisor pid $supervisor (db_worker --worker-id $WORKER_ID --max-tasks $MAX_TASKS); serving http://$ADDR/" >&2
# In the background, so that a signal to this script is handled at once, not after runserver ends.
"$PY" manage.py runserver "$ADDR" &
server=$!
wait "$server"
status=$?
server=""
exit "$status"
