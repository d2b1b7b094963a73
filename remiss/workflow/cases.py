"""The case's own moves: registering it, its facts and proposals, referring it, and its status
from compiling to answered (kommunstyrelsen's decision, which decides it, is in decisions)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from remiss.city import signing_place
from remiss.models import Body, Case, CityProposal, Opinion, Politician, Proposal, Referral, User
from remiss.workflow.base import LockedError, WorkflowError, _locked, _save
from remiss.workflow.moves import _move_case


@transaction.atomic
def register_case(
    *,
    title: str,
    reference: str,
    sender: str,
    city_dnr: str,
    received: date,
    deadline: date,
    ministry_dnr: str = "",
    commissioner: Politician | None = None,
    memo_title: str = "",
    by: User | None,
) -> Case:
    case = Case(
        title=title.strip(),
        reference=reference.strip(),
        sender=sender.strip(),
        city_dnr=city_dnr.strip(),
        ministry_dnr=ministry_dnr.strip(),
        received=received,
        deadline=deadline,
        commissioner=commissioner,
        memo_title=memo_title.strip(),
    )
    _save(case, by, _("Ärendet registrerat"))
    CityProposal.objects.create(case=case, signed_place=signing_place())
    return case


@transaction.atomic
def update_case(case: Case, *, by: User | None, **fields: Any) -> Case:
    """Change the case's registered facts (title, dnr, dates); its status is not among them."""
    case = _locked(Case, case.pk)
    if case.status == Case.Status.ANSWERED:
        raise LockedError(_("Ärendet är besvarat och kan inte längre ändras."))
    if "status" in fields:
        raise WorkflowError(_("Statusen ändras bara genom arbetsflödet."))
    if "background" in fields:
        # Ärendet has its own lock and version counter: see save_background.
        raise WorkflowError(_("Texten Ärendet ändras på sin egen sida."))
    for name, value in fields.items():
        setattr(case, name, value)
    return _save(case, by, _("Ärendets uppgifter ändrade"))


@transaction.atomic
def add_proposal(
    case: Case,
    *,
    number: str,
    kind: str,
    title: str,
    summary: str = "",
    section: str = "",
    by: User | None,
) -> Proposal:
    order = (case.proposals.aggregate(m=Max("order"))["m"] or 0) + 1
    proposal = Proposal(
        case=case,
        number=number.strip(),
        kind=kind,
        title=title.strip(),
        summary=summary.strip(),
        section=_section(section),
        order=order,
    )
    return _save(proposal, by, _("Förslag eller bedömning tillagd"))


@transaction.atomic
def set_proposal_section(proposal: Proposal, *, section: str, by: User | None) -> Proposal:
    """Record, change or clear where in the betänkande a proposal is treated."""
    proposal = _locked(Proposal, proposal.pk)
    proposal.section = _section(section)
    return _save(proposal, by, _("Avsnitt ändrat"))


def _section(section: str) -> str:
    """'avsnitt 8.2' or '8.2' as typed: the number alone is stored, the pages add the word."""
    section = " ".join(section.split())
    return re.sub(r"^avsnitt\s+", "", section, flags=re.IGNORECASE)


@dataclass(frozen=True)
class ReferralSpec:
    body: Body
    deadline: date


@transaction.atomic
def refer(case: Case, *, bodies: Sequence[ReferralSpec], by: User | None) -> list[Referral]:
    """Refer the case to bodies, in the given order, each with its internal deadline."""
    case = _locked(Case, case.pk)
    if not bodies:
        raise WorkflowError(_("Välj minst en remissinstans."))
    already = set(case.referrals.values_list("body_id", flat=True))
    seen: set[int] = set()
    for spec in bodies:
        if spec.body.pk in already or spec.body.pk in seen:
            raise WorkflowError(_("Ärendet är redan remitterat till %(body)s.") % {"body": spec.body.name_in_text})
        seen.add(spec.body.pk)
    _move_case(
        case,
        "refer",
        by,
        ngettext("Remitterat till %(n)d instans", "Remitterat till %(n)d instanser", len(bodies)) % {"n": len(bodies)},
    )
    order = case.referrals.aggregate(m=Max("order"))["m"] or 0
    created = []
    for spec in bodies:
        order += 1
        referral = Referral(case=case, body=spec.body, deadline=spec.deadline, order=order)
        _save(referral, by, _("Remitterat"))
        _save(Opinion(referral=referral), by, _("Tomt tjänsteutlåtande skapat"))
        created.append(referral)
    return created


@transaction.atomic
def start_compiling(case: Case, *, by: User | None) -> Case:
    return _move_case(_locked(Case, case.pk), "start_compiling", by, _("Sammanställningen påbörjad"))


@transaction.atomic
def reopen_referrals(case: Case, *, by: User | None) -> Case:
    return _move_case(_locked(Case, case.pk), "reopen_referrals", by, _("Remitteringen återupptagen"))


@transaction.atomic
def mark_answered(case: Case, *, by: User | None) -> Case:
    return _move_case(_locked(Case, case.pk), "answer", by, _("Svaret skickat till departementet"))
