"""History people can use: every version of a text, a word diff between any two, what a nämnd
changed against its administration's proposal, and the exact versions a compiled memo contains.

A *text* is one of the kinds in `KINDS`: an opinion, a decision, a statement, the city's förslag
till beslut and the case's Ärendet (background). Each names the fields that make up its text; a
version is one django-simple-history row. Reads come from `remiss.provenance` (a fixed number of
queries however many versions there are); restoring an old version is
`remiss.workflow.restore_text`, which writes a new version and deletes nothing. Access is decided
here, from the rules in `remiss.access`; the views in `remiss.views.history` only ask and render.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from remiss import access
from remiss.dates import long_date, long_datetime
from remiss.diff import normalised_words, points_html, word_diff
from remiss.models import Case, CityProposal, Decision, Memo, Opinion, Referral, Statement, User, validate_text_length
from remiss.provenance import (
    history_subject,
    memo_source_rows,
    model_label,
    related_labels,
    statement_labels,
    text_history,
)
from remiss.provenance import resolve_model as resolve_model  # the views ask `history.resolve_model`
from remiss.richtext import plain_paragraphs, sanitize

# The views and `workflow.restore_text` still call it by this name; they move to `remiss.dates.long_datetime`.
swedish_datetime = long_datetime

# How a field's value is shown and compared.
HTML, POINTS, DATE, BOOL, TEXT, NUMBER, STATEMENT = "html", "points", "date", "bool", "text", "number", "statement"


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


# --- Small words ----------------------------------------------------------------------------------


def person(user: User | None) -> str:
    """Who made a version: the full name, else the username, else "okänd"."""
    if user is None:
        return _("okänd")
    return user.get_full_name() or user.get_username() or _("okänd")


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(p) for p in value]
    if isinstance(value, str) and value.strip():
        return value.splitlines()
    return []


def _plain(value: str) -> str:
    """A plain one-line value as a fragment: escaped, so `word_diff` sees exactly its words."""
    return plain_paragraphs(value) if value else ""


def diff_source(kind: str, value: Any, refs: dict[int, str]) -> str:
    """A field's value as a sanitised fragment, the input of the word diff."""
    if kind == HTML:
        return sanitize(value)
    if kind == POINTS:
        return points_html(_as_list(value))
    return _plain(_display_value(kind, value, refs))


def _display_value(kind: str, value: Any, refs: dict[int, str]) -> str:
    """The plain text of a non-HTML value."""
    if value is None or value == "":
        return ""
    if kind == DATE:
        return long_date(value)
    if kind == BOOL:
        return _("Ja") if value else _("Nej")
    if kind == STATEMENT:
        return refs.get(value, _("uttalande nr %(pk)s (finns inte längre)") % {"pk": value})
    return str(value)


def display_html(kind: str, value: Any, refs: dict[int, str]) -> SafeString:
    """A field's value, read-only, as safe HTML ("" when empty)."""
    if kind == HTML:
        return mark_safe(sanitize(value))
    if kind == POINTS:
        points = [" ".join(p.split()) for p in _as_list(value) if p.strip()]
        if not points:
            return mark_safe("")
        if len(points) == 1:
            return mark_safe(f"<p>{escape(points[0])}</p>")
        return mark_safe("<ol>" + "".join(f"<li>{escape(p)}</li>" for p in points) + "</ol>")
    text = _display_value(kind, value, refs)
    return mark_safe(f"<p>{escape(text)}</p>") if text else mark_safe("")


# --- Versions of one text -----------------------------------------------------------------------


@dataclass
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


@dataclass
class FieldDiff:
    label: str
    older: SafeString
    newer: SafeString
    diff: SafeString
    changed: bool


@dataclass
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


@dataclass
class FieldValue:
    label: str
    html: SafeString
    block: bool = False  # a text or a list of points (shown under a heading), not a short value


@dataclass
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
            current=False,
        )
        for n, (row, changed) in enumerate(kept, start=1)
    ]
    versions.reverse()
    if versions:
        versions[0].current = True
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


def expected_version(history: History) -> int:
    """What a restore form carries for optimistic locking: the text's version counter (for the
    case's Ärendet, `Case.version`)."""
    return history.obj.version  # type: ignore[attr-defined]


# --- Who may see and restore ----------------------------------------------------------------------


def case_of(obj: models.Model) -> Case:
    if isinstance(obj, Case):
        return obj
    if isinstance(obj, Opinion):
        return obj.referral.case
    if isinstance(obj, Statement):
        return obj.decision.case
    return obj.case  # type: ignore[attr-defined]


def _city_text_visible(user: User, case: Case) -> bool:
    if access.is_registrar(user):
        return True
    return user.is_authenticated and case.status in (Case.Status.DECIDED, Case.Status.ANSWERED)


def can_view_body_decision(user: User, body_id: int) -> bool:
    """A body's decision: its officers, the registrar and everyone with a seat in it."""
    return access.is_registrar(user) or access.works_for(user, body_id) or access.seat_in(user, body_id) is not None


def can_view_decision(user: User, decision: Decision) -> bool:
    return can_view_body_decision(user, decision.body_id)


def can_view_statement(user: User, statement: Statement) -> bool:
    """Its authors, the members of the body, the officers of the body and the registrar."""
    return can_view_decision(user, statement.decision) or statement.authors.filter(politician__user_id=user.pk).exists()


def can_view(user: User, kind: TextKind, obj: models.Model) -> bool:
    if not user.is_authenticated:
        return False
    if kind is OPINION:
        return access.can_view_opinion(user, obj.referral)  # type: ignore[attr-defined]
    if kind is DECISION:
        return can_view_decision(user, obj)  # type: ignore[arg-type]
    if kind is STATEMENT_TEXT:
        return can_view_statement(user, obj)  # type: ignore[arg-type]
    return _city_text_visible(user, case_of(obj))


def can_restore(user: User, kind: TextKind, obj: models.Model) -> bool:
    """Whoever may edit the text may restore it: the same people, the same rules."""
    if not user.is_authenticated:
        return False
    if kind is OPINION:
        return access.can_edit_opinion(user, obj.referral)  # type: ignore[attr-defined]
    if kind is DECISION:
        return access.can_act_on_decision(user, obj) or (  # type: ignore[arg-type]
            obj.body.is_city_level and access.is_registrar(user)  # type: ignore[attr-defined]
        )
    if kind is STATEMENT_TEXT:
        return access.is_statement_author(user, obj) or (  # type: ignore[arg-type]
            obj.decision.body.is_city_level and access.is_registrar(user)  # type: ignore[attr-defined]
        )
    return access.is_registrar(user)


def can_view_row(user: User, model: type[models.Model], obj: models.Model | None) -> bool:
    """One history row of any model: as its text when it is one, else (names, parties, bodies) the registrar."""
    kind = kind_for_model(model)
    if kind is not None and obj is not None:
        return can_view(user, kind, obj)
    return access.is_registrar(user)


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


# --- What the nämnd changed --------------------------------------------------------------------


def decision_source(decision: Decision) -> str:
    """The decision as one fragment: each point a paragraph, the added text after its point."""
    points = [" ".join(p.split()) for p in decision.points if p and p.strip()]
    added = sanitize(decision.added_text)
    parts: list[str] = []
    for number, point in enumerate(points, start=1):
        parts.append(f"<p>{escape(point)}</p>")
        if added and number == decision.added_text_after_point:
            parts.append(added)
            added = ""
    if added:  # after a point that is no longer there: at the end
        parts.append(added)
    return "".join(parts)


@dataclass
class NamndChanges:
    referral: Referral
    decision: Decision | None
    opinion: Opinion | None
    proposal_html: SafeString
    diff: SafeString | None
    verdicts: list[str]


def namnd_changes(referral: Referral, decision: Decision | None) -> NamndChanges:
    """The förvaltning's förslag till beslut beside the nämnd's decision, with a word diff and a
    plain statement of what the nämnd changed. "The same" means the same words, whatever the
    formatting, case, punctuation and numbering of points (`remiss.diff.normalised_words`)."""
    try:
        opinion: Opinion | None = referral.opinion
    except Opinion.DoesNotExist:
        opinion = None
    proposal = sanitize(opinion.proposed_decision) if opinion is not None else ""
    verdicts: list[str] = []
    diff = None
    if not referral.body.makes_decisions:
        verdicts.append(
            _("%(body)s är ett kontor och fattar inga beslut; dess svar är tjänsteutlåtandet.")
            % {"body": referral.body.name}
        )
    elif decision is None:
        verdicts.append(_("Nämnden har inte fattat något beslut ännu."))
    else:
        decided = decision_source(decision)
        diff = word_diff(proposal, decided, in_substance=True)
        points_only = points_html(decision.points)
        if not normalised_words(proposal):
            verdicts.append(_("Förvaltningen lämnade inget förslag till beslut att jämföra med."))
        elif decision.added_text.strip():
            verdicts.append(_("Nämnden lade till egen text."))
            if normalised_words(proposal) == normalised_words(points_only):
                verdicts.append(_("Beslutspunkterna är i övrigt desamma som i förvaltningens förslag."))
            else:
                verdicts.append(
                    _("Beslutspunkterna har också andra ord än förvaltningens förslag; se skillnaderna nedan.")
                )
        elif normalised_words(proposal) == normalised_words(decided):
            verdicts.append(_("Nämnden beslutade i enlighet med förvaltningens förslag."))
        else:
            verdicts.append(
                _("Nämndens beslut har andra ord än förvaltningens förslag till beslut; se skillnaderna nedan.")
            )
    return NamndChanges(
        referral=referral,
        decision=decision,
        opinion=opinion,
        proposal_html=mark_safe(proposal),
        diff=diff,
        verdicts=verdicts,
    )


# --- The versions a memo was compiled from ------------------------------------------------------


@dataclass
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
