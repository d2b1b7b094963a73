"""The login settings from the environment (remiss.auth.config) and what remiss/settings.py makes of them."""

from __future__ import annotations

import importlib.util

import pytest
from django.core.exceptions import ImproperlyConfigured

from remiss import settings as remiss_settings
from remiss.auth.config import ROLES, form_action_sources, login_config, parse_group_map
from remiss.models import User

ISSUER = "https://login.stad.example/tenant/v2.0"
CITY = {
    "REMISS_OIDC_ISSUER": ISSUER,
    "REMISS_OIDC_CLIENT_ID": "remiss",
    "REMISS_OIDC_CLIENT_SECRET": "hemligt",
}


def test_without_the_environment_only_passwords_log_in():
    config = login_config({})
    assert config.password_login and not config.oidc_enabled
    assert (config.match, config.match_claim, config.scopes) == ("email", "email", "openid email profile")
    assert config.group_map == {} and config.endpoints == {}


def test_the_city_login_from_the_environment():
    config = login_config(
        {
            **CITY,
            "REMISS_OIDC_ISSUER": ISSUER + "/",
            "REMISS_PASSWORD_LOGIN": "false",
            "REMISS_OIDC_MATCH": "employee_id",
            "REMISS_OIDC_MATCH_CLAIM": "extn.employeeNumber",
            "REMISS_OIDC_SCOPES": "openid  email\tprofile",
            "REMISS_OIDC_END_SESSION_ENDPOINT": "https://logout.stad.example/end",
            "REMISS_OIDC_GROUP_MAP": '{"g1": {"role": "registrar"}, "g2": {"bodies": ["Socialnämnden"]}}',
            "REMISS_LOGIN_CONTACT": "stadens it-support, 08-123 45",
        }
    )
    assert config.oidc_enabled and not config.password_login
    assert config.issuer == ISSUER  # the trailing slash goes: the ID token's iss is compared with it
    assert (config.match, config.match_claim) == ("employee_id", "extn.employeeNumber")
    assert config.scopes == "openid email profile"
    assert config.endpoints == {"end_session_endpoint": "https://logout.stad.example/end"}
    assert config.group_map["g2"] == {"bodies": ["Socialnämnden"]}
    assert config.contact == "stadens it-support, 08-123 45"


@pytest.mark.parametrize(
    "env",
    [
        {"REMISS_PASSWORD_LOGIN": "nej"},
        {"REMISS_PASSWORD_LOGIN": "false"},  # and no city login: nobody could log in
        {"REMISS_OIDC_ISSUER": ISSUER},  # without a client id
        {**CITY, "REMISS_OIDC_CLIENT_SECRET": ""},
        {**CITY, "REMISS_OIDC_ISSUER": "login.stad.example"},
        {**CITY, "REMISS_OIDC_SCOPES": "email profile"},
        {**CITY, "REMISS_OIDC_MATCH": "personnummer"},
        {**CITY, "REMISS_OIDC_TIMEOUT": "aldrig"},
        {**CITY, "REMISS_OIDC_TOKEN_ENDPOINT": "ftp://stad.example/token"},
        {**CITY, "REMISS_OIDC_GROUP_MAP": "{not json"},
    ],
)
def test_a_setting_that_cannot_be_understood_stops_the_start(env):
    with pytest.raises(ImproperlyConfigured):
        login_config(env)


@pytest.mark.parametrize(
    "raw",
    [
        '["registrar"]',
        '{"g": "registrar"}',
        '{"g": {}}',
        '{"g": {"role": "kung"}}',
        '{"g": {"bodies": "Socialnämnden"}}',
        '{"g": {"bodies": [""]}}',
        '{"g": {"role": "officer", "rights": "all"}}',
    ],
)
def test_a_group_map_must_be_roles_and_body_names(raw):
    with pytest.raises(ImproperlyConfigured, match="REMISS_OIDC_GROUP_MAP"):
        parse_group_map(raw)


def test_the_roles_the_settings_know_are_the_users_roles():
    assert tuple(User.Role.values) == ROLES


def test_logout_may_redirect_from_the_form_to_the_provider():
    assert form_action_sources("", {}) == []
    assert form_action_sources(ISSUER, {}) == ["https://login.stad.example"]
    other = {"end_session_endpoint": "https://logout.stad.example/end"}
    assert form_action_sources(ISSUER, other) == ["https://login.stad.example", "https://logout.stad.example"]


def _load_settings(monkeypatch, **env):
    for name in list(CITY) + ["REMISS_PASSWORD_LOGIN"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("remiss_login_settings_under_test", remiss_settings.__file__)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_settings_module_sets_up_the_library(monkeypatch):
    plain = _load_settings(monkeypatch)
    assert plain.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] == ["'self'"]
    city = _load_settings(monkeypatch, **CITY, REMISS_PASSWORD_LOGIN="0")
    assert city.OIDC_USE_PKCE and city.OIDC_USE_NONCE and city.OIDC_STORE_ID_TOKEN
    assert city.OIDC_CREATE_USER is False
    assert city.OIDC_RP_CLIENT_ID == "remiss" and city.REMISS_PASSWORD_LOGIN is False
    assert city.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] == ["'self'", "https://login.stad.example"]
    # The module-level policy of the settings in use is not changed by loading another copy.
    assert remiss_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] == ["'self'"]
