"""The politician's pages: their seats with the open decisions, invitations and own statements.

Which seat a decision belongs to is the one held on its meeting date (`Decision.seat_day`), the
same rule `remiss.access` applies to what the politician may see and write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from remiss.dates import date_labels
from remiss.models import Decision, Politician, Seat, Statement, StatementAuthor, seat_valid_on
from remiss.models.decisions import seat_day_sql
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
    seat: Seat  # with its body and term
    open_decisions: list[OpenDecisionRow]  # at most OPEN_DECISIONS_PER_SEAT, nearest remisstid first
    open_total: int = 0
    role_label: str = ""  # the seat's role, "Ledamot" or "Ersättare"
    # Set when every seat of the politician in the body has ended: the day the last one did. They
    # read these decisions and edit their own statements until justering, but start no new one.
    ended_label: str = ""
    starts_label: str = ""  # set when the seat begins after today (a new term's seat)


@dataclass(frozen=True)
class PoliticianOverview:
    politician: Politician
    seats: list[SeatOverview]
    invitations: list[StatementAuthor]
    statements: Page[Statement]  # the newest first


# A seat shows this many of its open decisions; the rest wait until the first are justered.
OPEN_DECISIONS_PER_SEAT = 5


class _CoveringSeat(TypedDict):
    seats_on: date  # Decision.seat_day
    covering_seat: int  # the politician's seat held that day


def _open_decisions_by_seat(
    politician: Politician, body_ids: set[int], today: date
) -> QuerySet[WithAnnotations[Decision, _CoveringSeat]]:
    """The open decisions of the bodies, each with `covering_seat`: the politician's seat held on
    its meeting date (`Decision.seat_day`); those no seat of theirs covered are left out."""
    covering = (
        Seat.objects.filter(seat_valid_on(OuterRef("seats_on")), politician=politician, body=OuterRef("body"))
        .order_by(F("starts").desc(nulls_last=True), "-pk")
        .values("pk")[:1]
    )
    return (
        Decision.objects.filter(body__in=body_ids, justered=False)
        .annotate(seats_on=seat_day_sql(today))
        .annotate(covering_seat=Subquery(covering))
        .filter(covering_seat__isnull=False)
    )


def _shown_seats(seats: list[Seat], totals: dict[int, int], today: date) -> list[Seat]:
    """Seats that hold today or begin later, and ended ones that still cover an open decision."""
    return [s for s in seats if s.ends is None or s.ends >= today or totals.get(s.pk)]


def _ended_bodies(seats: list[Seat], today: date) -> dict[int, date]:
    """The bodies where every seat of the politician has ended, with the day the last one did
    (the same rule as `access.ended_seat_in`)."""
    running = {s.body_id for s in seats if s.ends is None or s.ends >= today}
    ended: dict[int, date] = {}
    for seat in seats:
        if seat.body_id not in running and seat.ends is not None:
            ended[seat.body_id] = max(ended.get(seat.body_id, seat.ends), seat.ends)
    return ended


def politician_overview(
    politician: Politician, *, statements_page: str | int | None = None, per_page: int = 25
) -> PoliticianOverview:
    """Seats with their open (not justered) decisions, pending invitations and a page of own statements.

    A decision is listed under the seat that held on its meeting date, so a politician sees the open
    decisions of the bodies they sit in today and those of an ended or coming term that their seat
    covers; the seats shown are those holding today or later, and ended ones with open decisions.
    A politician may sit in many nämnder for many years, so nothing here grows without bound: each
    seat lists its OPEN_DECISIONS_PER_SEAT nearest decisions (one query for all seats, numbered
    per seat with ROW_NUMBER) with the total beside them, and the statements come a page at a time.
    """
    today = timezone.localdate()
    seats = list(
        Seat.objects.filter(politician=politician)
        .select_related("body", "term")
        .order_by("body__name", F("starts").asc(nulls_first=True), "pk")
    )
    open_decisions = _open_decisions_by_seat(politician, {s.body_id for s in seats}, today)
    totals = dict(open_decisions.order_by().values_list("covering_seat").annotate(n=Count("pk")))
    decisions = (
        open_decisions.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("covering_seat")],
                order_by=[F("case__deadline").asc(), F("case__reference").asc()],
            )
        )
        .filter(rank__lte=OPEN_DECISIONS_PER_SEAT)
        .select_related("case")
        .order_by("case__deadline", "case__reference")
    )
    url = pk_urls("politician_decision")
    dates = date_labels()
    by_seat: dict[int, list[OpenDecisionRow]] = {}
    for decision in decisions:
        by_seat.setdefault(decision.covering_seat, []).append(
            OpenDecisionRow(
                decision,
                url=url(decision.pk),
                meeting_label=dates(decision.meeting_date),
                deadline_label=dates(decision.case.deadline),
            )
        )
    ended = _ended_bodies(seats, today)
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
                open_decisions=by_seat.get(s.pk, []),
                open_total=totals.get(s.pk, 0),
                role_label=role_labels[s.role],
                ended_label=dates(ended.get(s.body_id)),
                starts_label=dates(s.starts) if s.starts is not None and s.starts > today else "",
            )
            for s in _shown_seats(seats, totals, today)
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
