"""Rich-text input: how a value posted in a rich-text field becomes the HTML that is stored.

Without JavaScript the textarea holds plain text, which is stored as that text. The editor
(editor.js) marks what it posts as HTML with a hidden `<name>_format=html`; only that meets the
allowlist, and a save that would lose visible words is refused. Stored HTML is shown in the
textarea as its plain text, with the HTML beside it in a hidden `<name>_html`: the editor loads
it from there, and a text posted back unchanged without the editor keeps its formatting.
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from remiss.richtext import clean_html, lost_text, plain_to_html, to_typed, visible_text


class Posted(str):
    """A rich-text field's posted value: the text, whether the editor marked it as HTML, and the
    HTML that a textarea without the editor was showing as plain text (see `RichTextarea`)."""

    is_html: bool = False
    shown_html: str = ""


class RichTextarea(forms.Textarea):
    """A textarea for rich text that works without JavaScript.

    Without the editor the textarea holds plain text: stored HTML is shown as its plain text
    (`to_typed`), with the HTML beside it in a hidden `<name>_html`, so that a text posted back
    unchanged keeps its bold and headings. editor.js loads `<name>_html` into the editor and adds
    `<name>_format=html`: only then is the posted value read as HTML.
    """

    def __init__(self, attrs=None):
        super().__init__({"rows": 14, "data-richtext": "1", **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if value is None:
            return None
        posted = Posted(value)
        posted.is_html = data.get(f"{name}_format") == "html"
        posted.shown_html = data.get(f"{name}_html") or ""
        return posted

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def render(self, name, value, attrs=None, renderer=None):
        html_value, typed = shown(value)
        textarea = super().render(name, typed, attrs, renderer)
        if not html_value:
            return textarea
        return textarea + format_html('<input type="hidden" name="{}_html" value="{}">', name, html_value)


def shown(value) -> tuple[str, str]:
    """(HTML for the editor, plain text for the textarea) of a stored or posted value: a failed
    post shows exactly what was typed, and stored HTML shows as its plain text."""
    if not value:
        return "", ""
    if not isinstance(value, Posted):
        return value, to_typed(value)
    if value.is_html:
        return value, visible_text(value)
    if value.shown_html and unchanged(value, value.shown_html):
        return value.shown_html, value
    return "", value


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")]


def unchanged(typed: str, shown_html: str) -> bool:
    """True when plain text posted from a textarea is the plain text of `shown_html` as it was
    shown: line for line, since a new line break is a change."""
    return _lines(typed) == _lines(to_typed(shown_html))


LOST_TEXT = _(
    "Texten är inte sparad, eftersom en del av den skulle försvinna när formateringen rensas: "
    "”%(lost)s”. Skriv om den delen eller ta bort den, och spara igen."
)


def rich_text_html(value: Posted | str | None) -> str:
    """A posted rich-text value as the HTML to store: plain text as that text, editor HTML
    through the allowlist. Raises ValidationError when the allowlist would drop visible text."""
    if not value:
        return ""
    if not isinstance(value, Posted):
        return plain_to_html(value)
    if not value.is_html:
        kept = value.shown_html and unchanged(value, value.shown_html)
        return clean_html(value.shown_html) if kept else plain_to_html(value)
    cleaned = clean_html(value)
    lost = lost_text(value, cleaned)
    if lost:
        raise forms.ValidationError(LOST_TEXT, params={"lost": lost}, code="lost_text")
    return cleaned


def posted_html(data, name: str) -> str:
    """What was posted in a rich-text field, as safe HTML to show back (never raises): for a page
    that refuses the save, so the person can copy their text."""
    value = RichTextarea().value_from_datadict(data, None, name)
    try:
        return rich_text_html(value)
    except forms.ValidationError:
        return plain_to_html(visible_text(value))
