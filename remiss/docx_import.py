"""Word in: an officer's .docx tjänsteutlåtande becomes the opinion's text, after review.

The upload is checked before anything reads it as a document (`remiss.docx_check.check_docx`): its size, its name
(.docx), the content type the browser gave, the zip signature, and the package itself, within
the REMISS_DOCX_* limits (settings.py; README "Security limits"):

- at most REMISS_DOCX_MAX_ENTRIES parts, unpacking to at most REMISS_DOCX_MAX_UNPACKED_BYTES in
  all, of which at most REMISS_DOCX_MAX_XML_BYTES XML. The zip's directory is checked first, and
  the bytes are counted again while every part is actually unpacked, since a directory can lie;
- every part whose content is XML, whatever its name (a relationship can make `word/body.dat` the
  main document), is parsed with lxml without entities, network or DTD loading, and a DOCTYPE
  anywhere refuses the file: no entity expansion can reach mammoth;
- a real Word document (not a macro document or a template), not encrypted.

Then mammoth converts it (`convert_docx`) in a child process, `remiss.docx_convert`, with
capped memory and CPU and a wall-clock timeout (REMISS_DOCX_TIMEOUT): a runaway is killed and
the worker answers with a Swedish message, never held beyond the timeout; and at most
REMISS_DOCX_MAX_CONCURRENT conversions run at once, so uploads cannot hold every worker. The style map turns
Word's headings into h3/h4 and keeps lists, bold and italic; the HTML goes through
`remiss.richtext.sanitize`, the one allowlist: tables keep only their text, images and
everything else go, and at most MAX_TEXT_LENGTH characters come back. Nothing is saved here;
the officer's page shows the result for review, and only a confirmation saves it through
`workflow.save_opinion`.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from remiss import docx_convert
from remiss.docx_check import DOCX_CONTENT_TYPE, DocxError, check_docx
from remiss.forms import AccessibleForm
from remiss.models import MAX_MARKUP_LENGTH, MAX_TEXT_LENGTH, swedish_number
from remiss.richtext import to_plain

logger = logging.getLogger(__name__)


@dataclass
class ConvertedDocx:
    """The sanitised HTML of a .docx and what the allowlist reduced or dropped, for the review page."""

    html: str
    tables: int = 0
    images: int = 0
    messages: list[str] = field(default_factory=list)  # mammoth's warnings, for the log

    @property
    def words(self) -> int:
        return len(to_plain(self.html).split())


def converter_command() -> list[str]:
    """The child process that converts: `remiss.docx_convert` under the configured limits."""
    cpu_seconds = math.ceil(settings.REMISS_DOCX_TIMEOUT) + 1  # a backstop; the timeout ends it first
    return [
        sys.executable,
        "-m",
        "remiss.docx_convert",
        str(settings.REMISS_DOCX_MEMORY_BYTES),
        str(cpu_seconds),
        str(MAX_TEXT_LENGTH),
        str(MAX_MARKUP_LENGTH),
    ]


def _too_slow() -> DocxError:
    timeout = settings.REMISS_DOCX_TIMEOUT
    seconds = f"{timeout:g}".replace(".", ",")  # a Swedish decimal comma
    return DocxError(
        ngettext(
            "Word-dokumentet tog för lång tid att läsa (högst %(seconds)s sekund är tillåten). Dela upp det i mindre "
            "delar, "
            "eller klistra in texten i stället, och försök igen.",
            "Word-dokumentet tog för lång tid att läsa (högst %(seconds)s sekunder är tillåtet). Dela upp det i "
            "mindre delar, "
            "eller klistra in texten i stället, och försök igen.",
            1 if timeout == 1 else 2,
        )
        % {"seconds": seconds}
    )


def _too_complex() -> DocxError:
    return DocxError(
        _(
            "Word-dokumentet är för stort eller för komplicerat för att läsas. Dela upp det i mindre delar och försök "
            "igen."
        )
    )


def _unreadable() -> DocxError:
    return DocxError(
        _("Word-dokumentet kunde inte läsas. Det kan vara skadat; spara det på nytt i Word och försök igen.")
    )


@contextmanager
def _conversion_slot() -> Iterator[None]:
    """One of REMISS_DOCX_MAX_CONCURRENT conversion slots on this machine, or a DocxError at once.

    Each slot is an flock on a file in REMISS_DOCX_SLOT_DIR, which the kernel releases when its
    holder ends, however it ends. With fewer slots than web workers, uploads at once can never
    hold every worker: the one over the limit is answered straight away."""
    directory = Path(settings.REMISS_DOCX_SLOT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    for slot in range(settings.REMISS_DOCX_MAX_CONCURRENT):
        with open(directory / f"slot-{slot}.lock", "a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            yield  # closing the file releases the lock
            return
    raise DocxError(_("Många Word-dokument läses just nu. Vänta en stund och ladda upp filen igen."))


def _run_converter(content: bytes) -> dict:
    """The child's answer; raises DocxError when it ran too long, ran out of memory or crashed."""
    try:
        done = subprocess.run(
            converter_command(),
            input=content,
            capture_output=True,
            check=False,
            timeout=settings.REMISS_DOCX_TIMEOUT,
            cwd=settings.BASE_DIR,
        )
    except subprocess.TimeoutExpired as error:  # subprocess.run has killed the child
        raise _too_slow() from error
    except OSError as error:  # no process could start (out of memory or processes): ours, not the file's
        logger.exception("The .docx converter could not start")
        raise DocxError(_("Word-dokumentet kunde inte läsas just nu. Försök igen om en stund.")) from error
    if done.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise _too_slow()
    # Its answer is at most MAX_MARKUP_LENGTH characters of HTML (4 bytes each in UTF-8) and a few messages.
    if done.returncode != 0 or len(done.stdout) > 4 * MAX_MARKUP_LENGTH + 64 * 1024:
        stderr = done.stderr[-2000:].decode("utf-8", "replace")
        logger.warning("The .docx converter ended with %s: %s", done.returncode, stderr)
        raise _too_complex()
    try:
        return json.loads(done.stdout)
    except ValueError as error:
        raise _unreadable() from error


def convert_docx(fileobj: IO[bytes]) -> ConvertedDocx:
    """Convert a checked .docx to allowlisted HTML; raises DocxError with a Swedish message."""
    fileobj.seek(0)
    with _conversion_slot():
        answer = _run_converter(fileobj.read())
    error = answer.get("error")
    if error == docx_convert.EMPTY:
        raise DocxError(_("Word-dokumentet innehåller ingen text att hämta."))
    if error == docx_convert.TOO_LONG:
        raise DocxError(
            _("Texten i Word-dokumentet är för lång: högst %(max)s tecken är tillåtna, den har %(n)s.")
            % {"max": swedish_number(MAX_TEXT_LENGTH), "n": swedish_number(answer.get("chars", 0))}
        )
    if error == docx_convert.OUT_OF_MEMORY:
        raise _too_complex()
    if error is not None:
        raise _unreadable()
    return ConvertedDocx(
        html=answer["html"],
        tables=answer["tables"],
        images=answer["images"],
        messages=answer["messages"],
    )


class DocxUploadForm(AccessibleForm):
    """The officer's .docx: checked and converted while the form validates; `converted` holds the result."""

    file = forms.FileField(
        label=gettext_lazy("Word-dokument (.docx)"),
        help_text=gettext_lazy(
            "Tjänsteutlåtandet som Word-fil. Rubriker, listor, fet och kursiv stil behålls; tabeller blir "
            "vanlig text och bilder tas bort. Du får granska texten innan den ersätter den nuvarande."
        ),
        widget=forms.FileInput(attrs={"accept": f".docx,{DOCX_CONTENT_TYPE}"}),
        error_messages={
            "required": gettext_lazy("Välj en Word-fil (.docx) att ladda upp."),
            "empty": gettext_lazy("Filen är tom."),
            "invalid": gettext_lazy("Det gick inte att ta emot filen. Försök igen."),
        },
    )

    converted: ConvertedDocx | None = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_docx(upload)
        try:
            self.converted = convert_docx(upload)
        except DocxError as error:
            raise forms.ValidationError(str(error), code="unreadable") from error
        return upload
