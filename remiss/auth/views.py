"""The login page, logout, and the two steps of a login through the city's identity provider.

- `LoginView`: Django's, offering "Logga in med stadens konto" when the provider is configured
  and refusing passwords (403, in Swedish) when REMISS_PASSWORD_LOGIN is off.
- `LogoutView`: Django's, then on to the provider's logout when the session came from there.
- `AuthenticateView` (/oidc/authenticate/) and `CallbackView` (/oidc/callback/): mozilla-django-
  oidc's, reading the endpoints at login, and answering every refusal with a Swedish page
  (templates/remiss/auth/refused.html) and its status instead of a redirect, a 400 or a 500.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.views import (  # type: ignore[import-untyped]
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from remiss.auth import provider, refusals
from remiss.auth.logout import end_session_url

log = logging.getLogger(__name__)


def refused(request: HttpRequest, refusal: refusals.LoginRefused) -> HttpResponse:
    context = {"title": refusal.title, "message": refusal.message, "try_again": refusal.try_again}
    return render(request, "remiss/auth/refused.html", context, status=refusal.status)


class LoginView(auth_views.LoginView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(city_login=provider.enabled(), password_login=provider.password_login())
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if provider.password_login():
            return super().post(request, *args, **kwargs)
        message = _("Inloggning med lösenord är avstängd. Logga in med stadens konto.")
        return self.render_to_response(self.get_context_data(refusal=message), status=403)


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        end_session = end_session_url(request) if request.user.is_authenticated else ""
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(end_session) if end_session else response


def logged_out(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the browser back after its logout."""
    return render(request, "registration/logged_out.html", {"city_login": provider.enabled()})


class AuthenticateView(OIDCAuthenticationRequestView):
    def __init__(self, **kwargs: Any) -> None:
        # The library reads the endpoint from the settings here; it is read at login instead.
        View.__init__(self, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not provider.enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider.endpoints().authorization
        except refusals.LoginRefused as refusal:
            return refused(request, refusal)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


def _refusal_for(error: Exception) -> refusals.LoginRefused:
    """What a failure inside the library's callback means to the person."""
    if isinstance(error, requests.HTTPError):
        status = error.response.status_code if error.response is not None else 0
        # 400 and 401 from the token endpoint: the code was expired, used already, or not for
        # this PKCE verifier; anything else is the provider's own trouble.
        return refusals.code_refused() if status in (400, 401) else refusals.unavailable()
    if isinstance(error, requests.RequestException):
        return refusals.unavailable()
    return refusals.not_verified()


class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not provider.enabled():
            raise Http404
        try:
            return super().get(request)
        except refusals.LoginRefused as refusal:
            return refused(request, refusal)
        except (SuspiciousOperation, jwt.PyJWTError, requests.RequestException) as error:
            log.warning("Login through the provider refused: %s", error)
            return refused(request, _refusal_for(error))
        except (KeyError, TypeError, ValueError):
            log.exception("Login through the provider refused: its answer was not as expected")
            return refused(request, refusals.not_verified())

    def login_failure(self) -> HttpResponse:
        if self.request.GET.get("error"):
            return refused(self.request, refusals.cancelled())
        return refused(self.request, refusals.incomplete())
