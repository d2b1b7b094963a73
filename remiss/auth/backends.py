"""The two ways to log in: a password, and the city's identity provider.

`PasswordBackend` is Django's ModelBackend, except that with REMISS_PASSWORD_LOGIN off it accepts
only superusers (the admin's break-glass login) and keeps no one else's password session.

`CityAccountBackend` is mozilla-django-oidc's backend. It acts only when the callback view calls
it (with the login's nonce and PKCE verifier); it checks the ID token's signature, nonce, issuer
and audience; it matches the person to an existing user by one claim (REMISS_OIDC_MATCH); and it
never creates a user: a person who is not in remiss is refused with a page that says so.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mozilla_django_oidc.auth import OIDCAuthenticationBackend  # type: ignore[import-untyped]

from remiss.auth import groups, provider, refusals
from remiss.models import User

log = logging.getLogger(__name__)

# How the person is described on the page that says they are not in remiss.
MATCH_LABELS = {
    "email": gettext_lazy("e-postadressen %s"),
    "employee_id": gettext_lazy("anställnings-id %s"),
    "username": gettext_lazy("användarnamnet %s"),
}


class PasswordBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        # Also asked for every request of a password session (get_user): switching passwords off
        # ends those sessions, except a superuser's.
        allowed = super().user_can_authenticate(user)
        return allowed and (provider.password_login() or bool(getattr(user, "is_superuser", False)))


def claim_value(claims: dict[str, Any]) -> str:
    value = claims.get(settings.REMISS_OIDC_MATCH_CLAIM)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return str(value).strip()


def describe(claims: dict[str, Any]) -> str:
    value = claim_value(claims)
    if not value:
        return _("en person utan %(claim)s") % {"claim": settings.REMISS_OIDC_MATCH_CLAIM}
    return str(MATCH_LABELS[settings.REMISS_OIDC_MATCH]) % value


class CityAccountBackend(OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads every endpoint here, and Django makes a backend for every login, a
        # password's too: they are read in authenticate() instead, when this backend acts.
        self.UserModel = get_user_model()

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback passes the nonce; a password login (or an address with ?code= made up
        # by someone) never reaches the provider from here.
        if request is None or "nonce" not in kwargs or not provider.enabled():
            return None
        found = provider.endpoints()
        self.OIDC_OP_AUTHORIZATION_ENDPOINT = found.authorization
        self.OIDC_OP_TOKEN_ENDPOINT = found.token
        self.OIDC_OP_USER_ENDPOINT = found.userinfo
        self.OIDC_OP_JWKS_ENDPOINT = found.jwks
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature, expiry and nonce; the issuer and audience too here."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if str(payload.get("iss", "")).rstrip("/") != settings.REMISS_OIDC_ISSUER:
            raise SuspiciousOperation("The ID token's issuer is not the configured one.")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is not meant for this client.")
        if len(audiences) > 1 and payload.get("azp") != settings.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("The ID token's authorized party is another client.")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, with the userinfo endpoint's over them when there is one.

        Some providers put the claims remiss needs only in the ID token (Microsoft Entra ID's
        optional claims and groups), others only at the userinfo endpoint."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The userinfo answer is about another subject.")
            claims.update(info)
        return claims

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        value = claim_value(claims)
        if not value:
            return User.objects.none()
        match = settings.REMISS_OIDC_MATCH
        if match == "email":
            return User.objects.filter(email__iexact=value)
        if match == "employee_id":
            return User.objects.filter(employee_id=value)
        return User.objects.filter(username=value)

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        claims = self.get_userinfo(access_token, id_token, payload)
        users = list(self.filter_users_by_claims(claims)[:2])
        if not users:
            log.info("Login refused: no user in remiss has %s", describe(claims))
            raise refusals.unknown_person(describe(claims))
        if len(users) > 1:
            log.warning("Login refused: several users have %s", describe(claims))
            raise refusals.ambiguous(describe(claims))
        if not users[0].is_active:
            raise refusals.inactive()
        return groups.apply_groups(users[0], claims)

    def create_user(self, claims: dict[str, Any]) -> User:
        # OIDC_CREATE_USER is False, so the library never calls this; should that ever change, a
        # person unknown to remiss still gets no account (and so no rights).
        raise refusals.unknown_person(describe(claims))

    def get_user(self, user_id: int) -> User | None:
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
