"""Planning seats: each row's seat in its term, new terms, and the end of earlier terms' seats.

A seat row names its politician (by e-post, anställnings-id, or förnamn + efternamn + parti), the
body, the role and the term (mandatperiod). A term the database lacks is added from its name:
'2027–2030' runs from 1 January 2027 to 31 December 2030. A new seat runs from `från`, or from the
start of its term; `till` empty leaves it open ("tills vidare") until a later import ends it.

When the file has seats, the seats of earlier terms (and seats without a term) that the file does
not list end on the day before the file's latest term starts, or on the day the person importing
names (`--ends-previous-on`): a new term's file replaces the old term's seats.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext as _

from remiss.dates import long_date
from remiss.models import Body, Politician, Seat, Term
from remiss.organisation.columns import SEAT_ROLE_WORDS, SEAT_ROLES, RowKind
from remiss.organisation.context import Context, Outcome, Plan, Tracker
from remiss.organisation.people import find_user
from remiss.organisation.read import RawRow
from remiss.organisation.values import CellError, choice, parse_date, term_dates, term_key, text


def _politician(ctx: Context, row: RawRow) -> Politician:
    email, employee_id = text(row.cells, "e-post"), text(row.cells, "anställnings-id")
    if email or employee_id:
        user = find_user(ctx, email, employee_id)
        politician = ctx.politician_of_user.get(id(user)) if user is not None else None
        if politician is None:
            raise CellError(
                _(
                    "Ingen politiker har den e-postadressen eller det anställnings-id:t. Lägg till politikern "
                    "på bladet Politiker, eller rätta uppgiften."
                )
            )
        return politician
    first, last, party_name = (text(row.cells, c) for c in ("förnamn", "efternamn", "parti"))
    if not (first and last and party_name):
        raise CellError(_("Ange politikerns e-post, anställnings-id eller förnamn, efternamn och parti."))
    party = ctx.party(party_name)
    named = ctx.politicians_by_name.get((first.lower(), last.lower(), id(party)), []) if party else []
    if len(named) > 1:
        raise CellError(
            _("Det finns %(n)d politiker som heter %(name)s i samma parti; ange e-post eller anställnings-id.")
            % {"n": len(named), "name": f"{first} {last}"}
        )
    if not named:
        raise CellError(
            _("Politikern %(name)s (%(party)s) finns varken i filen eller i systemet.")
            % {"name": f"{first} {last}", "party": party_name}
        )
    return named[0]


def _body(ctx: Context, row: RawRow) -> Body:
    name = text(row.cells, "organ")
    body = ctx.bodies.get(" ".join(name.split()).lower())
    if body is None:
        raise CellError(_("Organet %(name)s finns varken i filen eller i systemet.") % {"name": name})
    return body


def _term(ctx: Context, row: RawRow) -> Term:
    """The term the row names; a new one (planned once, from its name) when the database lacks it."""
    typed = text(row.cells, "mandatperiod")
    term = ctx.terms.get(term_key(typed))
    if term is None:
        starts, ends = term_dates(typed)
        name = term_key(typed)  # written one way, '2027–2030', as the admin's help text shows it
        term = Term(name=name, starts=starts, ends=ends)
        ctx.terms[name] = term
        ctx.writes.save(term, set())
        ctx.notes.append(
            _("Mandatperioden %(name)s läggs till: %(starts)s – %(ends)s.")
            % {"name": name, "starts": long_date(starts), "ends": long_date(ends)}
        )
    return term


def plan_seat(ctx: Context, row: RawRow, outcome: Outcome) -> None:
    # What the row says, until it is known whose seat it is.
    who = [text(row.cells, c) for c in ("förnamn", "efternamn", "e-post", "anställnings-id")]
    outcome.subject = f"{' '.join(w for w in who if w)}, {text(row.cells, 'organ')}"
    politician, body, term = _politician(ctx, row), _body(ctx, row), _term(ctx, row)
    role = choice(row.cells, "roll", SEAT_ROLES, SEAT_ROLE_WORDS)
    starts, ends = parse_date(row.cells, "från"), parse_date(row.cells, "till")
    outcome.subject = _("%(politician)s, %(role)s i %(body)s, %(term)s") % {
        "politician": str(politician),
        "role": dict(Seat.Role.choices)[role].lower(),
        "body": body.name,
        "term": term.name,
    }
    key = (id(politician), id(body), id(term))
    if ctx.duplicate(outcome, RowKind.SEAT, key):
        return
    if body.closed_on is not None and (starts or term.starts) >= body.closed_on:
        raise CellError(
            _("%(body)s är nedlagt sedan %(date)s.") % {"body": body.name, "date": long_date(body.closed_on)}
        )
    seat = ctx.seats.get(key)
    tracker = Tracker(seat or Seat(politician=politician, body=body, term=term))
    tracker.set("role", role)
    if starts or seat is None:
        tracker.set("starts", starts or term.starts)
    if ends:
        tracker.set("ends", ends)
    if tracker.obj.starts and tracker.obj.ends and tracker.obj.starts > tracker.obj.ends:
        raise CellError(_("Platsen slutar (”till”) före den börjar (”från”)."))
    ctx.finish(outcome, tracker)
    ctx.seats[key] = tracker.obj
    ctx.seats_in_file.add(id(tracker.obj))
    ctx.file_terms[id(term)] = term


def end_previous(ctx: Context, plan: Plan, ends_on: date | None) -> None:
    """End the seats of earlier terms that the file leaves out (see the module's docstring)."""
    plan.notes.extend(ctx.notes)
    if not ctx.file_terms:
        if ends_on is not None:
            plan.notes.append(_("Filen har inga platser, så inga platser avslutas."))
        return
    latest = max(ctx.file_terms.values(), key=lambda t: t.starts)
    day = ends_on or latest.starts - timedelta(days=1)
    plan.ends_on = day
    left_alone = 0
    for seat in ctx.existing.seats:
        if id(seat) in ctx.seats_in_file:
            continue
        if seat.term is not None and seat.term.starts >= latest.starts:
            left_alone += 1
            continue
        if (seat.ends is not None and seat.ends <= day) or (seat.starts is not None and seat.starts > day):
            continue
        tracker = Tracker(seat)
        tracker.set("ends", day)
        ctx.writes.save(seat, tracker.fields)
        plan.ended.append(
            _("%(politician)s, %(role)s i %(body)s (%(term)s)")
            % {
                "politician": str(seat.politician),
                "role": seat.get_role_display().lower(),
                "body": seat.body.name,
                "term": seat.term.name if seat.term else _("utan mandatperiod"),
            }
        )
    plan.notes.append(
        _(
            "Platser från tidigare mandatperioder (och platser utan mandatperiod) som inte står i filen "
            "avslutas den %(day)s."
        )
        % {"day": long_date(day)}
    )
    if left_alone:
        plan.notes.append(
            _("%(n)d platser i mandatperioden %(term)s eller senare står inte i filen; de lämnas som de är.")
            % {"n": left_alone, "term": latest.name}
        )
