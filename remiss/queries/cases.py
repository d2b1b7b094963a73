"""The registrar's case list, a page at a time."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from remiss.models import Case, Memo
from remiss.queries.common import answered_q, open_q, with_rows


def registrar_case_list(today: date | None = None) -> QuerySet[Case]:
    """Every case with its referral counts: `referral_total`, `referral_answered`, `referral_overdue`."""
    today = today or timezone.localdate()
    return Case.objects.annotate(
        referral_total=Count("referrals", distinct=True),
        referral_answered=Count("referrals", filter=answered_q("referrals__"), distinct=True),
        referral_overdue=Count(
            "referrals",
            filter=open_q("referrals__") & Q(referrals__deadline__lt=today),
            distinct=True,
        ),
    ).order_by("-received", "reference")


def registrar_case_page(number: str | int | None, per_page: int, today: date | None = None) -> Page[Case]:
    """One page of the case list; its `object_list` holds the cases annotated as in `registrar_case_list`.

    The page's cases are chosen first, on the case table alone (it walks the `case_received_order`
    index and stops after the page), and only those are counted. Counting inside the paged query
    would make the database count the referrals of all 10,000 cases before it could sort them.
    """
    paginator = Paginator(Case.objects.order_by("-received", "reference").values_list("pk", flat=True), per_page)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    counted = {case.pk: case for case in registrar_case_list(today).filter(pk__in=ids)}
    return with_rows(page, [counted[pk] for pk in ids])


def memo_history(case: Case) -> QuerySet[Memo]:
    return Memo.objects.filter(case=case).select_related("created_by")
