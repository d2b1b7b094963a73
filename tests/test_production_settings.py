"""Production settings (remiss.settings_production) and the security every environment shares:
the deploy check, secure cookies and HSTS, the Content-Security-Policy, Argon2, login throttling
with django-axes and session expiry."""

import importlib
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.test import override_settings
from django.urls import reverse

from remiss.models import Case
from tests.factories import CaseFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
FAKE_ENV = {
    "DJANGO_SETTINGS_MODULE": "remiss.settings_production",
    "DJANGO_SECRET_KEY": "test-only-3f9c1b7e0a8d4c2f9e6b5a1d7c3e8f0b2a4d6c8e1f3a5b7d9",
    "DJANGO_ALLOWED_HOSTS": "remiss.example.se,www.remiss.example.se",
}


def manage(*args, env_overrides=None, drop=()):
    env = {**os.environ, **FAKE_ENV}
    env.update(env_overrides or {})
    for key in drop:
        env.pop(key, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production(monkeypatch):
    """The production settings module, freshly imported under the fake environment."""
    for key, value in FAKE_ENV.items():
        if key != "DJANGO_SETTINGS_MODULE":
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("REMISS_BEHIND_TLS_PROXY", raising=False)
    import remiss.settings_production as module

    return importlib.reload(module)


# --- The deploy check ----------------------------------------------------------------------------


def test_check_deploy_passes_with_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert not re.search(r"\b[A-Za-z_.]+\.[WE]\d{3}\b", output), output


def test_check_deploy_passes_behind_a_tls_proxy_too():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env_overrides={"REMISS_BEHIND_TLS_PROXY": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_development_settings_would_fail_the_deploy_check():
    """The check is real: the base settings (DEBUG, no HTTPS) do not pass it."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides={"DJANGO_SETTINGS_MODULE": "remiss.settings"}
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_environment(missing):
    result = manage("check", drop=(missing,))
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


# --- The production module's values --------------------------------------------------------------


def test_debug_off_and_hosts_from_the_environment(production):
    assert production.DEBUG is False
    assert FAKE_ENV["DJANGO_SECRET_KEY"] == production.SECRET_KEY
    assert production.ALLOWED_HOSTS == ["remiss.example.se", "www.remiss.example.se"]


def test_https_only_with_a_year_of_hsts(production):
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SECURE_HSTS_SECONDS >= 365 * 24 * 60 * 60
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert production.SECURE_HSTS_PRELOAD is True
    assert getattr(production, "SECURE_PROXY_SSL_HEADER", None) is None  # only behind a proxy


def test_only_the_health_check_answers_over_plain_http(client, production):
    """A load balancer checks /halsa/ over plain HTTP; every other page still redirects to HTTPS."""
    from django.test import override_settings as _override

    with _override(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=production.SECURE_REDIRECT_EXEMPT):
        health = client.get(reverse("health"))
        login = client.get(reverse("login"))
    assert health.status_code == 200 and health.content == b"ok"
    assert login.status_code == 301 and login["Location"].startswith("https://")


def test_cookies_are_secure_and_hidden_from_scripts(production):
    assert production.SESSION_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_HTTPONLY is True
    assert production.X_FRAME_OPTIONS == "DENY"
    assert production.SECURE_REFERRER_POLICY == "same-origin"
    assert production.SECURE_CONTENT_TYPE_NOSNIFF is True


def test_behind_a_tls_proxy(monkeypatch, production):
    monkeypatch.setenv("REMISS_BEHIND_TLS_PROXY", "1")
    proxied = importlib.reload(production)
    assert proxied.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")

    class Request:
        META = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}

    # The address the proxy appended, not the one the client may have forged before it.
    assert proxied.client_ip(Request) == "203.0.113.9"


def test_argon2_first_and_older_hashes_still_verify(production):
    hashers = production.PASSWORD_HASHERS
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers
    assert "MD5" not in " ".join(hashers)
    with override_settings(PASSWORD_HASHERS=hashers):
        assert make_password("korrekt häst batteri").startswith("argon2$")
        old = get_hasher("pbkdf2_sha256").encode("gammalt lösen", "salt1234salt1234")
        assert check_password("gammalt lösen", old)


def test_an_old_pbkdf2_hash_is_upgraded_to_argon2_at_login(db, production):
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = UserFactory(username="gammal")
        user.password = get_hasher("pbkdf2_sha256").encode("gammalt lösen", "salt1234salt1234")
        user.save()
        assert user.check_password("gammalt lösen")
        user.refresh_from_db()
        assert user.password.startswith("argon2$")


def test_shared_security_settings_reach_production(production):
    assert production.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesBackend"
    assert production.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert "csp.middleware.CSPMiddleware" in production.MIDDLEWARE
    assert production.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert production.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert production.SESSION_SAVE_EVERY_REQUEST is True
    assert production.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == production.AXES_COOLOFF_TIME
    assert production.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"], "ip_address"]
    assert production.AXES_HANDLER == "remiss.throttling.AddressLimitHandler"
    assert production.REMISS_AXES_ADDRESS_FAILURE_LIMIT == 20


# --- Content-Security-Policy ---------------------------------------------------------------------

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

# Inline code the policy would block: <script> without src, <style>, style="", onclick="" and the like.
INLINE = [
    re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>\s*\S", re.I),
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript:", re.I),
]


def parse_csp(header):
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


def assert_strict_csp(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no CSP on {response.request['PATH_INFO']}"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert parse_csp(header) == EXPECTED_CSP


# django-simple-history's admin history list has <p class="paginator" style="border-top: 0">. The
# browser ignores that attribute under the policy; all it changes is a thin line above the
# paginator, so the admin gets no exception for it.
KNOWN_HARMLESS = ['<p class="paginator" style="border-top: 0">']


def inline_code(html):
    for harmless in KNOWN_HARMLESS:
        html = html.replace(harmless, "")
    return [m.group(0) for pattern in INLINE for m in pattern.finditer(html)]


@pytest.mark.django_db
def test_pages_carry_the_strict_policy_and_no_inline_code(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_strict_csp(response)
    assert inline_code(response.content.decode()) == []


@pytest.mark.django_db
def test_logged_in_pages_carry_the_policy(client, registrar):
    client.force_login(registrar)
    for name in ("case_list", "password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_strict_csp(response)
        assert inline_code(response.content.decode()) == [], name


@pytest.mark.django_db
def test_the_admin_needs_no_exception_from_the_policy(client):
    """Django 5.2's admin keeps its scripts in files (data-* attributes carry the values), so the
    same strict policy serves it; no page here has inline code the browser would block."""
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    case = CaseFactory()
    pages = [
        reverse("admin:index"),
        reverse("admin:remiss_case_changelist"),
        reverse("admin:remiss_case_add"),
        reverse("admin:remiss_case_change", args=[case.pk]),
        reverse("admin:remiss_case_history", args=[case.pk]),
        reverse("admin:remiss_user_changelist"),
        reverse("admin:remiss_user_change", args=[admin.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_csp(response)
        assert inline_code(response.content.decode()) == [], url
    assert Case.objects.count() == 1


# --- Login throttling (django-axes) --------------------------------------------------------------


@pytest.fixture
def axes_on(settings):
    """tests/conftest.py turns django-axes off (the test client's login() passes no request)."""
    settings.AXES_ENABLED = True
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    return settings


def attempt(client, username, password, ip="192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failed_logins_lock_the_username_from_that_address(db, axes_on, client):
    UserFactory(username="anna", password="rätt lösenord 123")
    for _ in range(4):
        response = attempt(client, "anna", "fel")
        assert response.status_code == 200  # the login form again, with its error
        assert "_auth_user_id" not in client.session

    fifth = attempt(client, "anna", "fel")
    assert fifth.status_code == 429
    sixth = attempt(client, "anna", "rätt lösenord 123")  # even the right password is refused now
    assert sixth.status_code == 429
    assert "_auth_user_id" not in client.session
    page = sixth.content.decode()
    assert "Inloggningen är tillfälligt spärrad" in page
    assert "spärrat från den här datorn i 15 minuter" in page
    assert_strict_csp(sixth)


def test_the_lockout_is_per_username_and_address(db, axes_on, client):
    UserFactory(username="anna", password="rätt lösenord 123")
    UserFactory(username="bertil", password="bertils lösenord 456")
    for _ in range(5):
        attempt(client, "anna", "fel")
    assert attempt(client, "anna", "rätt lösenord 123").status_code == 429

    # Someone else at the same address, and Anna from another address, still log in.
    assert attempt(client, "bertil", "bertils lösenord 456").status_code == 302
    client.logout()
    assert attempt(client, "anna", "rätt lösenord 123", ip="198.51.100.7").status_code == 302


def test_the_lockout_ends_after_15_minutes(db, axes_on, client):
    from axes.models import AccessAttempt
    from django.utils import timezone

    UserFactory(username="anna", password="rätt lösenord 123")
    for _ in range(5):
        attempt(client, "anna", "fel")
    assert attempt(client, "anna", "rätt lösenord 123").status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "anna", "rätt lösenord 123").status_code == 302


def test_password_spraying_from_one_address_locks_the_address(db, axes_on, client):
    """Found in review: 48 failures over 12 usernames from one address were never refused, since
    each username stayed under its own five. The address has its own limit across usernames."""
    limit = django_settings.REMISS_AXES_ADDRESS_FAILURE_LIMIT
    assert limit == 20
    UserFactory(username="anna", password="rätt lösenord 123")
    UserFactory(username="bertil", password="bertils lösenord 456")
    statuses = [attempt(client, f"user{n}", f"gissning {k}").status_code for k in range(4) for n in range(12)]
    assert statuses[: limit - 1] == [200] * (limit - 1)  # each a login form with its error
    assert statuses[limit - 1 :] == [429] * (48 - limit + 1)
    # Now nobody logs in from that address, not even with the right password …
    refused = attempt(client, "bertil", "bertils lösenord 456")
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    page = refused.content.decode()
    assert "från den här adressen" in page and "i 15 minuter" in page
    assert_strict_csp(refused)
    # … while from any other address they do.
    assert attempt(client, "anna", "rätt lösenord 123", ip="198.51.100.7").status_code == 302


def test_the_address_limit_counts_only_failures_in_the_cooloff(db, axes_on, client):
    from axes.models import AccessAttempt
    from django.utils import timezone

    UserFactory(username="bertil", password="bertils lösenord 456")
    for n in range(django_settings.REMISS_AXES_ADDRESS_FAILURE_LIMIT):
        attempt(client, f"user{n}", "fel")
    assert attempt(client, "bertil", "bertils lösenord 456").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "bertil", "bertils lösenord 456").status_code == 302


def test_a_successful_login_does_not_forgive_the_address_its_other_failures(db, axes_on, client):
    """A sprayer with one valid account must not start the address's count over by using it."""
    UserFactory(username="mallory", password="mallorys lösenord 1")
    limit = django_settings.REMISS_AXES_ADDRESS_FAILURE_LIMIT
    for n in range(limit - 1):
        attempt(client, f"user{n}", "fel")
    assert attempt(client, "mallory", "mallorys lösenord 1").status_code == 302
    client.logout()
    assert attempt(client, "user0", "fel").status_code == 429


def test_a_few_mistakes_at_a_shared_address_lock_nobody_else(db, axes_on, client):
    """An office behind one address: colleagues' typos below the address limit lock no one else."""
    UserFactory(username="bertil", password="bertils lösenord 456")
    for n in range(django_settings.REMISS_AXES_ADDRESS_FAILURE_LIMIT - 2):
        assert attempt(client, f"kollega{n}", "fel").status_code == 200
    assert attempt(client, "bertil", "bertils lösenord 456").status_code == 302


def test_axes_is_off_in_other_tests_so_client_login_works(db, client):
    assert django_settings.AXES_ENABLED is False
    user = UserFactory(username="cecilia", password="hemligt lösen 789")
    assert client.login(username="cecilia", password="hemligt lösen 789")
    assert client.session["_auth_user_id"] == str(user.pk)


# --- Session expiry -----------------------------------------------------------------------------


def test_sessions_expire_after_eight_hours_sliding_and_at_browser_close(db, client, registrar):
    assert django_settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    client.force_login(registrar)
    response = client.get(reverse("case_list"))
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]  # renewed on every request
    assert cookie["max-age"] == ""  # a browser-session cookie: gone when the browser closes
    assert cookie["httponly"]
    assert 0 < client.session.get_expiry_age() <= 8 * 60 * 60
