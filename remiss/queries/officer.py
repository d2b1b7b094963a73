"""The officer's pages: the referrals of their bodies, and one referral."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_stubs_ext import WithAnnotations

from remiss.dates import date_labels
from remiss.models import Decision, Referral, User
from remiss.queries.common import choice_labels, decision_of, open_q, pk_urls, with_rows


class _Assigned(TypedDict):
    assigned: bool  # the officer is one of the referral's named handläggare


@dataclass(frozen=True)
class OfficerRow:
    referral: Referral
    overdue: bool
    assigned: bool  # the officer is one of the referral's named handläggare
    url: str  # the referral's page
    status_label: str
    deadline_label: str  # the referral's deadline, "31 mars 2030"
    case_deadline_label: str  # the case's remisstid


def officer_referrals(
    user: User,
    today: date | None = None,
    *,
    body_ids: list[int] | None = None,
    open_page: str | int | None = None,
    closed_page: str | int | None = None,
    per_page: int = 25,
) -> tuple[Page[OfficerRow], Page[OfficerRow]]:
    """(open, closed) pages of the referrals of the bodies the officer works for; each page's
    `object_list` holds `OfficerRow`s. Open ones nearest deadline first, closed ones latest first.
    A body answers thousands of referrals over the years, so neither list is ever read whole:
    the split is made in SQL (`_open_q`, the opposite of `Referral.is_closed`), "assigned" is an
    EXISTS on the page's rows, and the order uses the referral's own columns only, so that the
    `referral_body_deadline` index gives it without sorting every referral the body ever had.
    `body_ids` are the user's bodies when the caller has read them already; they go in as values,
    not as a subquery, so that for one body the database walks that index in order."""
    today = today or timezone.localdate()
    if body_ids is None:
        body_ids = list(user.bodies.values_list("pk", flat=True))
    referrals = (
        Referral.objects.filter(body_id__in=body_ids)
        .select_related("case", "body")
        .annotate(
            assigned=Exists(Referral.officers.through.objects.filter(referral_id=OuterRef("pk"), user_id=user.pk))
        )
    )
    open_rows = Paginator(
        referrals.filter(open_q()).order_by("deadline", "case_id", "body_id"),
        per_page,
    ).get_page(open_page)
    closed_rows = Paginator(
        referrals.exclude(open_q()).order_by("-deadline", "-case_id", "body_id"),
        per_page,
    ).get_page(closed_page)
    url = pk_urls("officer_referral")
    status_labels = choice_labels(Referral.Status)
    dates = date_labels()

    def row(referral: WithAnnotations[Referral, _Assigned], overdue: bool) -> OfficerRow:
        return OfficerRow(
            referral,
            overdue=overdue,
            assigned=referral.assigned,
            url=url(referral.pk),
            status_label=status_labels[referral.status],
            deadline_label=dates(referral.deadline),
            case_deadline_label=dates(referral.case.deadline),
        )

    return (
        with_rows(open_rows, [row(r, overdue=r.deadline < today) for r in open_rows.object_list]),
        with_rows(closed_rows, [row(r, overdue=False) for r in closed_rows.object_list]),
    )


def referral_for_officer(referral_pk: int) -> tuple[Referral, Decision | None]:
    """One referral with its case, body, opinion and proposals, and the body's decision if any."""
    referral = (
        Referral.objects.select_related("case", "body", "opinion")
        .prefetch_related("case__proposals")
        .get(pk=referral_pk)
    )
    return referral, decision_of(referral)
