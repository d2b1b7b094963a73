"""The city's identity provider: whether it is configured, and its endpoints.

An endpoint given in the environment (REMISS_OIDC_TOKEN_ENDPOINT etc., see remiss.auth.config) is
used as it is. The others come from the provider's discovery document,
`<issuer>/.well-known/openid-configuration`, fetched at the first login or logout that needs it,
never at import or start, so the application starts while the provider is unreachable. The
document is kept for an hour per process.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

from remiss.auth import refusals

log = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_MAX_AGE = 60 * 60  # seconds

_discovered: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    jwks: str
    userinfo: str  # "" when claims come from the ID token alone
    end_session: str  # "" when the provider has no RP-initiated logout


def enabled() -> bool:
    return bool(settings.REMISS_OIDC_ISSUER and settings.OIDC_RP_CLIENT_ID)


def password_login() -> bool:
    return bool(settings.REMISS_PASSWORD_LOGIN)


def endpoints() -> Endpoints:
    """The provider's endpoints; raises ProviderUnavailable when one must be discovered and cannot."""
    explicit: dict[str, str] = settings.REMISS_OIDC_ENDPOINTS
    required = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    optional = ("userinfo_endpoint", "end_session_endpoint")
    document = explicit if all(explicit.get(key) for key in required + optional) else _discovery()
    found = {key: explicit.get(key) or str(document.get(key) or "") for key in required + optional}
    if not all(found[key] for key in required):
        log.error("The provider's discovery document lacks one of %s", ", ".join(required))
        raise refusals.misconfigured()
    return Endpoints(
        authorization=found["authorization_endpoint"],
        token=found["token_endpoint"],
        jwks=found["jwks_uri"],
        userinfo=found["userinfo_endpoint"] if settings.REMISS_OIDC_USE_USERINFO else "",
        end_session=found["end_session_endpoint"],
    )


def _discovery() -> dict[str, Any]:
    issuer: str = settings.REMISS_OIDC_ISSUER
    with _lock:
        cached = _discovered.get(issuer)
        if cached and time.monotonic() - cached[0] < DISCOVERY_MAX_AGE:
            return cached[1]
    document = _fetch(issuer)
    with _lock:
        _discovered[issuer] = (time.monotonic(), document)
    return document


def _fetch(issuer: str) -> dict[str, Any]:
    url = issuer + DISCOVERY_PATH
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        log.warning("The provider's discovery document %s could not be read: %s", url, error)
        raise refusals.unavailable() from error
    # The document must be the issuer's own (OpenID Connect Discovery 1.0, section 4.3).
    named = document.get("issuer") if isinstance(document, dict) else None
    if str(named or "").rstrip("/") != issuer:
        log.error("The discovery document at %s names the issuer %r, not %r", url, named, issuer)
        raise refusals.misconfigured()
    return document


def forget_discovery() -> None:
    """Drop the kept discovery documents (tests, or after the provider changed its endpoints)."""
    with _lock:
        _discovered.clear()
