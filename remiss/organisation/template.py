"""The template to fill in: an XLSX workbook (instructions, then one sheet per kind of row), or a CSV
file with every column and `radtyp` first. Built with tablib from the layout in `columns`, so the
template and the reader cannot drift apart.
"""

from __future__ import annotations

import tablib

from remiss.organisation.columns import (
    ALL_HEADERS,
    BODY_KIND_WORDS,
    BODY_SEPARATOR,
    COLUMNS,
    INSTRUCTIONS_SHEET,
    KIND_COLUMN,
    SEAT_ROLE_WORDS,
    SHEETS,
    STAFF_ROLE_WORDS,
    RowKind,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
TEMPLATE_NAME = "organisation-mall"

IDENTIFY = "Vem politikern är: e-post, anställnings-id, eller förnamn, efternamn och parti."
# What each column holds, per kind of row, and an example value: the instructions sheet.
HELP: dict[RowKind, dict[str, tuple[str, str]]] = {
    RowKind.PARTY: {
        "förkortning": ("Partiets förkortning; känner igen partiet vid nästa import.", "M"),
        "namn": ("Partiets namn.", "Moderaterna"),
        "genitiv": ("Namnet i genitiv. Tomt: namnet + s.", "Moderaternas"),
    },
    RowKind.BODY: {
        "namn": ("Organets namn; känner igen organet vid nästa import.", "Socialnämnden"),
        "typ": ("En av: " + ", ".join(BODY_KIND_WORDS) + ".", "facknämnd"),
        "namn i löptext": ("Som namnet skrivs mitt i en mening. Tomt: räknas fram.", "socialnämnden"),
        "förvaltning": ("Förvaltningen som skriver. Tomt för ett kontor: kontorets namn.", "Socialförvaltningen"),
        "nedlagd": ("Dagen organet lades ned (år-månad-dag). Tomt: finns.", ""),
    },
    RowKind.POLITICIAN: {
        "förnamn": ("Förnamn.", "Anna"),
        "efternamn": ("Efternamn.", "Andersson"),
        "parti": ("Partiets förkortning eller namn.", "M"),
        "e-post": ("Ger politikern ett användarkonto (inloggning via stadens inloggning).", "anna.andersson@stad.se"),
        "anställnings-id": ("Stadens id för personen; ger också ett användarkonto.", "123456"),
        "användarnamn": ("Tomt: e-postadressen (eller anställnings-id:t).", ""),
    },
    RowKind.SEAT: {
        "förnamn": (IDENTIFY, "Anna"),
        "efternamn": (IDENTIFY, "Andersson"),
        "parti": (IDENTIFY, "M"),
        "e-post": (IDENTIFY, ""),
        "anställnings-id": (IDENTIFY, ""),
        "organ": ("Organets namn.", "Socialnämnden"),
        "roll": ("En av: " + ", ".join(SEAT_ROLE_WORDS) + ".", "ledamot"),
        "mandatperiod": ("Mandatperiodens namn, t.ex. 2023–2026.", "2023–2026"),
        "från": ("Första dagen på platsen. Tomt: mandatperiodens första dag.", ""),
        "till": ("Sista dagen på platsen. Tomt: tills vidare.", ""),
    },
    RowKind.STAFF: {
        "användarnamn": ("Tomt: e-postadressen (eller anställnings-id:t).", "sara.lindqvist"),
        "förnamn": ("Förnamn.", "Sara"),
        "efternamn": ("Efternamn.", "Lindqvist"),
        "e-post": ("E-postadress.", "sara.lindqvist@stad.se"),
        "anställnings-id": ("Stadens id för personen.", "654321"),
        "roll": ("En av: " + ", ".join(STAFF_ROLE_WORDS) + ". Tomt: handläggare.", "handläggare"),
        "organ": (f"Organen personen arbetar för, åtskilda med {BODY_SEPARATOR}", "Socialnämnden; Utbildningsnämnden"),
    },
}


def instructions() -> tablib.Dataset:
    sheet = tablib.Dataset(headers=["blad", "kolumn", "obligatorisk", "beskrivning", "exempel"])
    sheet.title = INSTRUCTIONS_SHEET
    for kind, columns in COLUMNS.items():
        for column in columns:
            description, example = HELP[kind][column.header]
            sheet.append([SHEETS[kind], column.header, "ja" if column.required else "", description, example])
    return sheet


def xlsx_template() -> bytes:
    sheets = [instructions()]
    for kind, columns in COLUMNS.items():
        sheet = tablib.Dataset(headers=[c.header for c in columns])
        sheet.title = SHEETS[kind]
        sheets.append(sheet)
    return tablib.Databook(sheets).export("xlsx")


def csv_template() -> bytes:
    """Every column, `radtyp` first, in UTF-8 with a BOM so Excel opens the å, ä and ö right."""
    assert ALL_HEADERS[0] == KIND_COLUMN
    sheet = tablib.Dataset(headers=list(ALL_HEADERS))
    return ("\ufeff" + sheet.export("csv", delimiter=";")).encode("utf-8")
