"""Word in, the first step: is this upload a Word document we may read at all?

`check_docx` looks at the upload before anything reads it as a document: its size, its name
(.docx), the content type the browser gave, the zip signature, and the package itself, within the
REMISS_DOCX_* limits (settings.py; README "Security limits"). A file that passes has no DOCTYPE
anywhere, no entity expansion, and unpacks within its budget, so the converter
(`remiss.docx_import.convert_docx`) never sees a zip bomb or a billion laughs.
"""

from __future__ import annotations

import codecs
import lzma
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from lxml import etree

from remiss.forms import validate_upload_size

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What browsers send for a .docx: the real type, or a generic one when the system does not know it.
ACCEPTED_CONTENT_TYPES = frozenset(
    {
        DOCX_CONTENT_TYPE,
        "application/octet-stream",
        "application/zip",
        "application/x-zip-compressed",
        "",
    }
)
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .doc (and other Office 97 files)
MAIN_DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CHUNK = 64 * 1024
MB = 1024 * 1024
# The encodings an XML parser detects by itself; a part is XML when it starts with "<" in one of them.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NO_BOM = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
# What zipfile, its decompressors and lxml raise on a damaged or odd package: corrupt deflate data
# is a zlib.error and a compression method zipfile lacks (deflate64) a NotImplementedError.
_UNREADABLE_PACKAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    KeyError,
    ValueError,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    etree.LxmlError,
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
        raise _refuse(
            _(
                "Filen är i ett äldre Word-format. Öppna den i Word, spara den som Word-dokument (.docx) och ladda "
                "upp den igen."
            )
        )
    if lower.endswith((".docm", ".dotx", ".dotm")):
        raise _refuse(
            _(
                "Filen är en Word-mall eller ett dokument med makron. Spara den som ett vanligt Word-dokument (.docx) "
                "och ladda upp den igen."
            )
        )
    if not lower.endswith(".docx"):
        raise _refuse(
            _("Bara Word-dokument (.docx) kan laddas upp. ”%(name)s” är inte en .docx-fil.") % {"name": name[:100]}
        )
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in ACCEPTED_CONTENT_TYPES:
        raise _refuse(
            _("Filen är inte ett Word-dokument (.docx) utan av typen %(type)s.") % {"type": content_type[:100]}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(OLE_SIGNATURE):
        raise _refuse(
            _(
                "Filen är i ett äldre Word-format eller lösenordsskyddad. Spara den som ett vanligt Word-dokument "
                "(.docx) utan lösenord och ladda upp den igen."
            )
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise _refuse(_("Filen är inte ett Word-dokument (.docx), fast namnet slutar på .docx."))
    try:
        _check_package(upload)
    except DocxError as error:
        raise _refuse(str(error)) from error
    except _UNREADABLE_PACKAGE as error:
        raise _refuse(
            _(
                "Filen kunde inte läsas som ett Word-dokument. Den kan vara skadad; spara den på nytt i Word och "
                "försök igen."
            )
        ) from error
    finally:
        upload.seek(0)


def _too_big() -> DocxError:
    return DocxError(
        _(
            "Word-dokumentet är för stort när det packas upp: högst %(mb)d MB är tillåtet, varav %(xml)d MB text och "
            "formatering. Ta bort stora bilder eller dela upp dokumentet och försök igen."
        )
        % {"mb": settings.REMISS_DOCX_MAX_UNPACKED_BYTES // MB, "xml": settings.REMISS_DOCX_MAX_XML_BYTES // MB}
    )


def _dtd_refused() -> DocxError:
    return DocxError(
        _("Word-dokumentet innehåller konstruktioner som inte tillåts. Spara det på nytt i Word och försök igen.")
    )


def _looks_like_xml(head: bytes) -> bool:
    """True when `head`, the start of a part, starts with "<" (after a BOM and XML whitespace)
    in any encoding an XML parser would read it in; a part of only whitespace counts too."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            candidates = [(head[len(bom) :], codec)]
            break
    else:
        candidates = [(head, codec) for codec in _NO_BOM]
    for data, codec in candidates:
        text = data.decode(codec, errors="replace").lstrip(" \t\r\n")
        if not text or text.startswith("<"):
            return True
    return False


class _NoDoctype:
    """An lxml parser target that builds nothing and refuses a DOCTYPE the moment it is read."""

    def doctype(self, *_args) -> None:
        raise _dtd_refused()

    def start(self, *_args) -> None:
        pass

    def end(self, *_args) -> None:
        pass

    def data(self, *_args) -> None:
        pass

    def close(self) -> None:
        return None


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        target=_NoDoctype(),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )


@dataclass
class _Budget:
    """Bytes still allowed: unpacked in all, and XML among them."""

    unpacked: int
    xml: int


def _read_part(package: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: _Budget) -> bytes:
    """Unpack one part in chunks, counting what it really yields; parse it if it is XML.
    Returns the part's bytes only for [Content_Types].xml, which the caller reads."""
    keep = entry.filename == "[Content_Types].xml"
    kept: list[bytes] = []
    parser: etree.XMLParser | None = None
    with package.open(entry) as member:
        first = True
        while chunk := member.read(CHUNK):
            budget.unpacked -= len(chunk)
            if budget.unpacked < 0:
                raise _too_big()
            if first:
                parser = _xml_parser() if _looks_like_xml(chunk) else None
                first = False
            if parser is not None:
                budget.xml -= len(chunk)
                if budget.xml < 0:
                    raise _too_big()
                parser.feed(chunk)
            if keep:
                kept.append(chunk)
    if parser is not None:
        parser.close()
    return b"".join(kept)


def _check_package(fileobj: IO[bytes]) -> None:
    with zipfile.ZipFile(fileobj) as package:
        entries = package.infolist()
        if len(entries) > settings.REMISS_DOCX_MAX_ENTRIES:
            raise DocxError(
                _(
                    "Word-dokumentet består av för många delar (%(n)d; högst %(max)d är tillåtna). "
                    "Spara det på nytt i Word och försök igen."
                )
                % {"n": len(entries), "max": settings.REMISS_DOCX_MAX_ENTRIES}
            )
        if sum(e.file_size for e in entries) > settings.REMISS_DOCX_MAX_UNPACKED_BYTES:
            raise _too_big()
        if any(e.flag_bits & 0x1 for e in entries):
            raise DocxError(_("Word-dokumentet är krypterat. Ta bort lösenordet i Word och ladda upp det igen."))
        names = {e.filename for e in entries}
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise DocxError(_("Filen är inte ett Word-dokument (.docx), fast namnet slutar på .docx."))
        budget = _Budget(settings.REMISS_DOCX_MAX_UNPACKED_BYTES, settings.REMISS_DOCX_MAX_XML_BYTES)
        types = b""
        for entry in entries:
            types = _read_part(package, entry, budget) or types
        if MAIN_DOCUMENT_TYPE.encode() not in types:
            raise DocxError(
                _(
                    "Filen är en Word-mall eller ett dokument med makron. Spara den som ett vanligt Word-dokument "
                    "(.docx) och ladda upp den igen."
                )
            )
