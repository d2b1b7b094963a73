"""Provenance: reads of django-simple-history rows, for the history pages and the memo alike.

Which models keep a history a person may see, every version of one text, one version, the object
it belongs to now, the versions a memo was compiled from and the newest version of each record a
memo uses. Each read is a fixed number of queries however many versions there are.

This module imports neither the page reads (`remiss.queries`) nor the workflow: both sit above it,
and the memo (`remiss.memo`) and the history pages (`remiss.history`) read provenance without
pulling either in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from django.apps import apps
from django.db import models
from django.db.models import Max

from remiss.attribution import attribution
from remiss.models import CityProposal, Decision, Memo, Opinion, Statement, User
from remiss.statement_reads import statements_with_attribution


class HistoryRow(Protocol):
    """What every django-simple-history row has besides the model's own fields."""

    history_id: int
    history_date: datetime
    history_user: User | None
    history_change_reason: str | None


def resolve_model(label: str) -> type[models.Model] | None:
    """'remiss.opinion' → Opinion, only for the app's own models that keep a history."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if model._meta.app_label != "remiss" or not hasattr(model, "history") or model is User:
        return None  # users' own rows (logins, e-mail) are no text and no memo source
    return model


def model_label(model: type[models.Model]) -> str:
    """'remiss.opinion': how a memo's sources and the history URLs name a model."""
    return f"{model._meta.app_label}.{model._meta.model_name}"


def history_of(model: type[models.Model]) -> models.QuerySet[Any]:
    """Every history row of `model`. simple_history adds the `history` manager when the class is
    created, which the type checker cannot see; this is the one place that says so."""
    return model.history.all()  # type: ignore[attr-defined]


# What the history pages' access rules and labels read of each text.
_SUBJECT_RELATED: dict[type[models.Model], tuple[str, ...]] = {
    Opinion: ("referral__body", "referral__case"),
    Decision: ("body", "case"),
    Statement: ("decision__body", "decision__case"),
    CityProposal: ("case",),
}


def text_history(model: type[models.Model], pk: int) -> list[Any]:
    """Every history row of one object, newest first, with its user: one query, however many."""
    return list(history_of(model).filter(id=pk).select_related("history_user").order_by("-history_id"))


def history_subject(model: type[models.Model], pk: int) -> models.Model:
    """The object a history page is about, with what its access rules read. The city's förslag
    till beslut goes by the case's pk. Raises the model's DoesNotExist."""
    rows = model._default_manager.select_related(*_SUBJECT_RELATED.get(model, ()))
    return rows.get(case_id=pk) if model is CityProposal else rows.get(pk=pk)


def history_row(model: type[models.Model], history_id: int) -> Any:
    """One history row with its user; raises DoesNotExist."""
    return history_of(model).select_related("history_user").get(history_id=history_id)


def current_of(model: type[models.Model], pk: Any) -> models.Model | None:
    """The object a history row belongs to, as it is now (None when it has been deleted)."""
    return model._default_manager.select_related(*_SUBJECT_RELATED.get(model, ())).filter(pk=pk).first()


def related_labels(row: Any, fields: Iterable[models.Field]) -> dict[str, str]:
    """str() of each related object a history row points to, by field name (one query each)."""
    labels: dict[str, str] = {}
    for f in fields:
        value = getattr(row, f.attname)
        if value is None:
            continue
        target = f.related_model._default_manager.filter(pk=value).first()  # type: ignore[union-attr]
        labels[f.name] = str(target) if target is not None else str(value)
    return labels


def statement_labels(ids: set[int]) -> dict[int, str]:
    """'Särskilt uttalande av Jan Jönsson (L) (Socialnämnden)' for each statement a version names."""
    if not ids:
        return {}
    statements = statements_with_attribution().filter(pk__in=ids)
    return {s.pk: f"{attribution(s)} ({s.decision.body.name})" for s in statements}


# --- The versions a memo was compiled from ------------------------------------------------------

# What str() of each source model reads, so a memo's source list is two queries per model.
_SOURCE_RELATED: dict[str, tuple[str, ...]] = {
    "remiss.opinion": ("referral__body",),
    "remiss.decision": ("body", "case"),
    "remiss.statement": ("decision__body",),
    "remiss.statementauthor": ("politician__party",),
    "remiss.politician": ("party",),
    "remiss.referral": ("case", "body"),
    "remiss.cityproposal": ("case",),
    "remiss.position": ("referral__body", "proposal"),
}


class SourceRow(NamedTuple):
    """One source a memo recorded, with what is left of it."""

    source: dict[str, Any]  # as the memo stored it: {"model", "pk", "history_id"}
    model: type[models.Model] | None  # None for a label that names no model with a history
    row: Any  # its history row (a `HistoryRow`), None when that row is gone
    obj: models.Model | None  # the object as it is now, None when it has been deleted


def _rows_of(model: type[models.Model], sources: list[dict[str, Any]]) -> dict[Any, Any]:
    history_ids = [s.get("history_id") for s in sources if s.get("history_id") is not None]
    rows = history_of(model).filter(history_id__in=history_ids).select_related("history_user")
    return {row.history_id: row for row in rows}


def _objects_of(label: str, model: type[models.Model], sources: list[dict[str, Any]]) -> dict[Any, models.Model]:
    pks = [s.get("pk") for s in sources]
    objects = model._default_manager.filter(pk__in=pks).select_related(*_SOURCE_RELATED.get(label, ()))
    return {obj.pk: obj for obj in objects}


def memo_source_rows(memo: Memo) -> list[SourceRow]:
    """Each of the memo's sources in the recorded order, with its model, history row and current
    object: two queries per model named, however many rows."""
    by_label: dict[str, list[dict[str, Any]]] = {}
    for source in memo.sources:
        by_label.setdefault(str(source.get("model")), []).append(source)
    models_by_label = {label: resolve_model(label) for label in by_label}
    rows: dict[str, dict[Any, Any]] = {}
    objects: dict[str, dict[Any, models.Model]] = {}
    for label, sources in by_label.items():
        model = models_by_label[label]
        if model is not None:
            rows[label] = _rows_of(model, sources)
            objects[label] = _objects_of(label, model, sources)
    out = []
    for source in memo.sources:
        label = str(source.get("model"))
        row = rows.get(label, {}).get(source.get("history_id"))
        obj = objects.get(label, {}).get(source.get("pk"))
        out.append(SourceRow(source, models_by_label[label], row, obj))
    return out


def latest_history_ids(records: dict[type[models.Model], set[int]]) -> list[dict[str, object]]:
    """[{"model", "pk", "history_id"}] for each record: its newest history row, one query per model.
    What a memo stores as its sources, and what `memo_source_rows` reads back."""
    sources: list[dict[str, object]] = []
    for model, pks in records.items():
        if not pks:
            continue
        rows = history_of(model).filter(id__in=pks).order_by().values("id").annotate(latest=Max("history_id"))
        latest = {row["id"]: row["latest"] for row in rows}
        sources.extend({"model": model_label(model), "pk": pk, "history_id": latest.get(pk)} for pk in sorted(pks))
    return sources
