"""The organisation import: reading (XLSX, CSV), the preview, all-or-nothing saving, the next term,
the management command and the administrator's pages."""

from __future__ import annotations

import copy
import io
from datetime import date

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from remiss import workflow
from remiss.models import Body, Party, Politician, Seat, Term, User, derived_name_in_text
from remiss.organisation import Action, ReadError, plan_import, read_file, uploads
from remiss.organisation.read import MAX_BYTES, MAX_ROWS
from remiss.views.org_import import SESSION_KEY
from tests.factories import (
    BodyFactory,
    OfficerFactory,
    PartyFactory,
    PoliticianFactory,
    RegistrarFactory,
    SeatFactory,
    UserFactory,
)

TERM = "2023–2026"
BASE: dict[str, list[dict[str, object]]] = {
    "Partier": [{"förkortning": "S", "namn": "Socialdemokraterna"}, {"förkortning": "M", "namn": "Moderaterna"}],
    "Organ": [
        {"namn": "Socialnämnden", "typ": "Facknämnd", "förvaltning": "Socialförvaltningen"},
        {"namn": "Stadsledningskontoret", "typ": "kontor"},
        {
            "namn": "Skarpnäcks stadsdelsnämnd",
            "typ": "stadsdelsnämnd",
            "förvaltning": "Skarpnäcks stadsdelsförvaltning",
        },
    ],
    "Politiker": [
        {"förnamn": "Anna", "efternamn": "Andersson", "parti": "S", "e-post": "anna.andersson@stad.se"},
        {"förnamn": "Bo", "efternamn": "Berg", "parti": "M"},
        {"förnamn": "Cecilia", "efternamn": "Ek", "parti": "M", "anställnings-id": "4711"},
    ],
    "Platser": [
        {"e-post": "anna.andersson@stad.se", "organ": "Socialnämnden", "roll": "ledamot", "mandatperiod": TERM},
        {
            "förnamn": "Bo",
            "efternamn": "Berg",
            "parti": "M",
            "organ": "Skarpnäcks stadsdelsnämnd",
            "roll": "ersättare",
            "mandatperiod": TERM,
        },
        {"anställnings-id": "4711", "organ": "Socialnämnden", "roll": "Ersättare", "mandatperiod": TERM},
    ],
    "Handläggare": [
        {
            "användarnamn": "sara",
            "förnamn": "Sara",
            "efternamn": "Lindqvist",
            "e-post": "sara@stad.se",
            "anställnings-id": 1001,
            "organ": "Socialnämnden; Stadsledningskontoret",
        },
        {"förnamn": "Rebecka", "efternamn": "Registrator", "e-post": "rebecka@stad.se", "roll": "registrator"},
    ],
}
KIND_OF_SHEET = {"Partier": "parti", "Organ": "organ", "Politiker": "politiker", "Platser": "plats"}


def sheets(**changes: list[dict[str, object]]) -> dict[str, list[dict[str, object]]]:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return data


def xlsx(data: dict[str, list[dict[str, object]]]) -> bytes:
    book = []
    for title, rows in data.items():
        headers = list(dict.fromkeys(key for row in rows for key in row))
        sheet = tablib.Dataset(headers=headers)
        for row in rows:
            sheet.append([row.get(h) for h in headers])
        sheet.title = title
        book.append(sheet)
    return tablib.Databook(book).export("xlsx")


def csv_bytes(data: dict[str, list[dict[str, object]]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    """The same rows in one CSV file, each with its `radtyp`."""
    rows = [{"radtyp": KIND_OF_SHEET.get(title, "handläggare"), **row} for title, part in data.items() for row in part]
    headers = list(dict.fromkeys(key for row in rows for key in row))
    sheet = tablib.Dataset(headers=headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    return sheet.export("csv", delimiter=delimiter).encode(encoding)


def run(data: dict[str, list[dict[str, object]]], name: str = "organisation.xlsx", **kwargs):
    return workflow.import_organisation(read_file(xlsx(data), name), by=None, **kwargs)


def preview(data: dict[str, list[dict[str, object]]], **kwargs):
    return plan_import(read_file(xlsx(data), "organisation.xlsx"), **kwargs)


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Party, Body, Politician, Seat, Term, User))


def actions(plan) -> dict[str, str]:
    return {f"{o.sheet}:{o.number}": o.action for o in plan.outcomes}


# --- The first import ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_first_import_creates_everything_with_history_reason_on_every_row():
    plan = run(BASE)
    assert set(actions(plan).values()) == {Action.CREATE}
    assert counts() == (2, 3, 3, 3, 1, 4)  # 4 users: Anna, Cecilia (politicians), Sara, Rebecka
    term = Term.objects.get()
    assert (term.name, term.starts, term.ends) == (TERM, date(2023, 1, 1), date(2026, 12, 31))
    reason = "Import av organisation: organisation.xlsx"
    for model in (Party, Body, Politician, Seat, Term, User):
        assert model.history.count() == model.objects.count()
        assert set(model.history.values_list("history_change_reason", flat=True)) == {reason}


@pytest.mark.django_db
def test_a_long_file_name_is_cut_to_what_the_history_reason_holds():
    """The reason column holds 100 characters (PostgreSQL refuses more); the file's name is the
    person's, so a long one is cut with an ellipsis rather than failing the import."""
    name = "Organisation och förtroendevalda efter valet 2026, slutlig version från kommunledningskontoret.xlsx"
    run(BASE, name=name)
    reasons = set(Party.history.values_list("history_change_reason", flat=True))
    assert len(reasons) == 1
    (reason,) = reasons
    assert len(reason) == 100
    assert reason.startswith("Import av organisation: Organisation och förtroendevalda") and reason.endswith("…")


@pytest.mark.django_db
def test_politician_with_email_or_employee_id_gets_a_linked_user_without_password():
    run(BASE)
    anna = Politician.objects.get(first_name="Anna")
    assert anna.user is not None
    assert (anna.user.username, anna.user.email, anna.user.role) == (
        "anna.andersson@stad.se",
        "anna.andersson@stad.se",
        User.Role.POLITICIAN,
    )
    assert not anna.user.has_usable_password()
    cecilia = Politician.objects.get(first_name="Cecilia")
    assert cecilia.user is not None and cecilia.user.employee_id == "4711" and cecilia.user.username == "4711"
    assert Politician.objects.get(first_name="Bo").user is None  # no e-mail, no id: no account


@pytest.mark.django_db
def test_officers_get_their_bodies_and_roles():
    run(BASE)
    sara = User.objects.get(username="sara")
    assert (sara.role, sara.employee_id, sara.has_usable_password()) == (User.Role.OFFICER, "1001", False)
    assert sorted(sara.bodies.values_list("name", flat=True)) == ["Socialnämnden", "Stadsledningskontoret"]
    rebecka = User.objects.get(username="rebecka@stad.se")
    assert rebecka.role == User.Role.REGISTRAR and not rebecka.bodies.exists()


@pytest.mark.django_db
def test_seats_start_with_their_term_and_stay_open():
    run(BASE)
    seat = Seat.objects.get(politician__first_name="Cecilia")
    assert (seat.role, seat.body.name, seat.starts, seat.ends) == (
        Seat.Role.ERSATTARE,
        "Socialnämnden",
        date(2023, 1, 1),
        None,
    )


# --- Name in running text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("Socialnämnden", Body.Kind.FACKNAMND, "socialnämnden"),
        ("Stadsledningskontoret", Body.Kind.OFFICE, "stadsledningskontoret"),
        ("Skarpnäcks stadsdelsnämnd", Body.Kind.STADSDELSNAMND, "Skarpnäcks stadsdelsnämnd"),
        ("Kommunstyrelsen", Body.Kind.KOMMUNSTYRELSEN, "kommunstyrelsen"),
        ("Miljö- och hälsoskyddsnämnden", Body.Kind.FACKNAMND, "miljö- och hälsoskyddsnämnden"),
        ("Stockholms stadsarkiv", Body.Kind.OFFICE, "Stockholms stadsarkiv"),
    ],
)
def test_name_in_running_text_is_derived(name, kind, expected):
    assert derived_name_in_text(name, kind) == expected


@pytest.mark.django_db
def test_name_in_running_text_derived_unless_given():
    organ = copy.deepcopy(BASE["Organ"])
    organ[1]["namn i löptext"] = "Stadsledningskontoret i Stockholm"
    run(sheets(Organ=organ))
    names = dict(Body.objects.values_list("name", "name_in_text"))
    assert names == {
        "Socialnämnden": "socialnämnden",
        "Stadsledningskontoret": "Stadsledningskontoret i Stockholm",
        "Skarpnäcks stadsdelsnämnd": "Skarpnäcks stadsdelsnämnd",
    }
    assert Body.objects.get(name="Stadsledningskontoret").administration == "Stadsledningskontoret"


# --- Preview: create, change, unchanged ---------------------------------------------------------


@pytest.mark.django_db
def test_preview_shows_create_change_and_unchanged_and_writes_nothing():
    run(BASE)
    before = counts()
    organ = copy.deepcopy(BASE["Organ"])
    organ[0]["förvaltning"] = "Socialförvaltningen i Stockholm"
    partier = [*BASE["Partier"], {"förkortning": "L", "namn": "Liberalerna"}]
    plan = preview(sheets(Organ=organ, Partier=partier))
    got = actions(plan)
    assert got["Partier:2"] == Action.UNCHANGED
    assert got["Partier:4"] == Action.CREATE
    assert got["Organ:2"] == Action.CHANGE
    assert got["Organ:3"] == Action.UNCHANGED
    changed = next(o for o in plan.outcomes if o.sheet == "Organ" and o.number == 2)
    assert changed.details == ["förvaltning: ”Socialförvaltningen” → ”Socialförvaltningen i Stockholm”"]
    assert counts() == before
    assert Body.objects.get(name="Socialnämnden").administration == "Socialförvaltningen"


@pytest.mark.django_db
def test_same_file_twice_changes_nothing():
    run(BASE)
    histories = [m.history.count() for m in (Party, Body, Politician, Seat, Term, User)]
    plan = run(BASE)
    assert set(actions(plan).values()) == {Action.UNCHANGED}
    assert not plan.changes_anything and plan.ended == []
    assert [m.history.count() for m in (Party, Body, Politician, Seat, Term, User)] == histories


@pytest.mark.django_db
def test_politician_matched_by_email_changes_name_instead_of_a_new_one():
    run(BASE)
    politiker = copy.deepcopy(BASE["Politiker"])
    politiker[0]["efternamn"] = "Lind"
    platser = copy.deepcopy(BASE["Platser"])
    plan = run(sheets(Politiker=politiker, Platser=platser))
    anna = next(o for o in plan.outcomes if o.sheet == "Politiker" and o.number == 2)
    assert anna.action == Action.CHANGE
    assert "efternamn: ”Andersson” → ”Lind”" in anna.details
    assert Politician.objects.filter(first_name="Anna").count() == 1
    assert Politician.objects.get(first_name="Anna").user.last_name == "Lind"


@pytest.mark.django_db
def test_existing_politician_without_account_is_matched_by_name_and_party_and_gets_one():
    party = PartyFactory(abbreviation="M", name="Moderaterna")
    bo = PoliticianFactory(first_name="Bo", last_name="Berg", party=party)
    politiker = copy.deepcopy(BASE["Politiker"])
    politiker[1]["e-post"] = "bo.berg@stad.se"
    plan = run(sheets(Politiker=politiker))
    assert next(o for o in plan.outcomes if o.subject == "Bo Berg (M)").action == Action.CHANGE
    bo.refresh_from_db()
    assert bo.user is not None and bo.user.email == "bo.berg@stad.se"


@pytest.mark.django_db
def test_officer_bodies_change_is_shown_and_saved():
    run(BASE)
    handlaggare = copy.deepcopy(BASE["Handläggare"])
    handlaggare[0]["organ"] = "Skarpnäcks stadsdelsnämnd"
    plan = run(sheets(Handläggare=handlaggare))
    sara = next(o for o in plan.outcomes if o.sheet == "Handläggare" and o.number == 2)
    assert sara.action == Action.CHANGE
    assert sara.details == ["arbetar för: Socialnämnden, Stadsledningskontoret → Skarpnäcks stadsdelsnämnd"]
    assert list(User.objects.get(username="sara").bodies.values_list("name", flat=True)) == [
        "Skarpnäcks stadsdelsnämnd"
    ]
    assert User.history.filter(username="sara").count() == 2


# --- Errors: nothing is written ------------------------------------------------------------------


@pytest.mark.django_db
def test_an_error_in_any_row_writes_nothing_and_names_the_row_in_swedish():
    organ = copy.deepcopy(BASE["Organ"])
    organ[1]["typ"] = "förening"
    platser = copy.deepcopy(BASE["Platser"])
    platser[1]["mandatperiod"] = "nästa"
    with pytest.raises(workflow.ImportRefused) as refused:
        run(sheets(Organ=organ, Platser=platser))
    assert counts() == (0, 0, 0, 0, 0, 0)
    assert "Inget har importerats" in str(refused.value)
    errors = {o.place: o.errors for o in refused.value.plan.error_rows}
    assert set(errors) == {"Rad 3 på bladet Organ", "Rad 3 på bladet Platser"}
    assert "”förening” i kolumnen ”typ” är inget giltigt värde" in errors["Rad 3 på bladet Organ"][0]
    assert "Mandatperioden ”nästa” finns inte" in errors["Rad 3 på bladet Platser"][0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sheet", "index", "change", "message"),
    [
        ("Politiker", 1, {"parti": "X"}, "Partiet X finns varken i filen eller i systemet."),
        ("Politiker", 0, {"förnamn": None}, "Kolumnen ”förnamn” måste fyllas i."),
        ("Politiker", 0, {"e-post": "inte en adress"}, "e-postadress"),
        ("Platser", 1, {"förnamn": "Okänd"}, "Politikern Okänd Berg (M) finns varken i filen eller i systemet."),
        ("Platser", 0, {"organ": "Nämnden som inte finns"}, "Organet Nämnden som inte finns finns varken"),
        ("Platser", 0, {"från": "1/1/2023"}, "”1/1/2023” i kolumnen ”från” är inget datum"),
        ("Platser", 0, {"från": "2026-01-01", "till": "2025-01-01"}, "slutar (”till”) före den börjar"),
        ("Handläggare", 0, {"organ": "Kulturnämnden"}, "Organet finns varken i filen eller i systemet: Kulturnämnden"),
        ("Organ", 0, {"förvaltning": None}, "måste fyllas i för en nämnd"),
        ("Organ", 0, {"nedlagd": "i fjol"}, "”i fjol” i kolumnen ”nedlagd” är inget datum"),
    ],
)
def test_row_errors_in_swedish(sheet, index, change, message):
    data = sheets()
    data[sheet][index].update(change)
    plan = preview(data)
    errors = [e for o in plan.outcomes if o.sheet == sheet and o.number == index + 2 for e in o.errors]
    assert any(message in e for e in errors), errors
    assert plan.has_errors


@pytest.mark.django_db
def test_duplicate_rows_are_errors():
    partier = [*BASE["Partier"], {"förkortning": "s", "namn": "Socialdemokraterna igen"}]
    plan = preview(sheets(Partier=partier))
    assert plan.outcomes[2].errors == ["Samma parti står redan på rad 2 på bladet Partier."]


@pytest.mark.django_db
def test_one_person_by_email_on_one_row_and_by_name_on_another_is_an_error():
    politiker = [*BASE["Politiker"], {"förnamn": "Anna", "efternamn": "Andersson", "parti": "S"}]
    plan = preview(sheets(Politiker=politiker))
    assert plan.outcomes[-1 - len(BASE["Platser"]) - len(BASE["Handläggare"])].errors == [
        "Samma politiker står redan på rad 2 på bladet Politiker."
    ]


@pytest.mark.django_db
def test_an_officers_email_cannot_become_a_politicians_account():
    OfficerFactory(username="olle", email="olle@stad.se")
    politiker = [*BASE["Politiker"], {"förnamn": "Olle", "efternamn": "Ohm", "parti": "S", "e-post": "olle@stad.se"}]
    plan = preview(sheets(Politiker=politiker))
    row = next(o for o in plan.outcomes if o.subject == "Olle Ohm (S)")
    assert row.errors == [
        "E-postadressen eller anställnings-id:t hör till olle, som är handläggare och inte politiker."
    ]


@pytest.mark.django_db
def test_unknown_column_and_unknown_sheet_are_sheet_errors():
    data = sheets()
    data["Organ"][0]["förvaltningschef"] = "Eva"
    data["Blad7"] = [{"x": "y"}]
    with pytest.raises(workflow.ImportRefused) as refused:
        run(data)
    messages = {(e.sheet, e.message) for e in refused.value.plan.sheet_errors}
    assert ("Organ", "Okänd kolumn ”förvaltningschef”.") in messages
    assert any(sheet == "Blad7" and "inget av namnen" in message for sheet, message in messages)
    assert counts() == (0, 0, 0, 0, 0, 0)


# --- The next term -------------------------------------------------------------------------------

NEXT = "2027–2030"


def next_term_file() -> dict[str, list[dict[str, object]]]:
    """Anna stays in Socialnämnden, Cecilia moves to Skarpnäck; Bo is not re-elected."""
    return sheets(
        Platser=[
            {"e-post": "anna.andersson@stad.se", "organ": "Socialnämnden", "roll": "ledamot", "mandatperiod": NEXT},
            {"anställnings-id": "4711", "organ": "Skarpnäcks stadsdelsnämnd", "roll": "ledamot", "mandatperiod": NEXT},
        ]
    )


@pytest.mark.django_db
def test_next_terms_file_adds_new_seats_and_ends_the_old_ones():
    run(BASE)
    body = BodyFactory(name="Äldrenämnden")
    legacy = SeatFactory(politician=Politician.objects.get(first_name="Bo"), body=body)  # from the admin, no term
    plan = preview(next_term_file())
    assert plan.ends_on == date(2026, 12, 31)
    assert len(plan.ended) == 4  # three seats of 2023–2026 and the one without a term
    assert any("avslutas den 31 december 2026" in note for note in plan.notes)
    assert any("Mandatperioden 2027–2030 läggs till" in note for note in plan.notes)
    workflow.import_organisation(read_file(xlsx(next_term_file()), "val2026.xlsx"), by=None)
    old = Seat.objects.filter(term__name=TERM)
    assert old.count() == 3 and set(old.values_list("ends", flat=True)) == {date(2026, 12, 31)}
    legacy.refresh_from_db()
    assert legacy.ends == date(2026, 12, 31)
    new = Seat.objects.filter(term__name=NEXT)
    assert sorted(new.values_list("politician__first_name", "body__name", "starts", "ends")) == [
        ("Anna", "Socialnämnden", date(2027, 1, 1), None),
        ("Cecilia", "Skarpnäcks stadsdelsnämnd", date(2027, 1, 1), None),
    ]
    reasons = set(Seat.history.filter(history_type="~").values_list("history_change_reason", flat=True))
    assert reasons == {"Import av organisation: val2026.xlsx"}
    # The same file again: nothing more ends, nothing changes.
    again = preview(next_term_file())
    assert again.ended == [] and not again.changes_anything


@pytest.mark.django_db
def test_ends_previous_on_a_given_day():
    run(BASE)
    plan = run(next_term_file(), ends_previous_on=date(2026, 10, 14))
    assert plan.ends_on == date(2026, 10, 14)
    assert set(Seat.objects.filter(term__name=TERM).values_list("ends", flat=True)) == {date(2026, 10, 14)}


@pytest.mark.django_db
def test_a_term_is_found_and_written_with_either_dash():
    Term.objects.create(name="2023-2026", starts=date(2022, 11, 1), ends=date(2026, 10, 31))
    platser = copy.deepcopy(BASE["Platser"])
    platser[0]["mandatperiod"] = "2027-2030"
    run(sheets(Platser=platser))
    assert sorted(Term.objects.values_list("name", "starts")) == [
        ("2023-2026", date(2022, 11, 1)),  # the existing one, as the admin wrote it
        ("2027–2030", date(2027, 1, 1)),  # the new one, written with an en dash
    ]
    assert Seat.objects.filter(term__name="2023-2026", starts=date(2022, 11, 1)).count() == 2


@pytest.mark.django_db
def test_a_concurrent_save_rolls_the_whole_import_back(monkeypatch):
    """Another administrator adds the same party between the plan and the save."""
    planned = workflow.organisation_import.plan_import

    def plan_then_someone_else_saves(*args, **kwargs):
        plan = planned(*args, **kwargs)
        Party.objects.create(abbreviation="S", name="Socialdemokraterna", genitive="Socialdemokraternas")
        return plan

    monkeypatch.setattr(workflow.organisation_import, "plan_import", plan_then_someone_else_saves)
    with pytest.raises(workflow.WorkflowError, match="Någon annan ändrade organisationen samtidigt"):
        run(BASE)
    assert counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_a_file_without_seats_ends_no_seats():
    run(BASE)
    data = sheets()
    del data["Platser"]
    plan = run(data, ends_previous_on=date(2026, 12, 31))
    assert plan.ended == [] and "Filen har inga platser, så inga platser avslutas." in plan.notes
    assert not Seat.objects.filter(ends__isnull=False).exists()


# --- CSV and XLSX ---------------------------------------------------------------------------------


def _state() -> list[tuple]:
    return [
        sorted(Body.objects.values_list("name", "name_in_text", "kind", "administration")),
        sorted(Politician.objects.values_list("first_name", "last_name", "party__abbreviation", "user__username")),
        sorted(Seat.objects.values_list("politician__first_name", "body__name", "role", "term__name", "starts")),
        sorted(User.objects.values_list("username", "email", "role", "employee_id")),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252")])
def test_csv_imports_the_same_as_xlsx(delimiter, encoding):
    workflow.import_organisation(read_file(csv_bytes(BASE, delimiter, encoding), "org.csv"), by=None)
    from_csv = _state()
    Seat.objects.all().delete()
    Politician.objects.all().delete()
    User.objects.all().delete()
    Body.objects.all().delete()
    Party.objects.all().delete()
    Term.objects.all().delete()
    run(BASE)
    assert _state() == from_csv


@pytest.mark.django_db
def test_csv_errors_name_the_row_number_without_a_sheet():
    data = sheets()
    data["Organ"][2]["typ"] = "okänd"
    plan = plan_import(read_file(csv_bytes(data), "org.csv"))
    assert [o.place for o in plan.error_rows] == ["Rad 6"]  # header, two parties, three bodies


def test_csv_needs_the_kind_column():
    sheet = tablib.Dataset(headers=["namn", "typ"])
    sheet.append(["Socialnämnden", "facknämnd"])
    imported = read_file(sheet.export("csv").encode(), "org.csv")
    assert [e.message for e in imported.sheet_errors] == ["Filen har ingen kolumn ”radtyp” som säger vad varje rad är."]


def test_unreadable_files_raise_a_swedish_read_error():
    with pytest.raises(ReadError, match="Bara Excel-filer"):
        read_file(b"hej", "org.txt")
    with pytest.raises(ReadError, match="ingen Excel-arbetsbok"):
        read_file(b"hej", "org.xlsx")
    with pytest.raises(ReadError, match="kunde inte läsas"):
        read_file(b"PK\x03\x04trasig", "org.xlsx")
    with pytest.raises(ReadError, match="äldre Excel-format"):
        read_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "org.xlsx")
    with pytest.raises(ReadError, match="Spara filen som Excel-arbetsbok"):
        read_file(b"x", "org.xls")
    with pytest.raises(ReadError, match="för stor"):
        read_file(b"x" * (MAX_BYTES + 1), "org.csv")


def test_a_sheet_reaching_too_far_is_refused_before_it_is_read():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Partier"
    sheet["A1"] = "förkortning"
    sheet.cell(row=MAX_ROWS + 100, column=1, value="S")
    stream = io.BytesIO()
    book.save(stream)
    with pytest.raises(ReadError, match="för stort"):
        read_file(stream.getvalue(), "org.xlsx")


# --- The management command ---------------------------------------------------------------------


@pytest.fixture
def org_file(tmp_path):
    path = tmp_path / "organisation.xlsx"
    path.write_bytes(xlsx(BASE))
    return path


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(org_file):
    out = io.StringIO()
    call_command("import_organisation", str(org_file), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Rad 2 på bladet Organ: ny – Socialnämnden" in text
    assert "Provkörning: inget har sparats." in text
    assert counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_command_asks_and_imports_on_yes(org_file, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "nej")
    call_command("import_organisation", str(org_file), stdout=io.StringIO())
    assert counts() == (0, 0, 0, 0, 0, 0)
    monkeypatch.setattr("builtins.input", lambda prompt: "ja")
    out = io.StringIO()
    call_command("import_organisation", str(org_file), stdout=out)
    assert counts() == (2, 3, 3, 3, 1, 4)
    assert "Importen av organisation.xlsx är klar" in out.getvalue()
    out = io.StringIO()
    call_command("import_organisation", str(org_file), "--yes", stdout=out)
    assert "Filen ändrar ingenting" in out.getvalue()


@pytest.mark.django_db
def test_command_refuses_a_file_with_errors(tmp_path):
    data = sheets()
    data["Organ"][0]["typ"] = "förening"
    path = tmp_path / "fel.xlsx"
    path.write_bytes(xlsx(data))
    out = io.StringIO()
    with pytest.raises(CommandError, match="inget har importerats"):
        call_command("import_organisation", str(path), "--yes", stdout=out)
    assert "Rad 2 på bladet Organ: fel – Socialnämnden" in out.getvalue()
    assert counts() == (0, 0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_command_ends_previous_on(org_file, tmp_path):
    call_command("import_organisation", str(org_file), "--yes", stdout=io.StringIO())
    path = tmp_path / "val.xlsx"
    path.write_bytes(xlsx(next_term_file()))
    call_command("import_organisation", str(path), "--yes", "--ends-previous-on", "2026-11-30", stdout=io.StringIO())
    assert set(Seat.objects.filter(term__name=TERM).values_list("ends", flat=True)) == {date(2026, 11, 30)}
    with pytest.raises(CommandError, match="inget datum"):
        call_command("import_organisation", str(path), "--ends-previous-on", "30/11", stdout=io.StringIO())


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="kunde inte läsas"):
        call_command("import_organisation", str(tmp_path / "saknas.xlsx"))


# --- The administrator's pages ---------------------------------------------------------------------


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", role=User.Role.ADMIN)


def upload(client, content: bytes, name: str = "organisation.xlsx", **data):
    return client.post(reverse("org_import"), {"file": SimpleUploadedFile(name, content), **data})


@pytest.mark.django_db
def test_page_previews_then_imports_on_confirmation(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("org_import")).status_code == 200
    xlsx_content = xlsx(BASE)
    response = upload(client, xlsx_content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Så här skulle organisation.xlsx importeras" in page and "Inget är sparat än." in page
    assert "Rad 2 på bladet Organ" in page
    assert counts()[:5] == (0, 0, 0, 0, 0)
    token = client.session[SESSION_KEY]["token"]
    assert uploads.load(token, ".xlsx") == xlsx_content
    response = client.post(reverse("org_import_confirm"), {"token": token, "action": "confirm"}, follow=True)
    assert "Importen av organisation.xlsx är klar: 13 nya" in response.content.decode()
    assert uploads.load(token, ".xlsx") is None  # the kept file is gone
    assert counts() == (2, 3, 3, 3, 1, 5)  # and the administrator
    assert set(Body.history.values_list("history_user__username", flat=True)) == {"admin"}
    assert SESSION_KEY not in client.session
    # The token is spent: confirming again imports nothing and says why.
    response = client.post(reverse("org_import_confirm"), {"token": token, "action": "confirm"}, follow=True)
    assert "Den uppladdade filen finns inte längre" in response.content.decode()


@pytest.mark.django_db
def test_page_second_upload_shows_every_row_unchanged(client, administrator):
    run(BASE)
    client.force_login(administrator)
    page = upload(client, xlsx(BASE)).content.decode()
    assert "0 rader läggs till." in page and "13 rader är oförändrade." in page and "Filen ändrar ingenting." in page


@pytest.mark.django_db
def test_page_with_errors_shows_them_and_offers_no_import(client, administrator):
    client.force_login(administrator)
    data = sheets()
    data["Organ"][0]["typ"] = "förening"
    page = upload(client, xlsx(data)).content.decode()
    assert "Filen har fel och kan inte importeras" in page
    assert "Rad 2 på bladet Organ: ”förening” i kolumnen ”typ” är inget giltigt värde" in page
    assert 'value="confirm"' not in page
    assert SESSION_KEY not in client.session  # nothing to confirm, so the file is not kept


@pytest.mark.django_db
def test_page_ends_previous_terms_seats_on_the_chosen_day(client, administrator):
    run(BASE)
    client.force_login(administrator)
    page = upload(client, xlsx(next_term_file()), ends_previous_on="2026-10-14").content.decode()
    assert "Platser som avslutas den 14 oktober 2026" in page
    assert "Bo Berg (M), ersättare i Skarpnäcks stadsdelsnämnd (2023–2026)" in page
    token = client.session[SESSION_KEY]["token"]
    client.post(reverse("org_import_confirm"), {"token": token, "action": "confirm"})
    assert set(Seat.objects.filter(term__name=TERM).values_list("ends", flat=True)) == {date(2026, 10, 14)}


@pytest.mark.django_db
def test_page_cancel_drops_the_upload(client, administrator):
    client.force_login(administrator)
    upload(client, xlsx(BASE))
    token = client.session[SESSION_KEY]["token"]
    response = client.post(reverse("org_import_confirm"), {"token": token, "action": "cancel"}, follow=True)
    assert "Importen avbröts" in response.content.decode()
    assert counts()[:5] == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_confirm_with_another_token_imports_nothing(client, administrator):
    client.force_login(administrator)
    upload(client, xlsx(BASE))
    response = client.post(reverse("org_import_confirm"), {"token": "x" * 32, "action": "confirm"}, follow=True)
    assert "Den uppladdade filen finns inte längre" in response.content.decode()
    assert counts()[:5] == (0, 0, 0, 0, 0)


def test_a_kept_upload_is_only_found_by_a_well_formed_token():
    token = uploads.store(b"radtyp\n", ".csv")
    assert uploads.load(token, ".csv") == b"radtyp\n"
    for bad in ("../" + token, token + "/..", "", "x" * 200, token[:-1] + "."):
        assert uploads.load(bad, ".csv") is None
    assert uploads.load(token, "/../../etc/passwd") is None
    uploads.discard(token, ".csv")
    assert uploads.load(token, ".csv") is None


@pytest.mark.django_db
def test_confirm_shows_rows_that_no_longer_fit(client, administrator):
    """Someone gives Anna's address to an officer between the preview and the confirmation."""
    client.force_login(administrator)
    upload(client, xlsx(BASE))
    OfficerFactory(username="anna2", email="anna.andersson@stad.se")
    token = client.session[SESSION_KEY]["token"]
    response = client.post(reverse("org_import_confirm"), {"token": token, "action": "confirm"})
    assert response.status_code == 200
    assert "Inget har importerats" in response.content.decode()
    assert counts()[:5] == (0, 0, 0, 0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"hej", "organisation.pdf", "Bara Excel-filer (.xlsx) och CSV-filer (.csv) kan importeras."),
        (b"x" * (MAX_BYTES + 1), "organisation.csv", "Filen är för stor: högst 5 MB är tillåtet."),
        (b"PK\x03\x04trasig", "organisation.xlsx", "Filen kunde inte läsas."),
        ("namn;typ\nSocialnämnden;facknämnd\n".encode("utf-16"), "organisation.csv", "ingen kolumn ”radtyp”"),
        (b"", "organisation.csv", "Den skickade filen är tom."),
    ],
)
def test_page_refuses_bad_files_in_swedish(client, administrator, content, name, message):
    client.force_login(administrator)
    response = upload(client, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_page_refuses_a_bad_date(client, administrator):
    client.force_login(administrator)
    response = upload(client, xlsx(BASE), ends_previous_on="igår")
    assert "Fyll i ett giltigt datum." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [RegistrarFactory, OfficerFactory, UserFactory])
def test_pages_refuse_everyone_but_administrators(client, factory):
    client.force_login(factory())
    assert client.get(reverse("org_import")).status_code == 403
    assert upload(client, xlsx(BASE)).status_code == 403
    assert client.post(reverse("org_import_confirm"), {"token": "x", "action": "confirm"}).status_code == 403
    assert client.get(reverse("org_import_template", args=["xlsx"])).status_code == 403
    assert counts()[:5] == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_superuser_may_import_and_anonymous_goes_to_login(client):
    assert client.get(reverse("org_import")).status_code == 302
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("org_import")).status_code == 200


# --- The templates ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_xlsx_template_opens_with_tablib_and_imports_as_empty(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("org_import_template", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="organisation-mall.xlsx"'
    book = tablib.Databook().load(response.content, "xlsx")
    titles = [sheet.title for sheet in book.sheets()]
    assert titles == ["Anvisningar", "Partier", "Organ", "Politiker", "Platser", "Handläggare"]
    assert book.sheets()[2].headers == ["namn", "typ", "namn i löptext", "förvaltning", "nedlagd"]
    with pytest.raises(ReadError, match="inga rader"):
        read_file(response.content, "organisation-mall.xlsx")


@pytest.mark.django_db
def test_csv_template_opens_with_tablib(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("org_import_template", args=["csv"]))
    sheet = tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv", delimiter=";")
    assert sheet.headers[0] == "radtyp" and "anställnings-id" in sheet.headers
    assert client.get(reverse("org_import_template", args=["pdf"])).status_code == 404


# --- Size: 30 bodies and 1,000 politicians and seats -------------------------------------------------


def large_file(bodies: int = 30, politicians: int = 1000) -> dict[str, list[dict[str, object]]]:
    parties = ["S", "M", "V", "L", "C", "KD", "MP", "SD"]
    return {
        "Partier": [{"förkortning": p, "namn": f"Partiet {p}"} for p in parties],
        "Organ": [{"namn": f"Nämnd {n}", "typ": "facknämnd", "förvaltning": f"Förvaltning {n}"} for n in range(bodies)],
        "Politiker": [
            {
                "förnamn": f"Förnamn{n}",
                "efternamn": f"Efternamn{n}",
                "parti": parties[n % len(parties)],
                "e-post": f"politiker{n}@stad.se" if n % 2 else None,
            }
            for n in range(politicians)
        ],
        "Platser": [
            {
                "förnamn": f"Förnamn{n}",
                "efternamn": f"Efternamn{n}",
                "parti": parties[n % len(parties)],
                "organ": f"Nämnd {n % bodies}",
                "roll": "ledamot" if n % 3 else "ersättare",
                "mandatperiod": TERM,
            }
            for n in range(politicians)
        ],
        "Handläggare": [
            {"användarnamn": f"handlaggare{n}", "förnamn": "H", "efternamn": f"{n}", "organ": f"Nämnd {n}"}
            for n in range(bodies)
        ],
    }


@pytest.mark.django_db
def test_thousand_politicians_import_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    imported = read_file(xlsx(large_file()), "stor.xlsx")
    with django_assert_max_num_queries(100):  # 67 on SQLite: bulk reads and batched writes
        plan = workflow.import_organisation(imported, by=None)
    assert plan.count(Action.CREATE) == 8 + 30 + 1000 + 1000 + 30
    assert (Body.objects.count(), Politician.objects.count(), Seat.objects.count()) == (30, 1000, 1000)
    assert User.objects.filter(role=User.Role.POLITICIAN).count() == 500
    assert Seat.history.count() == 1000
    with django_assert_max_num_queries(20):
        again = plan_import(imported)
    assert again.count(Action.UNCHANGED) == 2068 and not again.changes_anything
