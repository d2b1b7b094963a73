"""Every version of one text with who, when and why, the word diff between any two, and one
version of any model a memo names, read-only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from remiss.dates import long_datetime
from remiss.diff import word_diff
from remiss.history.display import (
    BOOL,
    DATE,
    HTML,
    POINTS,
    STATEMENT,
    TEXT,
    FieldValue,
    diff_source,
    display_html,
    person,
)
from remiss.history.kinds import TextKind, kind_for_model
from remiss.models import Case, CityProposal, Decision, Opinion, Statement, validate_text_length
from remiss.provenance import history_subject, related_labels, statement_labels, text_history


@dataclass(frozen=True)
class Version:
    row: Any  # the history row
    number: int  # 1 is the oldest
    when: datetime
    when_text: str
    who: str
    reason: str
    changed: list[str]  # labels of the fields that differ from the version before
    current: bool

    @property
    def history_id(self) -> int:
        return self.row.history_id


@dataclass(frozen=True)
class FieldDiff:
    label: str
    older: SafeString
    newer: SafeString
    diff: SafeString
    changed: bool


@dataclass(frozen=True)
class Comparison:
    older: Version
    newer: Version
    fields: list[FieldDiff]

    @property
    def changed(self) -> bool:
        return any(f.changed for f in self.fields)

    @property
    def changed_fields(self) -> list[FieldDiff]:
        return [f for f in self.fields if f.changed]

    @property
    def unchanged_labels(self) -> list[str]:
        return [f.label for f in self.fields if not f.changed]


@dataclass(frozen=True)
class History:
    kind: TextKind
    obj: models.Model
    versions: list[Version]  # newest first
    refs: dict[int, str] = field(default_factory=dict)  # statement labels for relation fields

    def find(self, history_id: int | None) -> Version | None:
        return next((v for v in self.versions if v.history_id == history_id), None)

    @property
    def current(self) -> Version | None:
        return self.versions[0] if self.versions else None

    def compare(self, first: int, second: int) -> Comparison:
        """The word diff of every field between two versions, the older one first whatever the order.

        Raises ValueError with a Swedish message when either is not a version of this text, or both are one.
        """
        a, b = self.find(first), self.find(second)
        if a is None or b is None:
            raise ValueError(_("Välj två versioner av den här texten."))
        if a.history_id == b.history_id:
            raise ValueError(_("Välj två olika versioner att jämföra."))
        older, newer = sorted((a, b), key=lambda v: v.history_id)
        return Comparison(older=older, newer=newer, fields=compare_rows(self.kind, older.row, newer.row, self.refs))


def _raw(kind: TextKind, row: Any) -> list[Any]:
    return [f.value(kind.model, row) for f in kind.fields]


def compare_rows(kind: TextKind, older: Any, newer: Any, refs: dict[int, str]) -> list[FieldDiff]:
    diffs = []
    for text_field, label in kind.labelled():
        old_value, new_value = text_field.value(kind.model, older), text_field.value(kind.model, newer)
        old_src, new_src = diff_source(text_field.kind, old_value, refs), diff_source(text_field.kind, new_value, refs)
        diffs.append(
            FieldDiff(
                label=label,
                older=display_html(text_field.kind, old_value, refs),
                newer=display_html(text_field.kind, new_value, refs),
                diff=word_diff(old_src, new_src),
                changed=old_value != new_value,
            )
        )
    return diffs


def version_values(kind: TextKind, row: Any, refs: dict[int, str]) -> list[FieldValue]:
    return [
        FieldValue(label, display_html(f.kind, f.value(kind.model, row), refs), block=f.kind in (HTML, POINTS))
        for f, label in kind.labelled()
    ]


def build_versions(kind: TextKind, rows: Sequence[Any]) -> list[Version]:
    """`rows` newest first, as `provenance.text_history` reads them. Returns the versions, newest first."""
    labels = [label for _f, label in kind.labelled()]
    oldest_first = list(reversed(rows))
    kept: list[tuple[Any, list[str]]] = []
    previous: list[Any] | None = None
    for row in oldest_first:
        raw = _raw(kind, row)
        changed = (
            []
            if previous is None
            else [labels[i] for i, (a, b) in enumerate(zip(previous, raw, strict=True)) if a != b]
        )
        if previous is None or changed or not kind.only_text_changes:
            kept.append((row, changed))
        previous = raw
    versions = [
        Version(
            row=row,
            number=n,
            when=row.history_date,
            when_text=long_datetime(row.history_date),
            who=person(row.history_user),
            reason=row.history_change_reason or "",
            changed=changed,
            current=n == len(kept),
        )
        for n, (row, changed) in enumerate(kept, start=1)
    ]
    versions.reverse()
    return versions


def _statement_refs(kind: TextKind, rows: Iterable[Any]) -> dict[int, str]:
    names = [f for f in kind.fields if f.kind == STATEMENT]
    if not names:
        return {}
    ids = {f.value(kind.model, row) for row in rows for f in names} - {None}
    return statement_labels(ids)


def load_history(kind: TextKind, obj: models.Model) -> History:
    """Every version of one text, with who, when and why; a fixed number of queries."""
    rows = text_history(kind.model, obj.pk)
    return History(kind=kind, obj=obj, versions=build_versions(kind, rows), refs=_statement_refs(kind, rows))


def load_subject(kind: TextKind, pk: int) -> models.Model:
    """The text a history page is about; raises the model's DoesNotExist. City texts go by the case's pk."""
    return history_subject(kind.model, pk)


# The models of the kinds of text (`kinds.KINDS`): each carries a version counter.
_VERSIONED = (Opinion, Decision, Statement, CityProposal, Case)


def text_version(obj: models.Model) -> int:
    """What a restore form carries for optimistic locking: the text's version counter (for the
    case's Ärendet, `Case.version`)."""
    if not isinstance(obj, _VERSIONED):
        raise TypeError(f"{type(obj).__name__} is no kind of text with a version counter")
    return obj.version


def expected_version(history: History) -> int:
    """`text_version` of the text whose history this is."""
    return text_version(history.obj)


# --- One version, of any model a memo names ------------------------------------------------------


def _generic_value(model_field: models.Field, value: Any, related: dict[str, str]) -> SafeString:
    if value is None or value == "":
        return mark_safe("")
    if model_field.is_relation:
        return mark_safe(f"<p>{escape(related.get(model_field.name, str(value)))}</p>")
    if isinstance(model_field, models.BooleanField):
        return display_html(BOOL, value, {})
    if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
        return display_html(DATE, value, {})
    if isinstance(model_field, models.JSONField):
        return display_html(POINTS, value, {})
    if isinstance(model_field, models.TextField) and validate_text_length in model_field.validators:
        return display_html(HTML, value, {})
    if model_field.choices:
        value = dict(model_field.flatchoices).get(value, value)
    return display_html(TEXT, value, {})


def _is_block(model_field: models.Field) -> bool:
    return isinstance(model_field, models.JSONField) or (
        isinstance(model_field, models.TextField) and validate_text_length in model_field.validators
    )


_HIDDEN_FIELDS = {"id", "version", "positions_version", "calendar_token", "password", "order"}


def _generic_fields(model: type[models.Model], names: Iterable[str] | None = None) -> list[models.Field]:
    if names is not None:
        return [model._meta.get_field(n) for n in names]  # type: ignore[misc]
    return [
        f for f in model._meta.concrete_fields if f.name not in _HIDDEN_FIELDS and not f.name.startswith("history_")
    ]


def row_values(model: type[models.Model], row: Any) -> list[FieldValue]:
    """Every field of one history row, read-only: the text's fields for a text, else all of them."""
    kind = kind_for_model(model)
    if kind is not None:
        refs = _statement_refs(kind, [row])
        values = version_values(kind, row, refs)
        extra = _generic_fields(model, kind.facts) if kind.facts else []
    else:
        values = []
        extra = _generic_fields(model)
    related = related_labels(row, [f for f in extra if f.is_relation])
    values += [
        FieldValue(
            capfirst(str(f.verbose_name)),
            _generic_value(f, getattr(row, f.attname), related),
            block=_is_block(f),
        )
        for f in extra
    ]
    return values
