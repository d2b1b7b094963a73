"""Reads for the open API (`remiss.api`): only what is public after justering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from remiss.models import Body, Case, Decision, Position, Referral, Statement, StatementAuthor

_R = Referral.Status


def _justered_decision_exists(prefix: str = "") -> Exists:
    """A justered decision by the same body in the same case as the referral at `prefix`."""
    return Exists(
        Decision.objects.filter(
            case_id=OuterRef(f"{prefix}case_id"),
            body_id=OuterRef(f"{prefix}body_id"),
            justered=True,
        )
    )


def published_referral_q(prefix: str = "") -> Q:
    """A referral whose answer is public: a nämnd's justered decision, or an office's finished opinion.

    A nämnd's opinion stays internal until its decision is justered; an office makes no decision,
    so its finished tjänsteutlåtande is its answer.
    """
    office_ready = Q(**{f"{prefix}status": _R.OPINION_READY, f"{prefix}body__kind": Body.Kind.OFFICE})
    justered = (
        Q(**{f"{prefix}status": _R.JUSTERED})
        & ~Q(**{f"{prefix}body__kind": Body.Kind.OFFICE})
        & Q(_justered_decision_exists(prefix))
    )
    return office_ready | justered


def api_cases() -> QuerySet[Case]:
    """Every registered case, newest first; the reference is unique, so the order is total."""
    return Case.objects.order_by("-received", "reference", "pk")


def api_case(case_pk: int) -> Case | None:
    """One case with the betänkande's proposals, or None."""
    return Case.objects.prefetch_related("proposals").filter(pk=case_pk).first()


def api_case_exists(case_pk: int) -> bool:
    return Case.objects.filter(pk=case_pk).exists()


@dataclass(frozen=True)
class PublishedReferral:
    """One referral as the open API shows it: whether its answer is public, and its justered decision."""

    referral: Referral  # with its body and opinion
    published: bool  # whether its opinion, position and decision may be shown
    public_decision: Decision | None  # its justered decision, None for an office or until published

    @property
    def id(self) -> int:
        return self.referral.pk

    @property
    def body(self) -> Body:
        return self.referral.body

    @property
    def deadline(self) -> date:
        return self.referral.deadline

    @property
    def status(self) -> str:
        return self.referral.status

    @property
    def order(self) -> int:
        return self.referral.order


def _published(referral: Referral, decision: Decision | None) -> PublishedReferral:
    if referral.body.makes_decisions:
        published = referral.status == _R.JUSTERED and decision is not None
    else:
        published = referral.status == _R.OPINION_READY
    return PublishedReferral(referral, published, decision if published else None)


def api_referrals(case_pk: int) -> list[PublishedReferral]:
    """The case's referrals in memo order, each with whether its answer is published and its
    justered decision. Two queries."""
    referrals = Referral.objects.filter(case_id=case_pk).select_related("body", "opinion").order_by("order", "pk")
    decisions = {d.body_id: d for d in Decision.objects.filter(case_id=case_pk, justered=True)}
    return [_published(r, decisions.get(r.body_id) if r.body.makes_decisions else None) for r in referrals]


def api_positions(case_pk: int) -> QuerySet[Position]:
    """Stances on the proposals, only for referrals whose answer is published: proposals in the
    betänkande's order, then bodies in memo order."""
    return (
        Position.objects.filter(referral__case_id=case_pk)
        .filter(published_referral_q("referral__"))
        .select_related("proposal", "referral__body")
        .order_by("proposal__order", "proposal__pk", "referral__order", "referral__pk", "pk")
    )


def _accepted_authors() -> QuerySet[StatementAuthor]:
    return StatementAuthor.objects.filter(accepted=True).select_related("politician__party")


def api_statements(case_pk: int) -> QuerySet[Statement]:
    """Statements on the case's justered decisions, with only accepted authors, ready for
    `remiss.attribution.full_line`: borgarrådsberedningen's and kommunstyrelsen's first (as in the
    memo's appendix), then each body's in memo order."""
    referral_order = Referral.objects.filter(
        case_id=OuterRef("decision__case_id"),
        body_id=OuterRef("decision__body_id"),
    ).values("order")[:1]
    return (
        Statement.objects.filter(decision__case_id=case_pk, decision__justered=True)
        .select_related("decision__body", "endorses", "identical_to__decision__body")
        .prefetch_related(
            Prefetch("authors", queryset=_accepted_authors()),
            Prefetch("endorses__authors", queryset=_accepted_authors()),
            Prefetch("identical_to__authors", queryset=_accepted_authors()),
        )
        .annotate(referral_order=Subquery(referral_order))
        .order_by(
            F("referral_order").asc(nulls_first=True),
            "decision__body__kind",
            "decision__body__name",
            "decision_id",
            "order",
            "pk",
        )
    )


def api_bodies() -> QuerySet[Body]:
    return Body.objects.order_by("name", "pk")
