"""Reading the import file through tablib: XLSX (one sheet per kind of row) or CSV (a `radtyp` column).

`read_file` turns the bytes into rows of cleaned cells keyed by their normalised Swedish header,
each with its sheet and its row number as the spreadsheet shows it (the header is row 1). Faults of
a whole sheet (an unknown sheet or column) come back as `SheetError`s beside the rows; a file that
cannot be read at all raises `ReadError`, whose text is a Swedish sentence for the person.

Nothing here touches the database.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

import tablib
from django.utils.translation import gettext as _

from remiss.organisation.columns import (
    ALL_HEADERS,
    INSTRUCTIONS_SHEET,
    KIND_COLUMN,
    NOTE_COLUMNS,
    SHEETS,
    RowKind,
    headers_of,
    kind_of,
    normalise_header,
)

# Bounds that keep a hostile or mistaken file from holding a worker: a city's organisation is some
# thousands of rows and a few columns, so these are far above any real file.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_XLSX_ENTRIES = 500
MAX_XLSX_UNPACKED = 60 * 1024 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an encrypted .xlsx
# Cell and row references in a sheet's XML ("B12", "12") and its declared extent ("A1:F300").
_REFERENCE = re.compile(rb'\sr="([A-Z]{0,3})(\d{1,9})"')
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]{1,3}\d{1,9}:([A-Z]{1,3})(\d{1,9})"')

Cell = str | date


class ReadError(ValueError):
    """The file cannot be read as an import file; `str(error)` is a Swedish sentence."""


@dataclass(frozen=True)
class RawRow:
    """One filled row: its place in the file, its kind and its non-empty cells.

    `problem` is set (and `kind` may be None) when the row's kind cannot be told."""

    sheet: str
    number: int
    kind: RowKind | None
    cells: dict[str, Cell]
    problem: str = ""


@dataclass(frozen=True)
class SheetError:
    sheet: str
    message: str


@dataclass
class ImportFile:
    filename: str
    rows: list[RawRow] = field(default_factory=list)
    sheet_errors: list[SheetError] = field(default_factory=list)


def read_file(content: bytes, filename: str) -> ImportFile:
    """Read an uploaded .xlsx or .csv; raises ReadError when it cannot be read at all."""
    if len(content) > MAX_BYTES:
        raise ReadError(too_big_message())
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        sheets = _xlsx_sheets(content)
    elif suffix == ".csv":
        sheets = [_csv_sheet(content)]
    elif suffix in (".xls", ".ods", ".numbers"):
        raise ReadError(_("Spara filen som Excel-arbetsbok (.xlsx) eller som CSV (.csv) och ladda upp den igen."))
    else:
        raise ReadError(
            _("Bara Excel-filer (.xlsx) och CSV-filer (.csv) kan importeras. ”%(name)s” är ingen av dem.")
            % {"name": filename[:100]}
        )
    result = ImportFile(filename=filename)
    for sheet in sheets:
        _read_sheet(sheet, result)
    if len(result.rows) > MAX_ROWS:
        raise ReadError(_("Filen har för många rader: högst %(max)d är tillåtna.") % {"max": MAX_ROWS})
    if not result.rows and not result.sheet_errors:
        raise ReadError(_("Filen innehåller inga rader att importera."))
    return result


def too_big_message() -> str:
    return _("Filen är för stor: högst %(mb)d MB är tillåtet.") % {"mb": MAX_BYTES // (1024 * 1024)}


def _unreadable() -> ReadError:
    return ReadError(
        _("Filen kunde inte läsas. Den kan vara skadad eller i ett annat format; spara den på nytt och försök igen.")
    )


def _xlsx_sheets(content: bytes) -> list[tablib.Dataset]:
    if content.startswith(OLE_SIGNATURE):
        raise ReadError(
            _(
                "Filen är i ett äldre Excel-format eller lösenordsskyddad. Spara den som Excel-arbetsbok (.xlsx) "
                "utan lösenord och ladda upp den igen."
            )
        )
    if not content.startswith(ZIP_SIGNATURE):
        raise ReadError(_("Filen är ingen Excel-arbetsbok (.xlsx), fast namnet slutar på .xlsx."))
    try:
        _check_xlsx_extent(content)
        book = tablib.Databook().load(io.BytesIO(content), "xlsx")
    except ReadError:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise _unreadable() from error
    return list(book.sheets())


def _check_xlsx_extent(content: bytes) -> None:
    """Refuse a workbook that unpacks too large or whose sheets reach too far, before openpyxl pads
    every row to the sheet's declared width (one far cell would make millions of empty ones)."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        entries = package.infolist()
        if len(entries) > MAX_XLSX_ENTRIES or sum(e.file_size for e in entries) > MAX_XLSX_UNPACKED:
            raise ReadError(_("Excel-filen är för stor när den packas upp. Ta bort det som inte ska importeras."))
        for entry in entries:
            if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                xml = package.read(entry)  # within MAX_XLSX_UNPACKED: zipfile stops at the declared size
                extents = [*_REFERENCE.findall(xml), *_DIMENSION.findall(xml)]
                if any(_column_number(col) > MAX_COLUMNS or int(row) > MAX_ROWS + 1 for col, row in extents):
                    raise ReadError(
                        _("Ett blad i Excel-filen är för stort: högst %(rows)d rader och %(cols)d kolumner.")
                        % {"rows": MAX_ROWS, "cols": MAX_COLUMNS}
                    )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _decode(content: bytes) -> str:
    """CSV as Excel writes it: UTF-8 (with or without BOM), UTF-16 ("Unicode text"), or Windows-1252
    from an older Excel."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors="replace")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _csv_sheet(content: bytes) -> tablib.Dataset:
    text = _decode(content).replace("\x00", "")
    first_line = text.split("\n", 1)[0]
    # A Swedish Excel separates with semicolons; others with commas or tabs. The header tells.
    delimiter = max((";", ",", "\t"), key=first_line.count)
    # tablib drops blank lines; a lone delimiter keeps them, so row numbers stay the file's.
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + 1:
        raise ReadError(_("Filen har för många rader: högst %(max)d är tillåtna.") % {"max": MAX_ROWS})
    text = "\n".join(line if line.strip() else delimiter for line in lines)
    try:
        return tablib.Dataset().load(text, format="csv", delimiter=delimiter)
    except tablib.InvalidDimensions as error:
        raise ReadError(
            _("En rad i filen har fler kolumner än rubrikraden. Kontrollera att varje rad har lika många fält.")
        ) from error
    except (csv.Error, ValueError) as error:
        raise _unreadable() from error


def _clean(value: object) -> Cell | None:
    """A cell as text (or a date, from a date cell); None when empty."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id Excel turned into a number: 12345.0 → "12345"
    text = str(value).replace("\x00", "").strip()
    return text or None


def _read_sheet(sheet: tablib.Dataset, result: ImportFile) -> None:
    title = (sheet.title or "").strip()
    if title.lower() == INSTRUCTIONS_SHEET.lower():
        return
    headers = [normalise_header(h) for h in (sheet.headers or [])]
    sheet_kind = kind_of(title) if title else None
    rows = [[_clean(v) for v in row] for row in sheet]
    if not any(headers) and not any(any(v is not None for v in row) for row in rows):
        return  # an empty sheet (Blad2)
    problems = _header_problems(title, headers, sheet_kind, rows)
    if problems:
        result.sheet_errors.extend(SheetError(title, p) for p in problems)
        return
    for index, values in enumerate(rows):
        cells = {h: v for h, v in zip(headers, values, strict=False) if h and v is not None and h not in NOTE_COLUMNS}
        if cells:
            result.rows.append(_row(title, index + 2, sheet_kind, cells))


def _header_problems(title: str, headers: list[str], kind: RowKind | None, rows: list[list[Cell | None]]) -> list[str]:
    problems = []
    if kind is None and KIND_COLUMN not in headers:
        names = ", ".join(SHEETS.values())
        problems.append(
            _("Bladet har inget av namnen %(names)s och ingen kolumn ”%(column)s” som säger vad raderna är.")
            % {"names": names, "column": KIND_COLUMN}
            if title
            else _("Filen har ingen kolumn ”%(column)s” som säger vad varje rad är.") % {"column": KIND_COLUMN}
        )
    known = (headers_of(kind) | {KIND_COLUMN}) if kind else frozenset(ALL_HEADERS)
    for header in dict.fromkeys(headers):
        if header and header not in known and header not in NOTE_COLUMNS:
            problems.append(_("Okänd kolumn ”%(header)s”.") % {"header": header})
        elif header and headers.count(header) > 1:
            problems.append(_("Kolumnen ”%(header)s” finns flera gånger.") % {"header": header})
    for position, header in enumerate(headers):
        if not header and any(position < len(row) and row[position] is not None for row in rows):
            problems.append(_("Kolumn %(n)d har uppgifter men ingen rubrik.") % {"n": position + 1})
    return problems


def _row(title: str, number: int, sheet_kind: RowKind | None, cells: dict[str, Cell]) -> RawRow:
    if KIND_COLUMN not in cells:
        if sheet_kind is None:
            return RawRow(title, number, None, cells, _("Kolumnen ”%(c)s” är tom.") % {"c": KIND_COLUMN})
        return RawRow(title, number, sheet_kind, cells)
    named = cells.pop(KIND_COLUMN)
    row_kind = kind_of(str(named))
    if row_kind is None:
        allowed = ", ".join(k.value for k in RowKind)
        problem = _("”%(value)s” är ingen radtyp; skriv en av %(allowed)s.") % {"value": named, "allowed": allowed}
        return RawRow(title, number, None, cells, problem)
    if sheet_kind is not None and row_kind != sheet_kind:
        problem = _("Raden är av typen ”%(row)s” men står på bladet %(sheet)s.") % {"row": row_kind, "sheet": title}
        return RawRow(title, number, None, cells, problem)
    return RawRow(title, number, row_kind, cells)
