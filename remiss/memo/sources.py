"""The memo's read and its provenance.

`load` reads one case and everything the memo says about it in a fixed number of queries,
whatever the number of bodies. `used_records` and `remiss.provenance.latest_history_ids` name the newest
history row of every record whose text or name went into the memo, so a stored memo can say
exactly which versions it was compiled from (`MemoData.sources`).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Prefetch

from remiss import attribution
from remiss.city import city_name_subquery, name_or_fallback
from remiss.models import (
    Body,
    Case,
    CityProposal,
    Decision,
    Opinion,
    Party,
    Politician,
    Position,
    Proposal,
    Referral,
    Statement,
    StatementAuthor,
)
from remiss.positions import PositionMatrix, publishes_positions

# --- The read -----------------------------------------------------------------------------------


def _statements_prefetch() -> Prefetch:
    authors = StatementAuthor.objects.select_related("politician__party").order_by("order", "pk")
    return Prefetch(
        "statements",
        queryset=Statement.objects.order_by("order", "pk").prefetch_related(Prefetch("authors", queryset=authors)),
    )


@dataclass
class Loaded:
    case: Case
    proposal: CityProposal | None
    referrals: list[Referral]
    opinions: dict[int, Opinion]  # by referral pk
    decisions: dict[int, Decision]  # by body pk
    proposals: list[Proposal] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    city: str = ""  # the organisation's name (remiss.city), read with the case


def load(case: Case) -> Loaded:
    # The organisation's name comes in the case's own query, so the memo's query count stays fixed.
    case = (
        Case.objects.select_related("commissioner__party", "city_proposal")
        .annotate(configured_city=city_name_subquery())
        .get(pk=case.pk)
    )
    try:
        proposal: CityProposal | None = case.city_proposal
    except CityProposal.DoesNotExist:
        proposal = None
    referrals = list(Referral.objects.filter(case=case).select_related("body", "opinion").order_by("order", "pk"))
    opinions: dict[int, Opinion] = {}
    for referral in referrals:
        with suppress(Opinion.DoesNotExist):  # a referral without an opinion yet
            opinions[referral.pk] = referral.opinion
    decisions = {
        d.body_id: d
        for d in Decision.objects.filter(case=case).select_related("body").prefetch_related(_statements_prefetch())
    }
    # identical_to may point into another decision of the same case, endorses into the same one:
    # wire both from what is already loaded instead of one query per statement.
    by_pk = {s.pk: s for d in decisions.values() for s in d.statements.all()}
    for statement in by_pk.values():
        if statement.identical_to_id in by_pk:
            statement.identical_to = by_pk[statement.identical_to_id]
        if statement.endorses_id in by_pk:
            statement.endorses = by_pk[statement.endorses_id]
    proposals = list(Proposal.objects.filter(case=case).order_by("order", "pk"))
    positions = list(Position.objects.filter(referral__case=case).order_by("pk"))
    city = name_or_fallback(case.configured_city)  # annotated above
    return Loaded(case, proposal, referrals, opinions, decisions, proposals, positions, city)


# --- Provenance ---------------------------------------------------------------------------------


def used_records(loaded: Loaded, matrix: PositionMatrix | None = None) -> dict[type[models.Model], set[int]]:
    """Every row whose text or name went into the memo, by model."""
    records: dict[type[models.Model], set[int]] = {
        m: set()
        for m in (
            Case,
            CityProposal,
            Referral,
            Body,
            Opinion,
            Decision,
            Statement,
            StatementAuthor,
            Politician,
            Party,
            Proposal,
            Position,
        )
    }
    if matrix is not None:
        shown = {r.pk for r in loaded.referrals if publishes_positions(r)}
        records[Proposal].update(p.pk for p in loaded.proposals)
        records[Position].update(p.pk for p in loaded.positions if p.referral_id in shown)
    records[Case].add(loaded.case.pk)
    commissioner = loaded.case.commissioner  # loaded with the case (select_related)
    if commissioner is not None:
        records[Politician].add(commissioner.pk)
        records[Party].add(commissioner.party_id)
    if loaded.proposal is not None:
        records[CityProposal].add(loaded.proposal.pk)
    for referral in loaded.referrals:
        records[Referral].add(referral.pk)
        records[Body].add(referral.body_id)
    records[Opinion].update(o.pk for o in loaded.opinions.values())
    for decision in loaded.decisions.values():
        records[Decision].add(decision.pk)
        records[Body].add(decision.body_id)
        for statement in decision.statements.all():
            authors = attribution.listed_authors(statement)
            if not authors:
                continue  # not in the memo: see remiss.memo.gather._statement_view
            records[Statement].add(statement.pk)
            for author in authors:
                records[StatementAuthor].add(author.pk)
                records[Politician].add(author.politician_id)
                records[Party].add(author.politician.party_id)
    return records
