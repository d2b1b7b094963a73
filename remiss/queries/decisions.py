"""The registrar's pages of a decision: a nämnd's under its referral, the city's on their own page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from remiss.attribution import full_line
from remiss.models import Body, Case, Decision, Referral, Statement, StatementAuthor
from remiss.richtext import sanitize
from remiss.statement_reads import statements_with_attribution
from remiss.workflow import decision_edit_refusal


def _statements_prefetch() -> Prefetch:
    """A decision's statements with everything their attribution lines name, in a fixed number of queries."""
    return Prefetch("statements", queryset=statements_with_attribution())


@dataclass(frozen=True)
class StatementRow:
    """One statement as the registrar's decision pages show it."""

    statement: Statement  # with its authors prefetched
    line: str  # the attribution line, "Särskilt uttalande av Jan Jönsson (L)"
    html: str  # the sanitised text; "" for a statement identical to another, which has no text of its own
    pending_authors: tuple[StatementAuthor, ...]  # invited co-authors who have not answered

    @property
    def pk(self) -> int:
        return self.statement.pk


@dataclass(frozen=True)
class DecisionRow:
    """A decision with its statements ready for display. The templates read the decision's own
    fields through it, as they did from the decision."""

    decision: Decision  # with its body and case
    statement_list: tuple[StatementRow, ...]
    # What the page offers; the workflow asks again on saving. Only city decisions are edited on
    # the registrar's pages, so a nämnd's decision offers none of it.
    editable: bool = False
    statements_editable: bool = False
    statements_removable: bool = False

    @property
    def pk(self) -> int:
        return self.decision.pk

    @property
    def body(self) -> Body:
        return self.decision.body

    @property
    def body_id(self) -> int:
        return self.decision.body_id

    @property
    def case_id(self) -> int:
        return self.decision.case_id

    @property
    def meeting_date(self) -> date | None:
        return self.decision.meeting_date

    @property
    def justered(self) -> bool:
        return self.decision.justered

    @property
    def immediate_justering(self) -> bool:
        return self.decision.immediate_justering

    @property
    def points(self) -> list[str]:
        return self.decision.points

    @property
    def added_text(self) -> str:
        return self.decision.added_text


def statement_rows(decision: Decision) -> tuple[StatementRow, ...]:
    """The decision's prefetched statements (`_statements_prefetch`) with their lines and texts."""
    return tuple(
        StatementRow(
            statement,
            line=full_line(statement),
            html=sanitize(statement.text) if not statement.identical_to_id else "",
            pending_authors=tuple(a for a in statement.authors.all() if not a.accepted),
        )
        for statement in decision.statements.all()
    )


def _edit_flags(decision: Decision) -> dict[str, bool]:
    """What the city decisions page offers for `decision` (its case read already)."""
    return {
        "editable": decision_edit_refusal(decision, "edit_decision") is None,
        "statements_editable": decision_edit_refusal(decision, "edit_statement") is None,
        "statements_removable": decision_edit_refusal(decision, "remove_statement") is None,
    }


def city_decision_rows(case: Case) -> list[DecisionRow]:
    """Borgarrådsberedningen's and kommunstyrelsen's decisions with their statements, in that
    order, each with what the registrar may do with it now."""
    decisions = (
        Decision.objects.filter(case=case, body__kind__in=[Body.Kind.BORGARRADSBEREDNINGEN, Body.Kind.KOMMUNSTYRELSEN])
        .select_related("body")
        .prefetch_related(_statements_prefetch())
    )
    rows = []
    for decision in sorted(decisions, key=lambda d: d.body.kind != Body.Kind.BORGARRADSBEREDNINGEN):
        decision.case = case  # read already; the edit rules read its status
        rows.append(DecisionRow(decision, statement_rows(decision), **_edit_flags(decision)))
    return rows


def referral_for_registrar(case_pk: int, referral_pk: int) -> tuple[Referral, DecisionRow | None]:
    """One referral with its opinion, and its body's decision with the statements."""
    referral = (
        Referral.objects.select_related("case", "body", "opinion")
        .prefetch_related("officers")
        .get(
            pk=referral_pk,
            case_id=case_pk,
        )
    )
    decision = (
        Decision.objects.filter(case_id=case_pk, body_id=referral.body_id)
        .select_related("body")
        .prefetch_related(_statements_prefetch())
        .first()
    )
    if decision is None:
        return referral, None
    decision.case = referral.case
    return referral, DecisionRow(decision, statement_rows(decision))
