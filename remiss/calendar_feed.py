"""Each user's private iCalendar feed: their deadlines and their bodies' meetings.

The feed's address carries the user's `calendar_token`, a random secret made on first use, so a
calendar program can subscribe without logging in; whoever has the address sees the feed, and a
new token (`regenerate_calendar_token`) makes the old address stop working.

What a feed holds:
- an officer (anyone working for bodies): the open referrals of their bodies and those assigned
  to them, each on its svarsdatum;
- a registrar: every open case's remisstid, its open referrals' svarsdatum and, while the case
  is not yet compiled, the planned compile date when both city meetings are in the calendar;
- everyone: the meetings of the bodies they work for or hold a seat in on the meeting's day, and
  for a registrar borgarrådsberedningen's and kommunstyrelsen's.
Every event is a whole day with a UID that stays the same from one download to the next.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from remiss.access import is_registrar
from remiss.models import Body, Case, Meeting, Referral, Seat, User, seat_valid_on
from remiss.planning import PlanOptions, city_meeting_dates, plan_city_dates

PRODID = "-//Remisshantering//remiss//SV"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_token_for(user: User) -> str:
    """The user's token, made on first use. Written with a bare UPDATE, so no history row keeps it."""
    if not user.calendar_token:
        User.objects.filter(pk=user.pk, calendar_token__isnull=True).update(calendar_token=new_token())
        user.calendar_token = User.objects.values_list("calendar_token", flat=True).get(pk=user.pk)
    token = user.calendar_token
    assert token is not None  # written just above, by this request or by one at the same time
    return token


def regenerate_calendar_token(user: User) -> str:
    """A new secret; the old address stops working at once."""
    user.calendar_token = new_token()
    User.objects.filter(pk=user.pk).update(calendar_token=user.calendar_token)
    return user.calendar_token


def user_for_token(token: str) -> User | None:
    if not token:
        return None
    return User.objects.filter(calendar_token=token, is_active=True).first()


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    day: date
    summary: str
    description: str = ""
    url: str = ""


def _uid(kind: str, pk: int) -> str:
    domain = slugify(getattr(settings, "REMISS_CITY", "")) or "remiss"
    return f"{kind}-{pk}@remiss.{domain}"


def _case_lines(case: Case) -> list[str]:
    return [
        f"{case.title} ({case.reference})",
        _("Stadens diarienummer: %(dnr)s") % {"dnr": case.city_dnr},
        _("Remisstid: %(d)s") % {"d": case.deadline.isoformat()},
    ]


def _referral_event(referral: Referral, url: str) -> FeedEvent:
    lines = _case_lines(referral.case) + [_("Status: %(s)s") % {"s": referral.get_status_display()}]
    return FeedEvent(
        uid=_uid("svarsdatum", referral.pk),
        day=referral.deadline,
        summary=_("Svarsdatum %(ref)s: %(body)s") % {"ref": referral.case.reference, "body": referral.body.name},
        description="\n".join(lines),
        url=url,
    )


def feed_events(user: User, *, base_url: str = "") -> list[FeedEvent]:
    """The user's events, sorted by date. `base_url` (no trailing slash) makes the links absolute."""
    link = _Links(base_url)
    registrar = is_registrar(user)
    found = _referral_events(user, registrar, link)
    if registrar:
        cases = list(Case.objects.exclude(status=Case.Status.ANSWERED))
        found += [_remisstid_event(case, link) for case in cases]
        found += _compile_events(cases, link)
    found += _meeting_events(_meeting_bodies(user, registrar))
    # One event per UID, the last one found.
    events = {event.uid: event for event in found}
    return sorted(events.values(), key=lambda e: (e.day, e.summary, e.uid))


@dataclass(frozen=True)
class _Links:
    """Absolute links to the app's pages, or "" for every link when there is no base URL."""

    base_url: str

    def __call__(self, name: str, **kwargs: int) -> str:
        if not self.base_url:
            return ""
        try:
            return f"{self.base_url}{reverse(name, kwargs=kwargs)}"
        except NoReverseMatch:  # a page not there (yet) only loses the link
            return ""


def _referral_events(user: User, registrar: bool, link: _Links) -> list[FeedEvent]:
    """The svarsdatum of the open referrals: all of them for a registrar, else the user's bodies'
    and those assigned to the user."""
    open_referrals = (
        Referral.objects.filter(
            case__status__in=[Case.Status.REFERRED, Case.Status.COMPILING],
        )
        .exclude(
            status__in=[Referral.Status.DECLINED, Referral.Status.NO_ANSWER, Referral.Status.JUSTERED],
        )
        .select_related("case", "body")
    )
    if not registrar:
        open_referrals = open_referrals.filter(Q(body__in=user.bodies.all()) | Q(officers=user)).distinct()
    events = []
    for referral in open_referrals:
        if referral.is_closed:
            continue
        url = (
            link("case_referral", pk=referral.case_id, rid=referral.pk)
            if registrar
            else link("officer_referral", pk=referral.pk)
        )
        events.append(_referral_event(referral, url))
    return events


def _remisstid_event(case: Case, link: _Links) -> FeedEvent:
    return FeedEvent(
        uid=_uid("remisstid", case.pk),
        day=case.deadline,
        summary=_("Remisstid %(ref)s") % {"ref": case.reference},
        description="\n".join(_case_lines(case)),
        url=link("case_detail", pk=case.pk),
    )


def _compile_events(cases: list[Case], link: _Links) -> list[FeedEvent]:
    """The planned compile date of each case not yet compiled, when both city meetings are known."""
    ks, brb = city_meeting_dates()
    options = PlanOptions.from_settings()
    events = []
    for case in cases:
        if case.status not in (Case.Status.REGISTERED, Case.Status.REFERRED):
            continue
        city = plan_city_dates(
            remisstid=case.deadline,
            received=case.received,
            kommunstyrelsen=ks,
            borgarradsberedningen=brb,
            options=options,
        )
        meeting = city.borgarradsberedningen
        if not city.complete or meeting is None:  # complete: both city meetings are in the calendar
            continue
        planned = _("Planerat inför borgarrådsberedningen %(d)s.") % {"d": meeting.isoformat()}
        events.append(
            FeedEvent(
                uid=_uid("sammanstallning", case.pk),
                day=city.compile_date,
                summary=_("Sammanställ svaren %(ref)s") % {"ref": case.reference},
                description="\n".join([*_case_lines(case), planned]),
                url=link("case_plan", pk=case.pk),
            )
        )
    return events


def _meeting_bodies(user: User, registrar: bool) -> Q:
    """The meetings the user sees: those of the bodies they work for, those where they hold a seat
    on the meeting's day (a seat of a new term brings that term's meetings, an ended one no more),
    and for a registrar borgarrådsberedningen's and kommunstyrelsen's."""
    seated = Seat.objects.filter(seat_valid_on(OuterRef("date")), politician__user=user, body=OuterRef("body"))
    bodies = Q(body__in=user.bodies.all()) | Q(Exists(seated))
    if registrar:
        bodies |= Q(body__kind__in=[Body.Kind.BORGARRADSBEREDNINGEN, Body.Kind.KOMMUNSTYRELSEN])
    return bodies


def _meeting_events(bodies: Q) -> list[FeedEvent]:
    return [
        FeedEvent(
            uid=_uid("sammantrade", meeting.pk),
            day=meeting.date,
            summary=_("Sammanträde: %(body)s") % {"body": meeting.body.name},
        )
        for meeting in Meeting.objects.filter(bodies).select_related("body").distinct()
    ]


def render_feed(user: User, events: list[FeedEvent], *, now: datetime | None = None) -> bytes:
    """The events as an iCalendar file (RFC 5545), all-day events."""
    stamp = now or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = user.get_full_name() or user.username
    calendar.add("x-wr-calname", _("Remisser – %(name)s") % {"name": name})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("transp", "TRANSPARENT")
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        calendar.add_component(event)
    return calendar.to_ical()
