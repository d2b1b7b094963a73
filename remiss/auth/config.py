"""The login settings from the environment, checked when the settings load.

remiss/settings.py calls `login_config(os.environ)`; nothing here needs Django's apps, and nothing
reaches the network: the provider's endpoints that are not given explicitly are discovered at the
first login (`remiss.auth.provider`). A value that cannot be understood stops the start with
ImproperlyConfigured, naming the variable, rather than being guessed at.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# User.Role's values (tests/test_auth.py checks they stay the same); the settings load before the
# models can be imported.
ROLES = ("registrar", "officer", "politician", "admin", "other")

# What a login is matched by: the user field, and the claim that carries it unless
# REMISS_OIDC_MATCH_CLAIM names another.
MATCH_FIELDS = {"email": "email", "employee_id": "employee_id", "username": "preferred_username"}

# The provider's endpoints that may be given explicitly (REMISS_OIDC_<NAME>), by their names in
# the provider's discovery document.
ENDPOINT_VARIABLES = {
    "authorization_endpoint": "REMISS_OIDC_AUTHORIZATION_ENDPOINT",
    "token_endpoint": "REMISS_OIDC_TOKEN_ENDPOINT",
    "userinfo_endpoint": "REMISS_OIDC_USERINFO_ENDPOINT",
    "jwks_uri": "REMISS_OIDC_JWKS_URI",
    "end_session_endpoint": "REMISS_OIDC_END_SESSION_ENDPOINT",
}

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class LoginConfig:
    password_login: bool
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    endpoints: dict[str, str]
    use_userinfo: bool
    sign_algo: str
    match: str
    match_claim: str
    groups_claim: str
    group_map: dict[str, dict[str, Any]] = field(default_factory=dict)
    timeout: float = 10.0
    contact: str = "registratorn"

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.issuer and self.client_id)


def env_flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def parse_group_map(raw: str, name: str = "REMISS_OIDC_GROUP_MAP") -> dict[str, dict[str, Any]]:
    """The JSON mapping of group → {"role": one of ROLES, "bodies": [body names]}; both optional."""
    if not raw.strip():
        return {}
    try:
        mapping = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {error}") from error
    if not isinstance(mapping, dict):
        raise ImproperlyConfigured(f'{name} must be a JSON object: {{"group": {{"role": ..., "bodies": [...]}}}}.')
    for group, grant in mapping.items():
        _check_grant(name, group, grant)
    return mapping


def _check_grant(name: str, group: str, grant: Any) -> None:
    if not isinstance(grant, dict) or not set(grant) <= {"role", "bodies"} or not grant:
        raise ImproperlyConfigured(f'{name}: group {group!r} must map to {{"role": ..., "bodies": [...]}}.')
    if "role" in grant and grant["role"] not in ROLES:
        raise ImproperlyConfigured(f"{name}: group {group!r} has role {grant['role']!r}; roles: {', '.join(ROLES)}.")
    bodies = grant.get("bodies", [])
    if not isinstance(bodies, list) or not all(isinstance(body, str) and body.strip() for body in bodies):
        raise ImproperlyConfigured(f"{name}: group {group!r} must list its bodies by name.")


def _url(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if value and (urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc):
        raise ImproperlyConfigured(f"{name} must be an http(s) address, not {value!r}.")
    return value


def _match(env: Mapping[str, str]) -> tuple[str, str]:
    match = env.get("REMISS_OIDC_MATCH", "").strip() or "email"
    if match not in MATCH_FIELDS:
        raise ImproperlyConfigured(f"REMISS_OIDC_MATCH must be one of {', '.join(MATCH_FIELDS)}, not {match!r}.")
    return match, env.get("REMISS_OIDC_MATCH_CLAIM", "").strip() or MATCH_FIELDS[match]


def _timeout(env: Mapping[str, str]) -> float:
    raw = env.get("REMISS_OIDC_TIMEOUT", "").strip() or "10"
    try:
        timeout = float(raw)
    except ValueError:
        timeout = 0.0
    if not 0 < timeout <= 120:
        raise ImproperlyConfigured(f"REMISS_OIDC_TIMEOUT must be seconds between 0 and 120, not {raw!r}.")
    return timeout


def login_config(env: Mapping[str, str]) -> LoginConfig:
    """Every login setting from `env` (os.environ in a deployment)."""
    match, match_claim = _match(env)
    config = LoginConfig(
        password_login=env_flag(env, "REMISS_PASSWORD_LOGIN", True),
        issuer=_url(env, "REMISS_OIDC_ISSUER").rstrip("/"),
        client_id=env.get("REMISS_OIDC_CLIENT_ID", "").strip(),
        client_secret=env.get("REMISS_OIDC_CLIENT_SECRET", "").strip(),
        scopes=" ".join(env.get("REMISS_OIDC_SCOPES", "").split()) or "openid email profile",
        endpoints={key: _url(env, name) for key, name in ENDPOINT_VARIABLES.items() if _url(env, name)},
        use_userinfo=env_flag(env, "REMISS_OIDC_USE_USERINFO", True),
        sign_algo=env.get("REMISS_OIDC_SIGN_ALGO", "").strip() or "RS256",
        match=match,
        match_claim=match_claim,
        groups_claim=env.get("REMISS_OIDC_GROUPS_CLAIM", "").strip() or "groups",
        group_map=parse_group_map(env.get("REMISS_OIDC_GROUP_MAP", "")),
        timeout=_timeout(env),
        contact=env.get("REMISS_LOGIN_CONTACT", "").strip() or "registratorn",
    )
    _check_complete(config)
    return config


def _check_complete(config: LoginConfig) -> None:
    if bool(config.issuer) != bool(config.client_id):
        raise ImproperlyConfigured("REMISS_OIDC_ISSUER and REMISS_OIDC_CLIENT_ID are set together, or neither.")
    if config.oidc_enabled and not config.client_secret:
        raise ImproperlyConfigured("REMISS_OIDC_CLIENT_SECRET must be set with REMISS_OIDC_CLIENT_ID.")
    if config.oidc_enabled and "openid" not in config.scopes.split():
        raise ImproperlyConfigured("REMISS_OIDC_SCOPES must include openid.")
    if not config.password_login and not config.oidc_enabled:
        raise ImproperlyConfigured(
            "REMISS_PASSWORD_LOGIN=false needs the city's login (REMISS_OIDC_ISSUER, REMISS_OIDC_CLIENT_ID, "
            "REMISS_OIDC_CLIENT_SECRET): otherwise nobody but a superuser in the admin could log in."
        )


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def form_action_sources(issuer: str, endpoints: Mapping[str, str]) -> list[str]:
    """The provider's origins that the logout form's redirect goes to, for CSP form-action.

    Logging out is a POST whose answer redirects to the provider's end-session endpoint, and the
    browser holds that redirect to form-action. The endpoint is the issuer's origin unless
    REMISS_OIDC_END_SESSION_ENDPOINT names another (a discovered one elsewhere is not known when
    the settings load: set the variable then)."""
    if not issuer:
        return []
    sources = [origin(issuer)]
    end_session = endpoints.get("end_session_endpoint")
    if end_session and origin(end_session) not in sources:
        sources.append(origin(end_session))
    return sources
