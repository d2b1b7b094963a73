"""The registrar's status board: one case with every referral, its decision and its buttons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TypedDict

from django.db.models import Count
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from remiss.dates import date_labels
from remiss.models import Body, Case, Decision, Memo, Referral
from remiss.queries.common import choice_labels, pk_urls
from remiss.workflow import EVENT_LABELS, allowed_events

_R = Referral.Status


class _StatementCount(TypedDict):
    statement_count: int  # the board shows how many statements a decision has, not the statements


@dataclass(frozen=True)
class BoardRow:
    """One referred body on the status board, with its display values ready."""

    referral: Referral
    decision: WithAnnotations[Decision, _StatementCount] | None
    overdue: bool
    answer: str  # "answered", "declined", "no_answer" or "pending"
    events: list[str]  # workflow events the registrar may trigger here
    actions: list[tuple[str, str]]  # (event, Swedish label) for each button
    url: str  # the referral's page
    event_url: str  # where its buttons post
    status_label: str
    deadline_label: str  # the referral's deadline, "31 mars 2030"
    decision_date_label: str  # the decision's meeting date, "" when it has none


# Referral moves the registrar makes; the officer's own moves are on the officer's pages.
REGISTRAR_REFERRAL_EVENTS = ("mark_no_answer", "decline")


@dataclass(frozen=True)
class StatusBoard:
    case: Case
    rows: list[BoardRow]
    city_decisions: list[WithAnnotations[Decision, _StatementCount]]
    memos: list[Memo]
    today: date
    by_answer: dict[str, list[BoardRow]] = field(default_factory=dict)

    @property
    def answered_count(self) -> int:
        return len(self.by_answer.get("answered", []))

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.rows if r.overdue)


def answer_of(referral: Referral) -> str:
    if referral.is_answered:
        return "answered"
    if referral.status == _R.DECLINED:
        return "declined"
    if referral.status == _R.NO_ANSWER:
        return "no_answer"
    return "pending"


def status_board(case_pk: int, today: date | None = None) -> StatusBoard:
    """The case, every referral in memo order with its decision and state, the city's decisions.

    The board shows how many statements each decision has, not the statements, so it counts them
    in SQL rather than reading them with their authors."""
    today = today or timezone.localdate()
    case = (
        Case.objects.select_related("commissioner__party", "city_proposal")
        .annotate(proposal_count=Count("proposals"))
        .get(pk=case_pk)
    )
    referrals = list(Referral.objects.filter(case=case).select_related("body").order_by("order", "pk"))
    decisions = list(
        Decision.objects.filter(case=case).select_related("body").annotate(statement_count=Count("statements"))
    )
    by_body = {d.body_id: d for d in decisions}
    referral_url = pk_urls("case_referral", case.pk)
    event_url = pk_urls("case_referral_event", case.pk)
    status_labels = choice_labels(Referral.Status)
    dates = date_labels()
    # The buttons depend only on the status and the kind of body: worked out once for each pair.
    buttons: dict[tuple[str, bool], tuple[list[str], list[tuple[str, str]]]] = {}
    rows = []
    for referral in referrals:
        referral.case = case  # the case is already read; don't read it again per row
        key = (referral.status, referral.body.makes_decisions)
        if key not in buttons:
            events = [e for e in allowed_events(referral) if e in REGISTRAR_REFERRAL_EVENTS]
            buttons[key] = (events, [(e, str(EVENT_LABELS[e])) for e in events])
        events, actions = buttons[key]
        decision = by_body.get(referral.body_id)
        rows.append(
            BoardRow(
                referral=referral,
                decision=decision,
                overdue=not referral.is_closed and referral.deadline < today,
                answer=answer_of(referral),
                events=events,
                actions=actions,
                url=referral_url(referral.pk),
                event_url=event_url(referral.pk),
                status_label=status_labels[referral.status],
                deadline_label=dates(referral.deadline),
                decision_date_label=dates(decision.meeting_date) if decision else "",
            )
        )
    by_answer: dict[str, list[BoardRow]] = {"answered": [], "declined": [], "no_answer": [], "pending": []}
    for row in rows:
        by_answer[row.answer].append(row)
    city = sorted(
        (d for d in decisions if d.body.is_city_level), key=lambda d: d.body.kind != Body.Kind.BORGARRADSBEREDNINGEN
    )
    memos = list(Memo.objects.filter(case=case).select_related("created_by")[:5])
    return StatusBoard(case=case, rows=rows, city_decisions=city, memos=memos, today=today, by_answer=by_answer)
