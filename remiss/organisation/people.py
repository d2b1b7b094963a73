"""Planning the rows about people: politicians (with their user accounts) and officers.

A person is matched by anställnings-id or e-post when the row gives one, and a politician otherwise
by first name, last name and party. A politician with an e-mail address or an employee id gets a
user account in the same import (role politician, no password: login is through the city's identity
provider), so an account never has to exist before the politician can be linked to it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from remiss.models import Body, Politician, User
from remiss.organisation.columns import BODY_SEPARATOR, STAFF_ROLE_WORDS, STAFF_ROLES, RowKind
from remiss.organisation.context import Context, Outcome, Tracker
from remiss.organisation.read import RawRow
from remiss.organisation.values import CellError, choice, text

# Roles whose account belongs to staff: such an account is never made a politician's.
STAFF = (User.Role.OFFICER, User.Role.REGISTRAR, User.Role.ADMIN)


def find_user(ctx: Context, email: str, employee_id: str) -> User | None:
    """The one user the row's anställnings-id and e-post point to; CellError when they disagree."""
    by_id = ctx.users_by_employee_id.get(employee_id) if employee_id else None
    by_email = ctx.users_by_email.get(email.lower(), []) if email else []
    if len(by_email) > 1 and by_id not in by_email:
        raise CellError(
            _("Flera användare har e-postadressen %(email)s; ange anställnings-id för att skilja dem åt.")
            % {"email": email}
        )
    if by_id is not None and by_email and by_id not in by_email:
        raise CellError(
            _("Anställnings-id %(id)s hör till användaren %(a)s men e-postadressen %(email)s till %(b)s.")
            % {"id": employee_id, "a": by_id.username, "email": email, "b": by_email[0].username}
        )
    return by_id or (by_email[0] if by_email else None)


def _could_be(politician: Politician, email: str, employee_id: str) -> bool:
    """A politician of the right name is the row's person unless their account says otherwise."""
    user = politician.user
    if user is None:
        return True
    return (not user.email or not email or user.email.lower() == email.lower()) and (
        not user.employee_id or not employee_id or user.employee_id == employee_id
    )


def _by_name(ctx: Context, first: str, last: str, party: object, email: str, employee_id: str) -> Politician | None:
    named = ctx.politicians_by_name.get((first.lower(), last.lower(), id(party)), [])
    candidates = [p for p in named if _could_be(p, email, employee_id)]
    if len(candidates) > 1:
        raise CellError(
            _("Det finns %(n)d politiker som heter så i samma parti; ange e-post eller anställnings-id.")
            % {"n": len(candidates)}
        )
    return candidates[0] if candidates else None


def _new_user(ctx: Context, username: str, role: str) -> User:
    if username.lower() in ctx.users_by_username:
        raise CellError(_("Användarnamnet %(name)s används redan av någon annan.") % {"name": username})
    user = User(username=username, role=role)
    user.set_unusable_password()  # login comes through the city's identity provider
    return user


def _set_identity(tracker: Tracker, ctx: Context, row: RawRow) -> None:
    """Names, e-mail, employee id and username as the row gives them (empty cells leave them)."""
    for column, name in (("förnamn", "first_name"), ("efternamn", "last_name"), ("e-post", "email")):
        if text(row.cells, column):
            tracker.set(name, text(row.cells, column))
    if text(row.cells, "anställnings-id"):
        tracker.set("employee_id", text(row.cells, "anställnings-id"))
    username = text(row.cells, "användarnamn")
    if username and username != tracker.obj.username:
        holder = ctx.users_by_username.get(username.lower())
        if holder is not None and holder is not tracker.obj:
            raise CellError(_("Användarnamnet %(name)s används redan av någon annan.") % {"name": username})
        tracker.set("username", username)


def plan_politician(ctx: Context, row: RawRow, outcome: Outcome) -> None:
    first, last = text(row.cells, "förnamn"), text(row.cells, "efternamn")
    email, employee_id = text(row.cells, "e-post"), text(row.cells, "anställnings-id")
    outcome.subject = f"{first} {last} ({text(row.cells, 'parti')})"
    party = ctx.party(text(row.cells, "parti"))
    if party is None:
        raise CellError(_("Partiet %(party)s finns varken i filen eller i systemet.") % {"party": row.cells["parti"]})
    outcome.subject = f"{first} {last} ({party.abbreviation})"
    keys: list[tuple[object, ...]] = [key for key in (("e", email.lower()), ("id", employee_id)) if key[1]]
    if ctx.duplicate(outcome, RowKind.POLITICIAN, *(keys or [("n", first.lower(), last.lower(), id(party))])):
        return
    user = find_user(ctx, email, employee_id)
    politician = ctx.politician_of_user.get(id(user)) if user is not None else None
    if politician is None:
        politician = _by_name(ctx, first, last, party, email, employee_id)
    tracker = Tracker(politician or Politician())
    ctx.claim(outcome, tracker.obj, RowKind.POLITICIAN)
    tracker.set("first_name", first)
    tracker.set("last_name", last)
    tracker.set("party", party)
    trackers = [tracker]
    if email or employee_id:
        trackers.append(_politician_user(ctx, row, tracker, user))
    ctx.finish(outcome, *trackers)
    if len(trackers) > 1 and trackers[1].is_new:
        outcome.details.append(
            _("Användarkonto %(name)s skapas; inloggning sker via stadens inloggningstjänst.")
            % {"name": trackers[1].obj.username}
        )
    _index_politician(ctx, tracker.obj, trackers[1].obj if len(trackers) > 1 else None)


def _politician_user(ctx: Context, row: RawRow, politician: Tracker, found: User | None) -> Tracker:
    """The politician's account: theirs already, the one the e-mail or id points to, or a new one."""
    user = politician.obj.user or found
    if found is not None and user is not found:
        raise CellError(
            _("E-postadressen eller anställnings-id:t hör till användaren %(name)s, inte till politikerns konto.")
            % {"name": found.username}
        )
    if user is not None and user.role in STAFF and id(user) not in ctx.politician_of_user:
        raise CellError(
            _("E-postadressen eller anställnings-id:t hör till %(name)s, som är %(role)s och inte politiker.")
            % {"name": user.username, "role": user.get_role_display().lower()}
        )
    if user is None:
        username = text(row.cells, "användarnamn") or text(row.cells, "e-post") or text(row.cells, "anställnings-id")
        user = _new_user(ctx, username, User.Role.POLITICIAN)
    tracker = Tracker(user)
    _set_identity(tracker, ctx, row)
    tracker.set("role", User.Role.POLITICIAN)
    politician.set("user", user)
    return tracker


def _index_politician(ctx: Context, politician: Politician, user: User | None) -> None:
    if politician.pk is None:
        ctx.politicians.append(politician)
    if user is not None:
        if user.pk is None:
            ctx.add_user(user)
        ctx.politician_of_user[id(user)] = politician
    key = (politician.first_name.lower(), politician.last_name.lower(), id(politician.party))
    named = ctx.politicians_by_name.setdefault(key, [])
    if politician not in named:
        named.append(politician)


def plan_staff(ctx: Context, row: RawRow, outcome: Outcome) -> None:
    username, email = text(row.cells, "användarnamn"), text(row.cells, "e-post")
    employee_id = text(row.cells, "anställnings-id")
    outcome.subject = f"{text(row.cells, 'förnamn')} {text(row.cells, 'efternamn')}"
    if not (username or email or employee_id):
        raise CellError(_("Ange användarnamn, e-post eller anställnings-id."))
    keys = [("u", username.lower()), ("e", email.lower()), ("id", employee_id)]
    if ctx.duplicate(outcome, RowKind.STAFF, *(k for k in keys if k[1])):
        return
    user = _staff_user(ctx, username, email, employee_id)
    if user is not None:
        ctx.claim(outcome, user, RowKind.STAFF)
    role = choice(row.cells, "roll", STAFF_ROLES, STAFF_ROLE_WORDS)
    tracker = Tracker(user or _new_user(ctx, username or email or employee_id, role or User.Role.OFFICER))
    _set_identity(tracker, ctx, row)
    if role:
        tracker.set("role", role)
    bodies = _bodies(ctx, text(row.cells, "organ"))
    if tracker.is_new and tracker.obj.role == User.Role.OFFICER and not bodies:
        raise CellError(_("En handläggare måste arbeta för minst ett organ; fyll i kolumnen ”organ”."))
    if bodies:
        _set_bodies(ctx, tracker, bodies)
    ctx.finish(outcome, tracker)
    if not outcome.errors and tracker.is_new:
        ctx.add_user(tracker.obj)
    if not outcome.errors and bodies and (tracker.is_new or tracker.touched):
        _save_bodies(ctx, tracker.obj, bodies)


def _staff_user(ctx: Context, username: str, email: str, employee_id: str) -> User | None:
    user = find_user(ctx, email, employee_id)
    by_username = ctx.users_by_username.get(username.lower()) if username else None
    if user is not None and by_username is not None and by_username is not user:
        raise CellError(
            _("Användarnamnet %(name)s hör till en annan användare än e-postadressen eller anställnings-id:t.")
            % {"name": username}
        )
    user = user or by_username
    if user is not None and id(user) in ctx.politician_of_user:
        raise CellError(
            _("Användaren %(name)s är politikern %(politician)s och kan inte också vara handläggare.")
            % {"name": user.username, "politician": ctx.politician_of_user[id(user)].full_name}
        )
    return user


def _bodies(ctx: Context, cell: str) -> list[Body]:
    names = [" ".join(n.split()) for n in cell.split(BODY_SEPARATOR) if n.strip()]
    missing = [n for n in names if n.lower() not in ctx.bodies]
    if missing:
        raise CellError(_("Organet finns varken i filen eller i systemet: %(names)s.") % {"names": ", ".join(missing)})
    return list({id(b): b for b in (ctx.bodies[n.lower()] for n in names)}.values())


def _set_bodies(ctx: Context, tracker: Tracker, bodies: list[Body]) -> None:
    current = ctx.user_bodies.get(id(tracker.obj), [])
    if {id(b) for b in current} != {id(b) for b in bodies}:
        before = ", ".join(sorted(b.name for b in current)) or _("(inga)")
        after = ", ".join(sorted(b.name for b in bodies))
        if not tracker.is_new:
            tracker.note(_("arbetar för: %(before)s → %(after)s") % {"before": before, "after": after})


def _save_bodies(ctx: Context, user: User, bodies: list[Body]) -> None:
    current = ctx.user_bodies.get(id(user), [])
    kept = {id(b) for b in bodies}
    if user.pk is not None:
        ctx.writes.removed_user_bodies.extend(
            ctx.existing.user_body_rows[(user.pk, b.pk)] for b in current if id(b) not in kept and b.pk is not None
        )
    ctx.writes.user_bodies.append((user, [b for b in bodies if id(b) not in {id(c) for c in current}]))
    ctx.user_bodies[id(user)] = bodies
