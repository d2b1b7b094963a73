"""How a text's values are shown and compared: each field has a kind (HTML, a list of points, a
date, a yes/no, plain text, a number, a statement it names), and each kind its display and diff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from remiss.dates import long_date
from remiss.diff import points_html
from remiss.models import User
from remiss.richtext import plain_paragraphs, sanitize

# How a field's value is shown and compared.
HTML, POINTS, DATE, BOOL, TEXT, NUMBER, STATEMENT = "html", "points", "date", "bool", "text", "number", "statement"


@dataclass(frozen=True)
class FieldValue:
    label: str
    html: SafeString
    block: bool = False  # a text or a list of points (shown under a heading), not a short value


def person(user: User | None) -> str:
    """Who made a version: the full name, else the username, else "okänd"."""
    if user is None:
        return _("okänd")
    return user.get_full_name() or user.get_username() or _("okänd")


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(p) for p in value]
    if isinstance(value, str) and value.strip():
        return value.splitlines()
    return []


def _plain(value: str) -> str:
    """A plain one-line value as a fragment: escaped, so `word_diff` sees exactly its words."""
    return plain_paragraphs(value) if value else ""


def diff_source(kind: str, value: Any, refs: dict[int, str]) -> str:
    """A field's value as a sanitised fragment, the input of the word diff."""
    if kind == HTML:
        return sanitize(value)
    if kind == POINTS:
        return points_html(_as_list(value))
    return _plain(_display_value(kind, value, refs))


def _display_value(kind: str, value: Any, refs: dict[int, str]) -> str:
    """The plain text of a non-HTML value."""
    if value is None or value == "":
        return ""
    if kind == DATE:
        return long_date(value)
    if kind == BOOL:
        return _("Ja") if value else _("Nej")
    if kind == STATEMENT:
        return refs.get(value, _("uttalande nr %(pk)s (finns inte längre)") % {"pk": value})
    return str(value)


def display_html(kind: str, value: Any, refs: dict[int, str]) -> SafeString:
    """A field's value, read-only, as safe HTML ("" when empty)."""
    if kind == HTML:
        return mark_safe(sanitize(value))
    if kind == POINTS:
        points = [" ".join(p.split()) for p in _as_list(value) if p.strip()]
        if not points:
            return mark_safe("")
        if len(points) == 1:
            return mark_safe(f"<p>{escape(points[0])}</p>")
        return mark_safe("<ol>" + "".join(f"<li>{escape(p)}</li>" for p in points) + "</ol>")
    text = _display_value(kind, value, refs)
    return mark_safe(f"<p>{escape(text)}</p>") if text else mark_safe("")
