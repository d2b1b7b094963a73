"""The password switch, the admin's break-glass login, and the city login's parts.

The whole flow against a real provider is in tests/test_oidc_browser.py; these tests need no
provider: they stop before it would be reached (or point at an address where nothing listens).
"""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.contrib.auth import get_user
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory
from django.urls import reverse

from remiss.auth import groups, provider, refusals
from remiss.auth.backends import CityAccountBackend, describe
from remiss.auth.logout import end_session_url
from remiss.models import User
from tests import oidc_provider
from tests.factories import BodyFactory, OfficerFactory, UserFactory

ISSUER = "https://login.stad.example/tenant/v2.0"
ENDPOINTS = {
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/keys",
    "end_session_endpoint": f"{ISSUER}/logout",
}


@pytest.fixture
def city(settings):
    """The city's login configured with explicit endpoints (nothing is fetched)."""
    settings.REMISS_OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = "remiss"
    settings.OIDC_RP_CLIENT_SECRET = "hemligt"
    settings.REMISS_OIDC_ENDPOINTS = dict(ENDPOINTS)
    return settings


@pytest.fixture
def passwords_off(city):
    city.REMISS_PASSWORD_LOGIN = False
    return city


# --- The login page and the password switch -----------------------------------------------------------


def test_without_the_city_login_the_page_is_the_password_form_as_before(client, db):
    html = client.get(reverse("login")).content.decode()
    assert 'name="password"' in html
    assert "Logga in med stadens konto" not in html


def test_with_the_city_login_both_are_offered(client, db, city):
    html = client.get(reverse("login") + "?next=/arenden/").content.decode()
    assert 'href="/oidc/authenticate/?next=/arenden/"' in html
    assert 'name="password"' in html


def test_with_passwords_off_only_the_city_login_is_offered(client, db, passwords_off):
    html = client.get(reverse("login")).content.decode()
    assert "Logga in med stadens konto" in html
    assert 'name="password"' not in html


def test_with_passwords_off_a_password_post_is_refused(client, db, passwords_off):
    UserFactory(username="kalle", password="losenord-123", is_superuser=True, is_staff=True)
    response = client.post(reverse("login"), {"username": "kalle", "password": "losenord-123"})
    assert response.status_code == 403
    assert "Inloggning med lösenord är avstängd" in response.content.decode()
    assert not get_user(client).is_authenticated  # not even a superuser here: they use the admin


def test_switching_passwords_off_ends_password_sessions(client, db, settings):
    UserFactory(username="kalle", password="losenord-123", role=User.Role.REGISTRAR)
    assert client.login(username="kalle", password="losenord-123")
    assert get_user(client).is_authenticated
    settings.REMISS_PASSWORD_LOGIN = False
    assert not get_user(client).is_authenticated


# --- The admin's break-glass login --------------------------------------------------------------------


def _admin_login(client, username):
    return client.post(reverse("admin:login"), {"username": username, "password": "losenord-123", "next": "/admin/"})


def test_with_passwords_off_the_admin_still_lets_a_superuser_in(client, db, passwords_off):
    UserFactory(username="nodlage", password="losenord-123", is_superuser=True, is_staff=True)
    response = _admin_login(client, "nodlage")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert get_user(client).username == "nodlage"


def test_with_passwords_off_the_admin_refuses_everyone_else(client, db, passwords_off):
    UserFactory(username="personal", password="losenord-123", is_staff=True, role=User.Role.ADMIN)
    response = _admin_login(client, "personal")
    assert response.status_code == 200  # the form again, with its error
    assert not get_user(client).is_authenticated


def test_with_passwords_on_the_admin_takes_staff_as_before(client, db):
    UserFactory(username="personal", password="losenord-123", is_staff=True)
    assert _admin_login(client, "personal").status_code == 302


# --- Starting a login at the provider -------------------------------------------------------------------


def test_the_login_goes_to_the_provider_with_pkce_state_and_nonce(client, db, city):
    response = client.get(reverse("oidc_authentication_init") + "?next=/arenden/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == ENDPOINTS["authorization_endpoint"]
    query = {key: values[0] for key, values in parse_qs(target.query).items()}
    assert query["response_type"] == "code" and query["client_id"] == "remiss"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"
    kept = client.session["oidc_states"][query["state"]]
    assert kept["nonce"] == query["nonce"] and kept["code_verifier"]
    assert client.session["oidc_login_next"] == "/arenden/"


def test_without_the_city_login_its_addresses_are_not_found(client, db):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback") + "?code=x&state=y").status_code == 404


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_provider_gets_a_swedish_page_not_a_500(client, db, city):
    city.REMISS_OIDC_ISSUER = f"http://127.0.0.1:{_closed_port()}"
    city.REMISS_OIDC_ENDPOINTS = {}  # so they must be discovered
    city.OIDC_TIMEOUT = 2
    provider.forget_discovery()
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 503
    assert "Stadens inloggningstjänst svarar inte just nu" in response.content.decode()


# --- The callback, refused before the provider is asked -------------------------------------------------


def test_a_callback_for_no_login_begun_here_is_refused_in_swedish(client, db, city):
    response = client.get(reverse("oidc_authentication_callback") + "?code=abc&state=def")
    assert response.status_code == 400
    assert "Inloggningen kunde inte slutföras" in response.content.decode()


def test_a_callback_with_an_unknown_state_is_refused_in_swedish(client, db, city):
    client.get(reverse("oidc_authentication_init"))
    response = client.get(reverse("oidc_authentication_callback") + "?code=abc&state=fel")
    assert response.status_code == 400
    assert "hörde inte till den här inloggningen" in response.content.decode()


def test_a_login_cancelled_at_the_provider_is_said_so(client, db, city):
    client.get(reverse("oidc_authentication_init"))
    state = next(iter(client.session["oidc_states"]))
    response = client.get(reverse("oidc_authentication_callback") + f"?error=access_denied&state={state}")
    assert response.status_code == 400
    assert "avbröts eller nekades" in response.content.decode()
    assert state not in client.session["oidc_states"]  # used up


def test_the_city_backend_ignores_password_logins(db, city):
    request = RequestFactory().post("/konto/login/?code=abc&state=def")
    assert CityAccountBackend().authenticate(request, username="kalle", password="x") is None


def _signed(claims: dict) -> tuple[CityAccountBackend, str]:
    """A backend that verifies with the client secret (HS256), and a token it signed so."""
    backend = CityAccountBackend()
    backend.OIDC_RP_SIGN_ALGO = "HS256"
    backend.OIDC_RP_CLIENT_SECRET = "hemligt-och-langt-nog-for-hs256-0123456789"
    token = jwt.encode({"sub": "a1", "nonce": "n1", **claims}, backend.OIDC_RP_CLIENT_SECRET, algorithm="HS256")
    return backend, token


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://login.annan.example/v2.0", "aud": "remiss"},
        {"iss": ISSUER, "aud": "en-annan-app"},
        {"iss": ISSUER, "aud": ["remiss", "en-annan-app"], "azp": "en-annan-app"},
    ],
)
def test_an_id_token_from_another_issuer_or_for_another_client_is_refused(db, city, claims):
    backend, token = _signed(claims)
    with pytest.raises(SuspiciousOperation):
        backend.verify_token(token, nonce="n1")


def test_an_id_token_for_this_client_from_the_issuer_passes(db, city):
    backend, token = _signed({"iss": ISSUER, "aud": ["remiss", "graph"], "azp": "remiss"})
    assert backend.verify_token(token, nonce="n1")["sub"] == "a1"
    with pytest.raises(SuspiciousOperation):  # the library's nonce check still applies
        backend.verify_token(token, nonce="n2")


# --- Matching the person, and groups ---------------------------------------------------------------------


def test_matched_by_email_whatever_the_case(db, city):
    user = UserFactory(email="Anna.Andersson@stad.example")
    backend = CityAccountBackend()
    assert list(backend.filter_users_by_claims({"email": "anna.andersson@STAD.example"})) == [user]
    assert not backend.filter_users_by_claims({"email": ""}).exists()
    assert not backend.filter_users_by_claims({}).exists()


def test_matched_by_employee_id_or_username(db, city):
    user = UserFactory(username="aa01", employee_id="E1001")
    backend = CityAccountBackend()
    city.REMISS_OIDC_MATCH, city.REMISS_OIDC_MATCH_CLAIM = "employee_id", "employeeid"
    assert list(backend.filter_users_by_claims({"employeeid": " E1001 ", "email": "x@y"})) == [user]
    assert list(backend.filter_users_by_claims({"employeeid": 1001})) == []
    assert describe({"employeeid": "E7"}) == "anställnings-id E7"
    city.REMISS_OIDC_MATCH, city.REMISS_OIDC_MATCH_CLAIM = "username", "preferred_username"
    assert list(backend.filter_users_by_claims({"preferred_username": "aa01"})) == [user]


def test_nobody_matched_is_refused_and_no_user_is_made(db, city):
    users = User.objects.count()
    with pytest.raises(refusals.UnknownPerson, match="anna@stad.example"):
        CityAccountBackend().create_user({"email": "anna@stad.example"})
    assert User.objects.count() == users


def test_groups_give_the_first_mapped_role_and_all_mapped_bodies():
    mapping = {
        "reg": {"role": "registrar"},
        "soc": {"role": "officer", "bodies": ["Socialnämnden"]},
        "utb": {"bodies": ["Utbildningsnämnden"]},
    }
    both = groups.grants_for(["utb", "soc", "annat"], mapping)
    assert both == groups.Grants(role="officer", bodies=frozenset({"Socialnämnden", "Utbildningsnämnden"}))
    assert groups.grants_for(["soc", "reg"], mapping).role == "registrar"  # the mapping's order decides
    assert groups.grants_for(["annat"], mapping) == groups.Grants(role="other", bodies=frozenset())


def test_the_groups_set_role_and_bodies_with_a_history_reason(db, city):
    soc = BodyFactory(name="Socialnämnden")
    BodyFactory(name="Utbildningsnämnden")
    city.REMISS_OIDC_GROUP_MAP = {"soc": {"role": "officer", "bodies": ["Socialnämnden"]}}
    user = UserFactory(role=User.Role.REGISTRAR)
    groups.apply_groups(user, {"groups": ["soc"]})
    user.refresh_from_db()
    assert user.role == User.Role.OFFICER and list(user.bodies.all()) == [soc]
    assert "från stadens grupper" in user.history.first().history_change_reason
    rows = user.history.count()
    groups.apply_groups(user, {"groups": ["soc"]})  # nothing changed: no new version
    assert user.history.count() == rows
    groups.apply_groups(user, {})  # no longer in any mapped group: the rights go
    user.refresh_from_db()
    assert user.role == User.Role.OTHER and not user.bodies.exists()


def test_without_a_mapping_roles_stay_as_kept_in_remiss(db, city):
    user = OfficerFactory()
    groups.apply_groups(user, {"groups": ["remiss-registratorer"]})
    user.refresh_from_db()
    assert user.role == User.Role.OFFICER


def test_a_mapped_body_missing_from_remiss_refuses_the_login(db, city):
    city.REMISS_OIDC_GROUP_MAP = {"soc": {"role": "officer", "bodies": ["Nedlagda nämnden"]}}
    user = OfficerFactory()
    with pytest.raises(refusals.NotAllowed, match="felinställd"):
        groups.apply_groups(user, {"groups": ["soc"]})
    user.refresh_from_db()
    assert user.role == User.Role.OFFICER


def test_groups_left_out_by_the_provider_refuse_the_login(db, city):
    city.REMISS_OIDC_GROUP_MAP = {"soc": {"role": "officer"}}
    overage = {"_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {"endpoint": "https://graph"}}}
    with pytest.raises(refusals.NotAllowed, match="grupper"):
        groups.apply_groups(OfficerFactory(), overage)


# --- Logging out at the provider -------------------------------------------------------------------------


def test_the_provider_logout_address_carries_the_id_token_and_the_way_back(db, city):
    request = RequestFactory().post("/konto/logout/")
    request.session = {"oidc_id_token": "eyJ.token"}  # type: ignore[assignment]
    url = urlsplit(end_session_url(request))
    assert f"{url.scheme}://{url.netloc}{url.path}" == ENDPOINTS["end_session_endpoint"]
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert query == {
        "id_token_hint": "eyJ.token",
        "client_id": "remiss",
        "post_logout_redirect_uri": "http://testserver/konto/utloggad/",
    }


def test_a_password_session_logs_out_of_remiss_only(client, db, city):
    UserFactory(username="kalle", password="losenord-123", role=User.Role.REGISTRAR)
    client.login(username="kalle", password="losenord-123")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert not get_user(client).is_authenticated


def test_a_provider_without_logout_ends_remiss_session_only(db, city):
    city.REMISS_OIDC_ENDPOINTS = {**ENDPOINTS, "end_session_endpoint": ""}
    city.REMISS_OIDC_ISSUER = f"http://127.0.0.1:{_closed_port()}"  # so discovery cannot find one either
    city.OIDC_TIMEOUT = 2
    provider.forget_discovery()
    request = RequestFactory().post("/konto/logout/")
    request.session = {"oidc_id_token": "eyJ.token"}  # type: ignore[assignment]
    assert end_session_url(request) == ""


# --- The test provider's fixture -----------------------------------------------------------------------


def test_the_provider_fixture_names_the_make_target_without_node(monkeypatch):
    monkeypatch.setattr(oidc_provider.shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match=r"node is missing.*`make test`"):
        oidc_provider.require_node()


def test_the_provider_fixture_names_the_make_target_without_the_package(monkeypatch):
    monkeypatch.setattr(oidc_provider, "PACKAGE", oidc_provider.ROOT / "node_modules" / "nothing" / "package.json")
    with pytest.raises(pytest.fail.Exception, match=r"oidc-provider npm package.*`make test`.*npm ci"):
        oidc_provider.require_node()
