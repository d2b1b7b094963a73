"""The import page's upload: its form, and the file kept between the preview and the confirmation.

The confirmation reads the very file the preview showed, again: it waits in a private directory
under a random token that only the uploader's session knows, and is removed after the import, on
cancelling, or after a day. Only the token, the file's name and the chosen date go in the session.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import time
from datetime import date
from pathlib import Path, PurePath

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from remiss.forms import AccessibleForm, DateInput, validate_upload_size
from remiss.organisation.read import MAX_BYTES, ImportFile, ReadError, read_file, too_big_message

SUFFIXES = (".xlsx", ".csv")
MAX_AGE_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def upload_dir() -> Path:
    """This installation's own directory (two checkouts never share one), readable only by us."""
    default = Path(tempfile.gettempdir()) / (
        "remiss-org-import-" + hashlib.sha256(str(settings.BASE_DIR).encode()).hexdigest()[:12]
    )
    path = Path(settings.REMISS_ORG_IMPORT_DIR) if settings.REMISS_ORG_IMPORT_DIR else default
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _path(token: str, suffix: str) -> Path | None:
    if not _TOKEN.match(token) or suffix not in SUFFIXES:
        return None
    return upload_dir() / f"{token}{suffix}"


def store(content: bytes, suffix: str) -> str:
    """Keep `content`; returns its token. Files older than a day go first."""
    _prune()
    token = secrets.token_urlsafe(24)  # 32 characters
    path = _path(token, suffix)
    assert path is not None
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
    return token


def load(token: str, suffix: str) -> bytes | None:
    path = _path(token, suffix)
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None


def discard(token: str, suffix: str) -> None:
    path = _path(token, suffix)
    if path is not None:
        path.unlink(missing_ok=True)


def _prune() -> None:
    limit = time.time() - MAX_AGE_SECONDS
    for path in upload_dir().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue


class ImportUploadForm(AccessibleForm):
    """The file to import, and the optional day the earlier terms' seats end."""

    file = forms.FileField(
        label=gettext_lazy("Fil att importera"),
        help_text=gettext_lazy("En Excel-arbetsbok (.xlsx) eller en CSV-fil (.csv) som följer mallen, högst 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": gettext_lazy("Välj en fil att importera.")},
    )
    ends_previous_on = forms.DateField(
        label=gettext_lazy("Tidigare mandatperioders platser slutar den"),
        help_text=gettext_lazy("Lämna tomt för dagen före filens senaste mandatperiod börjar."),
        required=False,
        widget=DateInput(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.imported: ImportFile | None = None
        self.content = b""

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        name = PurePath(upload.name or "").name[:200]
        validate_upload_size(upload)  # the installation's limit for every upload, named in Swedish
        if (upload.size or 0) > MAX_BYTES:
            raise forms.ValidationError(too_big_message(), code="too_big")
        if PurePath(name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(
                _("Bara Excel-filer (.xlsx) och CSV-filer (.csv) kan importeras. ”%(name)s” är ingen av dem.")
                % {"name": name},
                code="wrong_type",
            )
        self.content = upload.read()
        try:
            self.imported = read_file(self.content, name)
        except ReadError as error:
            raise forms.ValidationError(str(error), code="unreadable") from error
        return upload

    @property
    def suffix(self) -> str:
        return PurePath(self.imported.filename if self.imported else "").suffix.lower()

    @property
    def ends_on(self) -> date | None:
        return self.cleaned_data.get("ends_previous_on")
