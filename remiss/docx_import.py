"""Word in: an officer's .docx tjänsteutlåtande becomes the opinion's text, after review.

The upload is checked before anything reads it as a document (`check_docx`): its size, its name
(.docx), the content type the browser gave, the zip signature, and the package itself: a real
Word document (not a macro document or a template), not encrypted, with no DOCTYPE in its XML
and not unpacking to more than `MAX_UNCOMPRESSED_BYTES`. Then mammoth converts it
(`convert_docx`) with a style map that turns Word's headings into h3/h4 and keeps lists, bold and
italic, and the HTML goes through `remiss.richtext.sanitize`, the one allowlist: tables keep
only their text, images and everything else go. Nothing is saved here; the officer's page
shows the result for review, and only a confirmation saves it through `workflow.save_opinion`.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from typing import IO

import mammoth
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from remiss.forms import AccessibleForm, validate_upload_size
from remiss.models import MAX_MARKUP_LENGTH, MAX_TEXT_LENGTH, swedish_number
from remiss.richtext import sanitize, to_plain, visible_length

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What browsers send for a .docx: the real type, or a generic one when the system does not know it.
ACCEPTED_CONTENT_TYPES = frozenset({
    DOCX_CONTENT_TYPE,
    "application/octet-stream",
    "application/zip",
    "application/x-zip-compressed",
    "",
})
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .doc (and other Office 97 files)
MAIN_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_ENTRIES = 5000

# Word's headings become the allowlist's two levels; Swedish Word names them "Rubrik 1" …
STYLE_MAP = "\n".join(
    [f"p[style-name='{name} 1'] => h3:fresh" for name in ("Heading", "heading", "Rubrik", "rubrik")]
    + [f"p[style-name='{name} {level}'] => h4:fresh" for name in ("Heading", "heading", "Rubrik", "rubrik") for level in range(2, 10)]
    + [
        "p[style-name='Title'] => h3:fresh",
        "p[style-name='Rubrik'] => h3:fresh",
        "p[style-name='Subtitle'] => h4:fresh",
        "p[style-name='Underrubrik'] => h4:fresh",
        "r[style-name='Strong'] => strong",
        "r[style-name='Stark'] => strong",
        "r[style-name='Emphasis'] => em",
        "r[style-name='Betoning'] => em",
    ]
)


class DocxError(ValueError):
    """The file is not a Word document this app can read; `str(error)` is a Swedish sentence."""


def _refuse(message: str) -> forms.ValidationError:
    return forms.ValidationError(message, code="not_docx")


def check_docx(upload: UploadedFile) -> None:
    """Raise a ValidationError with a Swedish message unless `upload` is a readable .docx."""
    validate_upload_size(upload)
    name = (upload.name or "").strip()
    lower = name.lower()
    if lower.endswith(".doc") or lower.endswith(".rtf"):
        raise _refuse(_("Filen är i ett äldre Word-format. Öppna den i Word, spara den som Word-dokument (.docx) och ladda upp den igen."))
    if lower.endswith((".docm", ".dotx", ".dotm")):
        raise _refuse(_("Filen är en Word-mall eller ett dokument med makron. Spara den som ett vanligt Word-dokument (.docx) och ladda upp den igen."))
    if not lower.endswith(".docx"):
        raise _refuse(_("Bara Word-dokument (.docx) kan laddas upp. ”%(name)s” är inte en .docx-fil.") % {"name": name[:100]})
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in ACCEPTED_CONTENT_TYPES:
        raise _refuse(_("Filen är inte ett Word-dokument (.docx) utan av typen %(type)s.") % {"type": content_type[:100]})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(OLE_SIGNATURE):
        raise _refuse(_("Filen är i ett äldre Word-format eller lösenordsskyddad. Spara den som ett vanligt Word-dokument (.docx) utan lösenord och ladda upp den igen."))
    if not head.startswith(ZIP_SIGNATURE):
        raise _refuse(_("Filen är inte ett Word-dokument (.docx), fast namnet slutar på .docx."))
    try:
        _check_package(upload)
    except DocxError as error:
        raise _refuse(str(error)) from error
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError, ValueError) as error:
        raise _refuse(_("Filen kunde inte läsas som ett Word-dokument. Den kan vara skadad; spara den på nytt i Word och försök igen.")) from error
    finally:
        upload.seek(0)


def _check_package(fileobj: IO[bytes]) -> None:
    with zipfile.ZipFile(fileobj) as package:
        entries = package.infolist()
        if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
            raise DocxError(_("Word-dokumentet är för stort när det packas upp."))
        if any(e.flag_bits & 0x1 for e in entries):
            raise DocxError(_("Word-dokumentet är krypterat. Ta bort lösenordet i Word och ladda upp det igen."))
        names = {e.filename for e in entries}
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise DocxError(_("Filen är inte ett Word-dokument (.docx), fast namnet slutar på .docx."))
        types = package.read("[Content_Types].xml").decode("utf-8", errors="replace")
        if MAIN_DOCUMENT_TYPE not in types:
            raise DocxError(_("Filen är en Word-mall eller ett dokument med makron. Spara den som ett vanligt Word-dokument (.docx) och ladda upp den igen."))
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels")):
                data = package.read(entry)
                if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                    raise DocxError(_("Word-dokumentet innehåller konstruktioner som inte tillåts. Spara det på nytt i Word och försök igen."))


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


_TABLE = re.compile(r"<table\b", re.IGNORECASE)


def convert_docx(fileobj: IO[bytes]) -> ConvertedDocx:
    """Convert a checked .docx to allowlisted HTML; raises DocxError with a Swedish message."""
    images = 0

    def drop_image(image) -> list:
        nonlocal images
        images += 1
        return []  # not even read: the allowlist has no images

    fileobj.seek(0)
    try:
        result = mammoth.convert_to_html(fileobj, style_map=STYLE_MAP, convert_image=drop_image)
    except Exception as error:  # mammoth raises whatever its zip and XML readers raise
        raise DocxError(_("Word-dokumentet kunde inte läsas. Det kan vara skadat; spara det på nytt i Word och försök igen.")) from error
    raw = result.value or ""
    html = sanitize(raw)
    if not to_plain(html).strip():
        raise DocxError(_("Word-dokumentet innehåller ingen text att hämta."))
    visible = visible_length(html)
    if visible > MAX_TEXT_LENGTH or len(html) > MAX_MARKUP_LENGTH:
        raise DocxError(
            _("Texten i Word-dokumentet är för lång: högst %(max)s tecken är tillåtna, den har %(n)s.")
            % {"max": swedish_number(MAX_TEXT_LENGTH), "n": swedish_number(visible)}
        )
    return ConvertedDocx(
        html=html, tables=len(_TABLE.findall(raw)), images=images,
        messages=[m.message for m in result.messages],
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
