"""Who may see and do what. Views ask these functions and answer 403 when they say no.

The rules are the process's: an officer works only on their own body's referrals; politicians
write statements only in bodies where they hold a seat, and never touch opinions or decisions;
only the registrar registers, refers and compiles; nothing justered changes for anyone.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from remiss.models import Body, Decision, Politician, Referral, Seat, Statement, StatementAuthor, User


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


def seat_in(user: User, body: Body | int) -> Seat | None:
    politician = politician_of(user)
    if politician is None:
        return None
    body_id = body if isinstance(body, int) else body.pk
    return Seat.objects.filter(politician=politician, body_id=body_id).first()


def can_add_statement(user: User, decision: Decision) -> bool:
    return not decision.justered and seat_in(user, decision.body_id) is not None


def can_edit_statement(user: User, statement: Statement) -> bool:
    """Only an accepted author edits, and only until the decision is justered."""
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
    """A politician sees a decision and its statements where they hold a seat."""
    return seat_in(user, decision.body_id) is not None


def is_statement_author(user: User, statement: Statement) -> bool:
    """An accepted author; invited co-authors are not authors until they accept."""
    politician = politician_of(user)
    return politician is not None and statement.authors.filter(politician=politician, accepted=True).exists()


def can_endorse(user: User, statement: Statement) -> bool:
    """An ersättare of the body may stand behind a statement made in that decision (not their own).

    Whether the decision is still open is the workflow's question: it answers with the Swedish
    locked message rather than a bare 403.
    """
    seat = seat_in(user, statement.decision.body_id)
    if seat is None or seat.role != Seat.Role.ERSATTARE:
        return False
    return not statement.authors.filter(politician_id=seat.politician_id).exists()


def can_answer_invitation(user: User, author: StatementAuthor) -> bool:
    """Only the invited politician accepts or declines their own invitation."""
    politician = politician_of(user)
    return politician is not None and author.politician_id == politician.pk
