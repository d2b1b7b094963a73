"""The database settings: SQLite (WAL, IMMEDIATE, busy timeout) unless DATABASE_URL names another."""

import importlib.util
import os

from django.db import connection

from remiss import settings as remiss_settings
from remiss.settings import BASE_DIR, database_config

PG_URL = "postgres://remiss:secret@db.example.internal:5433/remiss_prod"


def assert_tuned_sqlite(config, name):
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == name
    options = config["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5  # the busy timeout, in seconds
    assert "journal_mode=WAL" in options["init_command"]


def test_sqlite_beside_the_code_when_nothing_is_set():
    assert_tuned_sqlite(database_config({}), str(BASE_DIR / "db.sqlite3"))


def test_an_empty_database_url_counts_as_unset():
    assert_tuned_sqlite(database_config({"DATABASE_URL": "  "}), str(BASE_DIR / "db.sqlite3"))


def test_sqlite_path_from_the_environment():
    assert_tuned_sqlite(database_config({"REMISS_SQLITE_PATH": "/srv/remiss/remiss.db"}), "/srv/remiss/remiss.db")


def test_a_sqlite_url_gets_the_same_tuning():
    assert_tuned_sqlite(database_config({"DATABASE_URL": "sqlite:////srv/remiss/x.db"}), "/srv/remiss/x.db")


def test_postgresql_from_database_url():
    config = database_config({"DATABASE_URL": PG_URL, "REMISS_SQLITE_PATH": "/ignored.db"})
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("remiss_prod", "remiss", "secret")
    assert (config["HOST"], config["PORT"]) == ("db.example.internal", 5433)
    assert config["CONN_MAX_AGE"] == 60
    assert config["CONN_HEALTH_CHECKS"] is True
    assert "transaction_mode" not in config.get("OPTIONS", {})


def test_connection_age_from_the_environment():
    assert database_config({"DATABASE_URL": PG_URL, "DATABASE_CONN_MAX_AGE": "0"})["CONN_MAX_AGE"] == 0
    assert database_config({"DATABASE_URL": PG_URL, "DATABASE_CONN_MAX_AGE": "600"})["CONN_MAX_AGE"] == 600


def _load_settings_module(monkeypatch, **env):
    """Execute remiss/settings.py afresh, under another module name, with `env` in os.environ."""
    for name in ("DATABASE_URL", "REMISS_SQLITE_PATH", "DATABASE_CONN_MAX_AGE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("remiss_settings_under_test", remiss_settings.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_settings_module_reads_the_environment(monkeypatch):
    sqlite = _load_settings_module(monkeypatch).DATABASES["default"]
    assert_tuned_sqlite(sqlite, str(BASE_DIR / "db.sqlite3"))
    postgres = _load_settings_module(monkeypatch, DATABASE_URL=PG_URL).DATABASES["default"]
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert postgres["CONN_HEALTH_CHECKS"] is True


def test_the_suite_runs_on_the_database_it_was_given():
    """`make test` runs on SQLite; `make test-postgres` sets DATABASE_URL and must really get PostgreSQL."""
    expected = database_config(os.environ)["ENGINE"]
    assert connection.settings_dict["ENGINE"] == expected
    if connection.vendor == "postgresql":
        assert connection.Database.__name__ == "psycopg"  # psycopg 3, not psycopg2
