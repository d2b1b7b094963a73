"""The Organisation section's reads: bodies, accounts, politicians, seats, terms, parties and
meeting calendars, a page at a time and searchable, each page a fixed number of queries.

A list page is two queries (the count and the page's rows, their counts as subqueries), three
when its rows list related names (an account's bodies). An edit page reads its record with the
version the page sends back (`workflow.history_version`, here as a subquery of the same read).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict, TypeVar

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from remiss.dates import date_labels, long_datetime
from remiss.models import (
    AccessibilityStatement,
    BarrierReport,
    Body,
    CitySettings,
    Meeting,
    Party,
    Politician,
    Seat,
    Term,
    User,
    seat_valid_on,
)
from remiss.provenance import history_of
from remiss.queries.common import choice_labels, pk_urls, with_rows

M = TypeVar("M", bound=models.Model)


class Versioned(TypedDict):
    version: int  # the id of the newest history row, which the edit page sends back


PER_PAGE = 25
# A search reads at most this many words of at most this many characters: a pasted page of text
# is no search, and must not become a query with thousands of conditions.
SEARCH_WORDS = 8
SEARCH_WORD_LENGTH = 100


def search_words(q: str | None) -> list[str]:
    return [word[:SEARCH_WORD_LENGTH] for word in (q or "").replace("\x00", "").split()[:SEARCH_WORDS]]


def _search(rows: QuerySet[M], q: str | None, fields: tuple[str, ...]) -> QuerySet[M]:
    """Rows where every word of `q` is found in one of `fields` (case-insensitively)."""
    for word in search_words(q):
        match = Q()
        for name in fields:
            match |= Q(**{f"{name}__icontains": word})
        rows = rows.filter(match)
    return rows


def _count(rows: QuerySet[Any], link: str) -> Coalesce:
    """How many of `rows` point at the outer row through `link`, as a subquery (joins would multiply)."""
    counted = rows.filter(**{link: OuterRef("pk")}).order_by().values(link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_version(rows: QuerySet[M]) -> QuerySet[Any]:
    """Each row with `version`: the id of its newest history row (0 if none), in the same query.
    (Typed loosely: the callers name the annotated type, `WithAnnotations[Model, Versioned]`.)"""
    newest = history_of(rows.model).filter(id=OuterRef("pk")).order_by("-history_id").values("history_id")[:1]
    return rows.annotate(version=Coalesce(Subquery(newest, output_field=IntegerField()), Value(0)))


def _page(rows: QuerySet[M], number: str | int | None) -> Page[M]:
    return Paginator(rows, PER_PAGE).get_page(number)


def _open_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})


# --- A record's changes -------------------------------------------------------------------------

# An edit page lists this many of the record's latest versions.
CHANGES_SHOWN = 20


@dataclass(frozen=True)
class ChangeRow:
    """One saved version of a record: when, by whom (None: a script or the import) and why."""

    when_label: str  # "21 mars 2030 kl. 10:15"
    user: User | None
    reason: str


def record_changes(obj: models.Model) -> list[ChangeRow]:
    """The record's latest CHANGES_SHOWN versions, newest first: one query."""
    rows = history_of(type(obj)).filter(id=obj.pk).select_related("history_user").order_by("-history_id")
    return [
        ChangeRow(long_datetime(row.history_date), row.history_user, row.history_change_reason or "")
        for row in rows[:CHANGES_SHOWN]
    ]


# --- The section's start page -------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    settings: CitySettings | None
    open_bodies: int
    closed_bodies: int
    accounts: int
    officers: int
    politicians: int
    seats_now: int
    terms: int
    parties: int


def organisation_overview(today: date | None = None) -> Overview:
    """The settings and how many of each kind there are: seven queries."""
    today = today or timezone.localdate()
    bodies = Body.objects.aggregate(open=Count("pk", filter=_open_on(today)), all=Count("pk"))
    accounts = User.objects.filter(is_active=True).aggregate(
        all=Count("pk"), officers=Count("pk", filter=Q(role=User.Role.OFFICER))
    )
    return Overview(
        settings=CitySettings.objects.order_by("pk").first(),
        open_bodies=bodies["open"],
        closed_bodies=bodies["all"] - bodies["open"],
        accounts=accounts["all"],
        officers=accounts["officers"],
        politicians=Politician.objects.count(),
        seats_now=Seat.objects.filter(seat_valid_on(today)).count(),
        terms=Term.objects.count(),
        parties=Party.objects.count(),
    )


def city_settings_for_edit() -> WithAnnotations[CitySettings, Versioned] | None:
    return with_version(CitySettings.objects.order_by("pk")).first()


# --- Bodies -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BodyRow:
    body: Body
    kind_label: str
    closed_label: str  # "1 januari 2027" when the body is closed, else ""
    officers: int  # active accounts working for it
    seats_now: int  # seats that hold today
    next_meeting_label: str  # the next date in its calendar, "" when none
    url: str  # its edit page
    meetings_url: str


def body_page(q: str | None, number: str | int | None, today: date | None = None) -> Page[BodyRow]:
    """Bodies by name, searched in their name, running-text name, administration and kind."""
    today = today or timezone.localdate()
    next_meeting = Meeting.objects.filter(body=OuterRef("pk"), date__gte=today).order_by().values("body")
    rows = _search(Body.objects.order_by("name"), q, ("name", "name_in_text", "administration", "kind")).annotate(
        officer_count=_count(User.objects.filter(is_active=True), "bodies"),
        seat_count=_count(Seat.objects.filter(seat_valid_on(today)), "body"),
        next_meeting=Subquery(next_meeting.annotate(first=Min("date")).values("first")),
    )
    page = _page(rows, number)
    kinds, dates = choice_labels(Body.Kind), date_labels()
    url, meetings_url = pk_urls("org_body_edit"), pk_urls("org_body_meetings")
    return with_rows(
        page,
        [
            BodyRow(
                body,
                kind_label=kinds[body.kind],
                closed_label=dates(body.closed_on),
                officers=body.officer_count,
                seats_now=body.seat_count,
                next_meeting_label=dates(body.next_meeting),
                url=url(body.pk),
                meetings_url=meetings_url(body.pk),
            )
            for body in page.object_list
        ],
    )


@dataclass(frozen=True)
class BodyPeople:
    """Who works for a body and who sits in it now, for its edit page."""

    officers: list[User]
    seats: list[Seat]  # that hold today, with politician, party and term


def body_for_edit(pk: int) -> WithAnnotations[Body, Versioned]:
    """One body with its version; raises Body.DoesNotExist."""
    return with_version(Body.objects.all()).get(pk=pk)


def body_people(body: Body, today: date | None = None) -> BodyPeople:
    today = today or timezone.localdate()
    officers = list(User.objects.filter(bodies=body, is_active=True).order_by("last_name", "first_name", "username"))
    seats = list(
        body.seats.filter(seat_valid_on(today))
        .select_related("politician__party", "term")
        .order_by("role", "politician__last_name", "politician__first_name")
    )
    return BodyPeople(officers, seats)


# --- Meeting calendars --------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    date_label: str
    past: bool


@dataclass(frozen=True)
class MeetingYear:
    year: int
    years: list[int]  # every year with a meeting, and this one
    meetings: list[MeetingRow]


def body_meetings(body: Body, year: int, today: date | None = None) -> MeetingYear:
    """The body's meeting dates in one year, and the years that have any: two queries. A year
    holds a body's meetings of one year (twenty at most, in practice), so it needs no paging."""
    today = today or timezone.localdate()
    years = {first_day.year for first_day in body.meetings.dates("date", "year")}
    dates = date_labels()
    meetings = [
        MeetingRow(m, dates(m.date), m.date < today) for m in body.meetings.filter(date__year=year).order_by("date")
    ]
    return MeetingYear(year, sorted(years | {year}), meetings)


# --- Parties ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyRow:
    party: Party
    politicians: int
    url: str


def party_page(q: str | None, number: str | int | None) -> Page[PartyRow]:
    rows = _search(Party.objects.order_by("name"), q, ("name", "abbreviation")).annotate(
        politician_count=_count(Politician.objects.all(), "party")
    )
    page = _page(rows, number)
    url = pk_urls("org_party_edit")
    return with_rows(
        page,
        [PartyRow(p, p.politician_count, url(p.pk)) for p in page.object_list],
    )


def party_for_edit(pk: int) -> WithAnnotations[Party, Versioned]:
    return with_version(Party.objects.all()).get(pk=pk)


# --- Terms --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermRow:
    term: Term
    starts_label: str
    ends_label: str
    seats: int
    current: bool
    url: str


def term_page(q: str | None, number: str | int | None, today: date | None = None) -> Page[TermRow]:
    today = today or timezone.localdate()
    rows = _search(Term.objects.order_by("-starts"), q, ("name",)).annotate(
        seat_count=_count(Seat.objects.all(), "term")
    )
    page = _page(rows, number)
    url, dates = pk_urls("org_term_edit"), date_labels()
    return with_rows(
        page,
        [
            TermRow(
                t,
                dates(t.starts),
                dates(t.ends),
                t.seat_count,
                t.starts <= today <= t.ends,
                url(t.pk),
            )
            for t in page.object_list
        ],
    )


def term_for_edit(pk: int) -> WithAnnotations[Term, Versioned]:
    return with_version(Term.objects.all()).get(pk=pk)


# --- The accessibility statement and reported barriers -------------------------------------------


def statement_for_edit() -> WithAnnotations[AccessibilityStatement, Versioned] | None:
    """The saved statement with its version, or None while the shipped default is shown."""
    return with_version(AccessibilityStatement.objects.order_by("pk")).first()


@dataclass(frozen=True)
class BarrierRow:
    report: BarrierReport
    received_label: str  # "21 mars 2030 kl. 10:15"


def barrier_page(number: str | int | None, *, unhandled: bool = False) -> Page[BarrierRow]:
    """Reported barriers, the newest first; `unhandled` only those not yet handled. Two queries."""
    rows = BarrierReport.objects.order_by("-created_at", "-pk")
    if unhandled:
        rows = rows.filter(handled=False)
    page = _page(rows, number)
    return with_rows(page, [BarrierRow(r, long_datetime(r.created_at)) for r in page.object_list])
