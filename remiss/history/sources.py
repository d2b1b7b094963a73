"""The versions a compiled memo contains, as its sources page lists them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from remiss.dates import long_datetime
from remiss.history.display import person
from remiss.models import Memo
from remiss.provenance import memo_source_rows, model_label


@dataclass(frozen=True)
class SourceVersion:
    model: type[models.Model] | None
    model_label: str
    verbose_name: str
    pk: Any
    history_id: Any
    label: str  # the object as it is called now
    when_text: str = ""
    who: str = ""
    reason: str = ""
    found: bool = False  # the history row is still there


def memo_sources(memo: Memo) -> list[SourceVersion]:
    """Each source of the memo with its version's date and user, in the order the memo recorded them."""
    out: list[SourceVersion] = []
    for source, model, row, obj in memo_source_rows(memo):
        if model is None:
            out.append(
                SourceVersion(
                    None,
                    str(source.get("model")),
                    str(source.get("model")),
                    source.get("pk"),
                    source.get("history_id"),
                    _("(okänd typ)"),
                )
            )
            continue
        if obj is not None:
            label = str(obj)
        elif row is not None:
            name = capfirst(str(model._meta.verbose_name))
            label = _("%(name)s nr %(pk)s (borttagen)") % {"name": name, "pk": source.get("pk")}
        else:
            label = _("nr %(pk)s") % {"pk": source.get("pk")}
        out.append(
            SourceVersion(
                model=model,
                model_label=model_label(model),
                verbose_name=capfirst(str(model._meta.verbose_name)),
                pk=source.get("pk"),
                history_id=source.get("history_id"),
                label=label,
                when_text=long_datetime(row.history_date) if row is not None else "",
                who=person(row.history_user) if row is not None else "",
                reason=(row.history_change_reason or "") if row is not None else "",
                found=row is not None,
            )
        )
    return out
