"""The private iCalendar feed: the token, what each kind of user sees, all-day events, stable UIDs, 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from remiss import workflow
from remiss.calendar_feed import calendar_token_for, regenerate_calendar_token
from remiss.models import Case, Meeting
from tests.factories import (
    BodyFactory,
    BorgarradsberedningenFactory,
    CaseFactory,
    KommunstyrelsenFactory,
    OfficerFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
)

D = date.fromisoformat


def feed_url(user) -> str:
    return reverse("calendar_feed", kwargs={"token": calendar_token_for(user)})


def events(client, user) -> dict[str, tuple[date, str]]:
    """{uid: (day, summary)} of the user's feed, fetched without logging in."""
    response = client.get(feed_url(user))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    found = {}
    for event in calendar.walk("VEVENT"):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is date and (end - start).days == 1  # an all-day event
        found[str(event["uid"])] = (start, str(event["summary"]))
    return found


def summaries(found: dict[str, tuple[date, str]]) -> set[tuple[date, str]]:
    return set(found.values())


@pytest.fixture
def world(referred, namnd, office):
    """The `referred` case plus meetings: the nämnd's, another body's, the city's."""
    case, r_namnd, r_office = referred
    other = BodyFactory(name="Kulturnämnden")
    ks, brb = KommunstyrelsenFactory(), BorgarradsberedningenFactory()
    for body, day in ((namnd, "2030-03-19"), (other, "2030-03-20"), (ks, "2030-04-24"), (brb, "2030-04-17")):
        Meeting.objects.create(body=body, date=D(day))
    return case, r_namnd, r_office


# --- The token ----------------------------------------------------------------------------------


def test_token_is_made_on_first_use_and_then_kept(officer):
    assert officer.calendar_token is None
    history_rows = officer.history.count()
    token = calendar_token_for(officer)
    assert len(token) >= 40
    officer.refresh_from_db()
    assert officer.calendar_token == token
    assert calendar_token_for(officer) == token
    assert officer.history.count() == history_rows  # the secret is not copied into the history


def test_unknown_token_is_404(client, officer):
    calendar_token_for(officer)
    assert client.get(reverse("calendar_feed", kwargs={"token": "nej-det-finns-inte"})).status_code == 404
    assert client.get("/kalender/.ics").status_code == 404


def test_inactive_users_feed_is_404(client, officer):
    url = feed_url(officer)
    officer.is_active = False
    officer.save()
    assert client.get(url).status_code == 404


def test_new_token_retires_the_old_address(client, officer):
    old = feed_url(officer)
    regenerate_calendar_token(officer)
    assert client.get(old).status_code == 404
    assert client.get(feed_url(officer)).status_code == 200


# --- What the feed holds ------------------------------------------------------------------------


def test_officer_sees_their_bodys_deadlines_and_meetings(client, world, officer):
    case, r_namnd, r_office = world
    found = events(client, officer)
    assert summaries(found) == {
        (D("2030-03-31"), f"Svarsdatum {case.reference}: Socialnämnden"),
        (D("2030-03-19"), "Sammanträde: Socialnämnden"),
    }
    assert any(uid.startswith(f"svarsdatum-{r_namnd.pk}@") for uid in found)


def test_uids_are_stable_between_downloads(client, world, officer):
    assert set(events(client, officer)) == set(events(client, officer))


def test_deadline_moves_with_the_referral_and_keeps_its_uid(client, world, officer, registrar):
    _case, r_namnd, _r_office = world
    before = events(client, officer)
    workflow.set_referral_deadline(r_namnd, deadline=D("2030-03-25"), by=registrar)
    after = events(client, officer)
    assert set(before) == set(after)
    assert D("2030-03-25") in {day for day, _summary in after.values()}


def test_assigned_referral_stays_in_the_feed(client, world, namnd, registrar):
    _case, r_namnd, _r_office = world
    colleague = OfficerFactory(username="kollega", bodies=[namnd])
    workflow.assign_officers(r_namnd, officers=[colleague], by=registrar)
    colleague.bodies.clear()  # moved on, but the referral is still theirs
    assert [s for _d, s in events(client, colleague).values() if s.startswith("Svarsdatum")] != []


def test_closed_referrals_leave_the_feed(client, world, officer):
    _case, r_namnd, _r_office = world
    workflow.decline(r_namnd, by=officer)
    assert [s for _d, s in events(client, officer).values() if s.startswith("Svarsdatum")] == []


def test_registrar_sees_every_open_cases_dates_and_the_city_meetings(client, world, registrar):
    case, _r_namnd, _r_office = world
    answered = CaseFactory()
    Case.objects.filter(pk=answered.pk).update(status=Case.Status.ANSWERED)
    found = summaries(events(client, registrar))
    assert found == {
        (D("2030-04-28"), f"Remisstid {case.reference}"),
        (D("2030-03-31"), f"Svarsdatum {case.reference}: Socialnämnden"),
        (D("2030-04-12"), f"Svarsdatum {case.reference}: Stadsledningskontoret"),
        (D("2030-04-10"), f"Sammanställ svaren {case.reference}"),  # five working days before 17 April
        (D("2030-04-24"), "Sammanträde: Kommunstyrelsen"),
        (D("2030-04-17"), "Sammanträde: Borgarrådsberedningen"),
    }


def test_politician_sees_the_meetings_of_bodies_where_they_hold_a_seat(client, world, namnd):
    user = PoliticianUserFactory(username="politiker")
    SeatFactory(politician=PoliticianFactory(user=user), body=namnd)
    assert summaries(events(client, user)) == {(D("2030-03-19"), "Sammanträde: Socialnämnden")}


def test_feed_has_swedish_name_and_links(client, world, officer):
    _case, r_namnd, _r_office = world
    calendar = Calendar.from_ical(client.get(feed_url(officer)).content)
    assert str(calendar["x-wr-calname"]).startswith("Remisser – ")
    deadline = next(e for e in calendar.walk("VEVENT") if str(e["summary"]).startswith("Svarsdatum"))
    assert str(deadline["url"]).endswith(f"/handlaggare/remiss/{r_namnd.pk}/")
    assert "Stadens diarienummer" in str(deadline["description"])


# --- The page with the link ---------------------------------------------------------------------


def test_calendar_page_shows_the_personal_link(client, officer):
    assert client.get(reverse("calendar_page")).status_code == 302  # login first
    client.force_login(officer)
    html = client.get(reverse("calendar_page")).content.decode()
    officer.refresh_from_db()
    assert "Din kalenderlänk" in html
    assert f"/kalender/{officer.calendar_token}.ics" in html


def test_new_link_button_replaces_the_token(client, officer):
    client.force_login(officer)
    old = calendar_token_for(officer)
    response = client.post(reverse("calendar_new_link"), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("calendar_page")
    officer.refresh_from_db()
    assert officer.calendar_token != old
