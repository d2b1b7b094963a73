"""What the history pages read besides the history rows (those come from `remiss.provenance`)."""

from __future__ import annotations

from remiss.models import Decision, Memo, Referral
from remiss.queries.common import decision_of


def referral_with_decision(referral_pk: int) -> tuple[Referral, Decision | None]:
    """A referral with its case, body and opinion, and its body's decision (for "Vad nämnden ändrade")."""
    referral = Referral.objects.select_related("case", "body", "opinion").get(pk=referral_pk)
    return referral, decision_of(referral)


def referral_pk_of_decision(decision_pk: int) -> int | None:
    """The referral that a nämnd's decision answers (None for a city-level decision or none at all)."""
    return (
        Referral.objects.filter(
            case__decisions__pk=decision_pk,
            body__decisions__pk=decision_pk,
        )
        .values_list("pk", flat=True)
        .first()
    )


def memo_for_versions(memo_pk: int) -> Memo:
    return Memo.objects.select_related("case", "created_by").get(pk=memo_pk)
