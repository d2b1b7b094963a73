"""What every model module shares: history, text limits, Swedish genitive."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Longest text a person may write into one rich-text field (characters of HTML).
MAX_TEXT_LENGTH = 200_000
# Most authors one statement may name.
MAX_AUTHORS = 30


def history() -> HistoricalRecords:
    """Every edited model keeps its versions; the reason column holds the workflow's reason."""
    return HistoricalRecords(inherit=False)


def validate_text_length(value: str) -> None:
    if value and len(value) > MAX_TEXT_LENGTH:
        raise ValidationError(
            _("Texten är för lång: högst %(max)d tecken är tillåtna, texten har %(n)d."),
            params={"max": MAX_TEXT_LENGTH, "n": len(value)},
            code="too_long",
        )


def genitive(name: str) -> str:
    """Swedish genitive: add -s unless the word already ends in s, x or z."""
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"
