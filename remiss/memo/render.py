"""Render: MemoData → HTML (the Django template `memo/memo.html`) → tagged PDF (WeasyPrint).

WeasyPrint would fetch any URL a document names: files, web pages, data: URIs. The memo needs
exactly one resource, its own stylesheet, so rendering uses `StaticOnlyFetcher`: it serves
files of this app's static directory under the made-up scheme `remiss-static:` and refuses
everything else, and a refusal stops the rendering instead of leaving a hole in the PDF.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from django.apps import apps
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from remiss.glyphs import printable
from remiss.memo.gather import RESERVATIONS_ANCHOR, RESERVATIONS_HEADING, MemoData
from remiss.memo.tagging import repair_structure

STATIC_SCHEME = "remiss-static"
STYLESHEET = "remiss/memo.css"
PDF_VARIANT = "pdf/ua-1"
TEMPLATE = "memo/memo.html"
# What the memo may load from the app's static files: stylesheets, and fonts or images they name.
SERVED_SUFFIXES = frozenset({".css", ".png", ".svg", ".woff", ".woff2", ".ttf", ".otf"})


class RefusedURL(ValueError):
    """The memo tried to load a URL that is not one of the app's own static files."""


def static_url(path: str) -> str:
    """The URL under which `StaticOnlyFetcher` serves the static file `path` (e.g. remiss/memo.css)."""
    return f"{STATIC_SCHEME}:{path}"


def _static_root() -> Path:
    return (Path(apps.get_app_config("remiss").path) / "static").resolve()


class StaticOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only files under remiss/static, via `remiss-static:`."""

    def __init__(self) -> None:
        # fail_on_errors: a refused or missing resource aborts the render (FatalURLFetchingError).
        super().__init__(allowed_protocols=(STATIC_SCHEME,), allow_redirects=False, fail_on_errors=True)

    def resolve(self, url: str) -> Path:
        """The file `url` names, or RefusedURL."""
        scheme, colon, rest = url.partition(":")
        if not colon or scheme.lower() != STATIC_SCHEME:
            raise RefusedURL(f"Memo may not load {url[:200]!r}: only {STATIC_SCHEME}: URLs are served.")
        relative = unquote(rest.split("?", 1)[0].split("#", 1)[0]).lstrip("/")
        parts = PurePosixPath(relative).parts
        if not parts or parts[0] != "remiss" or ".." in parts or "\\" in relative or "\x00" in relative:
            raise RefusedURL(f"Memo may not load {url[:200]!r}: not one of the app's static files.")
        if PurePosixPath(relative).suffix.lower() not in SERVED_SUFFIXES:
            raise RefusedURL(f"Memo may not load {url[:200]!r}: that kind of file is not served.")
        found = finders.find(relative)
        if not found:
            raise RefusedURL(f"Memo may not load {url[:200]!r}: no such static file.")
        path = Path(found).resolve()
        # Another app's static directory could hold a file of the same name; only ours is served.
        if not path.is_relative_to(_static_root()) or not path.is_file():
            raise RefusedURL(f"Memo may not load {url[:200]!r}: not one of the app's static files.")
        return path

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        path = self.resolve(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})


def render_html(data: MemoData, *, hyphenate: bool = True, created: datetime | None = None) -> str:
    """The memo as one HTML document, ready for WeasyPrint."""
    created = created or timezone.now()
    return render_to_string(
        TEMPLATE,
        {
            "memo": data,
            "stylesheet_url": static_url(STYLESHEET),
            "hyphenate": hyphenate,
            "created": created.astimezone(timezone.get_current_timezone()).isoformat(timespec="seconds"),
            "reservations_heading": RESERVATIONS_HEADING,
            "reservations_anchor": RESERVATIONS_ANCHOR,
        },
    )


@dataclass(frozen=True)
class RenderedPdf:
    pdf: bytes
    pages: int


# WeasyPrint's hyphenation of one word grows with the cube of its length: 1,000 letters take
# seconds, 5,000 minutes, a pasted 100,000-character string (a base64 image, a long URL) hours. No
# Swedish word is this long, so longer runs get a zero-width space (a break opportunity) every
# LONG_WORD characters before layout; the words of ordinary text are left as they are.
LONG_WORD = 60
_TEXT_NODE = re.compile(r">([^<]+)<")
_LONG_RUN = re.compile(rf"(?:&#?\w+;|[^\s&<>]){{{LONG_WORD + 1},}}")
_CHARACTER = re.compile(r"&#?\w+;|.", re.S)


def _break_run(match: re.Match[str]) -> str:
    characters = _CHARACTER.findall(match.group(0))  # an entity is one character and stays whole
    return "\u200b".join("".join(characters[i : i + LONG_WORD]) for i in range(0, len(characters), LONG_WORD))


def break_long_words(html: str) -> str:
    """`html` with a zero-width space every LONG_WORD characters of any longer run in its text."""
    return _TEXT_NODE.sub(lambda m: ">" + _LONG_RUN.sub(_break_run, m.group(1)) + "<", html)


def render_pdf(html: str) -> RenderedPdf:
    """Lay out `html` and write it as a tagged PDF/UA-1 file.

    A character no memo font covers becomes a visible stand-in first (remiss.glyphs): WeasyPrint
    would draw it as `.notdef` and write its whole fallback font without a usable text layer.
    WeasyPrint's structure tree is then repaired (`repair_structure`): the running header and page
    numbers become artifacts, list items and table headers are tagged as PDF/UA-1 wants them.
    """
    html = printable(break_long_words(html))
    document = HTML(string=html, url_fetcher=StaticOnlyFetcher(), media_type="print").render(pdf_variant=PDF_VARIANT)
    pdf = repair_structure(document.write_pdf(pdf_variant=PDF_VARIANT))
    return RenderedPdf(pdf=pdf, pages=len(document.pages))
