"""What every workflow function shares: the errors it raises and the one way it saves.

The errors carry the HTTP status a page gives when it shows one (`http_status`), so a view
answers `error.http_status` instead of testing classes. The values are the ones the views
have always used:

- `WorkflowError` (and `InvalidError`): 200. The move was refused for a reason the person can
  fix on the same page (an empty text, a body referred twice, a date after the remisstid);
  the page is shown again with the message, as a form shows its own validation errors.
- `LockedError`: 409. The record is final (justered, decided, answered, closed), so no
  resubmission of the same form can ever succeed: the request conflicts with the record's state.
- `ConflictError`: 409. Someone else saved first; the page shows both versions to compare.

Views that only redirect with a message after a refusal (a 302 whatever the error) keep doing so.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from remiss.models import User

M = TypeVar("M", bound=models.Model)


class WorkflowError(Exception):
    """A move the process does not allow. `str(error)` is a Swedish sentence for the user."""

    http_status: ClassVar[int] = 200


class InvalidError(WorkflowError, ValidationError):
    """The model's own validation refused the values. Both a WorkflowError (the move failed,
    nothing changed) and a ValidationError, so forms can still show it on the right field."""

    def __init__(self, error: ValidationError):
        ValidationError.__init__(self, error.error_dict if hasattr(error, "error_dict") else error.error_list)

    def __str__(self) -> str:
        return " ".join(self.messages)


class LockedError(WorkflowError):
    """The item is justered (or otherwise final) and can no longer change."""

    http_status: ClassVar[int] = 409


class ConflictError(WorkflowError):
    """Someone else saved the same text first; `current` is what they saved."""

    http_status: ClassVar[int] = 409

    def __init__(self, message: str, current: models.Model):
        super().__init__(message)
        self.current = current


def _without_nul(value: Any) -> Any:
    """`value` without NUL characters: PostgreSQL cannot store them in text (or JSON), Django's
    forms refuse them, and they carry nothing; so no database keeps one."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _validated(obj: M) -> M:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise InvalidError(error) from error  # a WorkflowError whose str() is the messages
    return obj


# django-simple-history's reason column holds 100 characters; PostgreSQL refuses more.
REASON_LENGTH = 100


def history_reason(text: str) -> str:
    """A history reason as the column can hold it: without NUL, and cut with an ellipsis when a
    name in it (a body's, an officer's, an uploaded file's) makes it longer than 100 characters."""
    text = _without_nul(text)
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


def _attribute(obj: models.Model, by: User | None, reason: str) -> None:
    """Give the next history row (a save's or a delete's) its user and reason.

    django-simple-history reads these two attributes, which Django's model has no stub for."""
    obj._history_user = by  # type: ignore[attr-defined]  # read by django-simple-history
    obj._change_reason = history_reason(reason)  # type: ignore[attr-defined]  # read by django-simple-history


def _save(obj: M, by: User | None, reason: str, **kwargs: Any) -> M:
    """Save with the history row's user and reason, after full model validation."""
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(value, (str, list)):
            setattr(obj, field.attname, _without_nul(value))
    _validated(obj)
    _attribute(obj, by, reason)
    obj.save(**kwargs)
    return obj


def _delete(obj: models.Model, by: User | None, reason: str) -> None:
    """Delete with the history row's user and reason: the deletion is a version of its own."""
    _attribute(obj, by, reason)
    obj.delete()


def _locked(model: type[M], pk: int) -> M:
    """Re-read a row inside the transaction; on PostgreSQL this also takes its row lock."""
    return model._default_manager.select_for_update().get(pk=pk)


def _claim_version(
    obj: models.Model,
    expected_version: int | None,
    *,
    field: str = "version",
    message: str | None = None,
) -> None:
    """Optimistic locking: bump the version in one conditional UPDATE, or raise ConflictError.

    The check and the increment are one statement, so two savers cannot both pass it; the
    loser sees zero rows updated and gets the winner's text back to compare with their own.
    Counters start at 1, so a form's missing or malformed version (forms.NO_VERSION, 0) never
    matches and is refused like a stale one. Without `expected_version` (scripts, the demo
    loader) the version still moves on. `field` names the counter: a referral's positions have
    their own (`Referral.positions_version`).
    """
    manager = type(obj)._default_manager
    rows = manager.filter(pk=obj.pk)
    if expected_version is not None:
        rows = rows.filter(**{field: expected_version})
    if not rows.update(**{field: F(field) + 1}):
        raise ConflictError(
            message or _("Någon annan har sparat texten medan du skrev. Jämför din version med den sparade."),
            current=manager.get(pk=obj.pk),
        )
    setattr(obj, field, manager.values_list(field, flat=True).get(pk=obj.pk))
