"""A referral and its opinion: deadline, handläggare, drafting, the finished opinion, declining
or giving up, and the body's position sentence."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from remiss.models import Decision, Opinion, Referral, User
from remiss.richtext import sanitize
from remiss.workflow.base import LockedError, WorkflowError, _claim_version, _locked, _save
from remiss.workflow.moves import _move_referral


@transaction.atomic
def set_referral_deadline(referral: Referral, *, deadline: date, by: User | None) -> Referral:
    referral = _locked(Referral, referral.pk)
    if referral.is_closed:
        raise LockedError(_("Remitteringen är avslutad; svarsdatumet kan inte ändras."))
    referral.deadline = deadline
    return _save(referral, by, _("Svarsdatum ändrat"))


def officers_refusal(referral: Referral) -> LockedError | None:
    """Why the referral's handläggare cannot change now, or None.

    The rule: who writes the answer may change until the answer is there (a nämnd's decision, an
    office's finished opinion) or the referral is declined or given up (`Referral.is_closed`).
    After that the assignment is a record of who did the work, so it stays.
    """
    if referral.is_closed:
        return LockedError(
            _("Remitteringen har statusen ”%(status)s”; handläggarna kan inte längre ändras.")
            % {"status": referral.get_status_display()}
        )
    return None


def _officers_reason(officers: Sequence[User]) -> str:
    """The history reason names who was assigned: simple-history keeps no M2M rows (a long list is
    cut to the reason column's length by `_attribute`)."""
    if not officers:
        return _("Handläggare borttagna")
    return _("Handläggare tilldelade: %(names)s") % {
        "names": ", ".join(o.get_full_name() or o.username for o in officers)
    }


@transaction.atomic
def assign_officers(referral: Referral, *, officers: Iterable[User], by: User | None) -> Referral:
    """Set the referral's handläggare: officers of its body, until it is answered or closed."""
    referral = _locked(Referral, referral.pk)
    refusal = officers_refusal(referral)
    if refusal is not None:
        raise refusal
    officers = list(dict.fromkeys(officers))
    for officer in officers:
        name = officer.get_full_name() or officer.username
        if officer.role != User.Role.OFFICER:
            raise WorkflowError(
                _("%(user)s är inte handläggare och kan inte tilldelas en remittering.") % {"user": name}
            )
        if not officer.bodies.filter(pk=referral.body_id).exists():
            raise WorkflowError(
                _("%(user)s arbetar inte för %(body)s.") % {"user": name, "body": referral.body.name_in_text}
            )
    referral.officers.set(officers)
    return _save(referral, by, _officers_reason(officers))


@transaction.atomic
def start_drafting(referral: Referral, *, by: User | None) -> Referral:
    return _move_referral(
        _locked(Referral, referral.pk), "start_drafting", by, _("Arbetet med tjänsteutlåtandet påbörjat")
    )


@transaction.atomic
def save_opinion(
    referral: Referral,
    *,
    text: str,
    proposed_decision: str = "",
    date: date | None = None,
    by: User | None,
    expected_version: int | None = None,
) -> Opinion:
    """Save the tjänsteutlåtande's text; the first save also starts the drafting."""
    referral = _locked(Referral, referral.pk)
    if referral.status == Referral.Status.REFERRED:
        _move_referral(referral, "start_drafting", by, _("Arbetet med tjänsteutlåtandet påbörjat"))
    if referral.status != Referral.Status.DRAFTING:
        raise LockedError(
            _("Tjänsteutlåtandet kan inte ändras när remitteringen har statusen ”%(status)s”.")
            % {"status": referral.get_status_display()}
        )
    opinion, created = Opinion.objects.get_or_create(referral=referral)
    values = {"text": sanitize(text), "proposed_decision": sanitize(proposed_decision), "date": date}
    if not created and all(getattr(opinion, name) == value for name, value in values.items()):
        # Nothing changed (say, "Markera som klart" straight after saving): no new version, so the
        # history lists the move that follows under its own name, not as an empty save.
        return opinion
    _claim_version(opinion, expected_version)
    for name, value in values.items():
        setattr(opinion, name, value)
    _save(opinion, by, _("Tjänsteutlåtandet sparat"))
    return opinion


@transaction.atomic
def mark_opinion_ready(referral: Referral, *, by: User | None) -> Referral:
    referral = _locked(Referral, referral.pk)
    opinion = Opinion.objects.filter(referral=referral).first()
    if opinion is None or not opinion.text.strip():
        raise WorkflowError(_("Tjänsteutlåtandet är tomt. Skriv texten innan det markeras som klart."))
    if opinion.date is None:
        raise WorkflowError(_("Ange tjänsteutlåtandets datum innan det markeras som klart."))
    return _move_opinion(referral, opinion, "mark_opinion_ready", by, _("Tjänsteutlåtandet markerat som klart"))


@transaction.atomic
def reopen_opinion(referral: Referral, *, by: User | None) -> Referral:
    referral = _locked(Referral, referral.pk)
    opinion = Opinion.objects.filter(referral=referral).first()
    return _move_opinion(referral, opinion, "reopen_opinion", by, _("Tjänsteutlåtandet öppnat igen"))


def _move_opinion(referral: Referral, opinion: Opinion | None, event: str, by: User | None, reason: str) -> Referral:
    """Move the referral, and give the opinion a history row with the same reason: the opinion's
    history page lists the move under its own name, between the saves it separates."""
    referral = _move_referral(referral, event, by, reason)
    if opinion is not None:
        _save(opinion, by, reason)
    return referral


@transaction.atomic
def decline(referral: Referral, *, by: User | None, reason: str = "") -> Referral:
    """The body declines to answer: the registrar records it, or the body's officer (for the
    nämnd's decision, too). The optional reason is kept on the referral, with its history, for
    the memo and the status board; the history row's reason column is too short for it."""
    referral = _locked(Referral, referral.pk)
    referral.decline_reason = reason.replace("\r\n", "\n").strip()
    return _move_referral(referral, "decline", by, _("Avstår från att svara"))


@transaction.atomic
def mark_no_answer(referral: Referral, *, by: User | None) -> Referral:
    return _move_referral(_locked(Referral, referral.pk), "mark_no_answer", by, _("Inget svar kom in"))


@transaction.atomic
def set_position(referral: Referral, *, position: str, by: User | None) -> Referral:
    referral = _locked(Referral, referral.pk)
    decision = Decision.objects.filter(case_id=referral.case_id, body_id=referral.body_id).first()
    if decision is not None and decision.justered:
        raise LockedError(_("Beslutet är justerat och kan inte längre ändras."))
    referral.position = " ".join(position.split())
    return _save(referral, by, _("Ställningstagande sparat"))


@transaction.atomic
def save_opinion_and_position(
    referral: Referral,
    *,
    text: str,
    proposed_decision: str = "",
    date: date | None = None,
    position: str | None = None,
    by: User | None,
    expected_version: int | None = None,
) -> Opinion:
    """The officer's opinion form in one transaction: `save_opinion`, then, when `position` is
    given (an office's form, whose opinion is its answer) and differs from `referral.position`,
    `set_position`. A refusal of either leaves both as they were.

    The position is compared with `referral` as the caller read it, not with the row re-read
    here: an unchanged field writes no history row, and does not overwrite a colleague's
    sentence saved in the meantime.
    """
    opinion = save_opinion(
        referral,
        text=text,
        proposed_decision=proposed_decision,
        date=date,
        by=by,
        expected_version=expected_version,
    )
    if position is not None and " ".join(position.split()) != referral.position:
        set_position(referral, position=position, by=by)
    return opinion
