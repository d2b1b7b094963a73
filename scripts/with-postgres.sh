#!/usr/bin/env bash
# Run a command against a throwaway local PostgreSQL, then stop the server and delete it.
#
#   scripts/with-postgres.sh .venv/bin/python -m pytest -q
#
# The server is the OS's own (Debian's `postgresql` package, installed with apt-get when no
# initdb is found): initdb in a fresh temp dir, pg_ctl on a free port, listening on 127.0.0.1 and
# on a unix socket inside the temp dir only. A database `remiss` is created, DATABASE_URL points
# at it while the command runs, and whatever happens the server is stopped and the temp dir
# removed. The script exits with the command's exit code.
#
# Postgres refuses to run as root; as root the server runs as the `postgres` system user
# (created by the Debian package), and the command itself still runs as the caller.
# The cluster trades durability for speed (fsync off): it is for tests and benchmarks only.
#
# Environment: PG_BINDIR (a directory holding initdb and pg_ctl) overrides the search;
# PG_DEB_PACKAGES (default "postgresql") is what gets installed when none is found.
set -euo pipefail

log() { echo "with-postgres: $*" >&2; }

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARG...]" >&2
    exit 2
fi

as_root=false
[ "$(id -u)" = 0 ] && as_root=true

find_bindir() {
    if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then
        echo "$PG_BINDIR"; return 0
    fi
    # Debian/Ubuntu keep the server binaries off the PATH, one directory per major version.
    local dir
    dir=$(for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && echo "$d"; done | sort -V | tail -n 1)
    if [ -n "$dir" ]; then echo "$dir"; return 0; fi
    # Elsewhere (Fedora, Homebrew, a source build) initdb is usually on the PATH.
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"; return 0
    fi
    return 1
}

if ! bindir=$(find_bindir); then
    packages=${PG_DEB_PACKAGES:-postgresql}
    log "no initdb found; installing $packages with apt-get"
    sudo=""
    $as_root || sudo="sudo -n"
    $sudo apt-get update -qq
    # --no-install-recommends keeps it to the server; the package may also set up and try to
    # start a cluster of its own ("main", port 5432), which this script neither needs nor touches.
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages </dev/null
    bindir=$(find_bindir) || { log "still no initdb after installing $packages"; exit 1; }
fi

# As root, the server runs as an unprivileged system user that owns the temp dir.
run_as=()
if $as_root; then
    pg_user=postgres
    id -u "$pg_user" >/dev/null 2>&1 || pg_user=nobody
    run_as=(runuser -u "$pg_user" --)
fi

base=${TMPDIR:-/tmp}
if $as_root && ! "${run_as[@]}" test -x "$base"; then
    base=/tmp  # the server's user must be able to reach its temp dir
fi
tmp=$(mktemp -d "$base/remiss-pg.XXXXXX")
stop_server() {  # whenever a server may be up, even one whose start timed out
    [ -f "$tmp/data/postmaster.pid" ] || return 0
    "${run_as[@]}" "$bindir/pg_ctl" stop -D "$tmp/data" -m fast -w -t 30 >/dev/null 2>&1 \
        || "${run_as[@]}" "$bindir/pg_ctl" stop -D "$tmp/data" -m immediate -w -t 10 >/dev/null 2>&1 \
        || log "could not stop the server in $tmp"
}
cleanup() {
    stop_server
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" >"$tmp/pwfile"
mkdir "$tmp/socket"
if $as_root; then
    chown -R "$pg_user" "$tmp"
fi
chmod 700 "$tmp"

# C.UTF-8 sorts by code point, as SQLite does, and still knows the case of å, ä and ö.
locale_opt=(--no-locale)
if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
    locale_opt=(--locale=C.UTF-8)
fi

"${run_as[@]}" "$bindir/initdb" -D "$tmp/data" -U remiss --pwfile="$tmp/pwfile" -E UTF8 "${locale_opt[@]}" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 >"$tmp/initdb.log" 2>&1 \
    || { cat "$tmp/initdb.log" >&2; log "initdb failed"; exit 1; }
rm -f "$tmp/pwfile"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Another process may grab the port between choosing it and the server binding it: try again.
started=false
for attempt in 1 2 3; do
    port=$(free_port)
    if "${run_as[@]}" "$bindir/pg_ctl" start -D "$tmp/data" -w -t 60 -l "$tmp/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $tmp/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null 2>&1; then
        started=true
        break
    fi
    log "the server did not start on port $port (attempt $attempt)"
    stop_server
done
if ! $started; then
    cat "$tmp/server.log" >&2 || true
    exit 1
fi

export PGPASSWORD="$password"
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U remiss remiss
unset PGPASSWORD

export DATABASE_URL="postgres://remiss:$password@127.0.0.1:$port/remiss"
log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $tmp)"

set +e
"$@"
status=$?
set -e
exit "$status"
