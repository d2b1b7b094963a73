"""E-mail reminders of deadlines, for `manage.py send_reminders` (run daily from cron).

Who gets what:
- a referral's internal deadline (svarsdatum): its assigned officers or, when none (still active)
  is assigned, every officer working for the body; only while the referral is open (not answered,
  declined or given up) and its case is being referred or compiled;
- the case's remisstid: the registrars, until the case is answered;
- the registrar's compile date from the plan (`remiss.planning`): the registrars, while the case
  is not yet being compiled, and only when both city meetings are in the calendar.

When: `days_ahead` days before (any run in the days 1..N before the date sends it, once), on the
day, and when overdue: once on the first run after the date, then once a week (a new reminder in
each following seven-day period) until the item is closed.

Each reminder is logged as a `ReminderLog` row per (user, key); the key encodes what, which date
and which stage (`referral:12:ahead:2023-03-31`, `referral:12:overdue:2023-03-31:0`,
`case:3:remisstid:due:2023-04-28`, ...), so running again sends nothing twice, and a moved
deadline (a new date in the key) gets its reminders again. Users without an e-mail address or
inactive users get nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from remiss.city import city_name
from remiss.models import Case, Referral, ReminderLog, User, genitive
from remiss.planning import PlanOptions, city_meeting_dates, plan_city_dates

logger = logging.getLogger(__name__)

# An overdue item is reminded of again after this many days.
OVERDUE_REPEAT_DAYS = 7

AHEAD, DUE, OVERDUE = "ahead", "due", "overdue"
REFERRAL, REMISSTID, COMPILE = "referral", "remisstid", "compile"


@dataclass(frozen=True)
class Stage:
    name: str  # AHEAD, DUE or OVERDUE
    days: int  # days left (ahead), 0 (on the day) or days past the date (overdue)
    key: str  # e.g. "ahead:2023-03-31" or "overdue:2023-03-31:0"


def stage_for(day: date, today: date, days_ahead: int) -> Stage | None:
    """Which reminder `day` calls for on `today`, if any."""
    delta = (day - today).days
    if delta == 0:
        return Stage(DUE, 0, f"{DUE}:{day.isoformat()}")
    if 0 < delta <= days_ahead:
        return Stage(AHEAD, delta, f"{AHEAD}:{day.isoformat()}")
    if delta < 0:
        period = (-delta - 1) // OVERDUE_REPEAT_DAYS
        return Stage(OVERDUE, -delta, f"{OVERDUE}:{day.isoformat()}:{period}")
    return None


@dataclass(frozen=True)
class Reminder:
    """One date that calls for a reminder today, and who should get it."""

    what: str  # REFERRAL, REMISSTID or COMPILE
    stage: Stage
    day: date
    case: Case
    referral: Referral | None
    recipients: tuple[User, ...]

    @property
    def key(self) -> str:
        if self.referral is not None:
            return f"referral:{self.referral.pk}:{self.stage.key}"
        return f"case:{self.case.pk}:{self.what}:{self.stage.key}"


def due_reminders(today: date, days_ahead: int) -> list[Reminder]:
    """Every reminder that `today` calls for, before checking what was already sent: the referrals'
    svarsdatum, then the cases' remisstid, then the planned compile dates."""
    horizon = today + timedelta(days=max(days_ahead, 0))
    reminders = _referral_reminders(_open_referrals(horizon), today, days_ahead)
    registrars = tuple(User.objects.filter(role=User.Role.REGISTRAR, is_active=True).order_by("pk"))
    open_cases = list(Case.objects.exclude(status=Case.Status.ANSWERED).order_by("deadline", "pk"))
    for case in open_cases:
        stage = stage_for(case.deadline, today, days_ahead)
        if stage is not None:
            reminders.append(Reminder(REMISSTID, stage, case.deadline, case, None, registrars))
    planning_cases = [c for c in open_cases if c.status in (Case.Status.REGISTERED, Case.Status.REFERRED)]
    if planning_cases:
        reminders += _compile_reminders(planning_cases, registrars, today, days_ahead)
    return reminders


def _open_referrals(horizon: date) -> list[Referral]:
    """The open referrals of cases being referred or compiled whose svarsdatum is by `horizon`."""
    referrals = (
        Referral.objects.filter(
            case__status__in=[Case.Status.REFERRED, Case.Status.COMPILING],
            deadline__lte=horizon,
        )
        .exclude(
            status__in=[Referral.Status.DECLINED, Referral.Status.NO_ANSWER, Referral.Status.JUSTERED],
        )
        .select_related("case", "body")
        .prefetch_related("officers")
        .order_by("deadline", "case_id", "order")
    )
    return [r for r in referrals if not r.is_closed]


def _officers_by_body(referrals: list[Referral]) -> dict[int, list[User]]:
    """The active officers of the referrals' bodies, by body pk: one query and its prefetch."""
    officers: dict[int, list[User]] = defaultdict(list)
    for user in (
        User.objects.filter(
            role=User.Role.OFFICER,
            is_active=True,
            bodies__in={r.body_id for r in referrals},
        )
        .prefetch_related("bodies")
        .distinct()
    ):
        for body in user.bodies.all():
            officers[body.pk].append(user)
    return officers


def _referral_reminders(referrals: list[Referral], today: date, days_ahead: int) -> list[Reminder]:
    """Each svarsdatum due a reminder, to its assigned officers or, with none active, the body's."""
    body_officers = _officers_by_body(referrals)
    reminders = []
    for referral in referrals:
        stage = stage_for(referral.deadline, today, days_ahead)
        if stage is None:
            continue
        assigned = [u for u in referral.officers.all() if u.is_active]
        recipients = assigned or body_officers.get(referral.body_id, [])
        reminders.append(Reminder(REFERRAL, stage, referral.deadline, referral.case, referral, tuple(recipients)))
    return reminders


def _compile_reminders(cases: list[Case], registrars: tuple[User, ...], today: date, days_ahead: int) -> list[Reminder]:
    """Each planned compile date due a reminder, when both city meetings are in the calendar."""
    ks, brb = city_meeting_dates()
    options = PlanOptions.from_settings()
    reminders = []
    for case in cases:
        city = plan_city_dates(
            remisstid=case.deadline,
            received=case.received,
            kommunstyrelsen=ks,
            borgarradsberedningen=brb,
            options=options,
        )
        if not city.complete:
            continue  # an assumed date is the plan's guess, not a deadline to remind of
        stage = stage_for(city.compile_date, today, days_ahead)
        if stage is not None:
            reminders.append(Reminder(COMPILE, stage, city.compile_date, case, None, registrars))
    return reminders


def _link(reminder: Reminder, user: User) -> str:
    try:
        if reminder.referral is not None and user.role == User.Role.OFFICER:
            path = reverse("officer_referral", kwargs={"pk": reminder.referral.pk})
        elif reminder.what == COMPILE:
            path = reverse("case_plan", kwargs={"pk": reminder.case.pk})
        else:
            path = reverse("case_detail", kwargs={"pk": reminder.case.pk})
    except NoReverseMatch:
        path = "/"
    return f"{settings.REMISS_BASE_URL}{path}"


def build_message(
    reminder: Reminder, user: User, *, days_ahead: int, connection=None, city: str | None = None
) -> EmailMessage:
    """The Swedish e-mail for one reminder to one person; `city` is the organisation's name, when
    the caller has read it once for many messages."""
    context = {
        "reminder": reminder,
        "user": user,
        "case": reminder.case,
        "referral": reminder.referral,
        "body": reminder.referral.body if reminder.referral is not None else None,
        "body_genitive": genitive(reminder.referral.body.name) if reminder.referral is not None else "",
        "assigned": reminder.referral is not None and user in reminder.referral.officers.all(),
        "stage": reminder.stage.name,
        "days": reminder.stage.days,
        "day": reminder.day,
        "what": reminder.what,
        "link": _link(reminder, user),
        "days_ahead": days_ahead,
        "repeat_days": OVERDUE_REPEAT_DAYS,
        "city": city if city is not None else city_name(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("remiss/email/reminder_subject.txt", context).split())
        body = render_to_string("remiss/email/reminder_body.txt", context)
    return EmailMessage(subject=subject, body=body, to=[user.email], connection=connection)


@dataclass
class Report:
    sent: list[tuple[User, str]]
    already_sent: int = 0
    without_email: int = 0
    failed: int = 0


def send_reminders(today: date, days_ahead: int | None = None, *, dry_run: bool = False) -> Report:
    """Send what `today` calls for and was not sent before. With dry_run, send and log nothing."""
    if days_ahead is None:
        days_ahead = settings.REMISS_REMINDER_DAYS_AHEAD
    report = Report(sent=[])
    reminders = due_reminders(today, days_ahead)
    logged = set(ReminderLog.objects.filter(key__in=[r.key for r in reminders]).values_list("user_id", "key"))
    connection = None if dry_run else get_connection()
    city = city_name()
    for reminder in reminders:
        for user in reminder.recipients:
            if not user.email:
                report.without_email += 1
                continue
            if (user.pk, reminder.key) in logged:
                report.already_sent += 1
                continue
            if dry_run:
                report.sent.append((user, reminder.key))
                continue
            try:
                with transaction.atomic():
                    # The log row first: a concurrent run finds it and sends nothing; a failed
                    # send rolls it back, so the next run tries again.
                    _log, created = ReminderLog.objects.get_or_create(user=user, key=reminder.key)
                    if not created:
                        report.already_sent += 1
                        continue
                    build_message(reminder, user, days_ahead=days_ahead, connection=connection, city=city).send()
            except Exception:  # noqa: BLE001 - one failed address must not stop the others
                logger.exception("Påminnelsen %s till %s kunde inte skickas", reminder.key, user.email)
                report.failed += 1
                continue
            logged.add((user.pk, reminder.key))
            report.sent.append((user, reminder.key))
    return report
