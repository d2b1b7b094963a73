"""Benchmark: how fast the demo memo compiles, against plain WeasyPrint on the same HTML.

Run from the project root:

    .venv/bin/python bench/memo.py [--runs 3]

It builds a throw-away SQLite database and media directory in a temporary directory (migrate +
load the demo case), then times, best of --runs:

1. our code path: gather + template + WeasyPrint with the static-only fetcher, PDF/UA-1 tagged;
2. plain `weasyprint.HTML(string=html).write_pdf()` on the same final HTML, with the stylesheet
   inlined (the plain default fetcher cannot load our `remiss-static:` URL), untagged;

and prints seconds, pages and pages per second for each, and the ratio ours / plain. A third
line renders the plain way but tagged (pdf_variant="pdf/ua-1"), to show what tagging costs.
The temporary directory is removed at the end.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="time each variant this many times, keep the best")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="remiss-bench-"))
    os.environ["REMISS_SQLITE_PATH"] = str(scratch / "bench.sqlite3")
    os.environ["REMISS_MEDIA_ROOT"] = str(scratch / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "remiss.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    try:
        run(args.runs, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(runs: int, scratch: Path) -> None:
    import pypdf
    import weasyprint
    from django.core.management import call_command

    from remiss.demo import load_demo
    from remiss.memo.render import PDF_VARIANT, STYLESHEET, StaticOnlyFetcher, static_url
    from remiss.memo.store import build_memo
    from remiss.models import Case

    print(f"Databas och media i {scratch}")
    call_command("migrate", verbosity=0)
    load_demo()
    case = Case.objects.get(reference="SOU 2022:67")

    build_memo(case)  # warm up: fonts, hyphenation dictionaries, templates
    ours_seconds, compiled = best_of(runs, lambda: build_memo(case))
    ours_pages = compiled.pages  # type: ignore[attr-defined]

    css = StaticOnlyFetcher().fetch(static_url(STYLESHEET)).read().decode("utf-8")
    link = f'<link rel="stylesheet" href="{static_url(STYLESHEET)}">'
    html = compiled.html.replace(link, f"<style>{css}</style>")  # type: ignore[attr-defined]
    assert link not in html
    plain_seconds, plain_pdf = best_of(runs, lambda: weasyprint.HTML(string=html).write_pdf())
    plain_pages = len(pypdf.PdfReader(io.BytesIO(plain_pdf)).pages)  # type: ignore[arg-type]

    print(f"Vår väg (gather + mall + WeasyPrint, PDF/UA-1): {ours_seconds:6.2f} s, {ours_pages} sidor, "
          f"{ours_pages / ours_seconds:6.1f} sidor/s")
    print(f"Ren weasyprint.HTML(string=...).write_pdf():   {plain_seconds:6.2f} s, {plain_pages} sidor, "
          f"{plain_pages / plain_seconds:6.1f} sidor/s")
    tagged_seconds, _ = best_of(runs, lambda: weasyprint.HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT))
    print(f"Ren men taggad (pdf_variant={PDF_VARIANT}):        {tagged_seconds:6.2f} s, {plain_pages} sidor, "
          f"{plain_pages / tagged_seconds:6.1f} sidor/s")
    print(f"Kvot (vår / ren): {ours_seconds / plain_seconds:.2f}")


if __name__ == "__main__":
    main()
