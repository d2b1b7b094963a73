"""The import file's layout: the kinds of row, their sheets and their Swedish column headers.

One XLSX workbook with one sheet per kind of row (Partier, Organ, Politiker, Platser, Handläggare),
or one CSV file (or one sheet) whose `radtyp` column names each row's kind. docs/organisation-import.md
describes the layout for the people who fill it in; the downloadable template is built from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from remiss.models import Body, Seat, User


class RowKind(StrEnum):
    """What one row of the file describes; the value is what the `radtyp` column says."""

    PARTY = "parti"
    BODY = "organ"
    POLITICIAN = "politiker"
    SEAT = "plats"
    STAFF = "handläggare"


@dataclass(frozen=True)
class Column:
    header: str  # normalised: lower case, single spaces
    required: bool = False


# The column that names a row's kind in the one-sheet layout (CSV), and the columns every sheet may
# have and the import reads nothing from: a person's own notes.
KIND_COLUMN = "radtyp"
NOTE_COLUMNS = frozenset({"kommentar", "anteckning"})

COLUMNS: dict[RowKind, tuple[Column, ...]] = {
    RowKind.PARTY: (Column("förkortning", True), Column("namn", True), Column("genitiv")),
    RowKind.BODY: (
        Column("namn", True),
        Column("typ", True),
        Column("namn i löptext"),
        Column("förvaltning"),
        Column("nedlagd"),
    ),
    RowKind.POLITICIAN: (
        Column("förnamn", True),
        Column("efternamn", True),
        Column("parti", True),
        Column("e-post"),
        Column("anställnings-id"),
        Column("användarnamn"),
    ),
    RowKind.SEAT: (
        Column("förnamn"),
        Column("efternamn"),
        Column("parti"),
        Column("e-post"),
        Column("anställnings-id"),
        Column("organ", True),
        Column("roll", True),
        Column("mandatperiod", True),
        Column("från"),
        Column("till"),
    ),
    RowKind.STAFF: (
        Column("användarnamn"),
        Column("förnamn", True),
        Column("efternamn", True),
        Column("e-post"),
        Column("anställnings-id"),
        Column("roll"),
        Column("organ"),
    ),
}

# Every header the import knows, in the order the one-sheet template shows them.
ALL_HEADERS: tuple[str, ...] = tuple(
    dict.fromkeys([KIND_COLUMN] + [c.header for columns in COLUMNS.values() for c in columns])
)

# The sheet names of the workbook layout (compared in lower case), and the sheet the template adds
# for its instructions, which the import passes over.
SHEETS: dict[RowKind, str] = {
    RowKind.PARTY: "Partier",
    RowKind.BODY: "Organ",
    RowKind.POLITICIAN: "Politiker",
    RowKind.SEAT: "Platser",
    RowKind.STAFF: "Handläggare",
}
SHEET_ALIASES: dict[str, RowKind] = {
    **{name.lower(): kind for kind, name in SHEETS.items()},
    "parti": RowKind.PARTY,
    "plats": RowKind.SEAT,
    "användare": RowKind.STAFF,
}
INSTRUCTIONS_SHEET = "Anvisningar"

# Header spellings people write for the same column.
HEADER_ALIASES = {
    "epost": "e-post",
    "e-postadress": "e-post",
    "mejl": "e-post",
    "anställningsid": "anställnings-id",
    "anställningsnummer": "anställnings-id",
    "löptext": "namn i löptext",
    "namn i text": "namn i löptext",
    "nedlagd den": "nedlagd",
    "arbetar för": "organ",
}

# The values the `typ`, `roll` columns take (compared in lower case), to the model's value.
BODY_KINDS: dict[str, str] = {
    **{str(label).lower(): value for value, label in Body.Kind.choices},
    **{value: value for value in Body.Kind.values},
    "nämnd": Body.Kind.FACKNAMND,
}
SEAT_ROLES: dict[str, str] = {str(label).lower(): value for value, label in Seat.Role.choices}
STAFF_ROLES: dict[str, str] = {
    "handläggare": User.Role.OFFICER,
    "registrator": User.Role.REGISTRAR,
    "administratör": User.Role.ADMIN,
}
# What an error message offers for each: the Swedish words.
BODY_KIND_WORDS = tuple(str(label).lower() for label in Body.Kind.labels)
SEAT_ROLE_WORDS = tuple(SEAT_ROLES)
STAFF_ROLE_WORDS = tuple(STAFF_ROLES)
# Bodies named in one `organ` cell of a Handläggare row are separated by this.
BODY_SEPARATOR = ";"


def normalise_header(value: object) -> str:
    """'  E-post ' → 'e-post'; aliases to their column."""
    text = " ".join(str(value or "").split()).lower()
    return HEADER_ALIASES.get(text, text)


def kind_of(value: str) -> RowKind | None:
    """The kind a `radtyp` cell or a sheet name names, or None."""
    text = " ".join(value.split()).lower()
    try:
        return RowKind(text)
    except ValueError:
        return SHEET_ALIASES.get(text)


def headers_of(kind: RowKind) -> frozenset[str]:
    return frozenset(c.header for c in COLUMNS[kind])
