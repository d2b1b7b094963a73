"""`manage.py send_reminders`: ahead, on the day and overdue, once each; who gets what; idempotence."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command

from remiss import workflow
from remiss.models import Meeting, ReminderLog
from remiss.reminders import AHEAD, DUE, OVERDUE, stage_for
from tests.factories import BorgarradsberedningenFactory, KommunstyrelsenFactory, OfficerFactory

D = date.fromisoformat


def run(today: str, *extra: str) -> None:
    call_command("send_reminders", "--today", today, *extra, verbosity=0)


@pytest.fixture
def people(referred, officer, registrar):
    """The `referred` case (nämnd due 2030-03-31, office 2030-04-12, remisstid 2030-04-28) with addresses."""
    officer.email = "omar@example.se"
    officer.save()
    registrar.email = "rebecka@example.se"
    registrar.save()
    return referred


# --- When -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "days_ahead", "expected"),
    [
        ("2030-03-27", 3, None),  # four days before: nothing yet
        ("2030-03-28", 3, (AHEAD, 3, "ahead:2030-03-31")),
        ("2030-03-30", 3, (AHEAD, 1, "ahead:2030-03-31")),  # the same key: sent only once in the window
        ("2030-03-30", 0, None),
        ("2030-03-31", 3, (DUE, 0, "due:2030-03-31")),
        ("2030-04-01", 3, (OVERDUE, 1, "overdue:2030-03-31:0")),
        ("2030-04-07", 3, (OVERDUE, 7, "overdue:2030-03-31:0")),
        ("2030-04-08", 3, (OVERDUE, 8, "overdue:2030-03-31:1")),  # a week later: once more
        ("2030-04-15", 3, (OVERDUE, 15, "overdue:2030-03-31:2")),
    ],
)
def test_stage_for(today, days_ahead, expected):
    stage = stage_for(D("2030-03-31"), D(today), days_ahead)
    assert (None if stage is None else (stage.name, stage.days, stage.key)) == expected


# --- What is sent, once -----------------------------------------------------------------------


def test_ahead_reminder_goes_once_to_the_bodys_officers(people, mailoutbox):
    _case, r_namnd, _r_office = people
    run("2030-03-28")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["omar@example.se"]
    assert mail.subject == f"Påminnelse: Socialnämndens svar på {r_namnd.case.reference} ska vara klart 31 mars 2030"
    assert "om 3 dagar" in mail.body
    assert f"/handlaggare/remiss/{r_namnd.pk}/" in mail.body
    assert ReminderLog.objects.filter(key=f"referral:{r_namnd.pk}:ahead:2030-03-31").count() == 1
    run("2030-03-28")
    run("2030-03-30")  # still within the window, but this reminder has gone
    assert len(mailoutbox) == 1


def test_on_the_day_reminder_goes_once(people, mailoutbox):
    run("2030-03-31")
    run("2030-03-31")
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["I dag"]
    assert "ska vara klart i dag" in mailoutbox[0].body


def test_overdue_reminder_goes_once_then_weekly(people, mailoutbox):
    _case, r_namnd, _r_office = people
    run("2030-04-01")
    run("2030-04-01")
    run("2030-04-05")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("Försenat: Socialnämndens svar")
    assert "för 1 dag sedan" in mailoutbox[0].body
    run("2030-04-08")
    run("2030-04-09")
    assert len(mailoutbox) == 2
    assert "för 8 dagar sedan" in mailoutbox[1].body
    assert set(ReminderLog.objects.values_list("key", flat=True)) == {
        f"referral:{r_namnd.pk}:overdue:2030-03-31:0",
        f"referral:{r_namnd.pk}:overdue:2030-03-31:1",
    }


def test_ahead_on_the_day_and_overdue_are_separate_reminders(people, mailoutbox):
    for day in ("2030-03-28", "2030-03-29", "2030-03-31", "2030-03-31", "2030-04-01", "2030-04-02"):
        run(day)
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Påminnelse", "I dag", "Försenat"]


def test_moved_deadline_is_reminded_of_again(people, registrar, mailoutbox):
    _case, r_namnd, _r_office = people
    run("2030-03-31")
    workflow.set_referral_deadline(r_namnd, deadline=D("2030-04-03"), by=registrar)
    run("2030-04-03")
    assert len(mailoutbox) == 2
    assert "3 april 2030" in mailoutbox[1].body


def test_days_ahead_is_configurable(people, settings, mailoutbox):
    run("2030-03-28", "--days-ahead", "1")
    assert mailoutbox == []
    run("2030-03-30", "--days-ahead", "1")
    assert len(mailoutbox) == 1 and "i morgon" in mailoutbox[0].body
    settings.REMISS_REMINDER_DAYS_AHEAD = 5
    run("2030-04-07")  # the office's 12 April, five days ahead (nobody works there, so nobody gets it)
    assert len(mailoutbox) == 1 + 1  # the nämnd's overdue reminder only
    assert mailoutbox[1].subject.startswith("Försenat")


# --- Who ----------------------------------------------------------------------------------------


def test_assigned_officers_get_it_instead_of_every_officer_of_the_body(people, namnd, registrar, mailoutbox):
    _case, r_namnd, _r_office = people
    assigned = OfficerFactory(username="tilldelad", email="ulla@example.se", bodies=[namnd])
    workflow.assign_officers(r_namnd, officers=[assigned], by=registrar)
    run("2030-03-31")
    assert [m.to for m in mailoutbox] == [["ulla@example.se"]]
    assert "handläggare för remissen" in mailoutbox[0].body


def test_when_the_assigned_officer_has_left_the_bodys_officers_get_it(people, namnd, registrar, mailoutbox):
    _case, r_namnd, _r_office = people
    assigned = OfficerFactory(username="slutat", email="slutat@example.se", bodies=[namnd])
    workflow.assign_officers(r_namnd, officers=[assigned], by=registrar)
    assigned.is_active = False
    assigned.save()
    run("2030-03-31")
    assert [m.to for m in mailoutbox] == [["omar@example.se"]]
    assert "ingen handläggare är utsedd" in mailoutbox[0].body


def test_officers_of_other_bodies_get_nothing(people, mailoutbox):
    OfficerFactory(username="annan", email="annan@example.se", bodies=[])
    run("2030-03-31")
    assert [m.to for m in mailoutbox] == [["omar@example.se"]]


def test_users_without_an_address_or_inactive_get_nothing_and_nothing_is_logged(people, officer, namnd, mailoutbox):
    officer.email = ""
    officer.save()
    OfficerFactory(username="slutat", email="slutat@example.se", is_active=False, bodies=[namnd])
    run("2030-03-31")
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()
    officer.email = "omar@example.se"
    officer.save()
    run("2030-03-31")  # once they have an address, the reminder still goes
    assert len(mailoutbox) == 1


def test_closed_referrals_are_silent(people, officer, registrar, mailoutbox):
    _case, r_namnd, r_office = people
    office_officer = OfficerFactory(username="kontoret", email="sara@example.se", bodies=[r_office.body])
    workflow.decline(r_namnd, by=officer)
    workflow.save_opinion(r_office, text="<p>Kontoret tillstyrker.</p>", date=D("2030-04-01"), by=office_officer)
    workflow.mark_opinion_ready(r_office, by=office_officer)  # an office's ready opinion is its answer
    for day in ("2030-03-31", "2030-04-12", "2030-04-20"):
        run(day)
    assert [m for m in mailoutbox if m.to != ["rebecka@example.se"]] == []


def test_a_nämnd_with_a_ready_opinion_is_still_reminded_until_it_decides(people, officer, mailoutbox):
    _case, r_namnd, _r_office = people
    workflow.save_opinion(r_namnd, text="<p>Förvaltningen tillstyrker.</p>", date=D("2030-03-01"), by=officer)
    workflow.mark_opinion_ready(r_namnd, by=officer)
    run("2030-03-31")
    assert len(mailoutbox) == 1
    assert "Tjänsteutlåtande klart" in mailoutbox[0].body


def test_remisstid_reminds_the_registrars_until_the_case_is_answered(people, mailoutbox):
    run("2030-04-25")
    remisstid = [m for m in mailoutbox if "remisstiden" in m.subject]
    assert [m.to for m in remisstid] == [["rebecka@example.se"]]
    assert remisstid[0].subject == f"Påminnelse: remisstiden för {people[0].reference} går ut 28 april 2030"
    assert "Du får meddelandet eftersom du är registrator." in remisstid[0].body


def test_decided_case_sends_no_referral_reminders_but_still_the_remisstid(people, registrar, mailoutbox):
    case, _r_namnd, _r_office = people
    workflow.start_compiling(case, by=registrar)
    workflow.record_city_decision(case, body=KommunstyrelsenFactory(), points=["Remissen besvaras."], by=registrar)
    run("2030-03-31")
    run("2030-04-28")
    assert [m.to for m in mailoutbox] == [["rebecka@example.se"]]
    assert mailoutbox[0].subject.startswith("I dag går remisstiden")
    workflow.mark_answered(case, by=registrar)
    run("2030-04-29")
    assert len(mailoutbox) == 1


def test_compile_date_reminds_the_registrars_when_the_calendar_has_both_city_meetings(people, registrar, mailoutbox):
    case, _r_namnd, _r_office = people
    brb = BorgarradsberedningenFactory()
    Meeting.objects.create(body=brb, date=D("2030-04-17"))
    run("2030-04-09")
    assert [m for m in mailoutbox if "sammanställ" in m.subject] == []  # no kommunstyrelsen meeting yet: a guess only
    Meeting.objects.create(body=KommunstyrelsenFactory(), date=D("2030-04-24"))
    run("2030-04-09")
    compile_mails = [m for m in mailoutbox if "sammanställ" in m.subject]
    assert [m.subject for m in compile_mails] == [
        f"Påminnelse: sammanställ svaren på {case.reference} senast 10 april 2030"
    ]
    assert f"/arenden/{case.pk}/planering/" in compile_mails[0].body
    workflow.start_compiling(case, by=registrar)
    run("2030-04-10")
    assert len([m for m in mailoutbox if "sammanställ" in m.subject]) == 1


# --- The command ------------------------------------------------------------------------------


def test_dry_run_sends_and_logs_nothing(people, mailoutbox, capsys):
    call_command("send_reminders", "--today", "2030-03-31", "--dry-run")
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()
    assert "Skulle skicka 1 påminnelser" in capsys.readouterr().out


def test_command_reports_what_it_sent(people, capsys):
    call_command("send_reminders", "--today", "2030-03-31")
    call_command("send_reminders", "--today", "2030-03-31")
    out = capsys.readouterr().out
    assert "Skickade 1 påminnelser (2030-03-31)." in out
    assert "Skickade 0 påminnelser (2030-03-31). 1 var redan skickade." in out


def test_bad_date_is_refused(db):
    with pytest.raises(CommandError, match="Ogiltigt datum"):
        call_command("send_reminders", "--today", "31/3")


def test_a_failed_send_is_not_logged_and_is_tried_again(people, monkeypatch, mailoutbox):
    def broken(self, fail_silently=False):
        raise OSError("SMTP nere")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", broken)
        with pytest.raises(CommandError, match="kunde inte skickas"):
            run("2030-03-31")
    assert not ReminderLog.objects.exists()
    run("2030-03-31")
    assert len(mailoutbox) == 1
