"""What an import would do, row by row: create, change, leave alone, or refuse, with the writes it needs.

`plan_import` matches every row of the file against the database (read once, `existing`) and the
rows before it, in the order the records depend on each other: parties, bodies, politicians and
their user accounts, officers, seats, and last the seats of earlier terms the file no longer holds.
It writes nothing: the planned records are unsaved objects (or saved ones with changed attributes)
that `remiss.workflow.import_organisation` saves, and only when no row has an error.

A filled cell sets its value; an empty optional cell leaves an existing record's value as it is and
gives a new record the derived value or the default (docs/organisation-import.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils.translation import gettext as _

from remiss.models import Body, Party, derived_name_in_text
from remiss.models import genitive as genitive_of
from remiss.organisation.columns import BODY_KIND_WORDS, BODY_KINDS, COLUMNS, RowKind
from remiss.organisation.context import Action, Context, Outcome, Plan, Tracker
from remiss.organisation.existing import Existing, load_existing
from remiss.organisation.people import plan_politician, plan_staff
from remiss.organisation.read import ImportFile, RawRow
from remiss.organisation.seats import end_previous, plan_seat
from remiss.organisation.values import CellError, choice, parse_date, text

ORDER = (RowKind.PARTY, RowKind.BODY, RowKind.POLITICIAN, RowKind.STAFF, RowKind.SEAT)


def plan_import(
    imported: ImportFile, *, ends_previous_on: date | None = None, existing: Existing | None = None
) -> Plan:
    """The plan for `imported` against the database as it is now (or `existing`)."""
    ctx = Context(existing if existing is not None else load_existing())
    plan = Plan(filename=imported.filename, sheet_errors=list(imported.sheet_errors), writes=ctx.writes)
    outcomes: dict[int, Outcome] = {}
    for position, row in enumerate(imported.rows):
        if row.kind is None:
            outcomes[position] = Outcome(row.sheet, row.number, None, action=Action.ERROR, errors=[row.problem])
    for kind in ORDER:
        if kind in (RowKind.POLITICIAN, RowKind.SEAT):  # after the parties, after the politicians
            ctx.index_politicians()
        for position, row in enumerate(imported.rows):
            if row.kind == kind:
                outcomes[position] = _plan_row(ctx, row)
    plan.outcomes = [outcomes[position] for position in sorted(outcomes)]
    end_previous(ctx, plan, ends_previous_on)
    return plan


def _plan_row(ctx: Context, row: RawRow) -> Outcome:
    assert row.kind is not None
    outcome = Outcome(row.sheet, row.number, row.kind)
    stray = sorted(set(row.cells) - {c.header for c in COLUMNS[row.kind]})
    for header in stray:
        outcome.errors.append(
            _("Kolumnen ”%(header)s” gäller inte rader av typen %(kind)s; lämna den tom.")
            % {"header": header, "kind": row.kind.value}
        )
    missing = [c.header for c in COLUMNS[row.kind] if c.required and c.header not in row.cells]
    for header in missing:
        outcome.errors.append(_("Kolumnen ”%(header)s” måste fyllas i.") % {"header": header})
    if not missing:
        try:
            PLANNERS[row.kind](ctx, row, outcome)
        except CellError as error:
            outcome.errors.append(str(error))
    if outcome.errors:
        outcome.action = Action.ERROR
    return outcome


def _plan_party(ctx: Context, row: RawRow, outcome: Outcome) -> None:
    abbreviation, name = text(row.cells, "förkortning"), text(row.cells, "namn")
    outcome.subject = f"{name} ({abbreviation})"
    if ctx.duplicate(outcome, RowKind.PARTY, abbreviation.lower()):
        return
    party = ctx.parties.get(abbreviation.lower())
    other = ctx.parties_by_name.get(name.lower())
    if other is not None and other is not party:
        raise CellError(
            _("Namnet ”%(name)s” har redan partiet med förkortningen %(abbr)s.")
            % {"name": name, "abbr": other.abbreviation}
        )
    tracker = Tracker(party or Party(abbreviation=abbreviation))
    tracker.set("name", name)
    genitive = text(row.cells, "genitiv")
    if genitive or party is None:
        tracker.set("genitive", genitive or genitive_of(name))
    ctx.finish(outcome, tracker)
    ctx.add_party(tracker.obj)


def _plan_body(ctx: Context, row: RawRow, outcome: Outcome) -> None:
    name = text(row.cells, "namn")
    outcome.subject = name
    if ctx.duplicate(outcome, RowKind.BODY, name.lower()):
        return
    body = ctx.bodies.get(name.lower())
    tracker = Tracker(body or Body(name=name))
    ctx.add_body(tracker.obj)  # first: rows that name the body find it even when this row has an error
    kind = choice(row.cells, "typ", BODY_KINDS, BODY_KIND_WORDS)
    tracker.set("kind", kind)
    in_text = text(row.cells, "namn i löptext")
    if in_text or body is None:
        tracker.set("name_in_text", in_text or derived_name_in_text(name, kind))
    administration = text(row.cells, "förvaltning")
    if not administration and body is None:
        if kind != Body.Kind.OFFICE:
            raise CellError(_("Kolumnen ”förvaltning” måste fyllas i för en nämnd."))
        administration = name  # an office is its own administration: Stadsledningskontoret
    if administration:
        tracker.set("administration", administration)
    closed = parse_date(row.cells, "nedlagd")
    if closed is not None:
        tracker.set("closed_on", closed)
    ctx.finish(outcome, tracker)


PLANNERS = {
    RowKind.PARTY: _plan_party,
    RowKind.BODY: _plan_body,
    RowKind.POLITICIAN: plan_politician,
    RowKind.STAFF: plan_staff,
    RowKind.SEAT: plan_seat,
}


def summary(outcomes: Iterable[Outcome]) -> dict[Action, int]:
    counts = dict.fromkeys(Action, 0)
    for outcome in outcomes:
        counts[outcome.action] += 1
    return counts
