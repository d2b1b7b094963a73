"""Logging out at the provider too (OpenID Connect RP-Initiated Logout 1.0).

After remiss ends its own session the browser goes to the provider's end_session_endpoint with
the ID token of the login (`id_token_hint`), remiss's client id and where to come back to
(`post_logout_redirect_uri`, the "Du är utloggad" page, which must be registered at the provider).
Without an endpoint (the provider has none, or cannot be reached) or for a password login, only
remiss's session ends.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import reverse

from remiss.auth import provider, refusals

log = logging.getLogger(__name__)


def end_session_url(request: HttpRequest) -> str:
    """The provider's logout address for this session, or "" when there is none to visit.

    Read before the session is flushed: the ID token is in it."""
    id_token = request.session.get("oidc_id_token")
    if not id_token or not provider.enabled():
        return ""
    try:
        endpoint = provider.endpoints().end_session
    except refusals.LoginRefused:
        log.warning("Logged out of remiss only: the provider's end-session endpoint could not be found")
        return ""
    if not endpoint:
        return ""
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("logged_out")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def provider_logout_url(request: HttpRequest) -> str:
    """mozilla-django-oidc's OIDC_OP_LOGOUT_URL_METHOD, for its own /oidc/logout/."""
    return end_session_url(request) or resolve_url(settings.LOGOUT_REDIRECT_URL)
