"""The organisation an administrator keeps: the city's own settings, bodies and their meeting
calendars, parties, terms of office, the accessibility statement and the barriers reported from
it (the people: accounts, politicians and seats, are in `people`).

Nothing here is ever deleted but a meeting date: a body that is abolished is closed (`closed_on`),
a seat that ends gets its end date, so every case that named them keeps them as they were. Each
save is a version in the record's history, with a reason that says what changed.

These records have no version counter of their own; the newest history row's id serves as one
(`history_version`): every save adds a row, so an edit page that read the record at one id finds
another id when someone saved since, and the save is refused as a conflict.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

from remiss.dates import long_date
from remiss.models import (
    AccessibilityStatement,
    BarrierReport,
    Body,
    CitySettings,
    Meeting,
    Party,
    Term,
    User,
    derived_name_in_text,
)
from remiss.provenance import history_of
from remiss.richtext import sanitize
from remiss.workflow.base import ConflictError, WorkflowError, _delete, _locked, _save

M = TypeVar("M", bound=models.Model)


def history_version(obj: models.Model) -> int:
    """The id of the record's newest history row: the version an edit page read it at (0 if none)."""
    newest = history_of(type(obj)).filter(id=obj.pk).order_by("-history_id").values_list("history_id", flat=True)
    return newest.first() or 0


def claim_history_version(obj: M, expected_version: int | None) -> None:
    """Refuse the save when someone saved the record since the page read it at `expected_version`.

    Call it inside the transaction, after `_locked`: on PostgreSQL the row lock makes a second
    saver wait for the first and then find its history row. Without `expected_version` (scripts,
    the import) nothing is checked."""
    if expected_version is None:
        return
    newest = history_version(obj)
    if newest != expected_version:
        current = type(obj)._default_manager.get(pk=obj.pk)
        current.version = newest  # type: ignore[attr-defined]  # read by views.conflicts.edit_conflict
        raise ConflictError(
            _("Någon annan har ändrat uppgifterna medan du skrev. Jämför dina uppgifter med de sparade."),
            current=current,
        )


def _text(value: str | None) -> str:
    """A typed name: surrounding spaces go (a form field does the same), inner text is kept."""
    return (value or "").strip()


def _locked_or_new(model: type[M], obj: M | None, expected_version: int | None) -> M:
    if obj is None or obj.pk is None:
        return model()
    locked = _locked(model, obj.pk)
    claim_history_version(locked, expected_version)
    return locked


def _unique(model: type[models.Model], obj: models.Model, message: str, **lookup: Any) -> None:
    """Refuse a value another row has (case-insensitively): the model's own constraint would
    answer in English, or only after the change is written."""
    others = model._default_manager.filter(**{f"{name}__iexact": value for name, value in lookup.items()})
    if obj.pk is not None:
        others = others.exclude(pk=obj.pk)
    if others.exists():
        raise WorkflowError(message)


# --- The city's own settings --------------------------------------------------------------------


@transaction.atomic
def save_city_settings(
    *, city_name: str, signing_place: str, by: User | None, expected_version: int | None = None
) -> CitySettings:
    """Save the organisation's name and place of signing: the first time on the first-run page,
    later in the Organisation section. One row per installation."""
    saved = CitySettings.objects.select_for_update().order_by("pk").first()
    first = saved is None
    if saved is None:
        saved = CitySettings()
    else:
        claim_history_version(saved, expected_version)
    saved.city_name, saved.signing_place = _text(city_name), _text(signing_place)
    if not saved.city_name or not saved.signing_place:
        raise WorkflowError(_("Skriv både organisationens namn och orten för undertecknande."))
    why = (
        _("Organisationens namn och ort sparade vid första start")
        if first
        else _("Organisationens namn och ort ändrade")
    )
    return _save(saved, by, why)


# --- Bodies -------------------------------------------------------------------------------------


def _check_body_kind(body: Body, kind: str) -> None:
    """A body that has answered keeps its kind (an office's answers are opinions, a nämnd's are
    decisions); and the city has one kommunstyrelse and one borgarrådsberedning at a time."""
    if body.pk is not None and body.kind != kind and body.referrals.exists():
        raise WorkflowError(
            _("%(name)s har remisser, så typen kan inte ändras. Lägg upp ett nytt organ och lägg ner det här.")
            % {"name": body.name}
        )
    if kind in (Body.Kind.KOMMUNSTYRELSEN, Body.Kind.BORGARRADSBEREDNINGEN):
        other = Body.objects.filter(kind=kind, closed_on__isnull=True).exclude(pk=body.pk).first()
        if other is not None:
            raise WorkflowError(
                _("Det finns redan ett öppet organ av typen %(kind)s: %(name)s. Lägg ner det först.")
                % {"kind": Body.Kind(kind).label, "name": other.name}
            )


def _body_reason(was_closed: date | None, body: Body, created: bool) -> str:
    if created:
        return _("Organet upplagt")
    if body.closed_on is not None and was_closed != body.closed_on:
        return _("Organet nedlagt den %(date)s") % {"date": long_date(body.closed_on)}
    if body.closed_on is None and was_closed is not None:
        return _("Organet öppnat igen")
    return _("Organets uppgifter ändrade")


@transaction.atomic
def save_body(
    body: Body | None,
    *,
    name: str,
    name_in_text: str = "",
    kind: str,
    administration: str,
    closed_on: date | None = None,
    by: User | None,
    expected_version: int | None = None,
) -> Body:
    """Add a body (`body` None) or change one. Closing it is setting `closed_on`: it then takes no
    new seats or meetings after that day, and everything it answered keeps it as it was."""
    body = _locked_or_new(Body, body, expected_version)
    created, was_closed = body.pk is None, body.closed_on
    name = _text(name)
    _unique(Body, body, _("Det finns redan ett organ som heter %(name)s.") % {"name": name}, name=name)
    _check_body_kind(body, kind)
    body.name, body.kind, body.administration = name, kind, _text(administration)
    body.name_in_text = _text(name_in_text) or derived_name_in_text(_text(name), kind)
    body.closed_on = closed_on
    return _save(body, by, _body_reason(was_closed, body, created))


# --- Meeting calendars --------------------------------------------------------------------------


@transaction.atomic
def add_meeting(body: Body, *, day: date, by: User | None) -> Meeting:
    """Add a date to the body's meeting calendar, which the deadline planning reads."""
    body = _locked(Body, body.pk)
    if not body.is_open_on(day):
        raise WorkflowError(
            _("%(name)s är nedlagt sedan %(closed)s och har inga sammanträden därefter.")
            % {"name": body.name, "closed": long_date(body.closed_on)}
        )
    if Meeting.objects.filter(body=body, date=day).exists():
        raise WorkflowError(
            _("%(name)s har redan ett sammanträde den %(date)s.") % {"name": body.name, "date": long_date(day)}
        )
    return _save(Meeting(body=body, date=day), by, _("Sammanträde den %(date)s") % {"date": long_date(day)})


@transaction.atomic
def remove_meeting(meeting: Meeting, *, by: User | None) -> None:
    """Take a date out of the calendar; the deletion is a version of its own in the history."""
    meeting = _locked(Meeting, meeting.pk)
    _delete(meeting, by, _("Sammanträdet den %(date)s borttaget") % {"date": long_date(meeting.date)})


# --- Parties ------------------------------------------------------------------------------------


@transaction.atomic
def save_party(
    party: Party | None,
    *,
    abbreviation: str,
    name: str,
    genitive: str,
    by: User | None,
    expected_version: int | None = None,
) -> Party:
    party = _locked_or_new(Party, party, expected_version)
    created = party.pk is None
    abbreviation, name = _text(abbreviation), _text(name)
    _unique(Party, party, _("Det finns redan ett parti som heter %(name)s.") % {"name": name}, name=name)
    _unique(
        Party,
        party,
        _("Förkortningen %(abbreviation)s används redan av ett annat parti.") % {"abbreviation": abbreviation},
        abbreviation=abbreviation,
    )
    party.abbreviation, party.name, party.genitive = abbreviation, name, _text(genitive)
    return _save(party, by, _("Partiet upplagt") if created else _("Partiets uppgifter ändrade"))


# --- Terms of office ----------------------------------------------------------------------------


def _check_term(term: Term, starts: date, ends: date) -> None:
    if ends < starts:
        raise WorkflowError(
            _("Mandatperioden kan inte sluta (%(ends)s) före den börjar (%(starts)s).")
            % {"ends": long_date(ends), "starts": long_date(starts)}
        )
    overlapping = Term.objects.filter(starts__lte=ends, ends__gte=starts).exclude(pk=term.pk).first()
    if overlapping is not None:
        raise WorkflowError(
            _("Mandatperioden överlappar mandatperioden %(name)s (%(starts)s–%(ends)s).")
            % {"name": overlapping.name, "starts": long_date(overlapping.starts), "ends": long_date(overlapping.ends)}
        )
    if term.pk is not None:
        outside = term.seats.filter(models.Q(starts__lt=starts) | models.Q(ends__gt=ends)).exists()
        if outside:
            raise WorkflowError(
                _("Någon plats under mandatperioden har datum utanför de nya datumen. Ändra platserna först.")
            )


@transaction.atomic
def save_term(
    term: Term | None,
    *,
    name: str,
    starts: date,
    ends: date,
    by: User | None,
    expected_version: int | None = None,
) -> Term:
    """Add or change a mandatperiod. Terms do not overlap, and a seat's own dates stay inside its term."""
    term = _locked_or_new(Term, term, expected_version)
    created = term.pk is None
    name = _text(name)
    _unique(Term, term, _("Det finns redan en mandatperiod som heter %(name)s.") % {"name": name}, name=name)
    _check_term(term, starts, ends)
    term.name, term.starts, term.ends = name, starts, ends
    return _save(term, by, _("Mandatperioden upplagd") if created else _("Mandatperioden ändrad"))


# --- The accessibility statement and the barriers reported from it -------------------------------


@transaction.atomic
def save_accessibility_statement(
    *,
    organisation: str,
    text: str,
    contact_email: str = "",
    assessed_on: date,
    by: User | None,
    expected_version: int | None = None,
) -> AccessibilityStatement:
    """Save the tillgänglighetsredogörelse's own part (one per installation); the statutory parts
    are the page's. The first save replaces the shipped default text."""
    statement = AccessibilityStatement.objects.select_for_update().order_by("pk").first()
    first = statement is None
    if statement is None:
        statement = AccessibilityStatement()
    else:
        claim_history_version(statement, expected_version)
    statement.organisation, statement.contact_email = _text(organisation), _text(contact_email)
    statement.text, statement.assessed_on = sanitize(text), assessed_on
    return _save(
        statement, by, _("Tillgänglighetsredogörelsen sparad") if first else _("Tillgänglighetsredogörelsen ändrad")
    )


@transaction.atomic
def mark_barrier_report(report: BarrierReport, *, handled: bool, by: User | None) -> BarrierReport:
    """A reported barrier handled (or not after all); the report itself stays as it came in."""
    report = _locked(BarrierReport, report.pk)
    report.handled = handled
    return _save(report, by, _("Markerad som hanterad") if handled else _("Markerad som ohanterad"))
