"""The answer package for the ministry: one zip with the memo as PDF/UA and as .docx, and a cover letter.

Ministries ask for the answer as an accessible PDF and an editable Word file, named after the
answering body and the report, with their dnr in the e-mail. The zip is therefore called
"<city> <reference> remissvar.zip" (e.g. "Stockholms stad SOU 2022:67 remissvar.zip") and holds

- "<city> <reference> remissvar.pdf": the latest compiled memo exactly as stored, so the PDF sent
  is the one whose SHA-256 the Memo row records. Building the package never compiles one: a
  download is a GET, and no request renders a PDF (the compile button queues a task). Without a
  stored memo, `build_package` raises `NoStoredMemo`;
- "<city> <reference> remissvar.docx": the same memo as Word (remiss.memo.docx);
- "följebrev.txt": the cover e-mail's text (UTF-8), with the ministry's and the city's dnr,
  the reference and the city.

Inside the zip, and in the download's ASCII fallback name, characters that Windows refuses in
file names (the ":" of "SOU 2022:67") become "-"; the download's UTF-8 name (RFC 5987/6266
`filename*`) keeps the name as ministries write it.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from django.db import transaction
from django.utils import timezone

from remiss.city import city_name
from remiss.dates import swedish_date
from remiss.memo.docx import build_docx
from remiss.memo.gather import MemoData, gather
from remiss.memo.names import file_stem, package_name, safe_filename
from remiss.models import Case, Memo, User

COVER_LETTER_NAME = "följebrev.txt"
ZIP_CONTENT_TYPE = "application/zip"


def zip_filename(case: Case) -> str:
    """'Stockholms stad SOU 2022:67 remissvar.zip' (the download's UTF-8 name)."""
    return f"{package_name(city_name(), case.reference)}.zip"


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the exact name as RFC 5987 `filename*`."""
    display = (
        "".join(ch for ch in filename if ch.isprintable()).replace("/", "-").replace("\\", "-").strip() or "remissvar"
    )
    ascii_name = unicodedata.normalize("NFKD", safe_filename(display)).encode("ascii", "ignore").decode("ascii")
    ascii_name = ascii_name.replace('"', "").strip() or "remissvar"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(display, safe='')}"


def latest_memo(case: Case) -> Memo | None:
    return Memo.objects.filter(case=case).order_by("-created_at", "-pk").first()


def memo_is_current(case: Case, memo: Memo, data: MemoData | None = None) -> bool:
    """True when nothing the memo was compiled from has changed since (the same history rows)."""
    if data is None:
        with transaction.atomic():
            data = gather(case)

    def key(sources) -> set[tuple]:
        return {(s["model"], s["pk"], s["history_id"]) for s in sources}

    return key(memo.sources) == key(data.sources)


def cover_letter(case: Case, *, city: str, pdf_name: str, docx_name: str, sender: str = "") -> str:
    """The cover e-mail's text, in Swedish: it carries both dnr, the reference and the city."""
    ministry_dnr = case.ministry_dnr.strip() or "(inte angivet)"
    ministry = case.sender.strip() or "Departementet"
    subject = f"Remissvar från {city}, {case.reference}, dnr {ministry_dnr}"
    lines = [
        f"Till: {ministry}",
        f"Ämne: {subject}",
        "",
        f"Departementets diarienummer: {ministry_dnr}",
        f"Stadens diarienummer: {case.city_dnr}",
        f"Beteckning: {case.reference}",
        f"Remisstid: {swedish_date(case.deadline)}",
        "",
        "Hej!",
        "",
        f"{city} översänder härmed sitt svar på remissen {case.full_title}, "
        f"departementets diarienummer {ministry_dnr}. Stadens diarienummer i ärendet är {case.city_dnr}.",
        "",
        "Svaret bifogas i två format:",
        f"- {pdf_name} (PDF/UA, tillgänglighetsanpassad)",
        f"- {docx_name} (Word, redigerbar)",
        "",
        "Med vänliga hälsningar",
    ]
    if sender.strip():
        lines.append(sender.strip())
    lines.append(city)
    return "\n".join(lines) + "\n"


class NoStoredMemo(LookupError):
    """The case has no compiled memo whose PDF is still stored; compile one first (remiss.tasks)."""

    def __init__(self, case: Case, *, lost: Memo | None = None) -> None:
        super().__init__(f"Case {case.pk} has no stored memo" + (f" (memo {lost.pk}'s file is gone)" if lost else ""))
        self.lost = lost  # the latest memo, when its row exists but its file does not


@dataclass(frozen=True)
class AnswerPackage:
    filename: str  # the zip's name, e.g. "Stockholms stad SOU 2022:67 remissvar.zip"
    content: bytes
    memo: Memo  # the compiled memo whose PDF is inside
    names: tuple[str, ...]  # the zip's entries, in order

    @property
    def content_disposition(self) -> str:
        return content_disposition(self.filename)


def _memo_pdf(case: Case) -> tuple[Memo, bytes]:
    """The latest memo and its stored PDF, or NoStoredMemo."""
    memo = latest_memo(case)
    if memo is None:
        raise NoStoredMemo(case)
    try:
        with memo.pdf.open("rb") as handle:
            return memo, handle.read()
    except FileNotFoundError as error:
        raise NoStoredMemo(case, lost=memo) from error


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(when)
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def build_package(case: Case, *, by: User | None, created: datetime | None = None) -> AnswerPackage:
    """The ministry's zip for `case`, around its latest stored memo (NoStoredMemo without one)."""
    memo, pdf = _memo_pdf(case)
    with transaction.atomic():
        data = gather(case)
    created = created or timezone.now()
    city = data.city
    stem = file_stem(city, case.reference)
    pdf_name, docx_name = f"{stem}.pdf", f"{stem}.docx"
    sender = (by.get_full_name() if by is not None else "") or ""
    letter = cover_letter(case, city=city, pdf_name=pdf_name, docx_name=docx_name, sender=sender)
    entries = (
        (pdf_name, pdf),
        (docx_name, build_docx(data, created=created)),
        (COVER_LETTER_NAME, letter.encode("utf-8")),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=_zip_time(created))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return AnswerPackage(
        filename=f"{package_name(city, case.reference)}.zip",
        content=buffer.getvalue(),
        memo=memo,
        names=tuple(name for name, _content in entries),
    )
