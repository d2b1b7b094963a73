"""Shared by the bench scripts: the machine they ran on, and their section of bench/RESULTS.md.

Each script owns one section of RESULTS.md, between `<!-- name:start -->` and `<!-- name:end -->`,
and rewrites only that, so running one benchmark never erases another's figures.
"""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = (
    "# Benchmark results\n\n"
    "Written by the scripts in `bench/` (`make bench` runs them all). Each section names the machine it ran on.\n"
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _os_name() -> str:
    try:
        match = re.search(r'^PRETTY_NAME="?([^"\n]+)', Path("/etc/os-release").read_text(), re.M)
        if match:
            return match.group(1)
    except OSError:
        pass
    return platform.platform()


def _version(module: str) -> str:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # noqa: BLE001 - a missing package is reported, not fatal
        return "not installed"


def _postgres_version() -> str:
    try:
        out = subprocess.run(["pg_ctl", "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
        match = re.search(r"\d+(?:\.\d+)+", out)  # "pg_ctl (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
        return match.group(0) if match else "not installed"
    except (OSError, subprocess.SubprocessError):
        return "not installed"


def machine() -> str:
    """A Markdown list describing this machine and the software versions that matter."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join(
        [
            f"- CPU: {_cpu_model()}, {os.cpu_count()} cores; memory {_memory_total()}; load at the start {load}",
            f"- OS: {_os_name()}; Python {platform.python_version()}",
            f"- Django {_version('django')}, WeasyPrint {_version('weasyprint')}, SQLite {sqlite3.sqlite_version}, "
            f"PostgreSQL {_postgres_version()}, gunicorn {_version('gunicorn')}",
            f"- Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        ]
    )


def write_section(name: str, markdown: str) -> Path:
    """Replace (or append) section `name` of RESULTS.md with `markdown`; returns the file's path."""
    block = f"<!-- {name}:start -->\n{markdown.rstrip()}\n<!-- {name}:end -->"
    text = RESULTS.read_text() if RESULTS.exists() else HEADER
    pattern = re.compile(rf"<!-- {re.escape(name)}:start -->.*?<!-- {re.escape(name)}:end -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text)
    return RESULTS
