"""The Organisation section's reads of people: accounts (officers among them), politicians and
seats. The same rules as in `organisation`: a page is a fixed number of queries, searchable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from remiss.dates import date_labels
from remiss.models import Body, Politician, Seat, User, seat_valid_on
from remiss.queries.common import choice_labels, pk_urls, with_rows
from remiss.queries.organisation import Versioned, _count, _page, _search, with_version

# --- Accounts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    account: User  # with its bodies (names only)
    name: str  # "Anna Andersson", or the username when no name is given
    role_label: str
    bodies_label: str  # "Socialnämnden, Stadsledningskontoret": whom an officer works for
    url: str


def _bodies() -> Prefetch:
    return Prefetch("bodies", queryset=Body.objects.order_by("name").only("pk", "name"))


def account_page(q: str | None, number: str | int | None, role: str | None = None) -> Page[AccountRow]:
    """Accounts by name (the inactive ones too, marked), searched in name, username, e-mail and
    employee id; `role` keeps one role (officers: "officer"). Three queries."""
    rows: QuerySet[User] = User.objects.order_by("last_name", "first_name", "username")
    if role in User.Role.values:
        rows = rows.filter(role=role)
    rows = _search(rows, q, ("username", "first_name", "last_name", "email", "employee_id"))
    page = _page(rows.prefetch_related(_bodies()), number)
    roles, url = choice_labels(User.Role), pk_urls("org_account_edit")
    return with_rows(
        page,
        [
            AccountRow(
                u,
                u.get_full_name() or u.username,
                roles.get(u.role, u.role),
                ", ".join(b.name for b in u.bodies.all()),
                url(u.pk),
            )
            for u in page.object_list
        ],
    )


def account_for_edit(pk: int) -> WithAnnotations[User, Versioned]:
    """One account with its version and its bodies; raises User.DoesNotExist."""
    return with_version(User.objects.prefetch_related(_bodies())).get(pk=pk)


# --- Politicians --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoliticianRow:
    politician: Politician  # with party and account
    seats_now: int
    url: str


def politician_page(q: str | None, number: str | int | None, today: date | None = None) -> Page[PoliticianRow]:
    """Politicians by name, searched in name, party and account. Two queries."""
    today = today or timezone.localdate()
    rows = _search(
        Politician.objects.select_related("party", "user").order_by("last_name", "first_name"),
        q,
        ("first_name", "last_name", "party__name", "party__abbreviation", "user__username"),
    ).annotate(seat_count=_count(Seat.objects.filter(seat_valid_on(today)), "politician"))
    page = _page(rows, number)
    url = pk_urls("org_politician_edit")
    return with_rows(
        page,
        [PoliticianRow(p, p.seat_count, url(p.pk)) for p in page.object_list],
    )


def politician_for_edit(pk: int) -> WithAnnotations[Politician, Versioned]:
    return with_version(Politician.objects.select_related("party", "user")).get(pk=pk)


# --- Seats --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeatRow:
    seat: Seat  # with politician, party, body and term
    role_label: str
    starts_label: str  # "" for an open start (the term's start)
    ends_label: str  # "" for an open end (until further notice)
    current: bool  # holds today
    url: str


def _seat_rows(seats: list[Seat], today: date) -> list[SeatRow]:
    roles, dates, url = choice_labels(Seat.Role), date_labels(), pk_urls("org_seat_edit")
    return [SeatRow(s, roles[s.role], dates(s.starts), dates(s.ends), s.valid_on(today), url(s.pk)) for s in seats]


def _seats() -> QuerySet[Seat]:
    return Seat.objects.select_related("politician__party", "body", "term")


def seat_page(
    q: str | None,
    number: str | int | None,
    *,
    term_id: int | None = None,
    current: bool = False,
    today: date | None = None,
) -> Page[SeatRow]:
    """Seats by body and politician, searched in their names and party; `term_id` keeps one
    term's, `current` only those that hold today. Two queries."""
    today = today or timezone.localdate()
    rows = _seats().order_by("body__name", "role", "politician__last_name", "politician__first_name", "pk")
    if term_id is not None:
        rows = rows.filter(term_id=term_id)
    if current:
        rows = rows.filter(seat_valid_on(today))
    fields = ("politician__first_name", "politician__last_name", "politician__party__abbreviation", "body__name")
    page = _page(_search(rows, q, fields), number)
    return with_rows(page, _seat_rows(list(page.object_list), today))


def politician_seats(politician: Politician, today: date | None = None) -> list[SeatRow]:
    """Every seat of one politician, the latest first: a few per term, so no paging."""
    today = today or timezone.localdate()
    seats = _seats().filter(politician=politician).order_by(F("ends").desc(nulls_first=True), "body__name")
    return _seat_rows(list(seats), today)


def seat_for_edit(pk: int) -> WithAnnotations[Seat, Versioned]:
    return with_version(_seats()).get(pk=pk)
