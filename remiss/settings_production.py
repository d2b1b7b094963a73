"""Production settings: the base settings, hardened. `manage.py check --deploy` passes with no warning.

Select with DJANGO_SETTINGS_MODULE=remiss.settings_production. Required environment:

- DJANGO_SECRET_KEY: at least 50 random characters (e.g. `python -c "import secrets;
  print(secrets.token_urlsafe(50))"`); keep it out of the repository.
- DJANGO_ALLOWED_HOSTS: comma-separated host names the site answers to, e.g. remiss.stad.se.

Optional:

- REMISS_BEHIND_TLS_PROXY=1 when a reverse proxy (nginx, a load balancer) terminates TLS and
  forwards plain HTTP. The proxy must then set `X-Forwarded-Proto: https` (and overwrite any such
  header from the client) and append the client's address to `X-Forwarded-For`. Never set it when
  clients can reach the application directly: they could claim to be on HTTPS.
- DJANGO_CSRF_TRUSTED_ORIGINS: comma-separated origins (https://remiss.stad.se) when the public
  origin differs from the Host the application sees.
- DJANGO_SECURE_SSL_REDIRECT=0 only when the proxy itself redirects http to https (the deploy
  check then warns, as it should: the application no longer enforces it).
- DJANGO_HSTS_SECONDS: defaults to a year. Lower it for a first rollout if unsure.

Everything else (database, media, upload limits, CSP, Argon2, django-axes, session expiry) comes
from remiss/settings.py unchanged, so development and tests run under the same policy.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from remiss.settings import *  # noqa: F401,F403


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set for remiss.settings_production.")
    return value


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in ("1", "true", "yes", "on")


DEBUG = False
SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = _csv(_required("DJANGO_ALLOWED_HOSTS"))
CSRF_TRUSTED_ORIGINS = _csv(os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", ""))

# HTTPS only, and the browser told to remember it for a year, subdomains included.
SECURE_SSL_REDIRECT = _flag("DJANGO_SECURE_SSL_REDIRECT", True)
# A load balancer's health check may ask over plain HTTP on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^halsa/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
BEHIND_TLS_PROXY = _flag("REMISS_BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Cookies: only over HTTPS, never readable from JavaScript (forms carry the CSRF token themselves).
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Headers (SecurityMiddleware, XFrameOptionsMiddleware; the CSP comes from the base settings).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def client_ip(request) -> str | None:
    """The client's address for django-axes.

    Behind the TLS proxy every request comes from the proxy, so the address is the last entry the
    proxy appended to X-Forwarded-For (entries before it come from the client and can be forged).
    Otherwise it is the connection's own address.
    """
    if BEHIND_TLS_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


AXES_CLIENT_IP_CALLABLE = client_ip

# Errors go to stderr, where the service manager (systemd, the container runtime) keeps them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
