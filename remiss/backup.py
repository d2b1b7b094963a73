"""Backups: a consistent copy of the database and the media files, and its restore.

A backup is a directory (or the same directory packed as a .tar.gz):

    database.sqlite3   SQLite: a copy made with SQLite's online backup API, or
    database.dump      PostgreSQL: `pg_dump --format=custom`
    media/             a copy of MEDIA_ROOT (the compiled memos' PDFs)
    manifest.json      what the backup holds: versions, database vendor, SHA-256 of every file

The database is copied first and the media after it. Files are written before the row that names
them is committed, and a compiled memo is never changed or deleted, so every file the copied
database refers to is already on disk when the media are copied. The backup may hold a file or two
more (a memo compiled meanwhile); it never lacks one.

Both copies can be made while the application runs: SQLite's backup API reads a consistent
snapshot through a connection (the write-ahead log included), and pg_dump reads inside one
transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models import FileField
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
SQLITE_FILE = "database.sqlite3"
PG_DUMP_FILE = "database.dump"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Swedish."""


# --- helpers ----------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def app_version() -> str:
    """The version in pyproject.toml, the one place it is written."""
    try:
        import tomllib

        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as f:
            return str(tomllib.load(f)["project"]["version"])
    except (OSError, KeyError, ValueError):
        return "okänd"


def _is_archive(path: Path) -> bool:
    return path.name.endswith((".tar.gz", ".tgz"))


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def _pg_connection(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment for pg_dump/pg_restore.

    The password goes into PGPASSWORD, never onto the command line where `ps` would show it.
    """
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    args += ["--dbname", str(settings_dict["NAME"])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    if shutil.which(cmd[0]) is None:
        raise BackupError(
            f"Programmet {cmd[0]} saknas. Installera PostgreSQL-klienten (apt-get install postgresql-client)."
        )
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{cmd[0]} misslyckades (kod {result.returncode}): {result.stderr.strip()}")


def _sqlite_copy(source: sqlite3.Connection, target_path: Path) -> None:
    """Copy a live SQLite database with the online backup API into a self-contained file."""
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        # The copy needs no -wal file beside it: one file is the whole database.
        target.execute("PRAGMA journal_mode=DELETE")
        ok = target.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"Kopian av databasen är skadad: {ok}")
    finally:
        target.close()


def _sqlite_row_counts(path: Path) -> dict[str, int]:
    """Rows per model in the copied database, so a restore can be checked against the backup."""
    counts: dict[str, int] = {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for model in apps.get_models():
            table = model._meta.db_table
            if table in tables:
                counts[model._meta.label_lower] = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    finally:
        db.close()
    return counts


def referenced_files(using: str = "default") -> set[str]:
    """The names of every stored file the database refers to (all FileFields), e.g. memos/3/x.pdf."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                values = (
                    model._default_manager.using(using).exclude(**{field.name: ""}).values_list(field.name, flat=True)
                )
                names.update(v for v in values if v)
    return names


# --- backup -----------------------------------------------------------------------------------


def backup(path: Path | str, *, using: str = "default", log: Callable[[str], None] = lambda _m: None) -> Path:
    """Write a backup of database `using` and MEDIA_ROOT to `path`; return the path written.

    `path` must not exist. A name ending in .tar.gz (or .tgz) gives one packed file; any other
    name gives a directory.
    """
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} finns redan. Ange en ny katalog eller fil för säkerhetskopian.")
    if not path.parent.is_dir():
        raise BackupError(f"Katalogen {path.parent} finns inte.")
    if _is_archive(path):
        with tempfile.TemporaryDirectory(prefix=".remiss-backup-", dir=path.parent) as tmp:
            inner = Path(tmp) / path.name.removesuffix(".tar.gz").removesuffix(".tgz")
            _backup_dir(inner, using, log)
            partial = path.with_name(path.name + ".part")
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(inner, arcname=inner.name)
            partial.chmod(0o600)
            partial.rename(path)
        log(f"Packade säkerhetskopian i {path}.")
        return path
    _backup_dir(path, using, log)
    return path


def _backup_dir(path: Path, using: str, log: Callable[[str], None]) -> None:
    connection = connections[using]
    vendor = connection.vendor
    # Readable by the owner only: the copy holds password hashes and everything people wrote.
    path.mkdir(mode=0o700)
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "created": timezone.now().isoformat(),
        "app_version": app_version(),
        "django_version": django.get_version(),
        "database": {"vendor": vendor},
    }

    # 1. The database, first (see the module's docstring for why the order matters).
    if vendor == "sqlite":
        connection.ensure_connection()
        _sqlite_copy(connection.connection, path / SQLITE_FILE)
        manifest["database"]["file"] = SQLITE_FILE
        manifest["database"]["rows"] = _sqlite_row_counts(path / SQLITE_FILE)
    elif vendor == "postgresql":
        args, env = _pg_connection(connection.settings_dict)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path / PG_DUMP_FILE), *args], env)
        manifest["database"]["file"] = PG_DUMP_FILE
    else:
        raise BackupError(f"Databasen {vendor} stöds inte; bara SQLite och PostgreSQL.")
    log(f"Kopierade databasen ({vendor}).")

    # 2. The media.
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, path / MEDIA_DIR, symlinks=False)
    else:
        (path / MEDIA_DIR).mkdir()
    missing = sorted(name for name in referenced_files(using) if not (path / MEDIA_DIR / name).is_file())
    manifest["media"] = {"dir": MEDIA_DIR, "referenced_but_missing": missing}
    if missing:
        log(f"VARNING: {len(missing)} filer som databasen hänvisar till saknas i MEDIA_ROOT: {', '.join(missing[:5])}")

    # 3. The manifest: every file and its checksum.
    manifest["files"] = {
        p.relative_to(path).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size} for p in _files_under(path)
    }
    (path / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"Skrev {len(manifest['files'])} filer och manifest.json till {path}.")


# --- verify and restore -----------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} saknar {MANIFEST}; det är ingen säkerhetskopia från remiss.") from None


def verify(path: Path | str) -> list[str]:
    """Problems with an unpacked backup directory: missing, extra or changed files. Empty when whole."""
    path = Path(path)
    manifest = read_manifest(path)
    problems = []
    listed = manifest.get("files", {})
    for name, info in sorted(listed.items()):
        file = path / name
        if not file.is_file():
            problems.append(f"saknas: {name}")
        elif sha256_file(file) != info["sha256"]:
            problems.append(f"ändrad (fel SHA-256): {name}")
    for file in _files_under(path):
        if file.relative_to(path).as_posix() not in listed:
            problems.append(f"finns inte i manifestet: {file.relative_to(path).as_posix()}")
    return problems


def _unpack(archive: Path, into: Path) -> Path:
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(into, filter="data")
    found = [p.parent for p in into.rglob(MANIFEST)]
    if len(found) != 1:
        raise BackupError(f"{archive} innehåller ingen (eller mer än en) {MANIFEST}.")
    return found[0]


def restore(
    path: Path | str, *, using: str = "default", log: Callable[[str], None] = lambda _m: None
) -> dict[str, Any]:
    """Put the database and media of backup `path` back in place; return its manifest.

    Stop the application first. The current media directory is kept beside the restored one, as
    MEDIA_ROOT.before-restore-<time>, so nothing there is lost.
    """
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path} finns inte.")
    if _is_archive(path):
        with tempfile.TemporaryDirectory(prefix=".remiss-restore-") as tmp:
            return _restore_dir(_unpack(path, Path(tmp)), using, log)
    return _restore_dir(path, using, log)


def _restore_dir(path: Path, using: str, log: Callable[[str], None]) -> dict[str, Any]:
    manifest = read_manifest(path)
    problems = verify(path)
    if problems:
        raise BackupError("Säkerhetskopian är inte hel; inget återställdes:\n" + "\n".join(problems))
    connection = connections[using]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"Säkerhetskopian kommer från {vendor}, men databasen är {connection.vendor}; inget återställdes."
        )

    if vendor == "sqlite":
        # Through the backup API into the open database, so a -wal file beside it cannot outlive
        # the restore and mix old pages into the restored database.
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path / manifest['database']['file']}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif vendor == "postgresql":
        args, env = _pg_connection(connection.settings_dict)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                str(path / manifest["database"]["file"]),
            ],
            env,
        )
    else:
        raise BackupError(f"Databasen {vendor} stöds inte; bara SQLite och PostgreSQL.")
    log(f"Återställde databasen ({vendor}).")

    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        aside = media_root.with_name(f"{media_root.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
        media_root.rename(aside)
        log(f"Flyttade de nuvarande mediafilerna till {aside}.")
    elif media_root.exists():
        media_root.rmdir()
    shutil.copytree(path / manifest["media"]["dir"], media_root)
    log(f"Återställde mediafilerna till {media_root}.")
    return manifest
