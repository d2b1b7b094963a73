"""The compiled city memo (promemoria with remissammanställning) as a tagged PDF.

gather (read the case, build every sentence) → render (Django template → WeasyPrint, PDF/UA-1)
→ store (a `Memo` row with the PDF, its SHA-256 and the history row of every source record).
"""

from remiss.memo.gather import MemoData, case_for_memo, gather
from remiss.memo.render import RenderedPdf, StaticOnlyFetcher, render_html, render_pdf
from remiss.memo.store import compile_memo

__all__ = [
    "MemoData",
    "RenderedPdf",
    "StaticOnlyFetcher",
    "case_for_memo",
    "compile_memo",
    "gather",
    "render_html",
    "render_pdf",
]
