"""Swedish dates, written one way everywhere: '21 mars 2023' and '21 mars 2023 kl. 10:15'.

Every page, warning, history row and memo names a date the same way, so a registrar comparing a
memo with the status board never has to translate between '2023-03-21' and '21 mars 2023'. The
templates' `|date:"j F Y"` is the same format as `LONG_DATE`.

This module imports nothing from remiss, so every other module may use it without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format

LONG_DATE = "j F Y"  # the templates' `|date:"j F Y"`: 31 mars 2030
LONG_DATETIME = r"j F Y \k\l. H:i"  # 21 mars 2023 kl. 10:15

MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def long_date(value: date | None) -> str:
    """'28 april 2023' in the active (Swedish) locale; None gives "", as the template filter does."""
    return date_format(value, LONG_DATE) if value is not None else ""


def long_datetime(value: datetime) -> str:
    """'21 mars 2023 kl. 10:15', in the city's time zone."""
    return date_format(timezone.localtime(value), LONG_DATETIME)


def swedish_date(value: date) -> str:
    """'21 mars 2023', independent of the process locale: the memo is compiled by a worker that
    may run with no language activated, and its text must not depend on that."""
    return f"{value.day} {MONTHS_SV[value.month - 1]} {value.year}"


def date_labels() -> Callable[[date | None], str]:
    """`long_date` for many values, each distinct date formatted once: pages with hundreds of rows
    otherwise spend more time in `date_format` than in their SQL."""
    done: dict[date, str] = {}

    def label(value: date | None) -> str:
        if value is None:
            return ""
        if value not in done:
            done[value] = long_date(value)
        return done[value]

    return label
