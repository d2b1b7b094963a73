"""Who may see and do what. Views ask these functions and answer 403 when they say no.

The rules are the process's: an officer works only on their own body's referrals; politicians
write statements only in bodies where they hold a seat, and never touch opinions or decisions;
only the registrar registers, refers and compiles; nothing justered changes for anyone.

Seats have terms (mandatperioder). What a politician may write in a decision is decided by the
seat that held on the decision's meeting date (`seat_for`), never by today's seats, so a new
term changes nothing in what an earlier one wrote. A politician whose seats in a body have all
ended starts no new statement there (`new_statement_refusal`), but still reads the decisions
their seats covered and, until justering, edits the statements they already wrote: the decision
was theirs, and a reservation announced at the meeting is written down before justering.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from remiss.dates import long_date
from remiss.models import Body, Decision, Politician, Referral, Seat, Statement, StatementAuthor, User
from remiss.models.decisions import seat_held_on


def is_registrar(user: User) -> bool:
    return user.is_authenticated and (user.role == User.Role.REGISTRAR or user.is_superuser)


def is_administrator(user: User) -> bool:
    """Who keeps the organisation: bodies, people, seats, terms and the first-run settings."""
    return user.is_authenticated and (user.role == User.Role.ADMIN or user.is_superuser)


def politician_of(user: User) -> Politician | None:
    if not user.is_authenticated:
        return None
    return Politician.objects.filter(user=user).select_related("party").first()


def works_for(user: User, body: Body | int) -> bool:
    body_id = body if isinstance(body, int) else body.pk
    return user.is_authenticated and user.role == User.Role.OFFICER and user.bodies.filter(pk=body_id).exists()


def can_view_opinion(user: User, referral: Referral) -> bool:
    """Drafts are the body's own business until the opinion is ready; the registrar sees all."""
    if is_registrar(user) or works_for(user, referral.body_id):
        return True
    return referral.status not in (Referral.Status.REFERRED, Referral.Status.DRAFTING) and user.is_authenticated


def can_edit_opinion(user: User, referral: Referral) -> bool:
    return works_for(user, referral.body_id)


def can_record_decision(user: User, referral: Referral) -> bool:
    return works_for(user, referral.body_id)


def _body_id(body: Body | int) -> int:
    return body if isinstance(body, int) else body.pk


def seat_in(user: User, body: Body | int, day: date | None = None) -> Seat | None:
    """The user's seat in the body that holds on `day` (today when not given)."""
    politician = politician_of(user)
    if politician is None:
        return None
    return seat_held_on(politician.pk, _body_id(body), day or timezone.localdate())


def seat_for(user: User, decision: Decision) -> Seat | None:
    """The seat that decides what the user may write in the decision: the one held on its meeting
    date (`Decision.seat_day`), of whatever term."""
    return seat_in(user, decision.body_id, decision.seat_day())


def ended_seat_in(user: User, body: Body | int) -> Seat | None:
    """The user's last seat in the body when every seat they have there ended before today; None
    while one still holds or begins later (or they never had one)."""
    politician = politician_of(user)
    if politician is None:
        return None
    seats = Seat.objects.filter(politician=politician, body_id=_body_id(body))
    if seats.filter(Q(ends__isnull=True) | Q(ends__gte=timezone.localdate())).exists():
        return None
    return seats.select_related("body").order_by(F("ends").desc(nulls_last=True), "-pk").first()


def new_statement_refusal(user: User, decision: Decision) -> str | None:
    """Why the user may not start a new statement in the decision, in Swedish; None when they may.

    The justering lock is the workflow's to say (`workflow.ensure_editable`); this is the seat's.
    """
    ended = ended_seat_in(user, decision.body_id)
    if ended is not None and ended.ends is not None:
        return _("Din plats i %(body)s upphörde den %(date)s. Du kan inte längre skriva nya uttalanden där.") % {
            "body": ended.body.name_in_text,
            "date": long_date(ended.ends),
        }
    if seat_for(user, decision) is None:
        return _("Du hade ingen plats i %(body)s den %(date)s och kan inte skriva ett uttalande i det beslutet.") % {
            "body": decision.body.name_in_text,
            "date": long_date(decision.seat_day()),
        }
    return None


def can_add_statement(user: User, decision: Decision) -> bool:
    return not decision.justered and new_statement_refusal(user, decision) is None


def can_edit_statement(user: User, statement: Statement) -> bool:
    """Only an accepted author edits, and only until the decision is justered: also one whose seat
    has since ended, as the statement was made while it held."""
    politician = politician_of(user)
    if politician is None or statement.decision.justered:
        return False
    return statement.authors.filter(politician=politician, accepted=True).exists()


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- The officer's and the politician's pages -------------------------------------------------


def can_work_on_referral(user: User, referral: Referral) -> bool:
    """The officer's pages of a referral (drafts included): only officers of that body."""
    return works_for(user, referral.body_id)


def can_act_on_decision(user: User, decision: Decision) -> bool:
    """Edit or justera a nämnd's decision: its own officers. City-level decisions are the registrar's."""
    return not decision.body.is_city_level and works_for(user, decision.body_id)


def statement_kinds_for(seat: Seat | None) -> list[str]:
    """The kinds a seat may make: a ledamot särskilt uttalande or reservation, an ersättare ersättaryttrande."""
    if seat is None:
        return []
    if seat.role == Seat.Role.ERSATTARE:
        return [Statement.Kind.ERSATTARYTTRANDE]
    return [Statement.Kind.SARSKILT_UTTALANDE, Statement.Kind.RESERVATION]


def can_view_statements(user: User, decision: Decision) -> bool:
    """A politician sees a decision and its statements when a seat of theirs (of any term) held on
    its meeting date, or when they are an author of (or invited to) one of its statements."""
    politician = politician_of(user)
    if politician is None:
        return False
    if seat_held_on(politician.pk, decision.body_id, decision.seat_day()) is not None:
        return True
    return StatementAuthor.objects.filter(statement__decision=decision, politician=politician).exists()


def is_statement_author(user: User, statement: Statement) -> bool:
    """An accepted author; invited co-authors are not authors until they accept."""
    politician = politician_of(user)
    return politician is not None and statement.authors.filter(politician=politician, accepted=True).exists()


def can_endorse(user: User, statement: Statement) -> bool:
    """An ersättare of the body on the meeting date may stand behind a statement made in that
    decision (not their own).

    Whether the decision is still open is the workflow's question, and whether their seat has ended
    `new_statement_refusal`'s: both answer with a Swedish message rather than a bare 403.
    """
    seat = seat_for(user, statement.decision)
    if seat is None or seat.role != Seat.Role.ERSATTARE:
        return False
    return not statement.authors.filter(politician_id=seat.politician_id).exists()


def can_answer_invitation(user: User, author: StatementAuthor) -> bool:
    """Only the invited politician accepts or declines their own invitation."""
    politician = politician_of(user)
    return politician is not None and author.politician_id == politician.pk
