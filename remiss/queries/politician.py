"""The politician's pages: their seats with the open decisions, invitations and own statements."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Prefetch, Window
from django.db.models.functions import RowNumber

from remiss.dates import date_labels
from remiss.models import Decision, Politician, Seat, Statement, StatementAuthor
from remiss.queries.common import choice_labels, pk_urls, with_rows
from remiss.statement_reads import authors_prefetch, statements_with_attribution


@dataclass(frozen=True)
class OpenDecisionRow:
    """One open decision under a seat, with its display values ready."""

    decision: Decision  # with its case
    url: str  # the politician's page of the decision
    meeting_label: str  # "31 mars 2030", "" when no meeting date is set
    deadline_label: str  # the case's remisstid


@dataclass(frozen=True)
class SeatOverview:
    seat: Seat
    open_decisions: list[OpenDecisionRow]  # at most OPEN_DECISIONS_PER_SEAT, nearest remisstid first
    open_total: int = 0
    role_label: str = ""  # the seat's role, "Ledamot" or "Ersättare"


@dataclass(frozen=True)
class PoliticianOverview:
    politician: Politician
    seats: list[SeatOverview]
    invitations: list[StatementAuthor]
    statements: Page[Statement]  # the newest first


# A seat shows this many of its open decisions; the rest wait until the first are justered.
OPEN_DECISIONS_PER_SEAT = 5


def politician_overview(
    politician: Politician, *, statements_page: str | int | None = None, per_page: int = 25
) -> PoliticianOverview:
    """Seats with their open (not justered) decisions, pending invitations and a page of own statements.

    A politician may sit in many nämnder for many years, so nothing here grows without bound: each
    seat lists its OPEN_DECISIONS_PER_SEAT nearest decisions (one query for all seats, numbered
    per body with ROW_NUMBER) with the total beside them, and the statements come a page at a time.
    """
    seats = list(Seat.objects.filter(politician=politician).select_related("body").order_by("body__name"))
    open_decisions = Decision.objects.filter(body__in=[s.body_id for s in seats], justered=False)
    totals = dict(open_decisions.order_by().values_list("body_id").annotate(n=Count("pk")))
    decisions = (
        open_decisions.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("body_id")],
                order_by=[F("case__deadline").asc(), F("case__reference").asc()],
            )
        )
        .filter(rank__lte=OPEN_DECISIONS_PER_SEAT)
        .select_related("case")
        .order_by("case__deadline", "case__reference")
    )
    url = pk_urls("politician_decision")
    dates = date_labels()
    by_body: dict[int, list[OpenDecisionRow]] = {}
    for decision in decisions:
        by_body.setdefault(decision.body_id, []).append(
            OpenDecisionRow(
                decision,
                url=url(decision.pk),
                meeting_label=dates(decision.meeting_date),
                deadline_label=dates(decision.case.deadline),
            )
        )
    role_labels = choice_labels(Seat.Role)
    invitations = list(
        StatementAuthor.objects.filter(politician=politician, accepted=False, statement__decision__justered=False)
        .select_related("statement__decision__case", "statement__decision__body")
        .prefetch_related(
            authors_prefetch("statement__"),
            authors_prefetch("statement__endorses__"),
            authors_prefetch("statement__identical_to__"),
        )
        .select_related("statement__endorses", "statement__identical_to__decision__body")
        .order_by("statement__decision__case__deadline", "pk")
    )
    # The page is chosen on the author table alone, newest statement first, along the
    # `author_politician_statements` index; only the page's statements are then read in full.
    statements = Paginator(
        StatementAuthor.objects.filter(politician=politician, accepted=True)
        .order_by("-statement_id")
        .values_list("statement_id", flat=True),
        per_page,
    ).get_page(statements_page)
    ids = list(statements.object_list)
    by_pk = {s.pk: s for s in statements_with_attribution().filter(pk__in=ids)}
    return PoliticianOverview(
        politician=politician,
        seats=[
            SeatOverview(
                seat=s,
                open_decisions=by_body.get(s.body_id, []),
                open_total=totals.get(s.body_id, 0),
                role_label=role_labels[s.role],
            )
            for s in seats
        ],
        invitations=invitations,
        statements=with_rows(statements, [by_pk[pk] for pk in ids]),
    )


def decision_for_politician(decision_pk: int) -> Decision:
    """A decision with its case, body and statements ready for attribution lines."""
    return (
        Decision.objects.select_related("case", "body")
        .prefetch_related(Prefetch("statements", queryset=statements_with_attribution()))
        .get(pk=decision_pk)
    )
