"""The kinds of text with a history page, and the fields that make up each one's text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from remiss.history.display import BOOL, DATE, HTML, NUMBER, POINTS, STATEMENT, TEXT
from remiss.models import Case, CityProposal, Decision, Opinion, Statement


@dataclass(frozen=True)
class TextField:
    name: str  # the model field
    kind: str = HTML

    def model_field(self, model: type[models.Model]) -> models.Field:
        return model._meta.get_field(self.name)  # type: ignore[return-value]

    def label(self, model: type[models.Model]) -> str:
        return capfirst(str(self.model_field(model).verbose_name))

    def value(self, model: type[models.Model], row: Any) -> Any:
        return getattr(row, self.model_field(model).attname)


@dataclass(frozen=True)
class TextKind:
    """One kind of text with a history page. `key` names its URLs: history_<key>, history_<key>_restore."""

    key: str
    model: type[models.Model]
    title: Promise
    fields: tuple[TextField, ...]
    # Versions are the rows where one of `fields` changed: the case's own row also changes with
    # every status move, which is no new version of its Ärendet text.
    only_text_changes: bool = False
    # Shown on a single version's page besides the text (what the memo also took from the row).
    facts: tuple[str, ...] = ()

    def labelled(self) -> list[tuple[TextField, str]]:
        return [(f, f.label(self.model)) for f in self.fields]


OPINION = TextKind(
    "opinion",
    Opinion,
    gettext_lazy("Tjänsteutlåtande"),
    (
        TextField("text"),
        TextField("proposed_decision"),
        TextField("date", DATE),
    ),
)


DECISION = TextKind(
    "decision",
    Decision,
    gettext_lazy("Beslut"),
    (
        TextField("points", POINTS),
        TextField("added_text"),
        TextField("added_text_after_point", NUMBER),
        TextField("meeting_date", DATE),
        TextField("immediate_justering", BOOL),
    ),
)


STATEMENT_TEXT = TextKind(
    "statement",
    Statement,
    gettext_lazy("Politiskt uttalande"),
    (
        TextField("text"),
        TextField("backed_proposal", TEXT),
        TextField("endorses", STATEMENT),
        TextField("identical_to", STATEMENT),
        TextField("author_title", TEXT),
    ),
)


CITY_PROPOSAL = TextKind(
    "city_proposal",
    CityProposal,
    gettext_lazy("Förslag till beslut"),
    (
        TextField("decision_points", POINTS),
        TextField("summary"),
        TextField("views"),
        TextField("signed_place", TEXT),
        TextField("signed_date", DATE),
    ),
)


BACKGROUND = TextKind(
    "background",
    Case,
    gettext_lazy("Ärendet"),
    (TextField("background"),),
    only_text_changes=True,
    facts=("title", "reference", "sender", "ministry_dnr", "city_dnr", "received", "deadline", "memo_title"),
)


KINDS: dict[str, TextKind] = {k.key: k for k in (OPINION, DECISION, STATEMENT_TEXT, CITY_PROPOSAL, BACKGROUND)}


_BY_MODEL = {k.model: k for k in KINDS.values()}


def kind_for_model(model: type[models.Model]) -> TextKind | None:
    return _BY_MODEL.get(model)
