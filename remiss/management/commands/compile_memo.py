"""`manage.py compile_memo "SOU 2022:67" --output memo.pdf`: compile the city's memo as PDF.

Prints its progress, the page count and the SHA-256, writes the PDF to --output (if given) and
stores a `Memo` row with the PDF and its sources unless --no-store.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from remiss.memo.gather import case_for_memo
from remiss.memo.store import build_memo, store_memo
from remiss.models import Case, User


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader sees the old file or the whole new one, never half."""
    path = path.resolve()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Sammanställer stadens promemoria för ett remissärende som PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help='Ärendets beteckning, t.ex. "SOU 2022:67".')
        parser.add_argument("--output", "-o", type=Path, help="Skriv PDF-filen hit.")
        parser.add_argument(
            "--no-store", action="store_true", help="Spara ingen Memo-post (och ingen fil i MEDIA_ROOT)."
        )
        parser.add_argument("--user", help="Användarnamn som anges som den som sammanställt.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            case = case_for_memo(options["reference"])
        except Case.DoesNotExist:
            raise CommandError(f"Inget ärende med beteckningen {options['reference']!r}.") from None
        by = None
        if options["user"]:
            by = User.objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"Ingen användare med användarnamnet {options['user']!r}.")
        output: Path | None = options["output"]
        if output is not None and not output.resolve().parent.is_dir():
            raise CommandError(f"Katalogen för {output} finns inte.")

        started = time.perf_counter()
        compiled = build_memo(case, progress=self._say)
        seconds = time.perf_counter() - started
        self._say(f"{compiled.pages} sidor på {seconds:.1f} s, sha256 {compiled.sha256}")
        if output is not None:
            write_atomically(output, compiled.pdf)
            self._say(f"Skrev {output} ({len(compiled.pdf)} byte)")
        if not options["no_store"]:
            memo = store_memo(case, compiled, by=by, progress=self._say)
            self.stdout.write(self.style.SUCCESS(f"Sparade promemoria {memo.pk}: {memo.pdf.name}"))

    def _say(self, message: str) -> None:
        self.stdout.write(message)
