"""What every model module shares: history, text limits, Swedish genitive."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from remiss.richtext import visible_length

# Longest text a person may write into one field, in the characters the person sees (markup not
# counted; see richtext.visible_length). 200 000 characters are some 70 pages of running text (at
# about 3 000 a page), far beyond any tjänsteutlåtande or remissvar, so a real text never meets it,
# while one field stays small enough to edit, diff and set in the memo in seconds. README.md
# states the same number.
MAX_TEXT_LENGTH = 200_000
# A technical bound on the stored HTML, not a limit a person is told about in characters: five
# stored characters per visible one is more than even every word in bold italic takes, so only
# markup far out of proportion to its text (a generated paste) meets it.
MAX_MARKUP_LENGTH = 5 * MAX_TEXT_LENGTH
# Most authors one statement may name.
MAX_AUTHORS = 30


def history() -> HistoricalRecords:
    """Every edited model keeps its versions; the reason column holds the workflow's reason."""
    return HistoricalRecords(inherit=False)


def swedish_number(n: int) -> str:
    """200000 as a Swede writes it: '200 000' (with a no-break space, so it never wraps)."""
    return f"{n:,}".replace(",", "\u00a0")


def validate_text_length(value: str) -> None:
    """Refuse a text longer than MAX_TEXT_LENGTH visible characters, naming the count the person
    sees, or one whose markup passes MAX_MARKUP_LENGTH. Forms and models both call this."""
    if not value or len(value) <= MAX_TEXT_LENGTH:  # never more visible characters than characters
        return
    n = visible_length(value)
    if n > MAX_TEXT_LENGTH:
        raise ValidationError(
            _("Texten är för lång: högst %(max)s tecken är tillåtna, texten har %(n)s."),
            params={"max": swedish_number(MAX_TEXT_LENGTH), "n": swedish_number(n)},
            code="too_long",
        )
    if len(value) > MAX_MARKUP_LENGTH:
        raise ValidationError(
            _(
                "Texten har för mycket formatering för att kunna sparas. Klistra in den som ren text, "
                "eller dela upp den."
            ),
            code="too_much_markup",
        )


def genitive(name: str) -> str:
    """Swedish genitive: add -s unless the word already ends in s, x or z."""
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"
