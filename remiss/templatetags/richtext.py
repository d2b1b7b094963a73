"""`{{ value|richtext }}`: stored rich text, sanitised again as it is rendered.

Every text a person writes is sanitised by `remiss.workflow` before it is saved, so in principle
the database holds only allowlisted HTML. Pages still must not trust that: a row may have been
written by a restore of an old backup, a script, the shell, a data migration or an older version
of the app with a looser allowlist. This filter is defence in depth: it runs the same allowlist
(`remiss.richtext.sanitize`) at render time, so whatever is in the database, a page gets only
structure (paragraphs, headings, lists, bold, italic) and never a script, a style or a link.
Use it instead of `|safe` for any stored user text. Word's private-use bullets become list items
(`remiss.richtext.display`), as in the memo.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from remiss.richtext import display

register = template.Library()


@register.filter(name="richtext", is_safe=True)
def richtext(value: str | None) -> SafeString:
    """`value` reduced to the rich-text allowlist (Word's bullets as lists) and marked safe; None or "" gives ""."""
    return mark_safe(display(value or ""))  # noqa: S308 - display's output is allowlisted HTML
