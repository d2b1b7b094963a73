"""Every state change of a case, a referral, a decision or a statement happens here.

Each function checks its move against the transition table (`CASE_TABLE`, `REFERRAL_TABLE`),
runs inside one transaction, saves with the acting user and a change reason that lands in the
history row, and raises `WorkflowError` with a Swedish message when the move is not allowed,
leaving the database as it was. Texts are sanitised here, so nothing unsanitised is ever saved.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, NamedTuple, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from remiss.accessibility import send_barrier_report
from remiss.models import (
    MAX_AUTHORS,
    BarrierReport,
    Body,
    Case,
    CityProposal,
    Decision,
    Memo,
    MemoJob,
    Opinion,
    Politician,
    Position,
    Proposal,
    Referral,
    Statement,
    StatementAuthor,
    User,
    genitive,
)
from remiss.richtext import sanitize

M = TypeVar("M", bound=models.Model)


class WorkflowError(Exception):
    """A move the process does not allow. `str(error)` is a Swedish sentence for the user."""


class InvalidError(WorkflowError, ValidationError):
    """The model's own validation refused the values. Both a WorkflowError (the move failed,
    nothing changed) and a ValidationError, so forms can still show it on the right field."""

    def __init__(self, error: ValidationError):
        ValidationError.__init__(self, error.error_dict if hasattr(error, "error_dict") else error.error_list)

    def __str__(self) -> str:
        return " ".join(self.messages)


class LockedError(WorkflowError):
    """The item is justered (or otherwise final) and can no longer change."""


class ConflictError(WorkflowError):
    """Someone else saved the same text first; `current` is what they saved."""

    def __init__(self, message: str, current: models.Model):
        super().__init__(message)
        self.current = current


class Row(NamedTuple):
    event: str
    source: str
    target: str
    offices: bool  # allowed for an office (stadsledningskontoret), which makes no decision
    namnder: bool  # allowed for a body that decides at a meeting


_C = Case.Status
CASE_TABLE: tuple[Row, ...] = (
    Row("refer", _C.REGISTERED, _C.REFERRED, True, True),
    Row("refer", _C.REFERRED, _C.REFERRED, True, True),
    Row("start_compiling", _C.REFERRED, _C.COMPILING, True, True),
    Row("reopen_referrals", _C.COMPILING, _C.REFERRED, True, True),
    Row("decide", _C.COMPILING, _C.DECIDED, True, True),
    Row("answer", _C.DECIDED, _C.ANSWERED, True, True),
)

_R = Referral.Status
REFERRAL_TABLE: tuple[Row, ...] = (
    Row("start_drafting", _R.REFERRED, _R.DRAFTING, True, True),
    Row("mark_opinion_ready", _R.DRAFTING, _R.OPINION_READY, True, True),
    Row("reopen_opinion", _R.OPINION_READY, _R.DRAFTING, True, True),
    Row("record_decision", _R.OPINION_READY, _R.DECIDED, False, True),
    Row("justera", _R.DECIDED, _R.JUSTERED, False, True),
    Row("decline", _R.REFERRED, _R.DECLINED, True, True),
    Row("decline", _R.DRAFTING, _R.DECLINED, True, True),
    # A nämnd decides at its meeting on the finished opinion, and may decide to decline; an
    # office's finished opinion is already its answer.
    Row("decline", _R.OPINION_READY, _R.DECLINED, False, True),
    Row("mark_no_answer", _R.REFERRED, _R.NO_ANSWER, True, True),
    Row("mark_no_answer", _R.DRAFTING, _R.NO_ANSWER, True, True),
    # An office's opinion is its answer, so only a nämnd can still fail to answer after it.
    Row("mark_no_answer", _R.OPINION_READY, _R.NO_ANSWER, False, True),
)

EVENT_LABELS = {  # lazy: evaluated per request, in the user's language
    "refer": gettext_lazy("remittera"),
    "start_compiling": gettext_lazy("börja sammanställa"),
    "reopen_referrals": gettext_lazy("återuppta remitteringen"),
    "decide": gettext_lazy("registrera kommunstyrelsens beslut"),
    "answer": gettext_lazy("markera som besvarat"),
    "start_drafting": gettext_lazy("börja skriva"),
    "mark_opinion_ready": gettext_lazy("markera tjänsteutlåtandet som klart"),
    "reopen_opinion": gettext_lazy("öppna tjänsteutlåtandet igen"),
    "record_decision": gettext_lazy("registrera nämndens beslut"),
    "justera": gettext_lazy("justera beslutet"),
    "decline": gettext_lazy("avstå från att svara"),
    "mark_no_answer": gettext_lazy("markera som ej besvarad"),
}


def find_row(table: Sequence[Row], event: str, status: str, *, office: bool = False) -> Row | None:
    for row in table:
        if row.event == event and row.source == status and (row.offices if office else row.namnder):
            return row
    return None


def allowed_events(obj: Case | Referral) -> list[str]:
    """The events the table allows from `obj`'s current status, for showing buttons."""
    if isinstance(obj, Case):
        return [r.event for r in CASE_TABLE if r.source == obj.status]
    office = not obj.body.makes_decisions
    return [r.event for r in REFERRAL_TABLE if r.source == obj.status and (r.offices if office else r.namnder)]


def _refuse(event: str, status_label: str) -> WorkflowError:
    return WorkflowError(
        _("Det går inte att %(action)s när statusen är ”%(status)s”.")
        % {"action": EVENT_LABELS.get(event, event), "status": status_label}
    )


def _without_nul(value: Any) -> Any:
    """`value` without NUL characters: PostgreSQL cannot store them in text (or JSON), Django's
    forms refuse them, and they carry nothing; so no database keeps one."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _save(obj: M, by: User | None, reason: str, **kwargs: Any) -> M:
    """Save with the history row's user and reason, after full model validation."""
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(value, (str, list)):
            setattr(obj, field.attname, _without_nul(value))
    try:
        obj.full_clean()
    except ValidationError as error:
        raise InvalidError(error) from error
    obj._history_user = by  # type: ignore[attr-defined]
    obj._change_reason = _without_nul(reason)  # type: ignore[attr-defined]
    obj.save(**kwargs)
    return obj


def _move_case(case: Case, event: str, by: User | None, reason: str) -> Case:
    row = find_row(CASE_TABLE, event, case.status)
    if row is None:
        raise _refuse(event, case.get_status_display())
    case.status = row.target
    return _save(case, by, reason)


def _move_referral(referral: Referral, event: str, by: User | None, reason: str) -> Referral:
    row = find_row(REFERRAL_TABLE, event, referral.status, office=not referral.body.makes_decisions)
    if row is None:
        if event in ("record_decision", "justera") and not referral.body.makes_decisions:
            raise WorkflowError(_("%(body)s är ett kontor och fattar inga beslut.") % {"body": referral.body.name})
        raise _refuse(event, referral.get_status_display())
    referral.status = row.target
    return _save(referral, by, reason)


def _locked(model: type[models.Model], pk: int) -> Any:
    """Re-read a row inside the transaction; on PostgreSQL this also takes its row lock."""
    return model.objects.select_for_update().get(pk=pk)


def _claim_version(
    obj: models.Model,
    expected_version: int | None,
    *,
    field: str = "version",
    message: str | None = None,
) -> None:
    """Optimistic locking: bump the version in one conditional UPDATE, or raise ConflictError.

    The check and the increment are one statement, so two savers cannot both pass it; the
    loser sees zero rows updated and gets the winner's text back to compare with their own.
    Counters start at 1, so a form's missing or malformed version (forms.NO_VERSION, 0) never
    matches and is refused like a stale one. Without `expected_version` (scripts, the demo
    loader) the version still moves on. `field` names the counter: a referral's positions have
    their own (`Referral.positions_version`).
    """
    model = type(obj)
    rows = model.objects.filter(pk=obj.pk)
    if expected_version is not None:
        rows = rows.filter(**{field: expected_version})
    if not rows.update(**{field: F(field) + 1}):
        raise ConflictError(
            message or _("Någon annan har sparat texten medan du skrev. Jämför din version med den sparade."),
            current=model.objects.get(pk=obj.pk),
        )
    setattr(obj, field, model.objects.values_list(field, flat=True).get(pk=obj.pk))


# --- The case -------------------------------------------------------------------------------


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
    CityProposal.objects.create(case=case)
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


def city_texts_refusal(case: Case) -> LockedError | None:
    """Why the city's own texts (Ärendet and the förslag till beslut) can no longer change, or None.

    Both are what kommunstyrelsen decides on, so once it has decided (and after the answer has
    gone to the ministry) they are final: editing and restoring alike. The one rule for both
    the workflow's refusals and the pages that show the texts read-only instead of a form.
    """
    if case.status in (Case.Status.DECIDED, Case.Status.ANSWERED):
        return LockedError(
            _("Kommunstyrelsen har beslutat i ärendet. Ärendet och förslaget till beslut kan inte längre ändras.")
        )
    return None


@transaction.atomic
def save_background(case: Case, *, text: str, by: User | None, expected_version: int | None = None) -> Case:
    """Save the memo's Ärendet (the background), with optimistic locking on `Case.version`."""
    case = _locked(Case, case.pk)
    refusal = city_texts_refusal(case)
    if refusal is not None:
        raise refusal
    _claim_version(case, expected_version)
    case.background = sanitize(text)
    return _save(case, by, _("Ärendet sparat"))


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
    """The history reason names who was assigned: simple-history keeps no M2M rows, and the
    reason column holds at most 100 characters."""
    if not officers:
        return _("Handläggare borttagna")
    reason = _("Handläggare tilldelade: %(names)s") % {
        "names": ", ".join(o.get_full_name() or o.username for o in officers)
    }
    return reason if len(reason) <= 100 else reason[:99] + "…"


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
def start_compiling(case: Case, *, by: User | None) -> Case:
    return _move_case(_locked(Case, case.pk), "start_compiling", by, _("Sammanställningen påbörjad"))


@transaction.atomic
def reopen_referrals(case: Case, *, by: User | None) -> Case:
    return _move_case(_locked(Case, case.pk), "reopen_referrals", by, _("Remitteringen återupptagen"))


@transaction.atomic
def mark_answered(case: Case, *, by: User | None) -> Case:
    return _move_case(_locked(Case, case.pk), "answer", by, _("Svaret skickat till departementet"))


# --- The referral and its opinion -------------------------------------------------------------


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


# --- Decisions --------------------------------------------------------------------------------


def _clean_points(points: Sequence[str]) -> list[str]:
    return [" ".join(p.split()) for p in points if p and p.strip()]


def _check_meeting(case: Case, meeting_date: date | None) -> None:
    if meeting_date and meeting_date > case.deadline:
        raise WorkflowError(_("Sammanträdet kan inte ligga efter remisstiden (%(d)s).") % {"d": case.deadline})


def ensure_editable(decision: Decision) -> None:
    if decision.justered:
        raise LockedError(_("Beslutet är justerat. Det och dess uttalanden kan inte längre ändras."))


class EditRow(NamedTuple):
    event: str
    case_statuses: tuple[str, ...]  # the case statuses in which the change is allowed
    justered: bool  # allowed on a justered decision


# Changing or removing what was recorded in a decision. Justering makes the decision and its
# statements final (the minutes are approved); an answered case is final too, because the memo
# the ministry got must stay what it was. In between, corrections are allowed, kommunstyrelsen's
# decided case (DECIDED) included: that is when the registrar checks the texts before sending.
_OPEN_CASE = (_C.REGISTERED, _C.REFERRED, _C.COMPILING, _C.DECIDED)
DECISION_EDIT_TABLE: tuple[EditRow, ...] = (
    EditRow("edit_decision", _OPEN_CASE, False),
    EditRow("edit_statement", _OPEN_CASE, False),
    EditRow("remove_statement", _OPEN_CASE, False),
)


def decision_edit_refusal(decision: Decision, event: str) -> LockedError | None:
    """Why `event` (a row of DECISION_EDIT_TABLE) is not allowed on `decision` now, or None.
    Reads `decision` and its case as given; the workflow functions ask on the locked rows, and
    the pages ask to show a form or a read-only note."""
    row = next(r for r in DECISION_EDIT_TABLE if r.event == event)
    if decision.justered and not row.justered:
        return LockedError(_("Beslutet är justerat. Det och dess uttalanden kan inte längre ändras."))
    if decision.case.status not in row.case_statuses:
        return LockedError(_("Ärendet är besvarat. Beslutet och dess uttalanden kan inte längre ändras."))
    return None


def _locked_decision(pk: int) -> Decision:
    """The decision and its case, both re-read under lock (the case first, as record_city_decision
    takes them), so a justering or the case's answer cannot slip in between the check and the save."""
    case_id = Decision.objects.values_list("case_id", flat=True).get(pk=pk)
    case = _locked(Case, case_id)
    decision = _locked(Decision, pk)
    decision.case = case
    return decision


def _ensure_decision_edit(decision: Decision, event: str) -> None:
    refusal = decision_edit_refusal(decision, event)
    if refusal is not None:
        raise refusal


@transaction.atomic
def record_decision(
    referral: Referral,
    *,
    meeting_date: date,
    points: Sequence[str],
    added_text: str = "",
    added_text_after_point: int = 1,
    immediate_justering: bool = False,
    position: str | None = None,
    by: User | None,
) -> Decision:
    """Record the nämnd's decision on its administration's opinion."""
    referral = _locked(Referral, referral.pk)
    points = _clean_points(points)
    if not points:
        raise WorkflowError(_("Skriv minst en beslutspunkt."))
    if meeting_date is None:
        raise WorkflowError(_("Ange sammanträdets datum."))
    _check_meeting(referral.case, meeting_date)
    _move_referral(referral, "record_decision", by, _("Nämndens beslut registrerat"))
    decision = Decision(
        case_id=referral.case_id,
        body_id=referral.body_id,
        meeting_date=meeting_date,
        points=points,
        added_text=sanitize(added_text),
        added_text_after_point=added_text_after_point,
        immediate_justering=immediate_justering,
    )
    _save(decision, by, _("Beslut registrerat"))
    if position is not None:
        referral.position = " ".join(position.split())
        _save(referral, by, _("Ställningstagande sparat"))
    return decision


@transaction.atomic
def record_city_decision(
    case: Case,
    *,
    body: Body,
    points: Sequence[str],
    meeting_date: date | None = None,
    by: User | None,
) -> Decision:
    """Borgarrådsberedningen's or kommunstyrelsen's decision. Kommunstyrelsen's decides the case."""
    case = _locked(Case, case.pk)
    if not body.is_city_level:
        raise WorkflowError(_("Bara borgarrådsberedningens och kommunstyrelsens beslut registreras här."))
    _check_meeting(case, meeting_date)
    if Decision.objects.filter(case=case, body=body).exists():
        raise WorkflowError(_("%(body)s beslut är redan registrerat.") % {"body": genitive(body.name)})
    if body.kind == Body.Kind.KOMMUNSTYRELSEN:
        _move_case(case, "decide", by, _("Kommunstyrelsen har beslutat"))
    decision = Decision(case=case, body=body, meeting_date=meeting_date, points=_clean_points(points))
    return _save(decision, by, _("Beslut registrerat"))


@transaction.atomic
def edit_decision(
    decision: Decision, *, by: User | None, expected_version: int | None = None, **fields: Any
) -> Decision:
    """Correct a decision's recorded texts, until it is justered or the case answered."""
    decision = _locked_decision(decision.pk)
    _ensure_decision_edit(decision, "edit_decision")
    allowed = {"meeting_date", "points", "added_text", "added_text_after_point", "immediate_justering"}
    unknown = set(fields) - allowed
    if unknown:
        raise WorkflowError(_("Fälten %(f)s ändras inte här.") % {"f": ", ".join(sorted(unknown))})
    if "points" in fields:
        fields["points"] = _clean_points(fields["points"])
        if not fields["points"] and not decision.body.is_city_level:
            raise WorkflowError(_("Skriv minst en beslutspunkt."))
    if "added_text" in fields:
        fields["added_text"] = sanitize(fields["added_text"])
    if "meeting_date" in fields:
        _check_meeting(decision.case, fields["meeting_date"])
    _claim_version(decision, expected_version)
    for name, value in fields.items():
        setattr(decision, name, value)
    _save(decision, by, _("Beslutet ändrat"))
    return decision


@transaction.atomic
def justera(decision: Decision, *, by: User | None) -> Decision:
    """Approve the minutes of this item: from now on the decision and its statements are final."""
    decision = _locked(Decision, decision.pk)
    ensure_editable(decision)
    referral = (
        Referral.objects.filter(case_id=decision.case_id, body_id=decision.body_id).select_related("body").first()
    )
    if referral is not None:
        _move_referral(_locked(Referral, referral.pk), "justera", by, _("Beslutet justerat"))
    pending = StatementAuthor.objects.filter(statement__decision=decision, accepted=False)
    # An invitation nobody accepted before justering lapses; it must not appear later.
    for author in pending:
        author._history_user = by  # type: ignore[attr-defined]
        author._change_reason = _("Inbjudan förföll vid justering")  # type: ignore[attr-defined]
        author.delete()
    decision.justered = True
    return _save(decision, by, _("Beslutet justerat"))


# --- Statements -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorSpec:
    politician: Politician
    and_others: bool = False
    accepted: bool = True


def _check_statement_refs(decision: Decision, endorses: Statement | None, identical_to: Statement | None) -> None:
    if endorses is not None and endorses.decision_id != decision.pk:
        raise WorkflowError(_("Man kan bara ställa sig bakom ett uttalande i samma beslut."))
    if identical_to is not None and identical_to.decision.case_id != decision.case_id:
        raise WorkflowError(_("Ett likalydande uttalande måste höra till samma ärende."))


def _validated(obj: M) -> M:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise InvalidError(error) from error  # a WorkflowError whose str() is the messages
    return obj


@transaction.atomic
def add_statement(
    decision: Decision,
    *,
    kind: str,
    authors: Sequence[AuthorSpec],
    text: str = "",
    backed_proposal: str = "",
    endorses: Statement | None = None,
    identical_to: Statement | None = None,
    author_title: str = "",
    by: User | None,
) -> Statement:
    """Attach a statement. The first author is its owner; later ones are co-authors."""
    decision = _locked(Decision, decision.pk)
    ensure_editable(decision)
    _check_authors(authors)
    _check_statement_refs(decision, endorses, identical_to)
    order = (decision.statements.aggregate(m=Max("order"))["m"] or 0) + 1
    statement = Statement(
        decision=decision,
        kind=kind,
        text=sanitize(text),
        backed_proposal=" ".join(backed_proposal.split()),
        endorses=endorses,
        identical_to=identical_to,
        author_title=author_title.strip(),
        order=order,
        created_by=by,
    )
    _validated(statement)
    _save(statement, by, _("Uttalande tillagt"))
    for position, spec in enumerate(authors, start=1):
        author = StatementAuthor(
            statement=statement,
            politician=spec.politician,
            and_others=spec.and_others,
            accepted=spec.accepted,
            order=position,
        )
        _validated(author)
        _save(author, by, _("Författare tillagd") if spec.accepted else _("Medförfattare inbjuden"))
    return statement


@transaction.atomic
def edit_statement(
    statement: Statement,
    *,
    by: User | None,
    expected_version: int | None = None,
    authors: Sequence[AuthorSpec] | None = None,
    **fields: Any,
) -> Statement:
    """Change a statement until its decision is justered or the case answered.

    `fields` are the statement's own (text, kind, backed proposal, endorses, identical_to, title).
    `authors`, when given, is the new ordered list of its authors (the registrar's edit, copying
    the minutes): they are all accepted; authors left out are removed, each removal a history row;
    invitations nobody has answered stay, after them, unless the list names the invitee.
    """
    decision = _locked_decision(Statement.objects.values_list("decision_id", flat=True).get(pk=statement.pk))
    statement = _locked(Statement, statement.pk)  # case, decision, statement: one lock order
    statement.decision = decision
    _ensure_decision_edit(statement.decision, "edit_statement")
    allowed = {"text", "kind", "backed_proposal", "endorses", "identical_to", "author_title"}
    unknown = set(fields) - allowed
    if unknown:
        raise WorkflowError(_("Fälten %(f)s ändras inte här.") % {"f": ", ".join(sorted(unknown))})
    if "text" in fields:
        fields["text"] = sanitize(fields["text"])
    if "backed_proposal" in fields:
        fields["backed_proposal"] = " ".join((fields["backed_proposal"] or "").split())
    if "author_title" in fields:
        fields["author_title"] = (fields["author_title"] or "").strip()
    if authors is not None:
        _check_authors(authors)
    _check_statement_refs(
        statement.decision,
        fields.get("endorses", statement.endorses),
        fields.get("identical_to", statement.identical_to),
    )
    _claim_version(statement, expected_version)
    for name, value in fields.items():
        setattr(statement, name, value)
    _validated(statement)
    _save(statement, by, _("Uttalandet ändrat"))
    if authors is not None:
        _replace_authors(statement, authors, by)
    elif "kind" in fields:
        for author in statement.authors.all():  # the seat rules depend on the kind
            author.statement = statement
            _validated(author)
    return statement


def _check_authors(authors: Sequence[AuthorSpec]) -> None:
    if not authors:
        raise WorkflowError(_("Ett uttalande måste ha minst en författare."))
    if len(authors) > MAX_AUTHORS:
        raise WorkflowError(_("Ett uttalande kan ha högst %(n)d författare.") % {"n": MAX_AUTHORS})
    if len({a.politician.pk for a in authors}) != len(authors):
        raise WorkflowError(_("Samma person kan inte stå två gånger bland författarna."))


def _replace_authors(statement: Statement, authors: Sequence[AuthorSpec], by: User | None) -> None:
    """Make the statement's accepted authors exactly `authors`, in that order (see edit_statement)."""
    existing = {a.politician_id: a for a in statement.authors.select_related("politician")}
    named = {spec.politician.pk for spec in authors}
    for author in existing.values():
        if author.politician_id not in named and author.accepted:
            author._history_user = by  # type: ignore[attr-defined]
            author._change_reason = _("Författare borttagen")  # type: ignore[attr-defined]
            author.delete()
    for position, spec in enumerate(authors, start=1):
        author = existing.get(spec.politician.pk)
        if author is None:
            author = StatementAuthor(statement=statement, politician=spec.politician, accepted=True)
            reason = _("Författare tillagd")
        elif (author.order, author.and_others, author.accepted) != (position, spec.and_others, True):
            reason = _("Författare ändrad")
        else:
            reason = ""
        author.statement = statement  # validated against the statement's kind as it is now
        author.order, author.and_others, author.accepted = position, spec.and_others, True
        _validated(author)
        if reason:
            _save(author, by, reason)
    pending = [a for a in existing.values() if not a.accepted and a.politician_id not in named]
    for position, author in enumerate(sorted(pending, key=lambda a: (a.order, a.pk)), start=len(authors) + 1):
        author.statement = statement
        _validated(author)
        if author.order != position:
            author.order = position
            _save(author, by, _("Författare ändrad"))


@transaction.atomic
def remove_statement(statement: Statement, *, by: User | None, expected_version: int | None = None) -> None:
    """Delete a statement and its authors, until its decision is justered or the case answered.

    Nothing is lost: django-simple-history writes a deletion row for the statement and for each
    author, with the user and the reason. A statement that another one endorses or copies
    (likalydande) cannot go while they point at it.
    """
    decision = _locked_decision(Statement.objects.values_list("decision_id", flat=True).get(pk=statement.pk))
    statement = _locked(Statement, statement.pk)  # case, decision, statement: one lock order
    statement.decision = decision
    _ensure_decision_edit(statement.decision, "remove_statement")
    referring = list(
        Statement.objects.filter(models.Q(endorses=statement) | models.Q(identical_to=statement))
        .select_related("decision__body")
        .prefetch_related("authors__politician__party")
    )
    if referring:
        from remiss.attribution import full_line

        raise WorkflowError(
            _(
                "Uttalandet kan inte tas bort, eftersom andra uttalanden hänvisar till det: %(list)s. "
                "Ändra eller ta bort dem först."
            )
            % {"list": "; ".join(full_line(s) for s in referring)}
        )
    _claim_version(statement, expected_version)
    reason = _("Uttalandet borttaget")
    for author in statement.authors.all():
        author._history_user = by  # type: ignore[attr-defined]
        author._change_reason = reason  # type: ignore[attr-defined]
        author.delete()
    statement._history_user = by  # type: ignore[attr-defined]
    statement._change_reason = reason  # type: ignore[attr-defined]
    statement.delete()


@transaction.atomic
def set_and_others(
    statement: Statement,
    *,
    politician: Politician,
    and_others: bool,
    by: User | None,
    expected_version: int | None = None,
) -> StatementAuthor:
    """Set or clear the "m.fl." mark of one accepted author of the statement, under the same
    rule as `edit_statement` (until the decision is justered or the case answered).

    Only that author's row changes, with its own history row. With `expected_version` the
    statement's version is claimed as `edit_statement` does; the politician's edit form saves the
    text first (which claims it) and then calls this in the same transaction, without it.
    """
    decision = _locked_decision(Statement.objects.values_list("decision_id", flat=True).get(pk=statement.pk))
    statement = _locked(Statement, statement.pk)  # case, decision, statement: one lock order
    statement.decision = decision
    _ensure_decision_edit(decision, "edit_statement")
    author = statement.authors.filter(politician=politician, accepted=True).first()
    if author is None:
        raise WorkflowError(_("%(name)s står inte bland uttalandets författare.") % {"name": politician.full_name})
    if expected_version is not None:
        _claim_version(statement, expected_version)
    if author.and_others == and_others:
        return author  # nothing changed: no empty history row
    author.and_others = and_others
    return _save(author, by, _("”m.fl.” tillagt") if and_others else _("”m.fl.” borttaget"))


@transaction.atomic
def invite_coauthor(
    statement: Statement, *, politician: Politician, and_others: bool = False, by: User | None
) -> StatementAuthor:
    statement = _locked(Statement, statement.pk)
    ensure_editable(statement.decision)
    if statement.authors.count() >= MAX_AUTHORS:
        raise WorkflowError(_("Ett uttalande kan ha högst %(n)d författare.") % {"n": MAX_AUTHORS})
    if statement.authors.filter(politician=politician).exists():
        raise WorkflowError(_("%(name)s står redan bland författarna.") % {"name": politician.full_name})
    order = (statement.authors.aggregate(m=Max("order"))["m"] or 0) + 1
    author = StatementAuthor(
        statement=statement, politician=politician, and_others=and_others, accepted=False, order=order
    )
    _validated(author)
    return _save(author, by, _("Medförfattare inbjuden"))


@transaction.atomic
def accept_coauthorship(author: StatementAuthor, *, by: User | None) -> StatementAuthor:
    author = _locked(StatementAuthor, author.pk)
    ensure_editable(author.statement.decision)
    if author.accepted:
        raise WorkflowError(_("Inbjudan är redan accepterad."))
    author.accepted = True
    return _save(author, by, _("Medförfattarskap accepterat"))


@transaction.atomic
def decline_coauthorship(author: StatementAuthor, *, by: User | None) -> None:
    author = _locked(StatementAuthor, author.pk)
    ensure_editable(author.statement.decision)
    if author.accepted:
        raise WorkflowError(_("En accepterad författare kan inte tacka nej i efterhand."))
    author._history_user = by  # type: ignore[attr-defined]
    author._change_reason = _("Inbjudan avböjd")  # type: ignore[attr-defined]
    author.delete()


# --- The city-level texts ---------------------------------------------------------------------


@transaction.atomic
def save_city_proposal(
    case: Case,
    *,
    by: User | None,
    expected_version: int | None = None,
    **fields: Any,
) -> CityProposal:
    """Edit the commissioner's förslag till beslut: points, summary, views, place and date."""
    case = _locked(Case, case.pk)
    refusal = city_texts_refusal(case)
    if refusal is not None:
        raise refusal
    allowed = {"decision_points", "summary", "views", "signed_place", "signed_date"}
    unknown = set(fields) - allowed
    if unknown:
        raise WorkflowError(_("Fälten %(f)s ändras inte här.") % {"f": ", ".join(sorted(unknown))})
    proposal, _created = CityProposal.objects.get_or_create(case=case)
    for name in ("summary", "views"):
        if name in fields:
            fields[name] = sanitize(fields[name])
    if "decision_points" in fields:
        fields["decision_points"] = _clean_points(fields["decision_points"])
    _claim_version(proposal, expected_version)
    for name, value in fields.items():
        setattr(proposal, name, value)
    _save(proposal, by, _("Förslag till beslut sparat"))
    return proposal


# --- Positions per proposal -------------------------------------------------------------------


class PositionChange(NamedTuple):
    """One row of the positions form to save: a blank stance removes the body's position."""

    proposal: Proposal
    stance: str
    comment: str = ""


POSITIONS_CONFLICT = gettext_lazy(
    "Någon annan har sparat ställningstaganden medan du arbetade. Jämför dina val med de sparade."
)


@transaction.atomic
def save_positions(
    referral: Referral,
    changes: Sequence[PositionChange],
    *,
    by: User | None,
    expected_version: int | None = None,
) -> Referral:
    """Record, change or remove the body's stances on several proposals at once, until its
    decision is justered: all of them or none.

    Optimistic locking on `Referral.positions_version`, the one counter of the body's whole set
    of positions: a page read before a colleague saved any position is refused with
    ConflictError (its `current` is the referral), instead of overwriting what the colleague
    chose. Every save bumps it, scripts' too, so a page read before them is stale as well.
    """
    referral = _locked(Referral, referral.pk)
    if any(change.proposal.case_id != referral.case_id for change in changes):
        raise WorkflowError(_("Förslaget hör till ett annat ärende."))
    if referral.status in (Referral.Status.JUSTERED, Referral.Status.DECLINED, Referral.Status.NO_ANSWER):
        raise LockedError(_("Remitteringen är avslutad; ställningstagandena kan inte längre ändras."))
    _claim_version(referral, expected_version, field="positions_version", message=str(POSITIONS_CONFLICT))
    for change in changes:
        _write_position(referral, change, by)
    return referral


def _write_position(referral: Referral, change: PositionChange, by: User | None) -> None:
    """Save one stance, or delete it (a history row of its own, with the user and the reason)."""
    number = change.proposal.number
    position = Position.objects.filter(referral=referral, proposal=change.proposal).first()
    if not change.stance:
        if position is not None:
            position._history_user = by  # type: ignore[attr-defined]
            position._change_reason = _("Ställningstagande till förslag %(n)s borttaget") % {"n": number}  # type: ignore[attr-defined]
            position.delete()
        return
    position = position or Position(referral=referral, proposal=change.proposal)
    position.stance = change.stance
    position.comment = " ".join(change.comment.split())
    _save(position, by, _("Ställningstagande till förslag %(n)s sparat") % {"n": number})


def set_proposal_position(
    referral: Referral,
    *,
    proposal: Proposal,
    stance: str,
    comment: str = "",
    by: User | None,
) -> Position:
    """Record (or change) the body's stance on one proposal, until its decision is justered."""
    if not stance:
        raise WorkflowError(_("Välj ett ställningstagande."))
    referral = save_positions(referral, [PositionChange(proposal, stance, comment)], by=by)
    return Position.objects.get(referral=referral, proposal=proposal)


def clear_proposal_position(referral: Referral, *, proposal: Proposal, by: User | None) -> None:
    """Remove the body's stance on one proposal (back to "not recorded"), until it is justered."""
    save_positions(referral, [PositionChange(proposal, "")], by=by)


# --- Background compilation of the memo -------------------------------------------------------

_J = MemoJob.Status
MEMO_JOB_TABLE: tuple[Row, ...] = (
    Row("start", _J.QUEUED, _J.RENDERING, True, True),
    Row("finish", _J.RENDERING, _J.DONE, True, True),
    Row("fail", _J.RENDERING, _J.FAILED, True, True),
    # A job can also fail before it starts, e.g. when its task could not be queued.
    Row("fail", _J.QUEUED, _J.FAILED, True, True),
    Row("retry", _J.FAILED, _J.QUEUED, True, True),
)


def move_memo_job(job: MemoJob, event: str, *, memo: Memo | None = None, error: str = "", task_id: str = "") -> MemoJob:
    """Move a compile job along MEMO_JOB_TABLE; the worker and the compile view call this."""
    from django.utils import timezone

    with transaction.atomic():
        job = _locked(MemoJob, job.pk)
        row = find_row(MEMO_JOB_TABLE, event, job.status)
        if row is None:
            raise WorkflowError(
                _("Sammanställningen kan inte %(event)s när den har statusen ”%(status)s”.")
                % {
                    "event": {
                        "start": _("starta"),
                        "finish": _("bli klar"),
                        "fail": _("misslyckas"),
                        "retry": _("köas igen"),
                    }.get(event, event),
                    "status": job.get_status_display(),
                }
            )
        job.status = row.target
        now = timezone.now()
        if event == "start":
            job.started_at, job.error = now, ""
        elif event in ("finish", "fail"):
            job.finished_at = now
        elif event == "retry":
            job.started_at = job.finished_at = None
        if memo is not None:
            job.memo = memo
        if error:
            job.error = error[:5000]
        if task_id:
            job.task_id = task_id
        job.save()
        return job


def create_memo_job(case: Case, *, by: User | None) -> MemoJob:
    """A new compile job for `case`, queued; `remiss.tasks.request_memo` queues its task."""
    return MemoJob.objects.create(case_id=case.pk, requested_by=by, status=_J.QUEUED)


def note_memo_job_task(job: MemoJob | int, task_id: str) -> None:
    """Remember the id of the task that runs `job`. Only that column is written (one UPDATE), so
    this never undoes a status move a worker made meanwhile."""
    MemoJob.objects.filter(pk=getattr(job, "pk", job)).update(task_id=str(task_id)[:64])


# --- Barriers reported from the accessibility statement ---------------------------------------


def report_barrier(*, description: str, page: str = "", name: str = "", email: str = "") -> BarrierReport:
    """Keep a reported accessibility barrier and, once it is committed, mail it to whoever handles them."""
    with transaction.atomic():
        report = _save(
            BarrierReport(description=description, page=page, name=name, email=email),
            None,
            _("Anmäld via tillgänglighetsredogörelsen"),
        )
        transaction.on_commit(partial(send_barrier_report, report.pk))
    return report


# --- Restoring an earlier version of a text ---------------------------------------------------

# The fields (attnames) a restore copies back from the old history row; everything else stays.
RESTORED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Opinion: ("text", "proposed_decision", "date"),
    Decision: ("points", "added_text", "added_text_after_point", "meeting_date", "immediate_justering"),
    Statement: ("text", "backed_proposal", "endorses_id", "identical_to_id", "author_title"),
    CityProposal: ("decision_points", "summary", "views", "signed_place", "signed_date"),
    Case: ("background",),
}


def restore_refusal(obj: models.Model) -> LockedError | None:
    """Why this text cannot be changed back now (it is final), or None. Reads `obj` as given;
    `restore_text` asks again on the locked rows, and the history page asks to hide its buttons."""
    if isinstance(obj, Opinion):
        referral = obj.referral
        if referral.status not in (Referral.Status.REFERRED, Referral.Status.DRAFTING):
            return LockedError(
                _("Tjänsteutlåtandet kan inte ändras när remitteringen har statusen ”%(status)s”.")
                % {"status": referral.get_status_display()}
            )
    elif isinstance(obj, Decision):  # the same rule as editing: DECISION_EDIT_TABLE
        return decision_edit_refusal(obj, "edit_decision")
    elif isinstance(obj, Statement):
        return decision_edit_refusal(obj.decision, "edit_statement")
    elif isinstance(obj, (CityProposal, Case)):
        return city_texts_refusal(obj if isinstance(obj, Case) else obj.case)
    return None


def _restored_values(current: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """The old values cleaned as a save would clean them, and checked against the rules of now."""
    if isinstance(current, Opinion):
        values["text"] = sanitize(values["text"])
        values["proposed_decision"] = sanitize(values["proposed_decision"])
    elif isinstance(current, Decision):
        values["points"] = _clean_points(values["points"] or [])
        if not values["points"] and not current.body.is_city_level:
            raise WorkflowError(_("Den versionen har inga beslutspunkter och kan inte återställas."))
        values["added_text"] = sanitize(values["added_text"])
        _check_meeting(current.case, values["meeting_date"])
    elif isinstance(current, Statement):
        values["text"] = sanitize(values["text"])
        values["backed_proposal"] = " ".join((values["backed_proposal"] or "").split())
        refs: dict[str, Statement | None] = {}
        for name in ("endorses_id", "identical_to_id"):
            pk = values[name]
            refs[name] = Statement.objects.select_related("decision").filter(pk=pk).first() if pk else None
            if pk and refs[name] is None:
                raise WorkflowError(_("Uttalandet som versionen hänvisar till finns inte längre."))
        _check_statement_refs(current.decision, refs["endorses_id"], refs["identical_to_id"])
    elif isinstance(current, CityProposal):
        values["decision_points"] = _clean_points(values["decision_points"] or [])
        values["summary"] = sanitize(values["summary"])
        values["views"] = sanitize(values["views"])
    elif isinstance(current, Case):
        values["background"] = sanitize(values["background"])
    return values


@transaction.atomic
def restore_text(obj: M, history_id: int, *, by: User | None, expected_version: int | None = None) -> M:
    """Make an earlier version of a text current again: an opinion, a decision, a statement, the
    city's förslag till beslut or the case's Ärendet.

    The old row's text fields are copied into the object, which is saved through `_save` with the
    reason "Återställd till version från <date>": a new history row; nothing is deleted. Refused
    with LockedError when the text is final (see `restore_refusal`), and with WorkflowError when
    the version is not one of this text's or says what the text says now. Optimistic locking as
    for any save: `expected_version` is the version counter the person saw (for the case's
    Ärendet, `Case.version`). A mismatch is a ConflictError.
    """
    from remiss.history import swedish_datetime

    model = type(obj)
    names = RESTORED_FIELDS.get(model)
    if names is None:
        raise WorkflowError(_("Den här sortens text kan inte återställas."))
    old = model.history.filter(id=obj.pk, history_id=history_id).first()  # type: ignore[attr-defined]
    if old is None:
        raise WorkflowError(_("Versionen finns inte bland den här textens versioner."))
    current = _locked(model, obj.pk)
    if isinstance(current, Opinion):
        current.referral = _locked(Referral, current.referral_id)
    elif isinstance(current, CityProposal):
        current.case = _locked(Case, current.case_id)
    refusal = restore_refusal(current)
    if refusal is not None:
        raise refusal
    values = _restored_values(current, {name: getattr(old, name) for name in names})
    if all(getattr(current, name) == value for name, value in values.items()):
        raise WorkflowError(_("Den versionen är likadan som den nuvarande; det finns inget att återställa."))
    stale = _("Texten har ändrats sedan du öppnade historiken. Se den nya versionen överst och välj igen.")
    try:
        _claim_version(current, expected_version)
    except ConflictError as error:
        raise ConflictError(stale, current=error.current) from error
    if isinstance(current, Opinion) and current.referral.status == Referral.Status.REFERRED:
        _move_referral(current.referral, "start_drafting", by, _("Arbetet med tjänsteutlåtandet påbörjat"))
    for name, value in values.items():
        setattr(current, name, value)
    if isinstance(current, Statement):
        _validated(current)
    reason = _("Återställd till version från %(when)s") % {"when": swedish_datetime(old.history_date)}
    return _save(current, by, reason)
