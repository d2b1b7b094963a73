"""`manage.py backup` and `manage.py restore`: nothing is lost, history and compiled memos included."""

import hashlib
import json
import sqlite3
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from remiss import backup as backup_module
from remiss import workflow
from remiss.backup import BackupError, verify
from remiss.models import Case, Memo, Opinion, Referral

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's online backup API")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs a PostgreSQL database")

FAKE_PDF = b"%PDF-1.7\n% remiss test memo\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def data(transactional_db, referred, registrar, media):
    """Committed data: a referred case, an opinion saved twice (history rows) and a stored memo."""
    case, r_namnd, _r_office = referred
    workflow.save_opinion(r_namnd, text="<p>Första utkastet.</p>", by=registrar)
    workflow.save_opinion(r_namnd, text="<p>Andra utkastet, ändrat.</p>", by=registrar)
    memo = Memo(case=case, sha256=hashlib.sha256(FAKE_PDF).hexdigest(), pages=1, created_by=registrar)
    memo.pdf.save("memo-test.pdf", ContentFile(FAKE_PDF), save=False)
    memo.save()
    return case, r_namnd, memo


def counts_in(db_path):
    db = sqlite3.connect(db_path)
    try:
        return {
            table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for table in (
                "remiss_case",
                "remiss_historicalcase",
                "remiss_historicalopinion",
                "remiss_historicalreferral",
                "remiss_memo",
                "remiss_opinion",
            )
        }
    finally:
        db.close()


def live_counts():
    return {
        "remiss_case": Case.objects.count(),
        "remiss_historicalcase": Case.history.count(),
        "remiss_historicalopinion": Opinion.history.count(),
        "remiss_historicalreferral": Referral.history.count(),
        "remiss_memo": Memo.objects.count(),
        "remiss_opinion": Opinion.objects.count(),
    }


@sqlite_only
def test_backup_copies_database_and_media_with_a_manifest(data, tmp_path, media):
    _case, r_namnd, memo = data
    before = live_counts()
    assert before["remiss_historicalopinion"] >= 3  # created empty, then saved twice

    target = tmp_path / "backup"
    call_command("backup", str(target))

    # The database: the same rows, history included, in a file that opens on its own.
    db_file = target / "database.sqlite3"
    assert counts_in(db_file) == before
    db = sqlite3.connect(db_file)
    texts = [
        row[0]
        for row in db.execute(
            "SELECT text FROM remiss_historicalopinion WHERE referral_id = ? ORDER BY history_id",
            (r_namnd.pk,),
        )
    ]
    assert texts[-2:] == ["<p>Första utkastet.</p>", "<p>Andra utkastet, ändrat.</p>"]
    (stored_name, stored_sha) = db.execute("SELECT pdf, sha256 FROM remiss_memo WHERE id = ?", (memo.pk,)).fetchone()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # no -wal file needed beside it
    db.close()

    # The memo's file: the same bytes, under the name the database gives.
    copied = target / "media" / stored_name
    assert copied.read_bytes() == FAKE_PDF
    assert hashlib.sha256(copied.read_bytes()).hexdigest() == stored_sha == memo.sha256

    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["app_version"] == "0.1.0"
    assert manifest["django_version"].startswith("5.2")
    assert manifest["media"]["referenced_but_missing"] == []
    assert manifest["database"]["rows"]["remiss.historicalopinion"] == before["remiss_historicalopinion"]
    assert manifest["files"][f"media/{stored_name}"]["sha256"] == memo.sha256
    assert manifest["files"]["database.sqlite3"]["sha256"] == hashlib.sha256(db_file.read_bytes()).hexdigest()
    assert verify(target) == []


def test_restore_brings_back_what_was_lost(data, tmp_path, media, registrar):
    _case, r_namnd, memo = data
    before = live_counts()
    target = tmp_path / "backup.tar.gz"
    call_command("backup", str(target))
    assert tarfile.is_tarfile(target)

    # Disaster: the memo row and file go, the opinion's history is wiped, a new version is typed.
    memo_path = media / memo.pdf.name
    Memo.objects.all().delete()
    memo_path.unlink()
    Opinion.history.all().delete()
    workflow.save_opinion(r_namnd, text="<p>Efter säkerhetskopian.</p>", by=registrar)
    assert live_counts() != before

    call_command("restore", str(target), "--yes")

    assert live_counts() == before
    restored = Memo.objects.get(pk=memo.pk)
    assert restored.pdf.read() == FAKE_PDF
    assert hashlib.sha256((media / restored.pdf.name).read_bytes()).hexdigest() == memo.sha256
    assert Opinion.objects.get(referral=r_namnd).text == "<p>Andra utkastet, ändrat.</p>"
    versions = Opinion.history.filter(referral_id=r_namnd.pk).order_by("history_id")
    assert [v.text for v in versions][-2:] == ["<p>Första utkastet.</p>", "<p>Andra utkastet, ändrat.</p>"]
    assert all(v.history_user_id == registrar.pk for v in versions)
    # The media that were there are kept beside the restored ones, never deleted.
    assert list(media.parent.glob("media.before-restore-*"))


def test_restore_refuses_a_damaged_backup_and_changes_nothing(data, tmp_path):
    target = tmp_path / "backup"
    call_command("backup", str(target))
    memo_file = next((target / "media").rglob("*.pdf"))
    memo_file.write_bytes(b"tampered")
    assert any("ändrad" in problem for problem in verify(target))
    before = live_counts()
    with pytest.raises(CommandError, match="inte hel"):
        call_command("restore", str(target), "--yes")
    assert live_counts() == before


def test_restore_asks_first(data, tmp_path, monkeypatch):
    target = tmp_path / "backup"
    call_command("backup", str(target))
    monkeypatch.setattr("builtins.input", lambda _prompt: "nej")
    with pytest.raises(CommandError, match="Avbrutet"):
        call_command("restore", str(target))


def test_backup_refuses_an_existing_path(db, tmp_path, media):
    (tmp_path / "old").mkdir()
    with pytest.raises(CommandError, match="finns redan"):
        call_command("backup", str(tmp_path / "old"))


def test_a_file_missing_from_media_is_reported(data, tmp_path, media):
    _case, _r, memo = data
    (media / memo.pdf.name).unlink()
    target = tmp_path / "backup"
    call_command("backup", str(target))
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["media"]["referenced_but_missing"] == [memo.pdf.name]


def test_pg_dump_gets_the_password_through_the_environment(monkeypatch, tmp_path):
    """Connection parameters come from settings; the password never reaches the command line."""
    calls = []

    def fake_run(cmd, env, **kwargs):
        calls.append((cmd, env))
        (tmp_path / "out" / "database.dump").write_bytes(b"PGDMP fake")

        class Done:
            returncode = 0
            stderr = ""

        return Done()

    monkeypatch.setattr(backup_module.subprocess, "run", fake_run)
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: f"/usr/bin/{name}")
    settings_dict = {
        "NAME": "remiss",
        "USER": "remiss",
        "PASSWORD": "hemligt-lösen",
        "HOST": "db.internal",
        "PORT": "5433",
        "OPTIONS": {"sslmode": "require"},
    }
    args, env = backup_module._pg_connection(settings_dict)
    (tmp_path / "out").mkdir()
    backup_module._run(["pg_dump", "--format=custom", "--file", str(tmp_path / "out" / "database.dump"), *args], env)

    cmd, env = calls[0]
    assert cmd[:2] == ["pg_dump", "--format=custom"]
    assert cmd[cmd.index("--host") : cmd.index("--host") + 2] == ["--host", "db.internal"]
    assert cmd[cmd.index("--port") : cmd.index("--port") + 2] == ["--port", "5433"]
    assert cmd[cmd.index("--username") : cmd.index("--username") + 2] == ["--username", "remiss"]
    assert cmd[cmd.index("--dbname") : cmd.index("--dbname") + 2] == ["--dbname", "remiss"]
    assert not any("hemligt" in part for part in cmd)
    assert env["PGPASSWORD"] == "hemligt-lösen"
    assert env["PGSSLMODE"] == "require"


def test_a_failing_pg_dump_is_an_error(monkeypatch):
    class Failed:
        returncode = 1
        stderr = "pg_dump: error: connection refused"

    monkeypatch.setattr(backup_module.subprocess, "run", lambda *a, **k: Failed())
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: f"/usr/bin/{name}")
    with pytest.raises(BackupError, match="connection refused"):
        backup_module._run(["pg_dump"], {})


@postgres_only
def test_pg_dump_round_trip_lists_every_table(data, tmp_path):
    """On PostgreSQL (make test-postgres): a real pg_dump whose archive holds the data."""
    import subprocess

    target = tmp_path / "backup"
    call_command("backup", str(target))
    dump = target / "database.dump"
    assert dump.read_bytes()[:5] == b"PGDMP"
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True).stdout
    for table in ("remiss_case", "remiss_historicalopinion", "remiss_memo"):
        assert f"TABLE DATA public {table} " in listing
    assert verify(target) == []
