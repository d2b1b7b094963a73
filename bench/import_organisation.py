"""Benchmark: the organisation import at a city's size (30 bodies, 1,000 politicians with seats).

Run from the project root:

    .venv/bin/python bench/import_organisation.py [--bodies 30] [--politicians 1000] [--runs 3] [--no-write]

It builds a throw-away SQLite database in a temporary directory (migrate), generates an XLSX file of
parties, bodies, politicians (every other one with an e-mail address, so half of them get a user
account), one seat each for the term 2023–2026 and one officer per body, and measures, each step
once per run in a fresh database, the fastest of --runs:

1. read: the file through tablib (`read_file`);
2. preview: the plan against the database (`plan_import`), what the page shows before confirming;
3. first import: `workflow.import_organisation` into an empty organisation (everything new);
4. same file again: every row unchanged, nothing saved;
5. next term: the same people's seats for 2027–2030, ending every 2023–2026 seat.

It prints seconds and database queries for each, and writes the `organisation-import` section of
bench/RESULTS.md (not with `--no-write`). The temporary directory is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PARTIES = ["S", "M", "V", "L", "C", "KD", "MP", "SD"]


@dataclass(frozen=True)
class Step:
    name: str
    seconds: float
    queries: int


def organisation_file(bodies: int, politicians: int, term: str) -> bytes:
    """The generated import file, as an XLSX workbook with one sheet per kind of row."""
    import tablib

    def sheet(title: str, headers: list[str], rows: list[list[Any]]) -> tablib.Dataset:
        data = tablib.Dataset(*rows, headers=headers)
        data.title = title
        return data

    def person(n: int) -> list[Any]:
        return [f"Förnamn{n}", f"Efternamn{n}", PARTIES[n % len(PARTIES)]]

    return tablib.Databook(
        [
            sheet("Partier", ["förkortning", "namn"], [[p, f"Partiet {p}"] for p in PARTIES]),
            sheet(
                "Organ",
                ["namn", "typ", "förvaltning"],
                [[f"Nämnd {n}", "facknämnd", f"Förvaltning {n}"] for n in range(bodies)],
            ),
            sheet(
                "Politiker",
                ["förnamn", "efternamn", "parti", "e-post"],
                [[*person(n), f"politiker{n}@stad.se" if n % 2 else None] for n in range(politicians)],
            ),
            sheet(
                "Platser",
                ["förnamn", "efternamn", "parti", "organ", "roll", "mandatperiod"],
                [
                    [*person(n), f"Nämnd {n % bodies}", "ersättare" if n % 3 == 0 else "ledamot", term]
                    for n in range(politicians)
                ],
            ),
            sheet(
                "Handläggare",
                ["användarnamn", "förnamn", "efternamn", "organ"],
                [[f"handlaggare{n}", "Handläggare", str(n), f"Nämnd {n}"] for n in range(bodies)],
            ),
        ]
    ).export("xlsx")


def measured(name: str, work: Callable[[], Any]) -> tuple[Step, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
    return Step(name, seconds, len(queries.captured_queries)), result


def one_run(bodies: int, politicians: int) -> list[Step]:
    """Every step once, from an empty organisation."""
    from remiss import workflow
    from remiss.models import Body, Party, Politician, Seat, Term, User
    from remiss.organisation import Action, plan_import, read_file

    for model in (Seat, Politician, User, Body, Party, Term):
        model.objects.all().delete()
    first = organisation_file(bodies, politicians, "2023–2026")
    steps = []
    step, imported = measured("read (tablib)", lambda: read_file(first, "organisation.xlsx"))
    steps.append(step)
    step, _ = measured("preview (plan, no writes)", lambda: plan_import(imported))
    steps.append(step)
    step, plan = measured("first import", lambda: workflow.import_organisation(imported, by=None))
    steps.append(step)
    assert plan.count(Action.CREATE) == 8 + 2 * bodies + 2 * politicians, "every row should be new"
    assert Seat.objects.count() == politicians
    step, again = measured("same file again", lambda: workflow.import_organisation(imported, by=None))
    steps.append(step)
    assert not again.changes_anything, "the same file twice must change nothing"
    following = read_file(organisation_file(bodies, politicians, "2027–2030"), "val.xlsx")
    step, later = measured("next term", lambda: workflow.import_organisation(following, by=None))
    steps.append(step)
    assert len(later.ended) == politicians, "every seat of the earlier term should end"
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=30)
    parser.add_argument("--politicians", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="runs in a fresh database; the fastest counts")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remiss.settings")
    scratch = Path(tempfile.mkdtemp(prefix="remiss-bench-"))
    os.environ["REMISS_SQLITE_PATH"] = str(scratch / "bench.sqlite3")
    os.environ["REMISS_MEDIA_ROOT"] = str(scratch / "media")
    import django

    django.setup()
    try:
        run(args.bodies, args.politicians, args.runs, write=not args.no_write)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(bodies: int, politicians: int, runs: int, *, write: bool) -> None:
    from django.core.management import call_command

    from bench.results import machine, write_section

    described = machine()
    call_command("migrate", verbosity=0)
    results = [one_run(bodies, politicians) for _ in range(runs)]
    best = [
        Step(steps[0].name, min(s.seconds for s in steps), max(s.queries for s in steps))
        for steps in zip(*results, strict=True)
    ]
    rows = 8 + 2 * bodies + 2 * politicians
    print(f"{bodies} bodies, {politicians} politicians with one seat each, {rows} rows; best of {runs}:")
    for step in best:
        print(f"  {step.name:28} {step.seconds:7.2f} s {step.queries:6d} queries")
    table = [
        "| step | seconds | queries |",
        "| --- | ---: | ---: |",
        *(f"| {s.name} | {s.seconds:.2f} | {s.queries} |" for s in best),
    ]
    text = "\n".join(
        [
            "## Organisation import (`bench/import_organisation.py`)",
            "",
            described,
            f"- SQLite; best of {runs} runs, each in an emptied organisation",
            "",
            f"A generated XLSX file: 8 parties, {bodies} bodies, {politicians} politicians (every other one with an "
            f"e-mail address, so {politicians // 2} user accounts are created), one seat each for 2023–2026 and "
            f"one officer per body: {rows} rows. *Next term* imports the same people's seats for 2027–2030 and "
            f"ends all {politicians} seats of 2023–2026.",
            "",
            *table,
            "",
            "The queries do not grow with the rows beyond batches of 500: the organisation is read once "
            "(7 queries) and saved model by model with django-simple-history's bulk helpers, every record "
            "with its history row and reason. *Same file again* reads and plans, and saves nothing.",
        ]
    )
    if write:
        print(f"Wrote {write_section('organisation-import', text)}")


if __name__ == "__main__":
    main()
