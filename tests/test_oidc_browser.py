"""Login through the city's identity provider, in the browser, against a real OpenID Connect provider.

The provider is node's oidc-provider (tests/oidc/provider.js, started on loopback for this module
and stopped after it; see tests/oidc_provider.py), with PKCE required. Chromium goes through every
step as a person would: remiss's login page, the provider's login form, the callback, and the
provider's logout page. Nothing of mozilla-django-oidc is mocked: what a test changes is what an
attacker or time could change (the state in the address, the nonce kept in the session, the
code's age at the provider).
"""

from __future__ import annotations

import copy
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Page, expect

from remiss.auth import provider as city_provider
from remiss.auth.config import form_action_sources
from remiss.models import User
from tests import test_browser as browser_tests
from tests.browser_support import TIMEOUT_MS, AxeAudit
from tests.factories import BodyFactory, OfficerFactory, UserFactory
from tests.oidc_provider import PASSWORD, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# test_browser's chromium, found by pytest as this module's attribute.
browser = browser_tests.browser

CLIENT_ID = "remiss"
CLIENT_SECRET = "remiss-test-secret-0123456789"
CALLBACK = re.compile(r"/oidc/callback/\?")  # the browser's return from the provider


# Chromium reports a page answered with an error status as a console error; the refusal pages
# answer 400 or 403 on purpose (the tests check which). Any other console error fails the test.
REFUSAL_STATUS = re.compile(r"the server responded with a status of 40[03] ")


@pytest.fixture
def new_page(browser, live_server):
    """Like test_browser's: a fresh context per page, under the app's Content-Security-Policy
    (except for the axe-core audit), failing the test on a JavaScript or console error."""
    contexts = []
    errors: list[str] = []

    def on_console(page: Page, message) -> None:
        url = (message.location or {}).get("url", "")
        if message.type != "error" or "favicon" in url:
            return
        if "/oidc/callback/" in url and REFUSAL_STATUS.search(message.text + " "):
            return
        errors.append(f"{page.url}: console: {message.text}")

    def make(*, for_axe: bool = False) -> Page:
        context = browser().new_context(
            base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}, bypass_csp=for_axe
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: on_console(page, message))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, "JavaScript or console errors on the pages:\n" + "\n".join(errors)


@pytest.fixture(scope="module")
def oidc(live_server):
    with running_provider(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=live_server.url) as running:
        yield running


def switch_on_city_login(settings, oidc) -> None:
    """The city's login as production sets it up: passwords off (but a superuser's), endpoints
    discovered, matched by e-mail, roles and bodies kept in remiss."""
    settings.REMISS_OIDC_ISSUER = oidc.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile employee groups"
    settings.REMISS_OIDC_ENDPOINTS = {}
    settings.REMISS_PASSWORD_LOGIN = False
    settings.REMISS_OIDC_MATCH = "email"
    settings.REMISS_OIDC_MATCH_CLAIM = "email"
    settings.REMISS_OIDC_GROUP_MAP = {}
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] += form_action_sources(oidc.issuer, {})
    settings.CONTENT_SECURITY_POLICY = policy
    city_provider.forget_discovery()


@pytest.fixture(autouse=True)
def city_login(oidc, settings):
    """remiss set up as in production with the city's login."""
    switch_on_city_login(settings, oidc)
    settings.AXES_ENABLED = True  # as in production (tests/conftest.py turns it off for the test client)


@pytest.fixture
def socialnamnden(transactional_db):
    return BodyFactory(name="Socialnämnden", name_in_text="socialnämnden", administration="Socialförvaltningen")


def start_city_login(page: Page, account: str) -> None:
    """From remiss's login page through the provider's login form; the callback follows."""
    page.goto("/konto/login/")
    page.get_by_role("link", name="Logga in med stadens konto").click()
    expect(page.get_by_role("heading", name="Stadens inloggning")).to_be_visible()
    page.get_by_label("Användarnamn").fill(account)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in hos staden").click()


def held_callback(page: Page, oidc, account: str) -> str:
    """Log in at the provider, but keep its answer from reaching remiss: the callback's address."""
    oidc.hold_callbacks(True)
    try:
        start_city_login(page, account)
        link = page.get_by_role("link", name="Fortsätt till remiss")
        expect(link).to_be_visible()
        return link.get_attribute("href") or ""
    finally:
        oidc.hold_callbacks(False)


def with_param(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return parts._replace(query=urlencode(query)).geturl()


def expect_logged_in(page: Page, name: str) -> None:
    expect(page.get_by_role("button", name=f"Logga ut {name}")).to_be_visible()


def expect_refused(page: Page, heading: str, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("alert")).to_contain_text(text)
    expect(page.get_by_role("button", name=re.compile(r"^Logga ut"))).to_have_count(0)


# --- Logging in ---------------------------------------------------------------------------------


def test_an_officer_logs_in_with_the_city_account_and_lands_on_their_page(new_page, socialnamnden):
    OfficerFactory(
        username="anna", first_name="Anna", last_name="Handläggare", email="Anna.Handlaggare@stad.example",
        bodies=[socialnamnden],
    )  # fmt: skip
    page = new_page()
    page.goto("/konto/login/")
    # Passwords are off: the page offers the city's login only.
    expect(page.get_by_label("Lösenord")).to_have_count(0)
    start_city_login(page, "anna")  # the e-mail claim matches, whatever the letters' case
    expect(page).to_have_url(re.compile(r"/handlaggare/$"))
    expect_logged_in(page, "Anna Handläggare")


def test_matched_by_employee_id_with_role_and_bodies_from_the_groups(new_page, socialnamnden, settings):
    settings.REMISS_OIDC_MATCH = "employee_id"
    settings.REMISS_OIDC_MATCH_CLAIM = "employee_id"
    settings.REMISS_OIDC_GROUP_MAP = {
        "remiss-registratorer": {"role": "registrar"},
        "remiss-soc-handlaggare": {"role": "officer", "bodies": ["Socialnämnden"]},
    }
    # Their e-mail addresses in remiss differ from the provider's: only the employee id matches.
    rita = UserFactory(username="rita", first_name="Rita", last_name="Registrator", employee_id="E2002")
    anna = UserFactory(username="anna", first_name="Anna", last_name="Handläggare", employee_id="E1001")

    page = new_page()
    start_city_login(page, "rita")
    expect(page).to_have_url(re.compile(r"/arenden/$"))
    expect_logged_in(page, "Rita Registrator")
    rita.refresh_from_db()
    assert rita.role == User.Role.REGISTRAR and not rita.bodies.exists()
    reasons = [row.history_change_reason or "" for row in rita.history.all()]
    assert any("Registrator" in reason and "från stadens grupper" in reason for reason in reasons)

    page = new_page()
    start_city_login(page, "anna")
    expect(page).to_have_url(re.compile(r"/handlaggare/$"))
    anna.refresh_from_db()
    assert anna.role == User.Role.OFFICER
    assert list(anna.bodies.values_list("name", flat=True)) == ["Socialnämnden"]


def test_a_person_not_in_remiss_gets_a_swedish_page_and_no_account(new_page):
    UserFactory(username="nagon", email="nagon.annan@stad.example")
    users = User.objects.count()
    page = new_page()
    with page.expect_response(CALLBACK) as callback:
        start_city_login(page, "okand")
    assert callback.value.status == 403
    expect_refused(page, "Du finns inte i remiss", "okand.person@stad.example")
    expect(page.get_by_role("alert")).to_contain_text("Inget konto har skapats. Kontakta registratorn")
    assert User.objects.count() == users
    assert not User.objects.filter(email__iexact="okand.person@stad.example").exists()


# --- Refused callbacks ------------------------------------------------------------------------------


def test_a_tampered_state_is_refused_and_a_replayed_callback_too(new_page, socialnamnden, oidc):
    OfficerFactory(username="anna", first_name="Anna", last_name="Handläggare", email="anna.handlaggare@stad.example")
    page = new_page()
    callback = held_callback(page, oidc, "anna")

    response = page.goto(with_param(callback, state="en-annan-inloggning"))
    assert response is not None and response.status == 400
    expect_refused(page, "Inloggningen misslyckades", "hörde inte till den här inloggningen")

    # The genuine answer still logs in: the refusal used up nothing.
    page.goto(callback)
    expect_logged_in(page, "Anna Handläggare")
    # The same answer again (its state and code both used) is refused.
    response = page.goto(callback)
    assert response is not None and response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("hörde inte till den här inloggningen")


def test_a_changed_nonce_is_refused(new_page, socialnamnden, oidc):
    OfficerFactory(username="anna", email="anna.handlaggare@stad.example")
    page = new_page()
    callback = held_callback(page, oidc, "anna")
    state = parse_qs(urlsplit(callback).query)["state"][0]
    # The nonce remiss keeps for this login (in the session) no longer matches the ID token's.
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    states = session["oidc_states"]
    states[state]["nonce"] = "ett-annat-nonce"
    session["oidc_states"] = states
    session.save()

    response = page.goto(callback)
    assert response is not None and response.status == 400
    expect_refused(page, "Inloggningen misslyckades", "kunde inte kontrolleras")


def test_an_expired_code_is_refused(new_page, socialnamnden, oidc):
    OfficerFactory(username="anna", email="anna.handlaggare@stad.example")
    page = new_page()
    callback = held_callback(page, oidc, "anna")
    oidc.expire_codes()  # as if the person had waited too long on the way back

    response = page.goto(callback)
    assert response is not None and response.status == 400
    expect_refused(page, "Inloggningen misslyckades", "hann gå ut eller har redan använts")


# --- Logging out -------------------------------------------------------------------------------------


def test_logout_ends_the_session_here_and_at_the_provider(new_page, socialnamnden, oidc):
    OfficerFactory(
        username="anna", first_name="Anna", last_name="Handläggare", email="anna.handlaggare@stad.example",
        bodies=[socialnamnden],
    )  # fmt: skip
    page = new_page()
    before = oidc.sessions().count("anna")
    start_city_login(page, "anna")
    expect_logged_in(page, "Anna Handläggare")
    assert oidc.sessions().count("anna") == before + 1

    page.get_by_role("button", name="Logga ut Anna Handläggare").click()
    # The provider asks, as providers do, and then sends the browser back to remiss.
    expect(page).to_have_url(re.compile(r"^" + re.escape(oidc.issuer) + r"/session/end"))
    page.get_by_role("button", name="Ja, logga ut").click()
    expect(page).to_have_url(re.compile(r"/konto/utloggad/$"))
    expect(page.get_by_role("heading", name="Du är utloggad")).to_be_visible()
    assert oidc.sessions().count("anna") == before

    page.goto("/handlaggare/")  # remiss's session is gone too
    expect(page).to_have_url(re.compile(r"/konto/login/\?next="))
    # And logging in again asks for the password at the provider again.
    page.get_by_role("link", name="Logga in med stadens konto").click()
    expect(page.get_by_role("heading", name="Stadens inloggning")).to_be_visible()


# --- Accessibility ------------------------------------------------------------------------------------


def test_the_login_pages_pass_axe(new_page):
    audit = AxeAudit()
    page = new_page(for_axe=True)
    page.goto("/konto/login/")
    audit.check(page, "Inloggning med stadens konto")
    start_city_login(page, "okand")
    expect(page.get_by_role("heading", name="Du finns inte i remiss")).to_be_visible()
    audit.check(page, "Du finns inte i remiss")
    page.goto("/konto/utloggad/")
    audit.check(page, "Utloggad")
    audit.assert_clean()
