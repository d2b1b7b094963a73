"""Putting remiss into service, end to end: what the issue's "What done means" asks for.

1. In the browser, on an empty installation: the first administrator logs in with a password, is
   sent to the first-run page, names the organisation, imports its organisation from a workbook
   (previewed row by row, then confirmed); then, with the city's login switched on against a real
   OpenID Connect provider (tests/oidc/provider.js), an officer, the registrar and a politician log
   in through it and each lands where their work is. axe-core audits the first-run page, the
   import's preview and the officer's page.
2. Without a browser, on the demo: the next term's file (2027–2030) is imported with the server's
   command; every 2023–2026 seat ends on 31 December 2026, the new ones start, the demo memo is the
   same byte for byte, and a politician whose seat ended still reads their statement but may not
   start a new one in that body.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from remiss.attribution import full_line
from remiss.demo import load_demo
from remiss.memo import gather, render_html
from remiss.models import Body, Case, CitySettings, Politician, Seat, Statement, Term, User
from remiss.organisation.template import XLSX_CONTENT_TYPE
from tests import test_browser as browser_tests
from tests import test_terms as terms_tests
from tests.browser_support import AxeAudit
from tests.factories import CaseFactory, DecisionFactory
from tests.oidc_provider import running_provider
from tests.test_browser import expect_message, field, login
from tests.test_oidc_browser import CLIENT_ID, CLIENT_SECRET, expect_logged_in, start_city_login, switch_on_city_login
from tests.test_org_import import csv_bytes, xlsx

# test_browser's chromium and pages (CSP on, JavaScript errors fail the test), and test_terms's
# `today`, found by pytest as this module's attributes.
browser = browser_tests.browser
new_page = browser_tests.new_page
today = terms_tests.today

TERM = "2023–2026"
NEXT_TERM = "2027–2030"
ENDS = date(2026, 12, 31)

# --- 1. An empty installation, in the browser ---------------------------------------------------------

ADMIN_PASSWORD = "forsta-administratorens-losenord"
CITY_NAME, SIGNING_PLACE = "Sundsholms stad", "Sundsholm"
FILE_NAME = "organisation.xlsx"

# The organisation as the secretariat and HR would fill in the template. Anna, Rita and Pia are the
# provider's people (tests/oidc/provider.js): remiss knows them by these e-mail addresses.
ORGANISATION: dict[str, list[dict[str, object]]] = {
    "Partier": [
        {"förkortning": "S", "namn": "Socialdemokraterna", "genitiv": "Socialdemokraternas"},
        {"förkortning": "M", "namn": "Moderaterna", "genitiv": "Moderaternas"},
    ],
    "Organ": [
        {"namn": "Socialnämnden", "typ": "facknämnd", "förvaltning": "Socialförvaltningen"},
        {"namn": "Skarpnäcks stadsdelsnämnd", "typ": "stadsdelsnämnd", "förvaltning": "Skarpnäcks förvaltning"},
        {"namn": "Kommunstyrelsen", "typ": "kommunstyrelsen", "förvaltning": "Stadsledningskontoret"},
        {"namn": "Stadsledningskontoret", "typ": "kontor"},
    ],
    "Politiker": [
        {"förnamn": "Pia", "efternamn": "Politiker", "parti": "S", "e-post": "pia.politiker@stad.example"},
        {"förnamn": "Bo", "efternamn": "Berg", "parti": "M", "anställnings-id": "E4004"},
        {"förnamn": "Cecilia", "efternamn": "Ek", "parti": "M"},
    ],
    "Platser": [
        {"e-post": "pia.politiker@stad.example", "organ": "Socialnämnden", "roll": "ledamot", "mandatperiod": TERM},
        {
            "e-post": "pia.politiker@stad.example",
            "organ": "Skarpnäcks stadsdelsnämnd",
            "roll": "ersättare",
            "mandatperiod": TERM,
        },
        {"anställnings-id": "E4004", "organ": "Socialnämnden", "roll": "ledamot", "mandatperiod": TERM},
        {"anställnings-id": "E4004", "organ": "Kommunstyrelsen", "roll": "ledamot", "mandatperiod": TERM},
        {
            "förnamn": "Cecilia",
            "efternamn": "Ek",
            "parti": "M",
            "organ": "Socialnämnden",
            "roll": "ersättare",
            "mandatperiod": TERM,
        },
    ],
    "Handläggare": [
        {
            "förnamn": "Anna",
            "efternamn": "Handläggare",
            "e-post": "anna.handlaggare@stad.example",
            "anställnings-id": "E1001",
            "organ": "Socialnämnden",
        },
        {
            "förnamn": "Sara",
            "efternamn": "Lindqvist",
            "e-post": "sara.lindqvist@stad.example",
            "organ": "Stadsledningskontoret",
        },
        {
            "förnamn": "Rita",
            "efternamn": "Registrator",
            "e-post": "rita.registrator@stad.example",
            "anställnings-id": "E2002",
            "roll": "registrator",
        },
    ],
}
ROWS = sum(len(rows) for rows in ORGANISATION.values())


@pytest.fixture(scope="module")
def oidc(live_server):
    with running_provider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=live_server.url) as running:
        yield running


def beside(page: Page, new_page) -> Page:
    """A page for axe-core in the same session as `page`: the journeys run under the app's
    Content-Security-Policy, which forbids the script axe-core injects (see test_browser's new_page)."""
    twin = new_page(for_axe=True)
    twin.context.add_cookies(page.context.cookies())
    return twin


def preview(page: Page, content: bytes) -> None:
    """On the import page: choose the file and see what importing it would do."""
    field(page, "Fil att importera").set_input_files(
        {"name": FILE_NAME, "mimeType": XLSX_CONTENT_TYPE, "buffer": content}
    )
    page.get_by_role("button", name="Visa vad som skulle hända").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Så här skulle {FILE_NAME} importeras")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_empty_installation_is_put_into_service(new_page, oidc, settings):
    # As it comes: passwords only, nothing of the organisation, one superuser made on the server.
    settings.REMISS_OIDC_ISSUER = ""
    settings.REMISS_PASSWORD_LOGIN = True
    settings.AXES_ENABLED = True  # as in production
    assert not any(model.objects.exists() for model in (CitySettings, Body, Politician, Seat, Term))
    User.objects.create_superuser("ada", "ada.admin@stad.example", ADMIN_PASSWORD, first_name="Ada", last_name="Admin")
    audit = AxeAudit()

    admin = new_page()
    login(admin, "ada", ADMIN_PASSWORD)
    expect(admin).to_have_url(re.compile(r"/organisation/forsta-start/$"))
    expect(admin.get_by_role("heading", level=1)).to_have_text("Kom igång med remisshanteringen")
    twin = beside(admin, new_page)
    twin.goto(reverse("org_first_run"))
    audit.check(twin, "Kom igång")
    field(admin, "Organisationens namn").fill(CITY_NAME)
    field(admin, "Ort för undertecknande").fill(SIGNING_PLACE)
    admin.get_by_role("button", name="Spara och fortsätt").click()
    expect_message(admin, "Inställningarna är sparade. Nu kan du läsa in organisationen.")
    assert list(CitySettings.objects.values_list("city_name", "signing_place")) == [(CITY_NAME, SIGNING_PLACE)]

    admin.get_by_role("link", name="Läs in organisationen från en fil").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Importera organisationen")
    content = xlsx(ORGANISATION)
    # The audit's upload first: the session keeps one waiting file, and the one to confirm is the last.
    twin.goto(reverse("org_import"))
    preview(twin, content)
    audit.check(twin, "Importen: förhandsvisning")
    preview(admin, content)
    expect(admin.get_by_text(f"{ROWS} rader läggs till.")).to_be_visible()
    rows = admin.locator("table.import-rows tbody tr")
    expect(rows).to_have_count(ROWS)
    expect(rows.locator("td:nth-child(4)")).to_have_text(["ny"] * ROWS)
    assert not Body.objects.exists()  # a preview saves nothing
    admin.get_by_role("button", name="Importera", exact=True).click()
    expect_message(
        admin, f"Importen av {FILE_NAME} är klar: {ROWS} nya, 0 ändrade och 0 oförändrade rader; 0 platser avslutades."
    )
    assert Seat.objects.filter(term__name=TERM, ends=None).count() == len(ORGANISATION["Platser"])

    # The city's login switched on (in production through its environment variables), with the provider's people.
    switch_on_city_login(settings, oidc)

    officer = new_page()
    start_city_login(officer, "anna")
    expect(officer).to_have_url(re.compile(r"/handlaggare/$"))
    expect_logged_in(officer, "Anna Handläggare")
    expect(officer.get_by_text("Remisser till Socialnämnden.")).to_be_visible()
    twin = beside(officer, new_page)
    twin.goto(reverse("officer_home"))
    expect(twin.get_by_text("Remisser till Socialnämnden.")).to_be_visible()
    audit.check(twin, "Handläggare: mina remisser")

    registrar = new_page()
    start_city_login(registrar, "rita")
    expect(registrar).to_have_url(re.compile(r"/arenden/$"))
    expect_logged_in(registrar, "Rita Registrator")
    expect(registrar.get_by_role("heading", level=1)).to_have_text("Remissärenden")

    politician = new_page()
    start_city_login(politician, "pia")
    expect(politician).to_have_url(re.compile(r"/politiker/$"))
    expect_logged_in(politician, "Pia Politiker")
    expect(politician.get_by_role("heading", level=1)).to_have_text("Mina nämnder")
    expect(politician.get_by_role("heading", level=3)).to_have_text(
        [
            f"Skarpnäcks stadsdelsnämnd (ersättare, mandatperiod {TERM})",
            f"Socialnämnden (ledamot, mandatperiod {TERM})",
        ]
    )
    audit.assert_clean()


# --- 2. The next term, on the demo ---------------------------------------------------------------------

NEXT_TERM_FILE = "mandatperiod-2027-2030.csv"
# Other people in the same bodies; Andrea Hedin (M) is re-elected to Socialnämnden, found by her name.
NEWCOMERS = [
    ("Nora", "Nyvald", "S", "nora.nyvald@stad.example"),
    ("Mats", "Molin", "M", "mats.molin@stad.example"),
    ("Lina", "Lund", "L", "lina.lund@stad.example"),
    ("Karl", "Kvist", "KD", "karl.kvist@stad.example"),
]
NEXT_SEATS = [
    ("Nora Nyvald", "Kommunstyrelsen", "ledamot"),
    ("Nora Nyvald", "Borgarrådsberedningen", "ledamot"),
    ("Nora Nyvald", "Socialnämnden", "ledamot"),
    ("Mats Molin", "Kommunstyrelsen", "ersättare"),
    ("Mats Molin", "Utbildningsnämnden", "ledamot"),
    ("Lina Lund", "Skarpnäcks stadsdelsnämnd", "ledamot"),
    ("Lina Lund", "Socialnämnden", "ersättare"),
    ("Karl Kvist", "Utbildningsnämnden", "ersättare"),
]
ROLES = {"ledamot": Seat.Role.LEDAMOT, "ersättare": Seat.Role.ERSATTARE}
STATEMENT = {"kind": "sarskilt_uttalande", "text": "<p>Ett nytt uttalande.</p>", "text_format": "html"}
ENDED = "Din plats i socialnämnden upphörde den 31 december 2026. Du kan inte längre skriva nya uttalanden där."


def next_term_file() -> bytes:
    emails = {f"{first} {last}": email for first, last, _party, email in NEWCOMERS}
    politicians = [
        {"förnamn": first, "efternamn": last, "parti": party, "e-post": email}
        for first, last, party, email in NEWCOMERS
    ]
    seats = [
        {"e-post": emails[name], "organ": body, "roll": role, "mandatperiod": NEXT_TERM}
        for name, body, role in NEXT_SEATS
    ]
    andrea = {"förnamn": "Andrea", "efternamn": "Hedin", "parti": "M"}
    seats.append(andrea | {"organ": "Socialnämnden", "roll": "ledamot", "mandatperiod": NEXT_TERM})
    return csv_bytes({"Politiker": politicians, "Platser": seats})


def test_the_next_term_s_import_ends_the_old_seats_and_changes_no_memo(client, db, today, tmp_path):
    today(date(2026, 11, 20))  # the autumn after the election, when the new seats are known
    load_demo()
    case = Case.objects.get(reference="SOU 2022:67")
    soc = Body.objects.get(name="Socialnämnden")
    created = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
    memo_before = render_html(gather(case), created=created)
    old_seats = set(Seat.objects.filter(term__name=TERM).values_list("pk", flat=True))
    assert old_seats and set(Seat.objects.values_list("pk", flat=True)) == old_seats
    # A case of the old term still open when the term ends: its meeting was in December.
    open_case = CaseFactory(
        title="Ett ärende kvar vid årsskiftet", received=date(2026, 10, 1), deadline=date(2027, 3, 31)
    )
    open_decision = DecisionFactory(case=open_case, body=soc, meeting_date=date(2026, 12, 10))

    path = tmp_path / NEXT_TERM_FILE
    path.write_bytes(next_term_file())
    out = io.StringIO()
    call_command("import_organisation", str(path), "--ends-previous-on", "2026-12-31", "--yes", stdout=out)
    assert f"{len(old_seats)} platser avslutades." in out.getvalue()

    # Every seat of 2023–2026 ended on 31 December 2026, with the import named in its history.
    assert set(Seat.objects.filter(term__name=TERM).values_list("pk", "ends")) == {(pk, ENDS) for pk in old_seats}
    for seat in Seat.objects.filter(pk__in=old_seats):
        assert seat.history.first().history_change_reason == f"Import av organisation: {NEXT_TERM_FILE}"
    # The new term's seats began on 1 January 2027, until further notice.
    term = Term.objects.get(name=NEXT_TERM)
    assert (term.starts, term.ends) == (date(2027, 1, 1), date(2030, 12, 31))
    started = {
        (s.politician.full_name, s.body.name, s.role, s.starts, s.ends)
        for s in Seat.objects.filter(term=term).select_related("politician", "body")
    }
    expected = [*NEXT_SEATS, ("Andrea Hedin", "Socialnämnden", "ledamot")]
    assert started == {(name, body, ROLES[role], term.starts, None) for name, body, role in expected}
    assert Politician.objects.filter(first_name="Andrea", last_name="Hedin").count() == 1  # re-elected, not new
    nora = Politician.objects.get(user__email="nora.nyvald@stad.example")
    assert nora.user.role == User.Role.POLITICIAN

    # The memo of the demo case, byte for byte as before.
    assert render_html(gather(case), created=created) == memo_before

    today(date(2027, 1, 10))
    jan = Politician.objects.get(user__username="jan.jonsson")
    own = Statement.objects.filter(authors__politician=jan, decision__case=case, decision__body=soc).first()
    assert own is not None
    client.force_login(jan.user)
    page = client.get(reverse("politician_statement_edit", args=[own.pk]))
    assert page.status_code == 200 and full_line(own) in page.content.decode()
    add = reverse("politician_statement_add", args=[open_decision.pk])
    refused = client.get(add)
    assert refused.status_code == 403 and ENDED in refused.content.decode()
    posted = client.post(add, STATEMENT)
    assert posted.status_code == 403 and ENDED in posted.content.decode()
    assert not open_decision.statements.exists()

    client.force_login(nora.user)
    home = client.get(reverse("politician_home")).content.decode()
    assert f'Socialnämnden <span class="subtitle">(ledamot, mandatperiod {NEXT_TERM})' in home
