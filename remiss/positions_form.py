"""The officer's positions form: the body's stance and comment on each of the case's proposals.

One row per proposal, `PAGE_SIZE` rows a page; each page's changed rows are saved together by
`remiss.workflow.save_positions`, under the version check of the body's positions
(`Referral.positions_version`), so a colleague's save in between is a conflict, never lost.
The labels go through gettext.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from remiss.forms import AccessibleForm, VersionForm, field_of
from remiss.models import Position, Proposal, Referral
from remiss.positions import proposal_label
from remiss.workflow import PositionChange


@dataclass
class PositionRow:
    proposal: Proposal
    position: Position | None

    @property
    def label(self) -> str:
        return proposal_label(self.proposal)


def rows_for_referral(referral: Referral) -> list[PositionRow]:
    """Every proposal of the referral's case with the body's position on it, if any: two queries."""
    proposals = Proposal.objects.filter(case_id=referral.case_id).order_by("order", "pk")
    positions = {p.proposal_id: p for p in Position.objects.filter(referral=referral)}
    return [PositionRow(proposal, positions.get(proposal.pk)) for proposal in proposals]


COMMENT_MAX_LENGTH = 2000


class PositionRowForm(AccessibleForm):
    """One proposal: the stance (blank = not recorded) and an optional comment.

    Both fields carry their initial value in a hidden input (`show_hidden_initial`), so only the
    rows this person changed are saved, and a colleague's change to another row is not undone.
    """

    stance = forms.ChoiceField(required=False, show_hidden_initial=True)
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        show_hidden_initial=True,
        widget=forms.TextInput(),
    )

    def __init__(self, *args, row: PositionRow, **kwargs):
        self.row = row
        label = f"{row.proposal.get_kind_display().lower()} {row.proposal.number}"  # "förslag 1", "bedömning 2"
        position = row.position
        kwargs.setdefault(
            "initial",
            {
                "stance": position.stance if position else "",
                "comment": position.comment if position else "",
            },
        )
        super().__init__(*args, **kwargs)
        stance = field_of(self, "stance", forms.ChoiceField)
        stance.choices = [("", _("Inte angivet"))] + list(Position.Stance.choices)
        stance.label = _("Ställningstagande till %(proposal)s") % {"proposal": label}
        self.fields["comment"].label = _("Kommentar till %(proposal)s (valfri)") % {"proposal": label}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("stance") and (data.get("comment") or "").strip():
            self.add_error("comment", _("Välj ett ställningstagande för att kunna spara en kommentar."))
        return data


# Rows per page of the positions form. Each row posts four fields (stance, comment and their
# initial values), so a page stays far under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000, kept
# as it is) however many proposals a betänkande has; one form for all of them failed at ~249.
PAGE_SIZE = 50
PAGE_PARAM = "forslag_sida"
_POSTED_ROW = re.compile(r"^(?:initial-)?p(\d+)-")


def page_of(rows: list[PositionRow], number: str | None) -> Page:
    """One page of the form's rows; an unknown page number gives the nearest page, never an error."""
    return Paginator(rows, PAGE_SIZE).get_page(number)


def posted_rows(rows: list[PositionRow], data) -> list[PositionRow]:
    """The rows the posted page showed, found by the prefixes of its fields, not by a page number:
    a proposal added or reordered meanwhile must not shift what was typed onto another row."""
    posted = {int(m.group(1)) for m in map(_POSTED_ROW.match, data) if m}
    return [row for row in rows if row.proposal.pk in posted]


def _saved_values(position: Position | None) -> tuple[str, str]:
    return (position.stance, position.comment) if position else ("", "")


def _describe(stance: str, comment: str) -> str:
    """One row's choice as a small HTML fragment, for the conflict page's two versions and diff."""
    label = str(Position.Stance(stance).label) if stance in Position.Stance.values else str(_("Inte angivet"))
    parts = [f"<p>{html.escape(label)}</p>"]
    if comment:
        parts.append(f"<p>{html.escape(str(_('Kommentar')))}: {html.escape(comment)}</p>")
    return "".join(parts)


class PositionsForm:
    """One page of the case's proposals, a `PositionRowForm` each (prefix p<proposal pk>), and the
    version of the body's positions the page was read at (`Referral.positions_version`)."""

    def __init__(self, data=None, *, rows: list[PositionRow], version: int | None = None):
        if data is not None:
            rows = posted_rows(rows, data)
        self.rows = [PositionRowForm(data, row=row, prefix=f"p{row.proposal.pk}") for row in rows]
        # No id: the opinion form on the same page has a hidden "version" of its own.
        self.header = VersionForm(data, initial={"version": version}, auto_id=False)
        self.is_bound = data is not None

    def __iter__(self):
        return iter(self.rows)

    def is_valid(self) -> bool:
        return all([self.header.is_valid()] + [row.is_valid() for row in self.rows])

    @property
    def version(self) -> int:
        return self.header.cleaned_data["version"]

    @property
    def errors(self) -> bool:
        return any(row.errors for row in self.rows)

    def visible_fields(self):
        """For the shared error summary: every row's fields."""
        return [field for row in self.rows for field in row.visible_fields()]

    def non_field_errors(self) -> list[str]:
        return []

    def changed_rows(self) -> list[PositionRowForm]:
        """Rows whose stance or comment differs from what the page showed and from what is saved."""
        changed = []
        for row in self.rows:
            stance = row.cleaned_data.get("stance") or ""
            comment = " ".join((row.cleaned_data.get("comment") or "").split())
            saved = row.row.position
            if not row.has_changed():
                continue
            if saved is None and not stance:
                continue  # still nothing recorded
            if saved is not None and saved.stance == stance and saved.comment == comment:
                continue
            changed.append(row)
        return changed

    def changes(self) -> list[PositionChange]:
        """What to save: the changed rows, for `workflow.save_positions`."""
        return [
            PositionChange(row.row.proposal, row.cleaned_data["stance"] or "", row.cleaned_data["comment"] or "")
            for row in self.changed_rows()
        ]

    def conflict_pairs(self, rows_now: list[PositionRow]) -> list[tuple[str, str, str]]:
        """For `remiss.diff.build_conflict`: each row this person changed, what they chose beside
        what is saved now."""
        now = {row.proposal.pk: row.position for row in rows_now}
        return [
            (
                f"{row.row.label}: {row.row.proposal.title}",
                _describe(row.cleaned_data["stance"] or "", " ".join((row.cleaned_data["comment"] or "").split())),
                _describe(*_saved_values(now.get(row.row.proposal.pk))),
            )
            for row in self.changed_rows()
        ]

    def rebased(self, rows_now: list[PositionRow], version: int) -> PositionsForm:
        """After a conflict: the same page with what this person chose in the rows they changed,
        what is saved now in every other row, and the saved version's number. Saving it again
        overwrites knowingly, and only the rows this person changed: a colleague's choice in
        another row stays."""
        now = {row.proposal.pk: row for row in rows_now}
        data = QueryDict(mutable=True)
        for row in self.rows:
            current = now.get(row.row.proposal.pk)
            if current is None:
                continue  # the proposal was removed meanwhile
            saved = _saved_values(current.position)
            typed = (
                (row.cleaned_data["stance"] or "", row.cleaned_data["comment"] or "") if row.has_changed() else saved
            )
            for name, mine, stored in zip(("stance", "comment"), typed, saved, strict=True):
                data[row.add_prefix(name)] = mine
                data[row.add_initial_prefix(name)] = stored
        data["version"] = str(version)
        form = PositionsForm(data, rows=rows_now)
        form.is_valid()
        return form
