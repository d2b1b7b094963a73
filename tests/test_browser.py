"""Browser tests: each role's main journey, axe-core on the main pages, keyboard use of the editor.

Playwright drives Debian's chromium (/usr/bin/chromium, never a downloaded browser) against
pytest-django's live server. The live server runs in a thread of this process and sees only
committed data, so these tests use the transactional database and build what they need inside
the test: the demo users and bodies with `remiss.demo.load_demo()`, further states through
`remiss.workflow`. Everything else happens in the browser, as a person would do it.

Every wait is for an element, a URL or a download; nothing sleeps.

`make test` installs chromium (Debian package) and axe-core (npm ci); without them these tests
fail and say so.
"""

from __future__ import annotations

import io
import re
import warnings
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser_support import (
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    AxeAudit,
    clip_around,
    focus_is_visible,
    paste_html,
    require_axe,
    require_chromium,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "remiss-demo"  # remiss.demo.DEMO_PASSWORD, spelled out: a changed demo password should fail here

# What an officer copies from Word: a heading-like bold paragraph, a Word list paragraph with its
# bullet typed in, italic text, and things that must never survive (a script, an inline handler).
WORD_HTML = (
    "<html xmlns:o='urn:schemas-microsoft-com:office:office'><head><style>p.MsoNormal{margin:0}</style></head><body>"
    "<!--StartFragment-->"
    "<p class=MsoNormal><b>Rubrik</b></p>"
    "<p class=MsoListParagraph style='mso-list:l0 level1 lfo1'>· punkt</p>"
    "<p class=MsoNormal onclick='alert(2)'>Förvaltningen ser <i>positivt</i> på förslagen om tidiga insatser.</p>"
    "<script>alert(1)</script>"
    "<!--EndFragment--></body></html>"
)
WORD_PLAIN = "Rubrik\n· punkt\nFörvaltningen ser positivt på förslagen om tidiga insatser."


# --- Browser and pages ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """One chromium for the whole module, started by the first test that opens a page.

    Starting it inside the test (not in fixture setup) makes a machine without chromium or
    axe-core report these tests as FAILED, with the reason, rather than as setup errors.
    """
    started: dict = {}
    # Playwright's sync API keeps an asyncio loop on this thread; Django would then refuse the
    # test's own (synchronous) database calls. Allowed here only, for this module's duration.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

        def get():
            if "browser" not in started:
                executable = require_chromium()
                require_axe()
                started["playwright"] = sync_playwright().start()
                started["browser"] = started["playwright"].chromium.launch(
                    executable_path=executable,
                    args=CHROMIUM_ARGS,
                )
            return started["browser"]

        try:
            yield get
        finally:
            if "browser" in started:
                started["browser"].close()
            if "playwright" in started:
                started["playwright"].stop()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page()` opens a page in a fresh context (nobody logged in) on the live server.

    `new_page(for_axe=True)`: the app's Content-Security-Policy allows no inline script, and
    injecting axe-core is one; only the accessibility audit's context bypasses the policy, so
    the journeys still run under it exactly as users' browsers do.
    """
    contexts = []
    # Uncaught JavaScript errors and console errors (a script the CSP blocked, a failed request)
    # fail the test that caused them; the browser's own favicon request is not the app's. An
    # inline style the CSP blocked changes nothing users get (the style is simply not applied),
    # so it is reported as a warning instead.
    page_errors: list[str] = []
    blocked_styles: set[str] = set()

    def on_console(page: Page, message) -> None:
        if message.type != "error" or "favicon" in (message.location or {}).get("url", ""):
            return
        if "Content Security Policy directive 'style-src" in message.text:
            blocked_styles.add(f"{page.url.split('?')[0]}: {message.text.split('. ')[0]}")
        else:
            page_errors.append(f"{page.url}: console: {message.text}")

    def make(*, for_axe: bool = False) -> Page:
        context = browser().new_context(
            base_url=live_server.url,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
            bypass_csp=for_axe,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: on_console(page, message))
        return page

    yield make
    for context in contexts:
        context.close()
    for blocked in sorted(blocked_styles):
        warnings.warn(f"CSP blocked an inline style the page tried to apply: {blocked}", stacklevel=1)
    assert not page_errors, "JavaScript errors on the pages:\n" + "\n".join(page_errors)


@pytest.fixture
def demo(transactional_db, browser):
    """The demo users, bodies, seats and the SOU 2022:67 case, committed for the live server."""
    from remiss.demo import load_demo

    load_demo()


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    from django.urls import reverse

    page.goto(reverse("login"))
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("button", name=re.compile(r"^Logga ut"))).to_be_visible()


def field(page: Page, label: str):
    """The input whose label starts with `label` (labels may end in "(obligatoriskt)")."""
    return page.get_by_label(re.compile(r"^" + re.escape(label) + r"(\s|$)"))


def logout(page: Page) -> None:
    page.get_by_role("button", name=re.compile(r"^Logga ut")).click()
    expect(page.get_by_role("button", name="Logga in")).to_be_visible()


def expect_message(page: Page, text: str | re.Pattern) -> None:
    expect(page.locator(".messages")).to_contain_text(text)


def pdf_text(data: bytes) -> str:
    """The PDF's words in reading order, with line-end hyphenation undone and spaces collapsed."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    text = text.replace("\u00ad", "").replace("\ufb01", "fi").replace("\ufb02", "fl")
    text = re.sub(r"(\w)[-\u2010]\n(\w)", r"\1\2", text)  # WeasyPrint hyphenates with U+2010
    return " ".join(text.split())


# --- The journeys ------------------------------------------------------------------------------------

CASE_TITLE = "Stärkt skydd för unga brottsoffer"
CASE_REFERENCE = "SOU 2030:41"
CASE_DNR = "KS 2030/412-1.1"
DECISION_POINT = (
    "Socialnämnden godkänner förvaltningens tjänsteutlåtande och överlämnar det till kommunstyrelsen"
    " som svar på remissen."
)


def run_task_worker() -> None:
    """Run every queued background task (the memo compilation) once, as the db_worker would.

    The worker installs its own SIGINT/SIGTERM handlers; they are put back afterwards, so that
    Ctrl+C still stops pytest."""
    import signal

    from django.core.management import call_command

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_main_journey_of_each_role(demo, new_page, settings, tmp_path):
    """Registrar registers and refers → officer writes, marks ready, records the decision →
    politician reserves with a co-author, who accepts → officer justerar → registrar compiles,
    and the downloaded PDF holds all of it."""
    from remiss.models import Case, Decision, Opinion, Referral, Statement

    settings.MEDIA_ROOT = tmp_path / "media"  # the compiled PDF is stored here, not in the project's media/
    page = new_page()

    # 1. The registrar registers a new case and refers it to three bodies. ------------------------
    login(page, "registrator")
    expect(page).to_have_url(re.compile(r"/arenden/$"))
    page.get_by_role("link", name="Registrera ett nytt ärende").click()
    field(page, "Titel").fill(CASE_TITLE)
    field(page, "Beteckning").fill(CASE_REFERENCE)
    field(page, "Avsändare").fill("Justitiedepartementet")
    field(page, "Departementets diarienummer").fill("Ju2030/04120")
    field(page, "Stadens diarienummer").fill(CASE_DNR)
    field(page, "Inkom").fill("2030-02-01")
    field(page, "Remisstid").fill("2030-01-15")  # before it came in: refused, typed values kept
    page.get_by_role("button", name="Registrera ärendet").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Remisstid")
    deadline = field(page, "Remisstid")
    expect(deadline).to_have_attribute("aria-invalid", "true")
    expect(field(page, "Titel")).to_have_value(CASE_TITLE)
    deadline.fill("2030-05-15")
    page.get_by_role("button", name="Registrera ärendet").click()
    expect_message(page, CASE_REFERENCE)
    expect(page.get_by_role("heading", level=1)).to_contain_text(CASE_TITLE)

    page.get_by_role("link", name="Remittera ärendet").click()
    # Each body's internal deadline; the memo order is the order of choosing: Utbildningsnämnden
    # before Socialnämnden, though the register lists Socialnämnden first.
    bodies = {
        "Stadsledningskontoret": ("2030-04-30", 1),
        "Utbildningsnämnden": ("2030-04-12", 2),
        "Socialnämnden": ("2030-04-10", 3),
    }
    for name, (answer_by, _order) in bodies.items():
        in_text = name[0].lower() + name[1:]
        page.get_by_label(name, exact=True).check()
        page.get_by_label(f"Svarsdatum för {in_text}").fill(answer_by)
    expect(page.locator("#refer-order-list .refer-order-name")).to_have_text(list(bodies))
    page.get_by_role("button", name="Remittera till de valda instanserna").click()
    expect_message(page, "remitterat till 3 instanser")
    board = page.locator("table.board")
    expect(board.locator("tbody th a")).to_have_text(list(bodies))  # in memo order
    expect(board).to_contain_text("Väntar på svar")
    case = Case.objects.get(reference=CASE_REFERENCE)
    assert case.status == Case.Status.REFERRED
    assert [(r.body.name, r.deadline.isoformat()) for r in case.referrals.order_by("order")] == [
        (name, answer_by) for name, (answer_by, _order) in bodies.items()
    ]
    logout(page)

    # 2. An officer of Socialnämnden pastes from Word, saves, marks ready, records the decision. --
    login(page, "handlaggare.soc")
    expect(page).to_have_url(re.compile(r"/handlaggare/$"))
    page.get_by_role("link", name=CASE_TITLE).click()
    field(page, "Daterat").fill("2030-03-02")
    paste_html(page, "#id_text_editor", WORD_HTML, WORD_PLAIN)
    editor = page.locator("#id_text_editor")
    expect(editor.locator("strong", has_text="Rubrik")).to_be_visible()
    expect(editor.locator("ul > li", has_text="punkt")).to_be_visible()
    page.locator("#id_proposed_decision_editor").click()
    page.keyboard.type("Socialnämnden godkänner förvaltningens tjänsteutlåtande.")
    page.get_by_role("button", name="Spara", exact=True).click()
    expect_message(page, "Tjänsteutlåtandet är sparat.")
    referral = Referral.objects.get(case=case, body__name="Socialnämnden")
    saved = Opinion.objects.get(referral=referral).text
    assert "<strong>Rubrik</strong>" in saved and "<li>punkt</li>" in saved, saved
    assert "<em>positivt</em>" in saved, saved
    assert "alert" not in saved and "script" not in saved and "onclick" not in saved and "class" not in saved, saved
    expect(page.locator("#id_text_editor li", has_text="punkt")).to_be_visible()  # the saved text comes back

    page.get_by_role("button", name="Markera som klart").click()
    expect_message(page, "markerat som klart")
    expect(page.locator(".lead")).to_contain_text("Tjänsteutlåtande klart")
    page.get_by_role("link", name="Registrera nämndens beslut").click()
    field(page, "Sammanträdesdatum").fill("2030-04-08")
    field(page, "Beslutspunkter").fill(f"{DECISION_POINT}\nBeslutet justeras omedelbart.")
    page.get_by_label("Beslutet justeras omedelbart").check()
    field(page, "Ställningstagande").fill("Socialnämnden ställer sig positiv till förslagen om skydd för brottsoffer.")
    page.get_by_role("button", name="Registrera beslutet").click()
    expect_message(page, "Nämndens beslut är registrerat.")
    decision = Decision.objects.get(case=case, body__name="Socialnämnden")
    assert decision.meeting_date == date(2030, 4, 8) and len(decision.points) == 2 and decision.immediate_justering
    logout(page)

    # 3. A ledamot reserves herself, inviting a co-author; he logs in and accepts. ------------------
    login(page, "andrea.hedin")
    expect(page).to_have_url(re.compile(r"/politiker/$"))
    page.get_by_role("link", name=CASE_TITLE).click()
    page.get_by_role("link", name="Lägg till ett uttalande").click()
    page.get_by_label("Reservation", exact=True).check()
    page.locator("#id_text_editor").click()
    page.keyboard.type("Vi reserverar oss mot beslutet till förmån för ett starkare brottsofferstöd.")
    page.get_by_label(re.compile(r"^Jan Jönsson \(L\)")).check()
    page.get_by_role("button", name="Lägg till uttalandet").click()
    expect_message(page, "Uttalandet är tillagt.")
    expect_message(page, "Jan Jönsson")
    statement = Statement.objects.get(decision=decision)
    assert statement.kind == Statement.Kind.RESERVATION
    assert [(a.politician.full_name, a.accepted) for a in statement.authors.order_by("order")] == [
        ("Andrea Hedin", True),
        ("Jan Jönsson", False),
    ]
    # Until he accepts, only she is named.
    expect(page.locator("article.statement h3")).to_have_text("Reservation av Andrea Hedin (M)")
    logout(page)

    login(page, "jan.jonsson")
    invitations = page.locator(".cards")
    expect(invitations).to_contain_text("Reservation")
    invitations.get_by_role("button", name=re.compile(r"^Acceptera")).click()
    expect_message(page, "Du står nu med som medförfattare.")
    expect(page.locator("article.statement h3")).to_have_text("Reservation av Andrea Hedin (M) och Jan Jönsson (L)")
    logout(page)

    # The officer justerar the decision: from now on it and its statements are final.
    login(page, "handlaggare.soc")
    page.get_by_role("link", name=CASE_TITLE).click()
    page.get_by_role("link", name="Visa och ändra beslutet").click()
    page.get_by_role("button", name="Justera", exact=True).click()
    # Justering cannot be undone: it asks first.
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Justera socialnämndens beslut? Det går inte att ångra."
    )
    page.get_by_role("button", name="Justera beslutet", exact=True).click()
    expect_message(page, "Beslutet är justerat.")
    expect(page.locator(".readonly-note")).to_contain_text("Justerat.")
    logout(page)

    # 4. The registrar sees the answer on the board, compiles the memo and downloads the PDF. -----
    login(page, "registrator")
    page.get_by_role("link", name=CASE_REFERENCE).click()
    row = page.locator("table.board tr", has=page.get_by_role("link", name="Socialnämnden", exact=True))
    expect(row).to_contain_text("Har svarat")
    expect(row).to_contain_text("1 uttalande")
    page.get_by_role("link", name="Förhandsvisa, sammanställ och ladda ner promemorian").click()
    page.get_by_role("button", name="Sammanställ PDF").click()
    expect_message(page, "står i kö")
    job = page.locator("[data-memo-job]")
    expect(job).to_have_attribute("data-status", "queued")
    run_task_worker()  # what `manage.py db_worker` does in its own process: render the queued memo
    expect(job).to_have_attribute("data-status", "done")  # memo-status.js follows the job, no reload
    expect(page.locator(".messages")).to_be_hidden()  # "står i kö" no longer contradicts "Klar"
    with page.expect_download() as download_info:
        job.get_by_role("link", name="Ladda ner PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF"), data[:20]

    text = pdf_text(data)
    expected = [
        CASE_TITLE,
        "Ärendet har remitterats till stadsledningskontoret, utbildningsnämnden och socialnämnden.",
        CASE_REFERENCE,
        "Rubrik",
        "punkt",
        "Förvaltningen ser positivt på förslagen om tidiga insatser.",
        DECISION_POINT,
        "Beslutet justeras omedelbart.",
        "Reservation av Andrea Hedin (M) och Jan Jönsson (L)",
        "Vi reserverar oss mot beslutet till förmån för ett starkare brottsofferstöd.",
    ]
    missing = [phrase for phrase in expected if phrase not in text]
    assert not missing, f"The compiled PDF lacks {missing}.\nIts text:\n{text[:6000]}"
    assert "alert" not in text, "The pasted <script> reached the PDF"


# --- Accessibility ------------------------------------------------------------------------------


def _a11y_states():
    """A case where every page has something to show: an overdue open referral (Socialnämnden,
    whose opinion is still editable) and a decided one (Utbildningsnämnden, open for statements)."""
    from remiss import workflow
    from remiss.models import Body, Politician, User
    from remiss.workflow import AuthorSpec, ReferralSpec

    registrar = User.objects.get(username="registrator")
    soc, utb, slk = (Body.objects.get(name=n) for n in ("Socialnämnden", "Utbildningsnämnden", "Stadsledningskontoret"))
    today = date.today()
    case = workflow.register_case(
        title="Ett betänkande för tillgänglighetsgranskningen",
        reference="SOU 2031:7",
        sender="Finansdepartementet",
        city_dnr="KS 2031/7-1.1",
        ministry_dnr="Fi2031/00007",
        received=today - timedelta(days=60),
        deadline=today + timedelta(days=60),
        by=registrar,
    )
    r_soc, r_utb, _r_slk = workflow.refer(
        case,
        bodies=[
            ReferralSpec(soc, today - timedelta(days=3)),  # overdue: the board and the officer's list highlight it
            ReferralSpec(utb, today + timedelta(days=20)),
            ReferralSpec(slk, today + timedelta(days=30)),
        ],
        by=registrar,
    )
    officer = User.objects.get(username="handlaggare.utb")
    workflow.save_opinion(
        r_utb,
        text="<h3>Sammanfattning</h3><p>Förvaltningen tillstyrker.</p><ul><li>Ett</li></ul>",
        date=today - timedelta(days=10),
        by=officer,
    )
    workflow.mark_opinion_ready(r_utb, by=officer)
    decision = workflow.record_decision(
        r_utb,
        meeting_date=today - timedelta(days=2),
        points=["Utbildningsnämnden godkänner tjänsteutlåtandet."],
        position="Utbildningsnämnden tillstyrker.",
        by=officer,
    )
    hedin = Politician.objects.get(first_name="Andrea", last_name="Hedin")
    nyberg = Politician.objects.get(first_name="Claes", last_name="Nyberg")
    workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        authors=[AuthorSpec(nyberg)],
        text="<p>Vi vill understryka vikten av tidiga insatser.</p>",
        by=registrar,
    )
    workflow.add_statement(
        decision,
        kind="reservation",
        authors=[AuthorSpec(hedin)],
        backed_proposal="förvaltningens förslag till beslut",
        by=registrar,
    )
    return case, r_soc, r_utb, decision


def test_main_pages_have_no_serious_accessibility_violations(demo, new_page):
    """axe-core (WCAG 2.1 A and AA) on each role's main pages, in their real states, error states included."""
    from django.urls import reverse

    from remiss.models import Case

    case, r_soc, r_utb, decision = _a11y_states()
    demo_case = Case.objects.get(reference="SOU 2022:67")
    audit = AxeAudit()
    page = new_page(for_axe=True)

    page.goto(reverse("login"))
    audit.check(page, "Logga in")
    page.get_by_label("Användarnamn").fill("registrator")
    page.get_by_label("Lösenord").fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check(page, "Logga in, fel lösenord")

    # The registrar
    login(page, "registrator")
    audit.check(page, "Registrator: ärendelistan")
    page.goto(reverse("case_detail", args=[case.pk]))
    expect(page.locator("table.board")).to_contain_text("Försenad")
    audit.check(page, "Registrator: statustavlan (med försenad instans)")
    page.goto(reverse("case_create"))
    audit.check(page, "Registrator: registrera ärende")
    field(page, "Inkom").fill("2030-02-01")
    field(page, "Remisstid").fill("2030-01-01")
    page.get_by_role("button", name="Registrera ärendet").click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check(page, "Registrator: registrera ärende, med valideringsfel")
    page.goto(reverse("case_refer", args=[case.pk]))
    audit.check(page, "Registrator: remittera")
    page.get_by_role("button", name="Remittera till de valda instanserna").click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check(page, "Registrator: remittera, med valideringsfel")
    page.locator("table.refer tbody input[type=checkbox]").nth(0).check()
    page.locator("table.refer tbody input[type=checkbox]").nth(1).check()
    expect(page.locator("#refer-order-list li")).to_have_count(2)
    audit.check(page, "Registrator: remittera, två instanser valda i ordning")
    page.goto(reverse("case_proposals", args=[demo_case.pk]))
    expect(page.get_by_label("Avsnitt för förslag 1", exact=True)).to_be_visible()
    audit.check(page, "Registrator: betänkandets förslag, med avsnitt")
    page.goto(reverse("case_detail", args=[demo_case.pk]))
    audit.check(page, "Registrator: statustavlan (demoärendet)")
    page.goto(reverse("memo_list", args=[demo_case.pk]))
    audit.check(page, "Registrator: promemoria")
    page.get_by_role("button", name="Sammanställ PDF").click()  # queued; no worker runs in this test
    expect(page.locator("[data-memo-job]")).to_have_attribute("data-status", "queued")
    audit.check(page, "Registrator: sammanställning i kö")
    page.goto(reverse("memo_preview", args=[demo_case.pk]))
    audit.check(page, "Registrator: förhandsvisning av promemorian (demoärendet)")
    demo_soc = demo_case.referrals.get(body__name="Socialnämnden")
    for name, args, label in (
        ("case_referral", [demo_case.pk, demo_soc.pk], "remitteringen (demoärendet)"),
        ("case_proposals", [demo_case.pk], "förslagen i betänkandet"),
        ("case_plan", [demo_case.pk], "planering"),
        ("case_background", [demo_case.pk], "Ärendet"),
        ("case_city_proposal", [demo_case.pk], "förslag till beslut"),
        ("case_city_decisions", [demo_case.pk], "Stadens beslut"),
        ("history_opinion", [demo_soc.opinion.pk], "historik för ett tjänsteutlåtande"),
        ("calendar_page", [], "kalender"),
        ("accessibility", [], "tillgänglighetsredogörelse"),
        ("password_change", [], "byt lösenord"),
    ):
        page.goto(reverse(name, args=args))
        audit.check(page, f"Registrator: {label}")

    # The officer
    page = new_page(for_axe=True)
    page.goto(reverse("accessibility"))
    audit.check(page, "Tillgänglighetsredogörelsen, utan inloggning")
    page.get_by_role("button", name="Skicka anmälan").click()  # nothing described: refused
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "Tillgänglighetsredogörelsen, anmälan med fel")
    login(page, "handlaggare.soc")
    audit.check(page, "Handläggare: mina remisser")
    page.goto(reverse("officer_referral", args=[r_soc.pk]))
    expect(page.locator("#id_text_editor")).to_be_visible()
    audit.check(page, "Handläggare: tjänsteutlåtandet (redigerare)")
    page.get_by_role("button", name="Markera som klart").click()  # no date, no text: refused
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "Handläggare: tjänsteutlåtandet, med fel")
    page.goto(reverse("officer_referral", args=[r_soc.pk]))
    page.get_by_label("Motivering (valfri)").fill("Ärendet berör inte nämndens verksamhet.")
    page.get_by_role("button", name="Avstå från att svara", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Avstå från att svara för socialnämnden?")
    expect(page.get_by_label("Motivering (valfri)")).to_have_value("Ärendet berör inte nämndens verksamhet.")
    audit.check(page, "Handläggare: avstå från att svara, frågan först")
    page.goto(reverse("officer_referral", args=[demo_case.referrals.get(body__name="Socialnämnden").pk]))
    audit.check(page, "Handläggare: tjänsteutlåtandet, justerat (demoärendet)")
    page = new_page(for_axe=True)
    login(page, "handlaggare.utb")
    page.goto(reverse("officer_decision", args=[r_utb.pk]))
    expect(field(page, "Beslutspunkter")).to_be_visible()
    audit.check(page, "Handläggare: nämndens beslut")

    # The politician
    page = new_page(for_axe=True)
    login(page, "andrea.hedin")
    audit.check(page, "Politiker: mina nämnder")
    page.goto(reverse("politician_decision", args=[decision.pk]))
    audit.check(page, "Politiker: beslutet och uttalandena")
    page.goto(reverse("politician_statement_add", args=[decision.pk]))
    expect(page.locator("#id_text_editor")).to_be_visible()
    audit.check(page, "Politiker: nytt uttalande")
    page.get_by_role("button", name="Lägg till uttalandet").click()  # no kind chosen: refused
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "Politiker: nytt uttalande, med fel")

    audit.assert_clean()


def test_focus_goes_to_the_outcome_of_a_post_and_error_links_show_the_whole_group(demo, new_page):
    """Issue 12, item 3: after a refused post focus is on the error summary, after a save on the
    confirmation; an error link to a radio group leaves its legend and error text in view."""
    from django.urls import reverse

    _case, _r_soc, _r_utb, decision = _a11y_states()
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 500})
    login(page, "andrea.hedin")
    page.goto(reverse("politician_statement_add", args=[decision.pk]))
    page.get_by_role("button", name="Lägg till uttalandet").click()  # no kind chosen: refused
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.evaluate("() => document.activeElement.id") == "error-summary"

    link = page.locator(".error-summary a[href='#id_kind_0']")
    link.click()
    assert page.evaluate("() => document.activeElement.id") == "id_kind_0"
    group = page.locator("fieldset:has(#id_kind_0)")
    expect(group.locator("legend")).to_be_in_viewport()
    expect(page.locator("#id_kind_error")).to_be_in_viewport()
    top = group.locator("legend").evaluate("el => el.getBoundingClientRect().top")
    assert top >= 0, f"the legend is above the window ({top} px)"

    page.keyboard.press("Space")  # the focused first choice is chosen
    page.locator("#id_text_editor").click()
    page.keyboard.type("Vi vill lyfta fram de tidiga insatserna.")
    page.get_by_role("button", name="Lägg till uttalandet").click()
    expect(page.locator(".messages")).to_be_visible()
    assert page.evaluate("() => document.activeElement.classList.contains('messages')")


# --- Keyboard -------------------------------------------------------------------------------------


def test_keyboard_reaches_editor_toolbar_and_text_with_visible_focus(demo, new_page):
    """On the opinion editor, Tab alone reaches the toolbar and then the text; focus always shows."""
    from django.urls import reverse

    from remiss import workflow
    from remiss.models import Body, User
    from remiss.workflow import ReferralSpec

    registrar = User.objects.get(username="registrator")
    case = workflow.register_case(
        title="Tangentbordsärendet",
        reference="Ds 2031:2",
        sender="Socialdepartementet",
        city_dnr="KS 2031/2-1.1",
        received=date(2031, 1, 10),
        deadline=date(2031, 4, 28),
        by=registrar,
    )
    (referral,) = workflow.refer(
        case,
        bodies=[ReferralSpec(Body.objects.get(name="Socialnämnden"), date(2031, 3, 31))],
        by=registrar,
    )

    page = new_page()
    login(page, "handlaggare.soc")
    page.goto(reverse("officer_referral", args=[referral.pk]))
    text_editor = page.locator("#id_text_editor")
    expect(text_editor).to_be_visible()
    page.locator("body").focus()

    stops = []
    reached_toolbar = reached_editor = False
    internal = None  # (stop, clip, screenshot) of a focus inside a browser-internal part
    for _press in range(80):
        page.keyboard.press("Tab")
        if internal is not None:
            # Focus has moved on: the region must look different from when it was focused.
            stop, clip, focused = internal
            assert page.screenshot(clip=clip) != focused, f"Focus on stop {stop} ({stops[stop - 1]}) is not visible"
            internal = None
        focus = focus_is_visible(page)
        in_toolbar = page.evaluate("() => !!document.activeElement.closest('[role=toolbar]')")
        stops.append({**focus, "toolbar": in_toolbar})
        if not focus["visible"]:
            assert focus["internal"], f"Focus is not visible on stop {len(stops)}: {focus}\nStops so far: {stops}"
            clip = clip_around(focus["box"])
            internal = (len(stops), clip, page.screenshot(clip=clip))
        if in_toolbar and not reached_editor:
            reached_toolbar = True
            assert focus["tag"] == "button", focus
        if focus["id"] == "id_text_editor":
            reached_editor = True
            break
    assert reached_toolbar, f"Tab never reached the editor's toolbar: {stops}"
    assert reached_editor, f"Tab never reached the text editor: {stops}"
    assert stops[-2]["toolbar"], f"The toolbar should come just before its text: {stops[-3:]}"

    # Typing goes into the text; Shift+Tab goes back to the toolbar, arrows move along it.
    page.keyboard.type("Skrivet med tangentbordet.")
    expect(text_editor).to_contain_text("Skrivet med tangentbordet.")
    page.keyboard.press("Shift+Tab")
    first = focus_is_visible(page)
    assert first["tag"] == "button" and first["visible"], first
    page.keyboard.press("ArrowRight")
    second = focus_is_visible(page)
    assert second["tag"] == "button" and second["text"] != first["text"] and second["visible"], (first, second)


# --- Content-Security-Policy while editing --------------------------------------------------------

# Word and web pages put style attributes on everything; pasted into headings, lists and bold text.
STYLED_HTML = (
    "<html><head><style>p{margin:0}</style></head><body>"
    '<p style="font-size:20pt;color:red;margin-left:2cm">'
    '<span style="font-family:Arial;font-weight:bold">Fet i stil</span>'
    ' och <span style="font-style:italic;background:yellow">kursiv</span> text.</p>'
    '<ul style="list-style:square"><li style="color:blue">Punkt med stil</li></ul>'
    '<h1 style="font-size:30pt">Stor rubrik</h1>'
    '<div style="text-align:center">Centrerat stycke</div>'
    "</body></html>"
)


def test_pasting_styled_html_into_the_editor_keeps_undo_and_no_style_reaches_the_server(demo, new_page):
    """Pasting styled HTML anywhere in the editor (plain text, a heading, a list, bold text): Word's
    <style> block is never parsed into the page (the CSP would refuse it), Ctrl+Z takes a paste
    back, and no style reaches the saved text. Chromium's insertHTML may still wrap words in
    <span style> next to a heading; the CSP refuses those (style-src-attr) and the server drops them."""
    from django.urls import reverse

    from remiss import workflow
    from remiss.models import Body, User
    from remiss.workflow import ReferralSpec

    registrar = User.objects.get(username="registrator")
    case = workflow.register_case(
        title="Klistraärendet",
        reference="Ds 2031:3",
        sender="Socialdepartementet",
        city_dnr="KS 2031/3-1.1",
        received=date(2031, 1, 10),
        deadline=date(2031, 4, 28),
        by=registrar,
    )
    (referral,) = workflow.refer(
        case,
        bodies=[ReferralSpec(Body.objects.get(name="Socialnämnden"), date(2031, 3, 31))],
        by=registrar,
    )
    workflow.save_opinion(
        referral,
        by=User.objects.get(username="handlaggare.soc"),
        text="<h3>En rubrik</h3><p>Ett stycke med <strong>fet text</strong> i.</p><ul><li>En punkt</li></ul>",
    )

    page = new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    # The browser also reports each violation as an event; count them in the page.
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + (e.sample || '')));"
    )
    login(page, "handlaggare.soc")
    page.goto(reverse("officer_referral", args=[referral.pk]))
    editor = page.locator("#id_text_editor")
    expect(editor.locator("h3", has_text="En rubrik")).to_be_visible()

    def paste_at(selector: str) -> None:
        # The caret in the middle of the element's first text, as a click there would put it.
        editor.locator(selector).first.evaluate(
            """el => {
                const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                const text = walker.nextNode();
                const range = document.createRange();
                range.setStart(text, Math.floor(text.length / 2));
                range.collapse(true);
                el.closest('[contenteditable]').focus();
                const sel = window.getSelection();
                sel.removeAllRanges();
                sel.addRange(range);
            }"""
        )
        editor.evaluate(
            """(el, html) => {
                const dt = new DataTransfer();
                dt.setData('text/html', html);
                dt.setData('text/plain', 'Fet i stil och kursiv text.');
                el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
            }""",
            STYLED_HTML,
        )

    # Undo: a paste into the heading is taken back by Ctrl+Z, as in Word.
    before = editor.inner_html()
    paste_at("h3")
    expect(editor).to_contain_text("Centrerat stycke")
    page.keyboard.press("Control+z")
    expect(editor).not_to_contain_text("Centrerat stycke")
    assert "Stor rubrik" not in editor.inner_html(), (before, editor.inner_html())

    for selector in ("h3", "strong", "li", "p"):
        paste_at(selector)
    expect(editor).to_contain_text("Centrerat stycke")
    violations = page.evaluate("window.__csp")
    # Word's <style> block would be a style-src-elem violation: it must never be parsed.
    assert not [v for v in violations if v.startswith("style-src-elem")], violations
    assert not [v for v in violations if v.startswith("script-src")], violations
    # The text still reaches the form.
    page.get_by_role("button", name="Spara", exact=True).click()
    expect_message(page, "Tjänsteutlåtandet är sparat.")
    from remiss.models import Opinion

    saved = Opinion.objects.get(referral=referral).text
    assert "Centrerat stycke" in saved and "style" not in saved


UNSAVED = (
    "Texten har ändringar som inte är sparade. Spara texten först, eller klicka igen för att fortsätta utan att spara."
)


def _editable_opinion(title: str, reference: str):
    """A new case referred to Socialnämnden, with one proposal, so its officer can write."""
    from remiss import workflow
    from remiss.models import Body, User
    from remiss.workflow import ReferralSpec

    registrar = User.objects.get(username="registrator")
    case = workflow.register_case(
        title=title,
        reference=reference,
        sender="Socialdepartementet",
        city_dnr=f"KS {reference[3:]}-1.1",
        received=date(2031, 1, 10),
        deadline=date(2031, 4, 28),
        by=registrar,
    )
    workflow.add_proposal(case, number="1", kind="forslag", title="Ett förslag", by=registrar)
    (referral,) = workflow.refer(
        case,
        bodies=[ReferralSpec(Body.objects.get(name="Socialnämnden"), date(2031, 3, 31))],
        by=registrar,
    )
    return referral


def test_unsaved_text_stops_the_word_upload_once_and_keeps_the_text(demo, new_page):
    """Typed, unsaved text: the Word upload is stopped with a message beside its button and the
    text stays in the editor; a second click goes through (the server then asks for a file)."""
    from django.urls import reverse

    referral = _editable_opinion("Osparatärendet", "Ds 2031:4")
    page = new_page()
    login(page, "handlaggare.soc")
    page.goto(reverse("officer_referral", args=[referral.pk]))
    editor = page.locator("#id_text_editor")
    editor.click()
    page.keyboard.type("Ett osparat stycke.")
    upload = page.get_by_role("button", name="Ladda upp och granska")
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    upload.click()
    warning = page.locator(".word-upload [role=alert]")
    expect(warning).to_have_text(UNSAVED)
    expect(editor).to_contain_text("Ett osparat stycke.")
    assert page.url.endswith(reverse("officer_referral", args=[referral.pk]))
    assert posts == []
    assert upload.get_attribute("aria-describedby") == warning.get_attribute("id")

    with page.expect_navigation():
        upload.click()
    assert posts and posts[-1].endswith(reverse("officer_word_upload", args=[referral.pk]))
    expect(page.locator(".word-upload .error-summary")).to_be_visible()  # no file chosen: the server's own message


def test_unsaved_text_guard_lets_other_forms_through_without_edits(demo, new_page):
    """Nothing typed: the positions form submits at once. After typing it is stopped once, and
    the second click submits, leaving the typed text behind as the message said."""
    from django.urls import reverse

    referral = _editable_opinion("Positionsärendet", "Ds 2031:5")
    page = new_page()
    login(page, "handlaggare.soc")
    page.goto(reverse("officer_referral", args=[referral.pk]))
    save_positions = page.get_by_role("button", name="Spara ställningstagandena")
    save_positions.click()
    expect_message(page, "Inga ställningstaganden ändrades.")
    expect(page.locator(".unsaved-warning")).to_have_count(0)

    editor = page.locator("#id_text_editor")
    editor.click()
    page.keyboard.type("Ny text")
    save_positions.click()
    expect(page.locator(".positions-form [role=alert]")).to_have_text(UNSAVED)
    expect(editor).to_contain_text("Ny text")
    with page.expect_navigation():
        save_positions.click()
    expect_message(page, "Inga ställningstaganden ändrades.")
    expect(page.locator("#id_text_editor")).not_to_contain_text("Ny text")  # the choice the message offered


def test_refer_order_follows_the_choosing_and_moves_by_keyboard(demo, new_page):
    """The memo order is the order the boxes are ticked; "Flytta upp/ned" change it from the
    keyboard, the focus stays on the pressed button, and a live region says where the body stands."""
    from django.urls import reverse

    from remiss import workflow
    from remiss.models import User

    registrar = User.objects.get(username="registrator")
    case = workflow.register_case(
        title="Ordningsärendet",
        reference="Ds 2031:9",
        sender="Socialdepartementet",
        city_dnr="KS 2031/9-1.1",
        received=date(2031, 1, 10),
        deadline=date(2031, 4, 28),
        by=registrar,
    )
    page = new_page()
    login(page, "registrator")
    page.goto(reverse("case_refer", args=[case.pk]))
    expect(page.get_by_role("button", name="Visa ordningen för de valda instanserna")).to_have_count(0)  # no-JS only
    for name in ("Utbildningsnämnden", "Stadsledningskontoret", "Socialnämnden"):
        page.get_by_label(name, exact=True).check()
    names = page.locator("#refer-order-list .refer-order-name")
    expect(names).to_have_text(["Utbildningsnämnden", "Stadsledningskontoret", "Socialnämnden"])

    up = page.get_by_role("button", name="Flytta upp Socialnämnden")
    up.focus()
    page.keyboard.press("Enter")
    expect(names).to_have_text(["Utbildningsnämnden", "Socialnämnden", "Stadsledningskontoret"])
    expect(up).to_be_focused()
    page.keyboard.press("Space")
    expect(names).to_have_text(["Socialnämnden", "Utbildningsnämnden", "Stadsledningskontoret"])
    expect(page.locator("#refer-order-status")).to_have_text("Socialnämnden står nu på plats 1 av 3.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Flytta ned Socialnämnden")).to_be_focused()
    assert focus_is_visible(page)["visible"]

    page.get_by_label("Utbildningsnämnden", exact=True).uncheck()
    expect(names).to_have_text(["Socialnämnden", "Stadsledningskontoret"])
    page.get_by_role("button", name="Remittera till de valda instanserna").click()
    expect_message(page, "remitterat till 2 instanser")
    assert list(case.referrals.order_by("order").values_list("body__name", flat=True)) == [
        "Socialnämnden",
        "Stadsledningskontoret",
    ]


def test_text_typed_and_pasted_in_the_editor_is_stored_as_typed(demo, new_page):
    """Issue 11.1 with the editor: the saved text loads with its formatting (from the hidden
    text_html beside the plain textarea), typed "<" stays a character, and a pasted plain-text
    bulleted list becomes a list."""
    from django.urls import reverse

    from remiss import workflow
    from remiss.models import Opinion, User

    referral = _editable_opinion("Skrivärendet", "Ds 2031:9")
    workflow.save_opinion(
        referral, by=User.objects.get(username="handlaggare.soc"), text="<p><strong>Fet</strong> början.</p>"
    )
    page = new_page()
    login(page, "handlaggare.soc")
    page.goto(reverse("officer_referral", args=[referral.pk]))
    editor = page.locator("#id_text_editor")
    expect(editor.locator("strong", has_text="Fet")).to_be_visible()
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("a<b och b>c nämner <title> här.")
    page.keyboard.press("Enter")
    editor.evaluate(
        """el => {
            const dt = new DataTransfer();
            dt.setData('text/plain', '•\\tVåld i nära relationer\\n•\\tGängkriminalitet');
            el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
        }"""
    )
    expect(editor.locator("li")).to_have_count(2)
    page.get_by_role("button", name="Spara", exact=True).click()
    expect_message(page, "Tjänsteutlåtandet är sparat.")
    saved = Opinion.objects.get(referral=referral).text
    assert saved.startswith("<p><strong>Fet</strong> början.</p><p>a&lt;b och b&gt;c nämner &lt;title&gt; här.</p>"), (
        saved
    )
    assert "<ul><li>Våld i nära relationer</li><li>Gängkriminalitet</li></ul>" in saved, saved
