"""The plan's working state: the outcome of each row, the records found and planned, the writes.

`Context` indexes the database's records (and the file's new ones as the plan makes them) by the keys
rows name them with. Objects are keyed by identity (`id()`), since a planned record has no pk yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from remiss.dates import long_date
from remiss.models import Body, Party, Politician, Seat, Term, User
from remiss.organisation.columns import RowKind
from remiss.organisation.existing import Existing
from remiss.organisation.read import SheetError
from remiss.organisation.values import CellError, term_key

# The order the workflow saves in: every record after the ones it points to.
MODEL_ORDER: tuple[type[models.Model], ...] = (Party, Body, Term, User, Politician, Seat)


class Action(StrEnum):
    CREATE = "ny"
    CHANGE = "ändras"
    UNCHANGED = "oförändrad"
    ERROR = "fel"


@dataclass
class Outcome:
    """One row's line in the preview."""

    sheet: str
    number: int
    kind: RowKind | None
    subject: str = ""
    action: Action = Action.UNCHANGED
    details: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def place(self) -> str:
        """'Rad 12 på bladet Organ', or 'Rad 12' in a CSV file."""
        if self.sheet:
            return _("Rad %(n)d på bladet %(sheet)s") % {"n": self.number, "sheet": self.sheet}
        return _("Rad %(n)d") % {"n": self.number}

    @property
    def place_in_text(self) -> str:
        """'rad 12 på bladet Organ', for the middle of a sentence."""
        if self.sheet:
            return _("rad %(n)d på bladet %(sheet)s") % {"n": self.number, "sheet": self.sheet}
        return _("rad %(n)d") % {"n": self.number}


@dataclass
class Writes:
    """The saves an import makes, by model in MODEL_ORDER."""

    created: dict[type[models.Model], list[Any]] = field(default_factory=lambda: {m: [] for m in MODEL_ORDER})
    updated: dict[type[models.Model], dict[int, Any]] = field(default_factory=lambda: {m: {} for m in MODEL_ORDER})
    fields: dict[type[models.Model], set[str]] = field(default_factory=lambda: {m: set() for m in MODEL_ORDER})
    # Users whose bodies become exactly these, and the User.bodies rows (pks) that go.
    user_bodies: list[tuple[User, list[Body]]] = field(default_factory=list)
    removed_user_bodies: list[int] = field(default_factory=list)

    def save(self, obj: models.Model, fields: set[str]) -> None:
        model = type(obj)
        if obj.pk is None:
            self.created[model].append(obj)
        else:
            self.updated[model][obj.pk] = obj
            self.fields[model] |= fields


@dataclass
class Plan:
    filename: str
    outcomes: list[Outcome] = field(default_factory=list)
    sheet_errors: list[SheetError] = field(default_factory=list)
    writes: Writes = field(default_factory=Writes)
    ended: list[str] = field(default_factory=list)  # the seats of earlier terms that end
    ends_on: date | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.sheet_errors) or any(o.errors for o in self.outcomes)

    @property
    def error_rows(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.errors]

    def count(self, action: Action) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    def done_message(self) -> str:
        """What the import did, once it is saved."""
        return _(
            "Importen av %(file)s är klar: %(created)d nya, %(changed)d ändrade och %(same)d oförändrade rader; "
            "%(ended)d platser avslutades."
        ) % {
            "file": self.filename,
            "created": self.count(Action.CREATE),
            "changed": self.count(Action.CHANGE),
            "same": self.count(Action.UNCHANGED),
            "ended": len(self.ended),
        }

    @property
    def changes_anything(self) -> bool:
        return bool(self.ended) or any(o.action in (Action.CREATE, Action.CHANGE) for o in self.outcomes)


def show(obj: models.Model, name: str, value: object) -> str:
    """A value as the preview writes it: a choice's label, a Swedish date, ”text”, or (tomt)."""
    if value is None or value == "":
        return _("(tomt)")
    model_field = obj._meta.get_field(name)
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))  # type: ignore[union-attr]
    if isinstance(value, date):
        return long_date(value)
    return f"”{value}”"


class Tracker:
    """One record's planned values: sets them on the object and notes each change for the preview."""

    def __init__(self, obj: models.Model):
        self.obj: Any = obj
        self.fields: set[str] = set()
        self.lines: list[str] = []
        self.touched = False

    @property
    def is_new(self) -> bool:
        return self.obj.pk is None

    def set(self, name: str, value: object) -> None:
        try:
            old = getattr(self.obj, name)
        except ObjectDoesNotExist:  # a new record's relation not set yet
            old = None
        differs = (old is not value) if isinstance(value, models.Model) else old != value
        if not differs:
            return
        if not self.is_new:
            label = self.obj._meta.get_field(name).verbose_name
            self.lines.append(f"{label}: {show(self.obj, name, old)} → {show(self.obj, name, value)}")
        setattr(self.obj, name, value)
        self.fields.add(name)

    def note(self, line: str) -> None:
        """A change that is no field of the record (a user's bodies): the record still gets a history row."""
        self.lines.append(line)
        self.touched = True

    def errors(self) -> list[str]:
        """The model's own checks of the values (length, e-mail, username), without queries."""
        related = [f.name for f in self.obj._meta.concrete_fields if f.is_relation]
        try:
            self.obj.clean_fields(exclude=related)
        except ValidationError as error:
            return [
                f"{self.obj._meta.get_field(name).verbose_name}: {' '.join(messages)}"
                for name, messages in error.message_dict.items()
            ]
        return []


class Context:
    """The records the rows name, found or planned, and the writes so far."""

    def __init__(self, existing: Existing):
        self.existing = existing
        self.writes = Writes()
        self.parties = {p.abbreviation.lower(): p for p in existing.parties}
        self.parties_by_name = {p.name.lower(): p for p in existing.parties}
        self.bodies = {b.name.lower(): b for b in existing.bodies}
        self.terms = {term_key(t.name): t for t in existing.terms}
        self.users_by_username = {u.username.lower(): u for u in existing.users}
        self.users_by_email: dict[str, list[User]] = {}
        self.users_by_employee_id = {u.employee_id: u for u in existing.users if u.employee_id}
        for user in existing.users:
            if user.email:
                self.users_by_email.setdefault(user.email.lower(), []).append(user)
        self.politicians: list[Politician] = list(existing.politicians)
        self.politician_of_user = {id(p.user): p for p in existing.politicians if p.user is not None}
        self.politicians_by_name: dict[tuple[str, str, int], list[Politician]] = {}
        self.user_bodies = {id(u): existing.user_bodies.get(u.pk, []) for u in existing.users}
        self.seats: dict[tuple[int, int, int], Seat] = {
            (id(s.politician), id(s.body), id(s.term)): s for s in existing.seats
        }
        self.seats_in_file: set[int] = set()  # id() of the seats rows name
        self.file_terms: dict[int, Term] = {}  # the terms seat rows name, by id()
        self.seen: dict[tuple[RowKind, object], Outcome] = {}
        # id() of a record → the record (kept, so its id is never reused) and the row that describes it
        self.claimed: dict[int, tuple[object, Outcome]] = {}
        self.notes: list[str] = []

    def duplicate(self, outcome: Outcome, kind: RowKind, *keys: object) -> bool:
        """Note the row's keys; True (with the error) when an earlier row has one of them."""
        for key in keys:
            first = self.seen.setdefault((kind, key), outcome)
            if first is not outcome:
                outcome.errors.append(
                    _("Samma %(kind)s står redan på %(place)s.") % {"kind": kind.value, "place": first.place_in_text}
                )
                return True
        return False

    def claim(self, outcome: Outcome, obj: object, kind: RowKind) -> None:
        """Note that the row describes `obj`; CellError when an earlier row already did (two rows
        naming one person differently: by e-mail on one, by name on the other)."""
        _kept, first = self.claimed.setdefault(id(obj), (obj, outcome))
        if first is not outcome:
            raise CellError(
                _("Samma %(kind)s står redan på %(place)s.") % {"kind": kind.value, "place": first.place_in_text}
            )

    def finish(self, outcome: Outcome, *trackers: Tracker) -> None:
        """The row's action from its records' changes; the saves, unless the row has errors."""
        for tracker in trackers:
            outcome.errors.extend(tracker.errors())
            outcome.details.extend(tracker.lines)
        if outcome.errors:
            return
        if trackers and trackers[0].is_new:
            outcome.action = Action.CREATE
        elif outcome.details:
            outcome.action = Action.CHANGE
        for tracker in trackers:
            if tracker.is_new or tracker.fields or tracker.touched:
                self.writes.save(tracker.obj, tracker.fields)

    def add_party(self, party: Party) -> None:
        self.parties[party.abbreviation.lower()] = party
        self.parties_by_name[party.name.lower()] = party

    def add_body(self, body: Body) -> None:
        self.bodies[body.name.lower()] = body

    def add_user(self, user: User) -> None:
        self.users_by_username[user.username.lower()] = user
        if user.email:
            self.users_by_email.setdefault(user.email.lower(), []).append(user)
        if user.employee_id:
            self.users_by_employee_id[user.employee_id] = user
        self.user_bodies.setdefault(id(user), [])

    def party(self, value: str) -> Party | None:
        """A party by its abbreviation or its name."""
        key = value.lower()
        return self.parties.get(key) or self.parties_by_name.get(key)

    def index_politicians(self) -> None:
        """Politicians by (first name, last name, party), once their rows are planned."""
        self.politicians_by_name = {}
        for politician in self.politicians:
            key = (politician.first_name.lower(), politician.last_name.lower(), id(politician.party))
            self.politicians_by_name.setdefault(key, []).append(politician)
