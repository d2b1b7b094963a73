"""The people an administrator keeps: user accounts (and the bodies an officer works for),
politicians and their seats. The rest of the organisation is in `organisation`, whose rules
(nothing deleted, the newest history row as the version) hold here too.

An account is never deleted: it is turned off (`is_active`), so the history keeps naming who
wrote what. Passwords are not set here: people log in through the city's login, or a superuser
sets a password with `manage.py changepassword`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from remiss.dates import long_date
from remiss.models import Body, Party, Politician, Seat, Term, User
from remiss.workflow.base import WorkflowError, _locked, _save
from remiss.workflow.organisation import _locked_or_new, _text, _unique, claim_history_version

# --- User accounts ------------------------------------------------------------------------------


def _check_own_account(account: User, by: User | None, role: str, is_active: bool) -> None:
    """An administrator cannot lock themselves out: their own role and access stay."""
    if by is None or account.pk != by.pk or by.is_superuser:
        return
    if role != User.Role.ADMIN:
        raise WorkflowError(_("Du kan inte ta bort din egen roll som administratör. Be en annan administratör."))
    if not is_active:
        raise WorkflowError(_("Du kan inte stänga av ditt eget konto."))


def _check_account_values(account: User, *, username: str, email: str, employee_id: str | None) -> None:
    if not username:
        raise WorkflowError(_("Skriv ett användarnamn."))
    _unique(User, account, _("Användarnamnet %(u)s används redan.") % {"u": username}, username=username)
    if email:
        _unique(User, account, _("E-postadressen %(e)s används redan av ett annat konto.") % {"e": email}, email=email)
    if employee_id:
        _unique(
            User,
            account,
            _("Anställnings-id %(id)s används redan av ett annat konto.") % {"id": employee_id},
            employee_id=employee_id,
        )


def _account_reason(created: bool, bodies: list[Body] | None, before: set[int]) -> str:
    text = _("Användarkontot upplagt") if created else _("Användarkontot ändrat")
    if bodies is not None and {b.pk for b in bodies} != before:
        # simple-history keeps no rows for the many-to-many: the reason says who they work for now.
        names = ", ".join(b.name for b in bodies) or _("inga")
        text = _("%(text)s; arbetar för: %(names)s") % {"text": text, "names": names}
    return text


@transaction.atomic
def save_user_account(
    account: User | None,
    *,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    employee_id: str | None = None,
    role: str,
    bodies: Iterable[Body] = (),
    is_active: bool = True,
    by: User | None,
    expected_version: int | None = None,
) -> User:
    """Add or change an account: name, e-mail, employee id, role, and the bodies an officer works
    for. A new account has no password (see the module's doc). Groups, permissions and the
    superuser and staff flags are not touched: they are the Django admin's, for superusers."""
    account = _locked_or_new(User, account, expected_version)
    created = account.pk is None
    username, email, employee_id = _text(username), _text(email), _text(employee_id) or None
    body_list = list(dict.fromkeys(bodies))
    if body_list and role != User.Role.OFFICER:
        raise WorkflowError(_("Bara en handläggare arbetar för nämnder eller kontor. Ta bort organen eller byt roll."))
    _check_own_account(account, by, role, is_active)
    _check_account_values(account, username=username, email=email, employee_id=employee_id)
    before = set() if created else set(account.bodies.values_list("pk", flat=True))
    account.username, account.email, account.employee_id = username, email, employee_id
    account.first_name, account.last_name = _text(first_name), _text(last_name)
    account.role, account.is_active = role, is_active
    if created:
        account.set_unusable_password()
    _save(account, by, _account_reason(created, body_list, before))
    account.bodies.set(body_list)
    return account


# --- Politicians --------------------------------------------------------------------------------


def _check_politician_user(politician: Politician, user: User | None) -> None:
    if user is None:
        return
    if user.role != User.Role.POLITICIAN:
        raise WorkflowError(
            _("Kontot %(u)s har rollen %(role)s. Bara ett konto med rollen Politiker kan kopplas till en politiker.")
            % {"u": user.username, "role": user.get_role_display()}
        )
    other = Politician.objects.filter(user=user).exclude(pk=politician.pk).first()
    if other is not None:
        raise WorkflowError(_("Kontot %(u)s hör redan till %(name)s.") % {"u": user.username, "name": other.full_name})


@transaction.atomic
def save_politician(
    politician: Politician | None,
    *,
    first_name: str,
    last_name: str,
    party: Party,
    user: User | None = None,
    by: User | None,
    expected_version: int | None = None,
) -> Politician:
    """Add or change a politician: name, party and the account they log in with (if any)."""
    politician = _locked_or_new(Politician, politician, expected_version)
    created = politician.pk is None
    _check_politician_user(politician, user)
    politician.first_name, politician.last_name = _text(first_name), _text(last_name)
    politician.party, politician.user = party, user
    return _save(politician, by, _("Politikern upplagd") if created else _("Politikerns uppgifter ändrade"))


# --- Seats --------------------------------------------------------------------------------------


def _check_seat_dates(term: Term | None, starts: date | None, ends: date | None) -> None:
    if starts and ends and ends < starts:
        raise WorkflowError(
            _("Platsen kan inte sluta (%(ends)s) före den börjar (%(starts)s).")
            % {"ends": long_date(ends), "starts": long_date(starts)}
        )
    if term is not None and any(d and not term.starts <= d <= term.ends for d in (starts, ends)):
        raise WorkflowError(
            _("Platsens datum måste ligga inom mandatperioden %(name)s (%(starts)s–%(ends)s).")
            % {"name": term.name, "starts": long_date(term.starts), "ends": long_date(term.ends)}
        )


def _check_seat_place(seat: Seat, politician: Politician, body: Body, term: Term | None) -> None:
    moved = seat.pk is None or seat.body_id != body.pk
    if moved and body.closed_on is not None:
        raise WorkflowError(
            _("%(name)s är nedlagt sedan %(closed)s och får inga nya platser.")
            % {"name": body.name, "closed": long_date(body.closed_on)}
        )
    same = Seat.objects.filter(politician=politician, body=body, term=term).exclude(pk=seat.pk)
    if same.exists():
        during = (_(" under mandatperioden %(name)s") % {"name": term.name}) if term is not None else ""
        raise WorkflowError(
            _("%(who)s har redan en plats i %(body)s%(during)s.")
            % {"who": politician.full_name, "body": body.name, "during": during}
        )


@transaction.atomic
def save_seat(
    seat: Seat | None,
    *,
    politician: Politician,
    body: Body,
    role: str,
    term: Term | None = None,
    starts: date | None = None,
    ends: date | None = None,
    by: User | None,
    expected_version: int | None = None,
) -> Seat:
    """Add or change a seat: ledamot or ersättare in a body, for a term, from and to (empty: the
    term's start, until further notice). Who may write in a decision is decided by the seat that
    held on its meeting day, so a seat's dates are what they were, not what they are now."""
    seat = _locked_or_new(Seat, seat, expected_version)
    created = seat.pk is None
    _check_seat_dates(term, starts, ends)
    _check_seat_place(seat, politician, body, term)
    seat.politician, seat.body, seat.role, seat.term = politician, body, role, term
    seat.starts, seat.ends = starts, ends
    return _save(seat, by, _("Platsen upplagd") if created else _("Platsen ändrad"))


@transaction.atomic
def end_seat(seat: Seat, *, ends: date, by: User | None, expected_version: int | None = None) -> Seat:
    """The seat ends on `ends` (its last day): it stays, with its history, for what it was."""
    seat = _locked(Seat, seat.pk)
    claim_history_version(seat, expected_version)
    _check_seat_dates(seat.term, seat.starts, ends)
    seat.ends = ends
    return _save(seat, by, _("Platsen avslutad den %(date)s") % {"date": long_date(ends)})
