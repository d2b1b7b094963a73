"""Django settings for remiss.

The defaults suit one machine: SQLite beside the code, Swedish, Stockholm time. Environment
variables override what a deployment must set (secret key, hosts, debug).
"""

import hashlib
import os
import tempfile
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from remiss.auth.config import form_action_sources, login_config

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "remiss.apps.RemissConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "csp",
    # Login throttling: counts failed logins and locks a username from one address for a while.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every page, in development and tests too (see CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A Swedish page instead of the blank one for a GET of a POST-only address (HTTP 405).
    "remiss.middleware.MethodNotAllowedPageMiddleware",
    # An id in the URL beyond the database's integers is a 404, not an OverflowError (remiss.ids).
    "remiss.middleware.IdRangeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records request.user as history_user on every history row written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the Swedish lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "remiss.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "remiss.auth.context.password_change",
            ],
        },
    },
]

WSGI_APPLICATION = "remiss.wsgi.application"


def database_config(env: Mapping[str, str]) -> dict[str, Any]:
    """The default database, from the environment `env` (os.environ in production).

    Without DATABASE_URL it is SQLite at REMISS_SQLITE_PATH (db.sqlite3 beside the code). With it,
    dj-database-url parses the URL, e.g. postgres://user:password@host:5432/remiss, which Django
    serves through psycopg 3; DATABASE_CONN_MAX_AGE (seconds, default 60) keeps connections
    open between requests, and a health check replaces one the server has dropped.
    """
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        return _sqlite_config(env.get("REMISS_SQLITE_PATH", str(BASE_DIR / "db.sqlite3")))
    config = dj_database_url.parse(
        url,
        conn_max_age=int(env.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":  # sqlite:///path gets the same tuning
        return _sqlite_config(str(config["NAME"]))
    return dict(config)


def _sqlite_config(name: str) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": name,
        "OPTIONS": {
            # IMMEDIATE takes the write lock when a transaction starts, so two writers queue on
            # the busy timeout instead of failing with "database is locked" mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,  # seconds: the busy timeout
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": database_config(os.environ)}

AUTH_USER_MODEL = "remiss.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("REMISS_MEDIA_ROOT", str(BASE_DIR / "media")))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Security shared by every environment (production adds more in remiss/settings_production.py)

# django-axes first: it refuses a locked-out login before the password is even checked. Then
# passwords (only superusers' when REMISS_PASSWORD_LOGIN is off), then the city's identity
# provider, which acts only on its own callback (remiss.auth.backends).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "remiss.auth.backends.PasswordBackend",
    "remiss.auth.backends.CityAccountBackend",
]

# Argon2 for new passwords; the others stay so that older hashes still verify (and are upgraded
# to Argon2 at the next login).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# A working day at most, sliding: each request renews it; closing the browser ends it.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True

# No inline script or style anywhere: every script and stylesheet is a file under /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Login through the city's identity provider (OpenID Connect; remiss.auth, README "Login")
# Every value comes from the environment (remiss.auth.config documents and checks them). Without
# REMISS_OIDC_ISSUER and REMISS_OIDC_CLIENT_ID only passwords log in, as before.
_login = login_config(os.environ)
REMISS_PASSWORD_LOGIN = _login.password_login
REMISS_OIDC_ISSUER = _login.issuer
REMISS_OIDC_ENDPOINTS = _login.endpoints  # explicit ones; the others are discovered at the first login
REMISS_OIDC_USE_USERINFO = _login.use_userinfo
REMISS_OIDC_MATCH = _login.match  # email, employee_id or username
REMISS_OIDC_MATCH_CLAIM = _login.match_claim
REMISS_OIDC_GROUPS_CLAIM = _login.groups_claim
REMISS_OIDC_GROUP_MAP = _login.group_map  # empty: roles and bodies are kept in remiss
REMISS_LOGIN_CONTACT = _login.contact  # whom a person who is not in remiss should contact
# mozilla-django-oidc's own settings. Its views and backend are remiss's subclasses, which read the
# endpoints at login (not at import), show a Swedish page for every refusal and never create a user.
OIDC_RP_CLIENT_ID = _login.client_id
OIDC_RP_CLIENT_SECRET = _login.client_secret
OIDC_RP_SCOPES = _login.scopes
OIDC_RP_SIGN_ALGO = _login.sign_algo
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the provider's logout
OIDC_TIMEOUT = _login.timeout  # seconds for each call to the provider (the library waits forever by default)
OIDC_AUTHENTICATE_CLASS = "remiss.auth.views.AuthenticateView"
OIDC_CALLBACK_CLASS = "remiss.auth.views.CallbackView"
OIDC_OP_LOGOUT_URL_METHOD = "remiss.auth.logout.provider_logout_url"
# Logging out redirects from the logout form to the provider: allowed by form-action.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += form_action_sources(_login.issuer, _login.endpoints)

# Login throttling (django-axes): five failed logins for one username from one address lock that
# pair out for 15 minutes; a successful login resets that pair's count. Twenty failed logins from
# one address, whatever the usernames (password spraying), lock the address for 15 minutes.
# remiss.throttling weighs each group of parameters against its own limit.
AXES_HANDLER = "remiss.throttling.AddressLimitHandler"
AXES_FAILURE_LIMIT = 5
REMISS_AXES_ADDRESS_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # the order remiss.throttling expects
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_COOLOFF_MESSAGE = _("För många misslyckade inloggningsförsök. Kontot är spärrat i 15 minuter; försök igen senare.")
AXES_PERMALOCK_MESSAGE = _("För många misslyckade inloggningsförsök. Kontakta registratorn för att låsa upp kontot.")

TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
# Seconds a memo job may render before it counts as left by a stopped worker (remiss.tasks).
REMISS_MEMO_JOB_TIMEOUT = int(os.environ.get("REMISS_MEMO_JOB_TIMEOUT", "1800"))
# Seconds a memo job's task may wait in the queue before the job is failed (remiss.tasks): long,
# since waiting behind other compilations or a worker restart is normal.
REMISS_MEMO_QUEUE_TIMEOUT = int(os.environ.get("REMISS_MEMO_QUEUE_TIMEOUT", str(6 * 60 * 60)))

# Largest accepted upload (a .docx opinion, say), in bytes.
REMISS_MAX_UPLOAD_BYTES = int(os.environ.get("REMISS_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = REMISS_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = REMISS_MAX_UPLOAD_BYTES
# An uploaded .docx (remiss.docx_import; README "Security limits"): how many parts it may have,
# what it may unpack to (all of it, and its XML), and the child process that converts it: seconds
# before it is killed (the longest a web worker waits for it) and its address space.
REMISS_DOCX_MAX_ENTRIES = int(os.environ.get("REMISS_DOCX_MAX_ENTRIES", "1000"))
REMISS_DOCX_MAX_UNPACKED_BYTES = int(os.environ.get("REMISS_DOCX_MAX_UNPACKED_BYTES", str(40 * 1024 * 1024)))
REMISS_DOCX_MAX_XML_BYTES = int(os.environ.get("REMISS_DOCX_MAX_XML_BYTES", str(6 * 1024 * 1024)))
REMISS_DOCX_TIMEOUT = float(os.environ.get("REMISS_DOCX_TIMEOUT", "10"))
REMISS_DOCX_MEMORY_BYTES = int(os.environ.get("REMISS_DOCX_MEMORY_BYTES", str(512 * 1024 * 1024)))
# Conversions at once on one machine; keep it below the number of web workers. The slots' lock
# files live in a directory of this installation's own (so two checkouts never share slots).
REMISS_DOCX_MAX_CONCURRENT = int(os.environ.get("REMISS_DOCX_MAX_CONCURRENT", "2"))
REMISS_DOCX_SLOT_DIR = os.environ.get(
    "REMISS_DOCX_SLOT_DIR",
    os.path.join(tempfile.gettempdir(), "remiss-docx-" + hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]),
)

# The city whose memo this is; it stands in the memo's metadata and file names.
# Where an uploaded organisation file waits between its preview and the administrator's confirm
# (at most 24 hours). Empty: a directory of this installation's own under the system's temp dir.
# With several app servers it must be a directory they share.
REMISS_ORG_IMPORT_DIR = os.environ.get("REMISS_ORG_IMPORT_DIR", "")
REMISS_CITY = os.environ.get("REMISS_CITY", "Stockholms stad")

# Deadline planning and reminders (`manage.py send_reminders`). Reminders go out this many days
# before an internal deadline, on the day, and when overdue. E-mail is printed to the console
# unless EMAIL_HOST is set, then it goes by SMTP.
REMISS_REMINDER_DAYS_AHEAD = int(os.environ.get("REMISS_REMINDER_DAYS_AHEAD", "3"))
REMISS_PLAN_COMPILE_WORKING_DAYS = int(os.environ.get("REMISS_PLAN_COMPILE_WORKING_DAYS", "5"))
REMISS_PLAN_DRAFT_DAYS = int(os.environ.get("REMISS_PLAN_DRAFT_DAYS", "14"))
REMISS_PLAN_JUSTERING_DAYS = int(os.environ.get("REMISS_PLAN_JUSTERING_DAYS", "7"))
# The app's address as people reach it, for links in e-mails (no trailing slash).
REMISS_BASE_URL = os.environ.get("REMISS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Remisshantering <remiss@localhost>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
