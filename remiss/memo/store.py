"""Store: compile a case's memo and keep it as a `Memo` row, exactly as rendered.

The PDF is only written once rendering has succeeded, and the row only exists with its file:
if saving the row fails, the file just written is removed again. The row records the PDF's
SHA-256, its page count, who compiled it, and the history row of every record it was built from.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from remiss.memo.gather import MemoData, gather
from remiss.memo.render import RenderedPdf, render_html, render_pdf
from remiss.models import Case, Memo, User

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CompiledMemo:
    data: MemoData
    html: str
    rendered: RenderedPdf
    sha256: str
    created: datetime

    @property
    def pdf(self) -> bytes:
        return self.rendered.pdf

    @property
    def pages(self) -> int:
        return self.rendered.pages


def memo_filename(case: Case, when: datetime) -> str:
    """'memo-SOU-2022-67-20230426-101500.pdf' (local time)."""
    reference = re.sub(r"[^A-Za-z0-9]+", "-", case.reference).strip("-") or f"case-{case.pk}"
    return f"memo-{reference}-{timezone.localtime(when):%Y%m%d-%H%M%S}.pdf"


def build_memo(case: Case, *, progress: Progress | None = None, hyphenate: bool = True) -> CompiledMemo:
    """Gather and render, without storing anything."""
    say = progress or (lambda message: None)
    say(f"Samlar in texterna för {case.reference} …")
    # One snapshot: the texts and the history rows noted for them belong to the same moment.
    with transaction.atomic():
        data = gather(case)
    say(f"Renderar {len(data.bodies)} remissinstanser …")
    created = timezone.now()
    html = render_html(data, hyphenate=hyphenate, created=created)
    rendered = render_pdf(html)
    return CompiledMemo(
        data=data,
        html=html,
        rendered=rendered,
        sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        created=created,
    )


def store_memo(case: Case, compiled: CompiledMemo, *, by: User | None, progress: Progress | None = None) -> Memo:
    """Save the rendered PDF (MEDIA_ROOT) and its Memo row together, or neither."""
    say = progress or (lambda message: None)
    say("Sparar promemorian …")
    memo = Memo(
        case_id=case.pk,
        sha256=compiled.sha256,
        pages=compiled.pages,
        created_by=by,
        sources=compiled.data.sources,
    )
    try:
        with transaction.atomic():
            memo.pdf.save(memo_filename(case, compiled.created), ContentFile(compiled.pdf), save=False)
            memo.save()
    except BaseException:
        # The row was rolled back; a file nobody points at must not stay behind.
        if memo.pdf.name:
            memo.pdf.storage.delete(memo.pdf.name)
        raise
    return memo


def compile_memo(case: Case, by: User | None, *, progress: Progress | None = None) -> Memo:
    """Gather, render and store the memo of `case`; returns the new Memo."""
    return store_memo(case, build_memo(case, progress=progress), by=by, progress=progress)
