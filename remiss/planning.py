"""Deadlines that plan themselves: from the remisstid backwards through the meeting calendars.

Kommunstyrelsen's last meeting on or before the remisstid decides the case; borgarrådsberedningen
meets before that; the registrar compiles the answers a number of working days before
borgarrådsberedningen; each answering nämnd decides at its last meeting on or before the compile
date (that meeting is its internal deadline); the officer's draft is due some days before the
nämnd's meeting. An office makes no decision, so its deadline is the compile date itself.

Everything here is a pure function of dates, except `plan_for_case` and `city_meeting_dates`,
which read the calendars from the database and hand them to the pure functions, and
`apply_plan`, which moves the referrals' deadlines through `remiss.workflow`. Warnings are
Swedish sentences for the registrar; dates in them are ISO dates (2023-04-14), as in a diary.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from remiss import workflow
from remiss.dates import long_date
from remiss.models import Body, Case, Meeting, Referral, User

# When borgarrådsberedningen has no meeting in the calendar, assume it meets this long before
# kommunstyrelsen (its usual rhythm in Stockholm: the Wednesday before).
BRB_FALLBACK_DAYS = 7


@dataclass(frozen=True)
class PlanOptions:
    """The planning's rules of thumb; defaults come from settings (REMISS_PLAN_*)."""

    compile_working_days: int = 5  # the registrar's compile date, in working days before borgarrådsberedningen
    draft_days: int = 14  # the officer's draft, in days before the nämnd's meeting (or an office's deadline)
    justering_days: int = 7  # a nämnd meeting this close to the compile date needs justering omedelbart

    @classmethod
    def from_settings(cls, **overrides: int | None) -> PlanOptions:
        """The settings' values, with each override that is not None (a form's empty field) in place."""
        values = {
            "compile_working_days": getattr(settings, "REMISS_PLAN_COMPILE_WORKING_DAYS", cls.compile_working_days),
            "draft_days": getattr(settings, "REMISS_PLAN_DRAFT_DAYS", cls.draft_days),
            "justering_days": getattr(settings, "REMISS_PLAN_JUSTERING_DAYS", cls.justering_days),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


@dataclass(frozen=True)
class BodyCalendar:
    """What planning needs to know of one answering body: its name, kind and meeting dates."""

    key: int  # opaque to planning: the view uses the referral's pk
    name: str
    makes_decisions: bool
    meetings: tuple[date, ...] = ()


@dataclass(frozen=True)
class BodyDates:
    """The proposed dates for one answering body."""

    key: int
    name: str
    makes_decisions: bool
    meeting: date | None  # the nämnd meeting that decides; None for an office, or when none is in time
    deadline: date  # the proposed internal deadline (svarsdatum)
    draft_date: date  # the officer's draft of the tjänsteutlåtande
    justering_omedelbart: bool  # suggest that the decision is justered at once


@dataclass(frozen=True)
class CityDates:
    """The city-level dates: kommunstyrelsen, borgarrådsberedningen and the compile date.

    A meeting is None when the calendar has none in time; the compile date is then reckoned from
    an assumed date, and `warnings` says so.
    """

    remisstid: date
    kommunstyrelsen: date | None
    borgarradsberedningen: date | None
    compile_date: date
    warnings: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """Both city meetings come from the calendar, so the compile date is firm."""
        return self.kommunstyrelsen is not None and self.borgarradsberedningen is not None


@dataclass(frozen=True)
class Plan:
    remisstid: date
    received: date
    kommunstyrelsen: date | None
    borgarradsberedningen: date | None
    compile_date: date
    bodies: tuple[BodyDates, ...]
    warnings: tuple[str, ...]
    options: PlanOptions = field(default_factory=PlanOptions)

    def for_key(self, key: int) -> BodyDates | None:
        return next((b for b in self.bodies if b.key == key), None)


# --- Working days -----------------------------------------------------------------------------


def is_working_day(day: date) -> bool:
    """Monday to Friday. Public holidays are not known here; the registrar adjusts around them."""
    return day.weekday() < 5


def previous_working_day(day: date) -> date:
    """The day itself if it is a working day, else the Friday before."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def subtract_working_days(day: date, n: int) -> date:
    """The date `n` working days before `day` (weekends skipped); n=0 gives `day` or the Friday before."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = previous_working_day(day) if n == 0 else day
    while n > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def last_meeting(
    meetings: Iterable[date], *, on_or_before: date | None = None, before: date | None = None, after: date | None = None
) -> date | None:
    """The latest meeting in the window (`after` < meeting, meeting ≤ on_or_before or < before)."""
    candidates = [
        m
        for m in meetings
        if (on_or_before is None or m <= on_or_before)
        and (before is None or m < before)
        and (after is None or m > after)
    ]
    return max(candidates, default=None)


# --- The plan ---------------------------------------------------------------------------------


def plan_city_dates(
    *,
    remisstid: date,
    received: date,
    kommunstyrelsen: Iterable[date],
    borgarradsberedningen: Iterable[date],
    options: PlanOptions | None = None,
) -> CityDates:
    """Kommunstyrelsen → borgarrådsberedningen → compile date, with warnings for gaps."""
    options = options or PlanOptions()
    warnings: list[str] = []
    ks = last_meeting(kommunstyrelsen, on_or_before=remisstid, after=received)
    if ks is None:
        warnings.append(
            _(
                "Kommunstyrelsen har inget sammanträde före remisstiden %(d)s; lägg in sammanträdet i kalendern "
                "eller begär anstånd hos departementet. Planen räknar tills vidare med remisstiden."
            )
            % {"d": long_date(remisstid)}
        )
    ks_or_assumed = ks or remisstid
    brb = last_meeting(borgarradsberedningen, before=ks_or_assumed, after=received)
    if brb is None:
        warnings.append(
            _(
                "Borgarrådsberedningen har inget sammanträde före %(d)s; lägg in sammanträdet i kalendern. "
                "Planen räknar tills vidare med en vecka före kommunstyrelsen."
            )
            % {"d": long_date(ks_or_assumed)}
        )
    brb_or_assumed = brb or previous_working_day(ks_or_assumed - timedelta(days=BRB_FALLBACK_DAYS))
    compile_date = subtract_working_days(brb_or_assumed, options.compile_working_days)
    if compile_date <= received:
        warnings.append(
            _(
                "Sammanställningen skulle behöva vara klar %(c)s, men remissen kom in först %(r)s; "
                "remisstiden räcker inte för en vanlig beredning."
            )
            % {"c": long_date(compile_date), "r": long_date(received)}
        )
    return CityDates(
        remisstid=remisstid,
        kommunstyrelsen=ks,
        borgarradsberedningen=brb,
        compile_date=compile_date,
        warnings=tuple(warnings),
    )


def plan_body(
    calendar: BodyCalendar, *, compile_date: date, received: date, options: PlanOptions
) -> tuple[BodyDates, list[str]]:
    """One answering body's meeting, internal deadline and draft date, with its warnings."""
    warnings: list[str] = []
    meeting: date | None = None
    justering = False
    if calendar.makes_decisions:
        meeting = last_meeting(calendar.meetings, on_or_before=compile_date, after=received)
        if meeting is None:
            warnings.append(
                _(
                    "%(body)s har inget sammanträde före %(d)s; "
                    "föreslå justering omedelbart eller ett extra sammanträde."
                )
                % {"body": calendar.name, "d": long_date(compile_date)}
            )
            justering = True
        elif (compile_date - meeting).days <= options.justering_days:
            warnings.append(
                _(
                    "%(body)s sammanträder %(m)s, bara %(n)d dagar före sammanställningen %(c)s; "
                    "föreslå att beslutet justeras omedelbart."
                )
                % {
                    "body": calendar.name,
                    "m": long_date(meeting),
                    "n": (compile_date - meeting).days,
                    "c": long_date(compile_date),
                }
            )
            justering = True
    deadline = meeting or compile_date
    draft_date = previous_working_day(deadline - timedelta(days=options.draft_days))
    if draft_date <= received:
        warnings.append(
            _(
                "Tiden är knapp för %(body)s: utkastet till tjänsteutlåtande skulle behöva vara klart %(d)s, "
                "men remissen kom in först %(r)s."
            )
            % {"body": calendar.name, "d": long_date(draft_date), "r": long_date(received)}
        )
    dates = BodyDates(
        key=calendar.key,
        name=calendar.name,
        makes_decisions=calendar.makes_decisions,
        meeting=meeting,
        deadline=deadline,
        draft_date=draft_date,
        justering_omedelbart=justering,
    )
    return dates, warnings


def plan_backwards(
    *,
    remisstid: date,
    received: date,
    kommunstyrelsen: Iterable[date],
    borgarradsberedningen: Iterable[date],
    bodies: Sequence[BodyCalendar],
    options: PlanOptions | None = None,
) -> Plan:
    """The whole plan, from the remisstid back to each officer's draft date."""
    options = options or PlanOptions()
    city = plan_city_dates(
        remisstid=remisstid,
        received=received,
        kommunstyrelsen=kommunstyrelsen,
        borgarradsberedningen=borgarradsberedningen,
        options=options,
    )
    warnings = list(city.warnings)
    planned = []
    for calendar in bodies:
        dates, body_warnings = plan_body(calendar, compile_date=city.compile_date, received=received, options=options)
        planned.append(dates)
        warnings.extend(body_warnings)
    return Plan(
        remisstid=remisstid,
        received=received,
        kommunstyrelsen=city.kommunstyrelsen,
        borgarradsberedningen=city.borgarradsberedningen,
        compile_date=city.compile_date,
        bodies=tuple(planned),
        warnings=tuple(warnings),
        options=options,
    )


# --- Reading the calendars --------------------------------------------------------------------


def city_meeting_dates() -> tuple[list[date], list[date]]:
    """(kommunstyrelsen's, borgarrådsberedningen's) meeting dates, from the calendar."""
    rows = Meeting.objects.filter(
        body__kind__in=[Body.Kind.KOMMUNSTYRELSEN, Body.Kind.BORGARRADSBEREDNINGEN],
    ).values_list("body__kind", "date")
    ks = [d for kind, d in rows if kind == Body.Kind.KOMMUNSTYRELSEN]
    brb = [d for kind, d in rows if kind == Body.Kind.BORGARRADSBEREDNINGEN]
    return ks, brb


def plan_for_case(case: Case, options: PlanOptions | None = None) -> Plan:
    """The plan for a case's referrals, in memo order; each `BodyDates.key` is the referral's pk."""
    referrals: list[Referral] = list(case.referrals.select_related("body").order_by("order", "pk"))
    body_ids = [r.body_id for r in referrals]
    meetings: dict[int, list[date]] = {pk: [] for pk in body_ids}
    for body_id, day in Meeting.objects.filter(body_id__in=body_ids).values_list("body_id", "date"):
        meetings[body_id].append(day)
    ks, brb = city_meeting_dates()
    return plan_backwards(
        remisstid=case.deadline,
        received=case.received,
        kommunstyrelsen=ks,
        borgarradsberedningen=brb,
        bodies=[
            BodyCalendar(
                key=r.pk, name=r.body.name, makes_decisions=r.body.makes_decisions, meetings=tuple(meetings[r.body_id])
            )
            for r in referrals
        ],
        options=options or PlanOptions.from_settings(),
    )


def plan_fingerprint(plan: Plan) -> str:
    """A short stamp of the proposed deadlines, so that applying uses exactly the plan that was shown."""
    text = ";".join(f"{b.key}={b.deadline.isoformat()}" for b in sorted(plan.bodies, key=lambda b: b.key))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:32]


# --- Applying the plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    changed: tuple[Referral, ...]
    unchanged: tuple[Referral, ...]
    skipped: tuple[tuple[Referral, str], ...]  # (referral, the Swedish reason)


def apply_plan(case: Case, plan: Plan, *, by: User | None) -> Applied:
    """Set each open referral's deadline to the planned one, through `workflow.set_referral_deadline`.

    Closed referrals keep their dates, and a planned date outside the case's dates (before the case
    came in, after the remisstid) is not applied; both are reported, the others still change.
    """
    changed: list[Referral] = []
    unchanged: list[Referral] = []
    skipped: list[tuple[Referral, str]] = []
    with transaction.atomic():
        for referral in case.referrals.select_related("body").order_by("order", "pk"):
            dates = plan.for_key(referral.pk)
            if dates is None:
                continue
            if referral.deadline == dates.deadline:
                unchanged.append(referral)
            elif referral.is_closed:
                skipped.append(
                    (
                        referral,
                        _("%(body)s: remitteringen är avslutad; svarsdatumet ändras inte.")
                        % {"body": referral.body.name},
                    )
                )
            elif not case.received <= dates.deadline <= case.deadline:
                skipped.append(
                    (
                        referral,
                        _("%(body)s: det föreslagna datumet %(d)s ligger utanför ärendets datum (%(r)s–%(t)s).")
                        % {
                            "body": referral.body.name,
                            "d": long_date(dates.deadline),
                            "r": long_date(case.received),
                            "t": long_date(case.deadline),
                        },
                    )
                )
            else:
                try:
                    changed.append(workflow.set_referral_deadline(referral, deadline=dates.deadline, by=by))
                except (workflow.WorkflowError, ValidationError) as error:
                    reason = str(error) if isinstance(error, workflow.WorkflowError) else " ".join(error.messages)
                    skipped.append((referral, f"{referral.body.name}: {reason}"))
    return Applied(changed=tuple(changed), unchanged=tuple(unchanged), skipped=tuple(skipped))
