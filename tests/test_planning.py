"""Deadline planning: working days, the backwards plan and its warnings, the registrar's page, the
meeting calendars (admin and `loadmeetings`)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from remiss import planning, workflow
from remiss.models import Body, Case, Meeting
from remiss.planning import BodyCalendar, PlanOptions, plan_backwards, subtract_working_days
from tests.factories import (
    BorgarradsberedningenFactory,
    CaseFactory,
    KommunstyrelsenFactory,
    PoliticianUserFactory,
    UserFactory,
)

D = date.fromisoformat
RECEIVED = D("2023-01-10")
REMISSTID = D("2023-04-28")
KS = [D("2023-03-22"), D("2023-04-26"), D("2023-05-24")]
BRB = [D("2023-03-15"), D("2023-04-19"), D("2023-05-17")]


def nämnd(name: str, *meetings: str, key: int = 1) -> BodyCalendar:
    return BodyCalendar(key=key, name=name, makes_decisions=True, meetings=tuple(D(m) for m in meetings))


def office(name: str = "Stadsledningskontoret", key: int = 99) -> BodyCalendar:
    return BodyCalendar(key=key, name=name, makes_decisions=False)


def plan(*bodies: BodyCalendar, ks=KS, brb=BRB, remisstid=REMISSTID, received=RECEIVED, **options) -> planning.Plan:
    return plan_backwards(
        remisstid=remisstid,
        received=received,
        kommunstyrelsen=ks,
        borgarradsberedningen=brb,
        bodies=list(bodies),
        options=PlanOptions(**options),
    )


# --- Working days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2023-04-19", 5, "2023-04-12"),  # Wednesday back to Wednesday
        ("2023-04-17", 1, "2023-04-14"),  # Monday back over the weekend to Friday
        ("2023-04-21", 5, "2023-04-14"),  # Friday to Friday
        ("2023-04-16", 1, "2023-04-14"),  # from a Sunday: the Friday is the first working day before
        ("2023-04-15", 0, "2023-04-14"),  # zero days from a Saturday: the Friday before
        ("2023-04-12", 0, "2023-04-12"),
        ("2023-04-24", 10, "2023-04-10"),  # two full weeks
    ],
)
def test_subtract_working_days_skips_weekends(start, n, expected):
    assert subtract_working_days(D(start), n) == D(expected)


def test_subtract_working_days_refuses_negative():
    with pytest.raises(ValueError):
        subtract_working_days(D("2023-04-12"), -1)


# --- The plan ---------------------------------------------------------------------------------


def test_plan_follows_the_calendars_back_from_the_remisstid():
    result = plan(
        office(),
        nämnd("Socialnämnden", "2023-02-21", "2023-03-21", "2023-04-18", key=1),
        nämnd("Utbildningsnämnden", "2023-03-30", "2023-04-20", key=2),
    )
    assert result.kommunstyrelsen == D("2023-04-26")  # the last one on or before 28 April
    assert result.borgarradsberedningen == D("2023-04-19")
    assert result.compile_date == D("2023-04-12")  # five working days before borgarrådsberedningen
    soc, utb = result.for_key(1), result.for_key(2)
    assert (soc.meeting, soc.deadline, soc.draft_date) == (D("2023-03-21"), D("2023-03-21"), D("2023-03-07"))
    assert (utb.meeting, utb.deadline, utb.draft_date) == (D("2023-03-30"), D("2023-03-30"), D("2023-03-16"))
    slk = result.for_key(99)
    assert (slk.meeting, slk.deadline, slk.draft_date) == (None, D("2023-04-12"), D("2023-03-29"))
    assert not soc.justering_omedelbart and not utb.justering_omedelbart
    assert result.warnings == ()


def test_kommunstyrelsen_meeting_on_the_remisstid_counts_and_one_after_does_not():
    on_the_day = plan(ks=[D("2023-04-12"), D("2023-04-28")], brb=[D("2023-04-05"), D("2023-04-21")])
    assert on_the_day.kommunstyrelsen == D("2023-04-28")
    after = plan(ks=[D("2023-04-12"), D("2023-04-29")], brb=[D("2023-04-05"), D("2023-04-21")])
    assert after.kommunstyrelsen == D("2023-04-12")
    assert after.borgarradsberedningen == D("2023-04-05")


def test_borgarradsberedningen_must_meet_before_kommunstyrelsen_not_on_the_same_day():
    result = plan(ks=[D("2023-04-26")], brb=[D("2023-04-12"), D("2023-04-26")])
    assert result.borgarradsberedningen == D("2023-04-12")


def test_nämnd_without_a_meeting_in_time_is_warned_about_in_swedish():
    # Borgarrådsberedningen on Friday 21 April: the compile date is Friday 14 April.
    result = plan(nämnd("Socialnämnden", "2023-04-18", "2023-05-23"), brb=[D("2023-04-21")])
    assert result.compile_date == D("2023-04-14")
    assert (
        "Socialnämnden har inget sammanträde före 14 april 2023; föreslå justering omedelbart eller ett extra "
        "sammanträde." in result.warnings
    )
    soc = result.for_key(1)
    assert soc.meeting is None
    assert soc.deadline == D("2023-04-14")  # the answer is still needed by the compile date
    assert soc.justering_omedelbart


def test_meeting_before_the_case_came_in_does_not_count():
    result = plan(nämnd("Socialnämnden", "2023-01-05", "2023-01-10"))
    assert result.for_key(1).meeting is None
    assert any(w.startswith("Socialnämnden har inget sammanträde") for w in result.warnings)


@pytest.mark.parametrize(
    ("meeting", "suggested"),
    [
        ("2023-04-12", True),  # on the compile date itself
        ("2023-04-05", True),  # seven days before: still too close for ordinary justering
        ("2023-04-04", False),  # eight days before
    ],
)
def test_meeting_close_to_the_compile_date_suggests_justering_omedelbart(meeting, suggested):
    result = plan(nämnd("Utbildningsnämnden", meeting))
    dates = result.for_key(1)
    assert dates.meeting == D(meeting)
    assert dates.justering_omedelbart is suggested
    warned = [w for w in result.warnings if "justeras omedelbart" in w]
    assert bool(warned) is suggested
    if suggested:
        day = D(meeting)
        assert warned[0].startswith(f"Utbildningsnämnden sammanträder {day.day} april 2023,")  # Swedish, not ISO


def test_justering_threshold_is_configurable():
    assert not plan(nämnd("Utbildningsnämnden", "2023-04-05"), justering_days=3).for_key(1).justering_omedelbart


def test_missing_city_meetings_are_warned_about_and_assumed():
    result = plan(nämnd("Socialnämnden", "2023-03-21"), ks=[], brb=[])
    assert result.kommunstyrelsen is None and result.borgarradsberedningen is None
    assert any(
        w.startswith("Kommunstyrelsen har inget sammanträde före remisstiden 28 april 2023") for w in result.warnings
    )
    assert any(w.startswith("Borgarrådsberedningen har inget sammanträde före 28 april 2023") for w in result.warnings)
    # Assumed: kommunstyrelsen on the remisstid (Friday 28 April), borgarrådsberedningen a week
    # before (Friday 21 April), compile five working days before that.
    assert result.compile_date == D("2023-04-14")


def test_missing_borgarradsberedningen_alone_is_warned_about():
    result = plan(brb=[D("2023-05-17")])
    assert result.kommunstyrelsen == D("2023-04-26")
    assert result.borgarradsberedningen is None
    assert result.compile_date == D("2023-04-12")  # 19 April assumed, minus five working days
    assert [w[:40] for w in result.warnings] == ["Borgarrådsberedningen har inget sammantr"]


def test_compile_and_draft_days_are_configurable():
    result = plan(office(), nämnd("Socialnämnden", "2023-03-21", "2023-04-11"), compile_working_days=10, draft_days=21)
    assert result.compile_date == D("2023-04-05")
    soc = result.for_key(1)
    assert soc.meeting == D("2023-03-21")  # 11 April is now after the compile date
    assert soc.draft_date == D("2023-02-28")
    assert result.for_key(99).draft_date == D("2023-03-15")


def test_draft_date_on_a_weekend_moves_to_the_friday_before():
    # 16 days before Tuesday 21 March is Sunday 5 March.
    assert plan(nämnd("Socialnämnden", "2023-03-21"), draft_days=16).for_key(1).draft_date == D("2023-03-03")


def test_too_little_time_for_the_draft_is_warned_about():
    result = plan(nämnd("Socialnämnden", "2023-01-17"), received=D("2023-01-10"))
    assert result.for_key(1).meeting == D("2023-01-17")
    assert any(w.startswith("Tiden är knapp för Socialnämnden") for w in result.warnings)


def test_remisstid_too_short_for_any_preparation_is_warned_about():
    result = plan(office(), received=D("2023-04-18"), ks=[D("2023-04-26")], brb=[D("2023-04-19")])
    assert result.compile_date == D("2023-04-12")
    assert any(w.startswith("Sammanställningen skulle behöva vara klar 12 april 2023") for w in result.warnings)


def test_plan_options_come_from_settings(settings):
    settings.REMISS_PLAN_COMPILE_WORKING_DAYS = 3
    settings.REMISS_PLAN_DRAFT_DAYS = 10
    options = PlanOptions.from_settings(draft_days=None)
    assert (options.compile_working_days, options.draft_days) == (3, 10)
    assert PlanOptions.from_settings(draft_days=7).draft_days == 7


# --- The demo's calendars ---------------------------------------------------------------------


@pytest.fixture
def demo(db):
    """The demo case in this test's own transaction (not the module-wide `demo_db`, whose bodies
    would collide with the other tests' Socialnämnden)."""
    from remiss.demo import load_demo

    load_demo()


def test_demo_case_plan_reproduces_the_seeds_meeting_dates(demo):
    call_command("loadmeetings", verbosity=0)
    case = Case.objects.get(reference="SOU 2022:67")
    result = planning.plan_for_case(case)
    assert (result.kommunstyrelsen, result.borgarradsberedningen, result.compile_date) == (
        D("2023-04-26"),
        D("2023-04-19"),
        D("2023-04-12"),
    )
    by_body = {case.referrals.get(pk=b.key).body.name: b for b in result.bodies}
    assert {name: b.meeting for name, b in by_body.items()} == {
        "Stadsledningskontoret": None,
        "Socialnämnden": D("2023-03-21"),
        "Utbildningsnämnden": D("2023-03-30"),
        "Skarpnäcks stadsdelsnämnd": D("2023-03-30"),
        "Spånga-Tensta stadsdelsnämnd": D("2023-03-22"),
        "Södermalms stadsdelsnämnd": D("2023-03-23"),
    }
    # The seed's own internal deadline for stadsledningskontoret was the compile date.
    assert by_body["Stadsledningskontoret"].deadline == case.referrals.get(body__name="Stadsledningskontoret").deadline
    # The decisions in the demo were taken on exactly the meetings the plan picks.
    for decision in case.decisions.filter(body__kind__in=[Body.Kind.FACKNAMND, Body.Kind.STADSDELSNAMND]):
        assert by_body[decision.body.name].meeting == decision.meeting_date
    assert result.warnings == ()


def test_loadmeetings_is_idempotent_and_covers_every_demo_body(demo):
    call_command("loadmeetings", verbosity=0)
    count = Meeting.objects.count()
    call_command("loadmeetings", verbosity=0)
    assert Meeting.objects.count() == count
    bodies_with_meetings = set(Meeting.objects.values_list("body__name", flat=True))
    deciding = set(Body.objects.exclude(kind=Body.Kind.OFFICE).values_list("name", flat=True))
    assert deciding == bodies_with_meetings
    for body in deciding:  # monthly, January to June
        months = {d.month for d in Meeting.objects.filter(body__name=body).values_list("date", flat=True)}
        assert months == {1, 2, 3, 4, 5, 6}
    assert Meeting.objects.filter(body__kind=Body.Kind.KOMMUNSTYRELSEN, date=D("2023-04-26")).exists()


def test_loadmeetings_skips_unknown_bodies(db, tmp_path, capsys):
    KommunstyrelsenFactory()
    path = tmp_path / "meetings.json"
    path.write_text(
        json.dumps(
            {
                "meetings": [
                    {"body": "Kommunstyrelsen", "dates": ["2030-01-08"]},
                    {"body": "Finns inte-nämnden", "dates": ["2030-01-09"]},
                ]
            }
        ),
        encoding="utf-8",
    )
    call_command("loadmeetings", file=path)
    assert list(Meeting.objects.values_list("body__name", "date")) == [("Kommunstyrelsen", D("2030-01-08"))]
    assert "Finns inte-nämnden" in capsys.readouterr().err


# --- The registrar's page ---------------------------------------------------------------------


@pytest.fixture
def calendars(referred):
    """Meetings for the `referred` case (2030): KS 24 April, BRB 17 April, so compile on 10 April."""
    case, r_namnd, _r_office = referred
    ks, brb = KommunstyrelsenFactory(), BorgarradsberedningenFactory()
    Meeting.objects.create(body=ks, date=D("2030-04-24"))
    Meeting.objects.create(body=brb, date=D("2030-04-17"))
    Meeting.objects.create(body=r_namnd.body, date=D("2030-03-19"))
    Meeting.objects.create(body=r_namnd.body, date=D("2030-04-16"))
    return referred


def _page(case: Case) -> str:
    return reverse("case_plan", kwargs={"pk": case.pk})


def _apply(case: Case) -> str:
    return reverse("case_plan_apply", kwargs={"pk": case.pk})


def test_registrar_sees_the_plan(client, calendars, registrar):
    case, r_namnd, r_office = calendars
    client.force_login(registrar)
    response = client.get(_page(case))
    assert response.status_code == 200
    html = response.content.decode()
    plan = response.context["plan"]
    assert plan.compile_date == D("2030-04-10")
    assert plan.for_key(r_namnd.pk).deadline == D("2030-03-19")
    assert plan.for_key(r_office.pk).deadline == D("2030-04-10")
    assert "19 mars 2030" in html and "10 april 2030" in html
    assert "Använd de föreslagna svarsdatumen (2 ändras)" in html
    assert "Din kalenderlänk" in html


def test_plan_page_shows_warnings(client, referred, registrar):
    case, _r_namnd, _r_office = referred
    client.force_login(registrar)
    html = client.get(_page(case)).content.decode()
    assert "Kommunstyrelsen har inget sammanträde före remisstiden 28 april 2030" in html
    assert "Socialnämnden har inget sammanträde före" in html


def test_plan_page_recalculates_with_the_registrars_numbers(client, calendars, registrar):
    case, r_namnd, _r_office = calendars
    client.force_login(registrar)
    response = client.get(_page(case), {"compile_days": "3", "draft_days": "7"})
    plan = response.context["plan"]
    assert plan.compile_date == D("2030-04-12")
    assert plan.for_key(r_namnd.pk).draft_date == D("2030-03-12")


@pytest.mark.parametrize("who", ["officer", "politician", "other"])
def test_plan_page_and_apply_are_the_registrars_alone(client, calendars, officer, who):
    case, r_namnd, _r_office = calendars
    user = {"officer": officer, "politician": PoliticianUserFactory(), "other": UserFactory()}[who]
    client.force_login(user)
    assert client.get(_page(case)).status_code == 403
    fingerprint = planning.plan_fingerprint(planning.plan_for_case(case))
    assert client.post(_apply(case), {"fingerprint": fingerprint}).status_code == 403
    r_namnd.refresh_from_db()
    assert r_namnd.deadline == D("2030-03-31")


def test_anonymous_visitor_is_sent_to_login(client, calendars):
    case = calendars[0]
    response = client.get(_page(case))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_apply_sets_the_planned_deadlines_through_the_workflow(client, calendars, registrar):
    case, r_namnd, r_office = calendars
    client.force_login(registrar)
    page = client.get(_page(case))
    response = client.post(
        _apply(case), {"fingerprint": page.context["fingerprint"], "compile_days": "5", "draft_days": "14"}
    )
    assert response.status_code == 302
    r_namnd.refresh_from_db()
    r_office.refresh_from_db()
    assert r_namnd.deadline == D("2030-03-19")
    assert r_office.deadline == D("2030-04-10")
    latest = r_namnd.history.first()
    assert latest.history_change_reason == "Svarsdatum ändrat"
    assert latest.history_user == registrar
    html = client.get(_page(case)).content.decode()
    assert "Alla öppna remitteringar har redan de föreslagna svarsdatumen." in html
    assert "Använd de föreslagna svarsdatumen" not in html


def test_apply_with_a_stale_plan_changes_nothing(client, calendars, registrar):
    case, r_namnd, _r_office = calendars
    client.force_login(registrar)
    fingerprint = client.get(_page(case)).context["fingerprint"]
    Meeting.objects.create(body=r_namnd.body, date=D("2030-04-01"))  # someone edits the calendar meanwhile
    response = client.post(_apply(case), {"fingerprint": fingerprint}, follow=True)
    r_namnd.refresh_from_db()
    assert r_namnd.deadline == D("2030-03-31")
    assert "Planen har ändrats" in response.content.decode()


def test_apply_leaves_closed_referrals_alone(calendars, registrar):
    case, r_namnd, r_office = calendars
    workflow.decline(r_namnd, by=registrar)
    applied = planning.apply_plan(case, planning.plan_for_case(case), by=registrar)
    r_namnd.refresh_from_db()
    assert r_namnd.deadline == D("2030-03-31")
    assert [r.pk for r in applied.changed] == [r_office.pk]
    assert [r.pk for r, _reason in applied.skipped] == [r_namnd.pk]
    assert "avslutad" in applied.skipped[0][1]


def test_apply_does_not_set_a_deadline_before_the_case_came_in(registrar, namnd):
    case = CaseFactory(received=D("2030-04-15"), deadline=D("2030-04-28"))
    (referral,) = workflow.refer(case, bodies=[workflow.ReferralSpec(namnd, D("2030-04-25"))], by=registrar)
    KommunstyrelsenFactory()
    BorgarradsberedningenFactory()
    plan = planning.plan_for_case(case)  # no city meetings: compile ≈ 14 April, before the case came in
    assert plan.for_key(referral.pk).deadline < case.received
    applied = planning.apply_plan(case, plan, by=registrar)
    referral.refresh_from_db()
    assert referral.deadline == D("2030-04-25")
    assert applied.changed == () and "utanför ärendets datum" in applied.skipped[0][1]


# --- The meeting calendars in the admin -------------------------------------------------------


def test_admin_manages_meetings_and_shows_the_reminder_log(client, db):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    ks = KommunstyrelsenFactory()
    client.force_login(admin)
    assert client.get(reverse("admin:remiss_meeting_changelist")).status_code == 200
    response = client.post(reverse("admin:remiss_meeting_add"), {"body": ks.pk, "date": "2030-04-24"})
    assert response.status_code == 302
    assert Meeting.objects.filter(body=ks, date=D("2030-04-24")).exists()
    assert client.get(reverse("admin:remiss_reminderlog_changelist")).status_code == 200
    assert client.get(reverse("admin:remiss_reminderlog_add")).status_code == 403
