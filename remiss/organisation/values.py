"""Cell values to the model's values: dates, the name in running text, a term's dates from its name.

Each parser raises `CellError` with a Swedish sentence naming the column, which the plan puts next to
the row's number. Nothing here touches the database.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from remiss.organisation.read import Cell

# "2023–2026", "2023-2026", "2023 — 2026": a term named by its first and last year.
_TERM_YEARS = re.compile(r"^\s*(\d{4})\s*[-–—]\s*(\d{4})\s*$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class CellError(ValueError):
    """A cell's value cannot be used; `str(error)` is a Swedish sentence."""


def text(cells: dict[str, Cell], column: str) -> str:
    """The cell as text ("" when empty); a date cell as 2023-01-01."""
    value = cells.get(column)
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else value


def parse_date(cells: dict[str, Cell], column: str) -> date | None:
    value = cells.get(column)
    if value is None or isinstance(value, date):
        return value
    match = _ISO_DATE.match(value)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise CellError(
        _("”%(value)s” i kolumnen ”%(column)s” är inget datum; skriv det som 2023-01-01 (år-månad-dag).")
        % {"value": value[:40], "column": column}
    )


def choice(cells: dict[str, Cell], column: str, choices: dict[str, str], allowed: tuple[str, ...]) -> str:
    """The model value a cell names, e.g. 'Facknämnd' → 'facknamnd'; "" when empty. `allowed` is
    what the message offers: the Swedish words (the codes are accepted too)."""
    value = text(cells, column)
    if not value:
        return ""
    found = choices.get(" ".join(value.split()).lower())
    if found is None:
        raise CellError(
            _("”%(value)s” i kolumnen ”%(column)s” är inget giltigt värde; skriv en av: %(allowed)s.")
            % {"value": value[:40], "column": column, "allowed": ", ".join(allowed)}
        )
    return found


def same_term_name(a: str, b: str) -> bool:
    """'2023-2026' and '2023–2026' name one term."""
    return term_key(a) == term_key(b)


def term_key(name: str) -> str:
    match = _TERM_YEARS.match(name)
    return f"{match[1]}–{match[2]}" if match else " ".join(name.split()).lower()


def term_dates(name: str) -> tuple[date, date]:
    """A new term's first and last day from its name: a nämnd's term '2027–2030' runs from
    1 January 2027 to 31 December 2030, the years after the election."""
    match = _TERM_YEARS.match(name)
    if not match or int(match[1]) > int(match[2]):
        raise CellError(
            _(
                "Mandatperioden ”%(name)s” finns inte. Skriv en ny mandatperiod som första och sista året, "
                "t.ex. 2027–2030, eller lägg in den i administrationen först."
            )
            % {"name": name[:40]}
        )
    return date(int(match[1]), 1, 1), date(int(match[2]), 12, 31)
