"""What several page groups share: display values ready-made, and SQL for a referral's state.

The dashboards show up to a few hundred rows. In Django's template engine a `{% url %}`, a
`|date` or a `get_FOO_display` costs tens of microseconds per row, more than the row's SQL, so
the rows carry these values ready-made: each URL pattern reversed once per page, each date
(`remiss.dates.date_labels`) and each choice label formatted once per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.paginator import Page
from django.db.models import Q, TextChoices
from django.urls import reverse

from remiss.models import Body, Decision, Referral

_R = Referral.Status
_T = TypeVar("_T")

# No primary key reaches this; it marks where the row's own pk goes in a reversed URL.
_PK_MARKER = 987654321987


def pk_urls(name: str, *args: object) -> Callable[[int], str]:
    """`reverse(name, args=[*args, pk])` for many pks at the cost of one reverse. The pk must be
    the URL's last argument, with the `int` converter (so it appears as its plain digits)."""
    prefix, marker, suffix = reverse(name, args=[*args, _PK_MARKER]).rpartition(str(_PK_MARKER))
    assert marker, name
    return lambda pk: f"{prefix}{pk}{suffix}"


def choice_labels(choices: type[TextChoices]) -> dict[str, str]:
    """{value: label} in the active language: `get_FOO_display` once per choice, not per row."""
    return {value: str(label) for value, label in choices.choices}


def answered_q(prefix: str = "") -> Q:
    """A referral that has answered: a nämnd's decision, or an office's finished opinion."""
    return Q(**{f"{prefix}status__in": [_R.DECIDED, _R.JUSTERED]}) | (
        Q(**{f"{prefix}status": _R.OPINION_READY}) & Q(**{f"{prefix}body__kind": Body.Kind.OFFICE})
    )


def open_q(prefix: str = "") -> Q:
    """A referral still expected to answer (the opposite of `Referral.is_closed`)."""
    return Q(**{f"{prefix}status__in": [_R.REFERRED, _R.DRAFTING]}) | (
        Q(**{f"{prefix}status": _R.OPINION_READY}) & ~Q(**{f"{prefix}body__kind": Body.Kind.OFFICE})
    )


def decision_of(referral: Referral) -> Decision | None:
    """The decision of the referral's body in its case, with the body and the referral's case."""
    decision = (
        Decision.objects.filter(case_id=referral.case_id, body_id=referral.body_id).select_related("body").first()
    )
    if decision is not None:
        decision.case = referral.case  # read already with the referral
    return decision


def with_rows(page: Page[Any], rows: Sequence[_T]) -> Page[_T]:
    """The same page holding `rows`: a page is chosen on a cheap query (pks, or rows without
    their display values) and only its rows are then read in full or dressed for display."""
    return Page(rows, page.number, page.paginator)
