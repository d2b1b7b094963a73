"""The officer's pages: their referrals, the opinion editor, the nämnd's decision and justering.

For each action: the right officer may and the effect is there; another body's officer, a
politician, the registrar and an anonymous visitor are refused (403 or the login page) and
nothing changes. Plus the Swedish messages, kept input, sanitised pastes and edit conflicts.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import escape, unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from remiss import workflow
from remiss.models import Decision, Opinion, Referral
from remiss.workflow import ReferralSpec
from tests.factories import (
    BodyFactory,
    CaseFactory,
    OfficerFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
)

WORD_HTML = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head><body>'
    '<p class=MsoNormal style="margin-bottom:0cm;line-height:normal"><b>Förvaltningens synpunkter</b>'
    "<o:p></o:p></p>"
    '<p class=MsoNormal><span style="font-family:Arial;color:red">Förvaltningen tillstyrker <i>i huvudsak</i>'
    " förslagen.</span><o:p>&nbsp;</o:p></p>"
    "<p class=MsoNormal><o:p>&nbsp;</o:p></p>"
    '<script>alert("x")</script><img src=x onerror="alert(1)">'
    "</body></html>"
)


def assert_word_html_sanitised(stored: str) -> None:
    assert stored.startswith(
        "<p><strong>Förvaltningens synpunkter</strong></p><p>Förvaltningen tillstyrker <em>i huvudsak</em> förslagen."
    )
    for forbidden in (
        "<o:p",
        "<span",
        "style=",
        "class=",
        "<script",
        "alert",
        "<img",
        "onerror",
        "<b>",
        "<i>",
        "<html",
        "<head",
    ):
        assert forbidden not in stored, forbidden
    assert stored.count("<p>") == 2  # Word's empty paragraph is gone


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def other_body(db):
    return BodyFactory(
        name="Utbildningsnämnden", name_in_text="utbildningsnämnden", administration="Utbildningsförvaltningen"
    )


@pytest.fixture
def other_officer(other_body):
    return OfficerFactory(username="annan.handlaggare", bodies=[other_body])


@pytest.fixture
def politician_user(namnd):
    user = PoliticianUserFactory(username="politiker")
    SeatFactory(politician=PoliticianFactory(user=user), body=namnd)
    return user


@pytest.fixture
def referral(referred):
    return referred[1]


@pytest.fixture
def office_referral(referred):
    return referred[2]


def _ready(referral, officer, text="<p>Förvaltningen är positiv.</p>"):
    workflow.save_opinion(
        referral, text=text, proposed_decision="<p>Nämnden godkänner.</p>", date=date(2030, 2, 1), by=officer
    )
    workflow.mark_opinion_ready(referral, by=officer)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def ready(referral, officer):
    return _ready(referral, officer)


@pytest.fixture
def decided(ready, officer):
    return workflow.record_decision(
        ready,
        meeting_date=date(2030, 3, 21),
        points=["Socialnämnden godkänner förvaltningens tjänsteutlåtande."],
        position="Socialnämnden är positiv.",
        by=officer,
    )


@pytest.fixture
def justered(decided, officer):
    return workflow.justera(decided, by=officer)


def _login(client, user):
    client.force_login(user)
    return client


def _opinion(referral) -> Opinion:
    return Opinion.objects.get(referral=referral)


def _status(referral) -> str:
    return Referral.objects.values_list("status", flat=True).get(pk=referral.pk)


def _field_value(html: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {name}"
    return match.group(1)


def _refused(response):
    """403 for a logged-in user without the right, the login page for an anonymous visitor."""
    if response.status_code == 302:
        assert reverse("login") in response["Location"]
    else:
        assert response.status_code == 403


@pytest.fixture
def wrong_users(other_officer, politician_user, registrar):
    return {
        "annan nämnds handläggare": other_officer,
        "politiker": politician_user,
        "registrator": registrar,
        "anonym": None,
    }


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


# --- The officer's home -------------------------------------------------------------------------


def test_home_lists_own_referrals_nearest_deadline_first(client, officer, namnd, other_body, registrar):
    later = CaseFactory(title="Senare ärende")
    sooner = CaseFactory(title="Tidigare ärende")
    foreign = CaseFactory(title="Annan nämnds ärende")
    workflow.refer(later, bodies=[ReferralSpec(namnd, date(2030, 4, 20))], by=registrar)
    workflow.refer(sooner, bodies=[ReferralSpec(namnd, date(2030, 2, 20))], by=registrar)
    workflow.refer(foreign, bodies=[ReferralSpec(other_body, date(2030, 2, 1))], by=registrar)
    response = _login(client, officer).get(reverse("officer_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Tidigare ärende") < html.index("Senare ärende")
    assert "Annan nämnds ärende" not in html
    assert '<th scope="col">' in html and '<th scope="row">' in html
    assert "Försenad" not in html


def test_home_flags_overdue_in_text(client, officer, namnd, registrar):
    today = timezone.localdate()
    case = CaseFactory(
        title="Försenat ärende", received=today - timedelta(days=60), deadline=today + timedelta(days=10)
    )
    workflow.refer(case, bodies=[ReferralSpec(namnd, today - timedelta(days=1))], by=registrar)
    html = _login(client, officer).get(reverse("officer_home")).content.decode()
    assert "Försenad: svarsdatumet har passerat" in html


@pytest.mark.parametrize("who", ["politiker", "registrator", "anonym"])
def test_home_refused_for_others(client, wrong_users, who):
    _refused(_as(client, wrong_users[who]).get(reverse("officer_home")))


@pytest.mark.parametrize("n", [5, 50])
def test_home_query_count_is_constant(client, registrar, django_assert_max_num_queries, n):
    bodies = [BodyFactory() for _ in range(n)]
    officer = OfficerFactory(username=f"many{n}", bodies=bodies)
    case = CaseFactory()
    workflow.refer(
        case, bodies=[ReferralSpec(b, date(2030, 3, 1) + timedelta(days=i)) for i, b in enumerate(bodies)], by=registrar
    )
    client.force_login(officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("officer_home"))
    assert response.content.decode().count('<th scope="row">') == min(n, 25)  # one page


def test_home_pages_open_and_closed_referrals_separately(client, registrar, namnd, officer):
    cases = [CaseFactory(title=f"Ärende nummer {i:02d}") for i in range(30)]
    for i, case in enumerate(cases):
        workflow.refer(case, bodies=[ReferralSpec(namnd, date(2030, 1, 10) + timedelta(days=i))], by=registrar)
    for referral in Referral.objects.filter(case__in=cases[:27]):
        workflow.decline(referral, by=registrar)  # 27 closed, 3 open
    client = _login(client, officer)

    def titles(html):
        return re.findall(r"Ärende nummer (\d\d)", html)

    first = client.get(reverse("officer_home")).content.decode()
    assert titles(first) == ["27", "28", "29"] + [
        f"{i:02d}" for i in range(26, 1, -1)
    ]  # open, then closed latest first
    assert "27 avslutade remisser, senaste svarsdatum först." in first
    assert "Sida 1 av 2" in first and "?sida_avslutade=2" in first
    second = client.get(reverse("officer_home") + "?sida_avslutade=2").content.decode()
    assert titles(second) == ["27", "28", "29", "01", "00"]  # the open list stays on its first page
    assert "Sida 2 av 2" in second and "?sida_avslutade=1" in second
    assert titles(client.get(reverse("officer_home") + "?sida_avslutade=99").content.decode())[-1] == "00"  # last page


# --- Viewing a referral -------------------------------------------------------------------------


def test_officer_views_own_referral_with_editor(client, officer, referral):
    response = _login(client, officer).get(reverse("officer_referral", args=[referral.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert referral.case.title in html
    assert "data-richtext" in html
    assert 'for="id_text"' in html and 'for="id_date"' in html and 'for="id_proposed_decision"' in html
    assert "remiss/editor.js" in html
    assert "<script>" not in html  # no inline script


@pytest.mark.parametrize("who", ["annan nämnds handläggare", "politiker", "registrator", "anonym"])
def test_referral_page_refused_to_others_even_as_draft(client, wrong_users, referral, officer, who):
    workflow.save_opinion(referral, text="<p>Hemligt utkast</p>", by=officer)
    response = _as(client, wrong_users[who]).get(reverse("officer_referral", args=[referral.pk]))
    _refused(response)
    assert "Hemligt utkast" not in response.content.decode()


# --- Saving the opinion ---------------------------------------------------------------------------


def _opinion_post(referral, **overrides):
    """The opinion form as the editor posts it: its HTML, marked as HTML by editor.js."""
    data = {
        "date": "2030-02-10",
        "text": "<p>Förvaltningen ställer sig positiv.</p>",
        "proposed_decision": "<p>Nämnden godkänner tjänsteutlåtandet.</p>",
        "version": str(_opinion(referral).version),
        "action": "save",
        "text_format": "html",
        "proposed_decision_format": "html",
    }
    data.update(overrides)
    return data


def test_officer_saves_opinion(client, officer, referral):
    response = _login(client, officer).post(reverse("officer_referral", args=[referral.pk]), _opinion_post(referral))
    assert response.status_code == 302
    opinion = _opinion(referral)
    assert opinion.text == "<p>Förvaltningen ställer sig positiv.</p>"
    assert opinion.date == date(2030, 2, 10)
    assert _status(referral) == Referral.Status.DRAFTING
    assert opinion.history.first().history_user == officer


def _without_javascript(data: dict) -> dict:
    """The same form posted without JavaScript: plain textareas, nothing marked as HTML."""
    return {name: value for name, value in data.items() if not name.endswith("_format")}


def test_plain_text_without_javascript_becomes_paragraphs(client, officer, referral):
    _login(client, officer).post(
        reverse("officer_referral", args=[referral.pk]),
        _without_javascript(_opinion_post(referral, text="Första stycket.\n\nAndra stycket: a < b & c.")),
    )
    assert _opinion(referral).text == "<p>Första stycket.</p><p>Andra stycket: a &lt; b &amp; c.</p>"


def test_text_typed_without_javascript_is_stored_whole(client, officer, referral):
    """Issue 11.1: typed text was cut at the first "<" that looked like a tag, and the page said
    it was saved."""
    typed = (
        "Andelen barn var<hälften av alla. Viktig slutsats här.\r\n\r\n"
        "Rapporten nämner <title> och a<b och b>c.\r\nNy rad.\r\n\r\n•\tFörsta punkten\r\n•\tAndra punkten"
    )
    response = _login(client, officer).post(
        reverse("officer_referral", args=[referral.pk]),
        _without_javascript(_opinion_post(referral, text=typed)),
    )
    assert response.status_code == 302
    assert "Tjänsteutlåtandet är sparat." in client.get(response["Location"]).content.decode()
    assert _opinion(referral).text == (
        "<p>Andelen barn var&lt;hälften av alla. Viktig slutsats här.</p>"
        "<p>Rapporten nämner &lt;title&gt; och a&lt;b och b&gt;c.<br>Ny rad.</p>"
        "<ul><li>Första punkten</li><li>Andra punkten</li></ul>"
    )


def test_saved_text_shows_as_plain_text_without_javascript_and_keeps_its_formatting(client, officer, referral):
    workflow.save_opinion(referral, text="<h3>Rubrik</h3><p><strong>Fet</strong> text</p>", by=officer)
    page = _login(client, officer).get(reverse("officer_referral", args=[referral.pk])).content.decode()
    shown = unescape(_field_value(page, "text")).strip()
    assert shown == "Rubrik\n\nFet text"
    html = unescape(re.search(r'name="text_html" value="([^"]*)"', page).group(1))
    # Posted back unchanged (another field changed), the text keeps its heading and bold.
    client.post(
        reverse("officer_referral", args=[referral.pk]),
        _without_javascript(
            _opinion_post(
                referral,
                text=shown.replace("\n", "\r\n"),
                text_html=html,
                proposed_decision="Nämnden godkänner.",
            )
        ),
    )
    assert _opinion(referral).text == "<h3>Rubrik</h3><p><strong>Fet</strong> text</p>"
    assert _opinion(referral).proposed_decision == "<p>Nämnden godkänner.</p>"


def test_editor_html_that_would_lose_words_is_refused_and_kept(client, officer, referral):
    posted = "<p>Min text</p><select><option>Mitt val</option></select>"
    response = _login(client, officer).post(
        reverse("officer_referral", args=[referral.pk]), _opinion_post(referral, text=posted)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Texten är inte sparad, eftersom en del av den skulle försvinna när formateringen rensas: ”Mitt val”" in html
    assert "Mitt val" in unescape(_field_value(html, "text"))
    assert escape(posted) in html  # for the editor to load again
    assert _opinion(referral).text == ""


def test_pasted_word_html_is_stored_sanitised(client, officer, referral):
    _login(client, officer).post(
        reverse("officer_referral", args=[referral.pk]), _opinion_post(referral, text=WORD_HTML)
    )
    assert_word_html_sanitised(_opinion(referral).text)


@pytest.mark.parametrize("who", ["annan nämnds handläggare", "politiker", "registrator", "anonym"])
def test_save_opinion_refused_to_others(client, wrong_users, referral, who):
    before = _opinion(referral)
    data = _opinion_post(referral, text="<p>Intrång</p>")
    _refused(_as(client, wrong_users[who]).post(reverse("officer_referral", args=[referral.pk]), data))
    after = _opinion(referral)
    assert (after.text, after.version) == (before.text, before.version)
    assert _status(referral) == Referral.Status.REFERRED


def test_invalid_date_keeps_typed_text(client, officer, referral):
    response = _login(client, officer).post(
        reverse("officer_referral", args=[referral.pk]),
        _opinion_post(referral, date="2030-13-45", text="<p>Mitt utkast</p>"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Formuläret innehåller fel" in html
    assert "Mitt utkast" in _field_value(html, "text")
    assert 'aria-invalid="true"' in html
    assert _opinion(referral).text == ""


def test_edit_conflict_shows_both_versions_and_keeps_typed_text(client, officer, referral):
    stale = _opinion(referral).version
    colleague = OfficerFactory(username="kollega", first_name="Karin", last_name="Kollega", bodies=[referral.body])
    workflow.save_opinion(referral, text="<p>Kollegans text om barn och unga.</p>", by=colleague)
    response = _login(client, officer).post(
        reverse("officer_referral", args=[referral.pk]),
        _opinion_post(referral, text="<p>Min text om unga vuxna.</p>", version=str(stale)),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Någon annan har sparat texten medan du skrev" in html
    assert "Karin Kollega" in html
    assert "Din version (inte sparad)" in html and "Sparad version" in html
    assert "Kollegans text om barn och unga." in html
    assert "<del>" in html and "<ins>" in html
    assert "Min text om unga vuxna." in _field_value(html, "text")
    current = _opinion(referral)
    assert current.text == "<p>Kollegans text om barn och unga.</p>"
    assert f'name="version" value="{current.version}"' in html
    # Saving again from the conflict page, with the new version, wins knowingly.
    again = client.post(
        reverse("officer_referral", args=[referral.pk]),
        _opinion_post(referral, text="<p>Sammanslagen text.</p>", version=str(current.version)),
    )
    assert again.status_code == 302
    assert _opinion(referral).text == "<p>Sammanslagen text.</p>"


# --- Marking the opinion ready and reopening it ---------------------------------------------------


def test_officer_marks_opinion_ready(client, officer, referral):
    response = _login(client, officer).post(
        reverse("officer_referral", args=[referral.pk]), _opinion_post(referral, action="ready")
    )
    assert response.status_code == 302
    assert _status(referral) == Referral.Status.OPINION_READY
    page = client.get(reverse("officer_referral", args=[referral.pk])).content.decode()
    assert "Tjänsteutlåtandet är markerat som klart." in page
    assert "Öppna igen" in page
    assert 'name="text"' not in page


def test_mark_ready_with_empty_text_is_refused_in_swedish(client, officer, referral):
    response = _login(client, officer).post(
        reverse("officer_referral", args=[referral.pk]),
        _opinion_post(referral, text="<p><br></p>", action="ready"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tjänsteutlåtandet är tomt. Skriv texten innan det markeras som klart." in html
    assert 'id="id_text_error"' in html
    assert _status(referral) == Referral.Status.DRAFTING


def test_mark_ready_without_date_is_refused_and_keeps_text(client, officer, referral):
    response = _login(client, officer).post(
        reverse("officer_referral", args=[referral.pk]),
        _opinion_post(referral, date="", text="<p>Klar text</p>", action="ready"),
    )
    html = response.content.decode()
    assert "Ange tjänsteutlåtandets datum innan det markeras som klart." in html
    assert 'id="id_date_error"' in html
    # The draft was saved; the page says so and why it is not ready, in one voice.
    assert "Utkastet är sparat, men det kan inte markeras som klart än." in html
    assert "Klar text" in _field_value(html, "text")
    assert _status(referral) == Referral.Status.DRAFTING


@pytest.mark.parametrize("who", ["annan nämnds handläggare", "politiker", "registrator", "anonym"])
def test_mark_ready_refused_to_others(client, wrong_users, referral, officer, who):
    workflow.save_opinion(referral, text="<p>Text</p>", date=date(2030, 2, 1), by=officer)
    data = _opinion_post(referral, action="ready")
    _refused(_as(client, wrong_users[who]).post(reverse("officer_referral", args=[referral.pk]), data))
    assert _status(referral) == Referral.Status.DRAFTING


def test_officer_reopens_ready_opinion(client, officer, ready):
    response = _login(client, officer).post(reverse("officer_reopen_opinion", args=[ready.pk]))
    assert response.status_code == 302
    assert _status(ready) == Referral.Status.DRAFTING


@pytest.mark.parametrize("who", ["annan nämnds handläggare", "politiker", "registrator", "anonym"])
def test_reopen_refused_to_others(client, wrong_users, ready, who):
    _refused(_as(client, wrong_users[who]).post(reverse("officer_reopen_opinion", args=[ready.pk])))
    assert _status(ready) == Referral.Status.OPINION_READY


def test_saving_a_ready_opinion_is_refused_and_shows_the_typed_text(client, officer, ready):
    before = _opinion(ready)
    response = _login(client, officer).post(
        reverse("officer_referral", args=[ready.pk]),
        _opinion_post(ready, text="<p>Sent ändrad text</p>"),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Tjänsteutlåtandet kan inte ändras när remitteringen har statusen" in html
    assert "Sent ändrad text" in html
    assert _opinion(ready).text == before.text


# --- Recording the nämnd's decision ---------------------------------------------------------------


def _decision_post(**overrides):
    data = {
        "meeting_date": "2030-03-21",
        "points": (
            "1. Socialnämnden godkänner i huvudsak förvaltningens tjänsteutlåtande.\n2. Beslutet justeras omedelbart."
        ),
        "added_text": "<p>Nämnden vill <b>därutöver</b> anföra följande.</p><script>x()</script>",
        "added_text_format": "html",
        "added_text_after_point": "1",
        "immediate_justering": "on",
        "position": "Socialnämnden ställer sig  positiv till förslagen.",
        "version": "",
    }
    data.update(overrides)
    return data


def test_officer_records_decision(client, officer, ready):
    response = _login(client, officer).post(reverse("officer_decision", args=[ready.pk]), _decision_post())
    assert response.status_code == 302
    decision = Decision.objects.get(case=ready.case, body=ready.body)
    assert decision.points == [
        "Socialnämnden godkänner i huvudsak förvaltningens tjänsteutlåtande.",
        "Beslutet justeras omedelbart.",
    ]
    assert decision.added_text == "<p>Nämnden vill <strong>därutöver</strong> anföra följande.</p>"
    assert decision.immediate_justering is True
    assert decision.meeting_date == date(2030, 3, 21)
    ready.refresh_from_db()
    assert ready.status == Referral.Status.DECIDED
    assert ready.position == "Socialnämnden ställer sig positiv till förslagen."


def test_decision_form_is_offered_after_the_opinion_is_ready(client, officer, ready):
    html = _login(client, officer).get(reverse("officer_decision", args=[ready.pk])).content.decode()
    for name in ("meeting_date", "points", "added_text", "added_text_after_point", "immediate_justering", "position"):
        assert f'for="id_{name}"' in html
    assert "Registrera beslutet" in html


def test_meeting_date_after_remisstid_is_refused_on_the_field(client, officer, ready):
    response = _login(client, officer).post(
        reverse("officer_decision", args=[ready.pk]), _decision_post(meeting_date="2030-05-02")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sammanträdet kan inte ligga efter remisstiden (28 april 2030)." in html
    assert 'id="id_meeting_date_error"' in html
    assert "Socialnämnden godkänner i huvudsak" in html  # the typed points stay
    assert 'value="2030-05-02"' in html
    assert not Decision.objects.filter(case=ready.case, body=ready.body).exists()
    assert _status(ready) == Referral.Status.OPINION_READY


def test_decision_without_points_is_refused(client, officer, ready):
    html = (
        _login(client, officer)
        .post(reverse("officer_decision", args=[ready.pk]), _decision_post(points=" \n "))
        .content.decode()
    )
    assert "Skriv minst en beslutspunkt." in html
    assert 'id="id_points_error"' in html
    assert not Decision.objects.exists()


def test_decision_before_the_opinion_is_ready_is_refused(client, officer, referral):
    response = _login(client, officer).post(reverse("officer_decision", args=[referral.pk]), _decision_post())
    html = response.content.decode()
    assert "Det går inte att registrera nämndens beslut när statusen är" in html
    assert not Decision.objects.exists()


def test_an_office_records_no_decision(client, office, office_referral):
    slk = OfficerFactory(username="slk", bodies=[office])
    _ready(office_referral, slk)
    client.force_login(slk)
    page = client.get(reverse("officer_decision", args=[office_referral.pk])).content.decode()
    assert "är ett kontor och fattar inga beslut" in page
    html = client.post(reverse("officer_decision", args=[office_referral.pk]), _decision_post()).content.decode()
    assert "är ett kontor och fattar inga beslut" in html
    assert not Decision.objects.exists()


def test_an_office_gives_its_position_with_the_opinion(client, office, office_referral):
    slk = OfficerFactory(username="slk", bodies=[office])
    client.force_login(slk)
    client.post(
        reverse("officer_referral", args=[office_referral.pk]),
        _opinion_post(office_referral, position="Kontoret är positivt."),
    )
    office_referral.refresh_from_db()
    assert office_referral.position == "Kontoret är positivt."


@pytest.mark.parametrize("who", ["annan nämnds handläggare", "politiker", "registrator", "anonym"])
def test_record_decision_refused_to_others(client, wrong_users, ready, who):
    _refused(_as(client, wrong_users[who]).get(reverse("officer_decision", args=[ready.pk])))
    _refused(_as(client, wrong_users[who]).post(reverse("officer_decision", args=[ready.pk]), _decision_post()))
    assert not Decision.objects.exists()
    assert _status(ready) == Referral.Status.OPINION_READY


# --- Editing the decision ---------------------------------------------------------------------------


def test_officer_edits_decision(client, officer, decided, referral):
    data = _decision_post(
        points="Socialnämnden godkänner tjänsteutlåtandet.", version=str(decided.version), position="Ny hållning."
    )
    response = _login(client, officer).post(reverse("officer_decision", args=[referral.pk]), data)
    assert response.status_code == 302
    decided.refresh_from_db()
    assert decided.points == ["Socialnämnden godkänner tjänsteutlåtandet."]
    referral.refresh_from_db()
    assert referral.position == "Ny hållning."


def test_edit_form_is_prefilled(client, officer, decided, referral):
    html = _login(client, officer).get(reverse("officer_decision", args=[referral.pk])).content.decode()
    assert "Ändra beslutet" in html
    assert "Socialnämnden godkänner förvaltningens tjänsteutlåtande." in html
    assert f'name="version" value="{decided.version}"' in html


def test_decision_edit_conflict_shows_both_versions(client, officer, decided, referral):
    stale = decided.version
    workflow.edit_decision(decided, points=["Kollegans beslutspunkt."], by=officer)
    data = _decision_post(points="Min beslutspunkt.", version=str(stale))
    response = _login(client, officer).post(reverse("officer_decision", args=[referral.pk]), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Kollegans beslutspunkt." in html and "Min beslutspunkt." in html
    assert "Sparad version" in html
    decided.refresh_from_db()
    assert decided.points == ["Kollegans beslutspunkt."]
    assert f'name="version" value="{decided.version}"' in html


@pytest.mark.parametrize("who", ["annan nämnds handläggare", "politiker", "registrator", "anonym"])
def test_edit_decision_refused_to_others(client, wrong_users, decided, referral, who):
    data = _decision_post(points="Intrång.", version=str(decided.version))
    _refused(_as(client, wrong_users[who]).post(reverse("officer_decision", args=[referral.pk]), data))
    decided.refresh_from_db()
    assert decided.points == ["Socialnämnden godkänner förvaltningens tjänsteutlåtande."]


# --- Justering ----------------------------------------------------------------------------------------


def test_officer_justerar(client, officer, decided, referral):
    response = _login(client, officer).post(reverse("officer_justera", args=[referral.pk]), {"confirm": "1"})
    assert response.status_code == 302
    decided.refresh_from_db()
    assert decided.justered
    assert _status(referral) == Referral.Status.JUSTERED


def test_justera_asks_first_and_changes_nothing_until_confirmed(client, officer, decided, referral):
    """Issue 10: justering cannot be undone, yet it was one click."""
    url = reverse("officer_justera", args=[referral.pk])
    history = decided.history.count()
    response = _login(client, officer).post(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Justera socialnämndens beslut? Det går inte att ångra." in page
    assert f'action="{url}"' in page and 'name="confirm" value="1"' in page and "Justera beslutet</button>" in page
    assert f'href="{reverse("officer_decision", args=[referral.pk])}">Tillbaka</a>' in page
    decided.refresh_from_db()
    assert not decided.justered and decided.history.count() == history
    assert _status(referral) == Referral.Status.DECIDED


@pytest.mark.parametrize("who", ["annan nämnds handläggare", "politiker", "registrator", "anonym"])
@pytest.mark.parametrize("confirm", [{}, {"confirm": "1"}], ids=["ask", "confirm"])
def test_justera_refused_to_others(client, wrong_users, decided, referral, who, confirm):
    _refused(_as(client, wrong_users[who]).post(reverse("officer_justera", args=[referral.pk]), confirm))
    decided.refresh_from_db()
    assert not decided.justered


def test_justered_pages_are_read_only(client, officer, justered, referral):
    client.force_login(officer)
    html = client.get(reverse("officer_decision", args=[referral.pk])).content.decode()
    assert "Beslutet är justerat. Det och dess uttalanden kan inte längre ändras." in html
    assert 'name="points"' not in html
    assert reverse("officer_justera", args=[referral.pk]) not in html
    page = client.get(reverse("officer_referral", args=[referral.pk])).content.decode()
    assert "Beslutet är justerat." in page
    assert 'name="text"' not in page
    assert "Öppna igen" not in page


LOCKED = "Beslutet är justerat. Det och dess uttalanden kan inte längre ändras."


def test_every_post_on_a_justered_referral_is_refused_with_the_locked_message(client, officer, justered, referral):
    client.force_login(officer)
    opinion_before = _opinion(referral)
    posts = [
        (
            reverse("officer_decision", args=[referral.pk]),
            _decision_post(points="Ändrat.", version=str(justered.version)),
        ),
        (reverse("officer_decision", args=[referral.pk]), {}),
        (reverse("officer_referral", args=[referral.pk]), _opinion_post(referral, text="<p>Ändrat</p>")),
        (reverse("officer_reopen_opinion", args=[referral.pk]), {}),
        (reverse("officer_justera", args=[referral.pk]), {}),
        (reverse("officer_justera", args=[referral.pk]), {"confirm": "1"}),
        (reverse("officer_decline", args=[referral.pk]), {"confirm": "1", "reason": "För sent."}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 409, url
        assert LOCKED in response.content.decode(), url
    justered.refresh_from_db()
    assert justered.points == ["Socialnämnden godkänner förvaltningens tjänsteutlåtande."]
    assert _opinion(referral).text == opinion_before.text
    assert _status(referral) == Referral.Status.JUSTERED


# --- Declining to answer ------------------------------------------------------------------------


def test_the_referral_page_offers_to_decline_with_a_reason(client, officer, referral):
    page = _login(client, officer).get(reverse("officer_referral", args=[referral.pk])).content.decode()
    assert f'action="{reverse("officer_decline", args=[referral.pk])}"' in page
    assert "Avstå från att svara" in page and 'name="reason"' in page and "Motivering (valfri)" in page


@pytest.mark.parametrize("fixture", ["referral", "ready"])
def test_officer_declines_after_confirming_and_the_reason_is_kept(request, client, officer, referral, fixture):
    """Issue 10: only the registrar could record that a body declines. A nämnd may decline before its
    opinion is ready, or decide to at its meeting, on the finished opinion."""
    request.getfixturevalue(fixture)
    url = reverse("officer_decline", args=[referral.pk])
    response = _login(client, officer).post(url, {"reason": "Ärendet berör inte nämndens verksamhet."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Avstå från att svara för socialnämnden? Det går inte att ångra." in page
    assert 'name="confirm" value="1"' in page and "Ärendet berör inte nämndens verksamhet.</textarea>" in page
    assert f'href="{reverse("officer_referral", args=[referral.pk])}">Tillbaka</a>' in page
    assert _status(referral) != Referral.Status.DECLINED  # nothing yet
    response = client.post(url, {"reason": "Ärendet berör inte nämndens verksamhet.", "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("officer_referral", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED
    assert referral.decline_reason == "Ärendet berör inte nämndens verksamhet."
    assert referral.history.latest().history_user == officer
    page = client.get(response["Location"]).content.decode()
    assert "Socialnämnden avstår från att svara." in page
    assert "Remissinstansen avstår från att svara. Motivering: Ärendet berör inte nämndens verksamhet." in page
    assert 'name="reason"' not in page  # declined: nothing more to decline


def test_officer_declines_without_a_reason(client, officer, referral):
    _login(client, officer).post(reverse("officer_decline", args=[referral.pk]), {"confirm": "1"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED and referral.decline_reason == ""


def test_an_office_declines_before_its_opinion_is_ready_but_not_after(client, office, office_referral):
    officer = OfficerFactory(username="kontorets.handlaggare", bodies=[office])
    _login(client, officer)
    page = client.get(reverse("officer_referral", args=[office_referral.pk])).content.decode()
    assert 'name="reason"' in page
    _ready(office_referral, officer)
    page = client.get(reverse("officer_referral", args=[office_referral.pk])).content.decode()
    assert 'name="reason"' not in page  # an office's finished opinion is its answer
    response = client.post(reverse("officer_decline", args=[office_referral.pk]), {"confirm": "1"})
    assert (
        "Det går inte att avstå från att svara när statusen är ”Tjänsteutlåtande klart”." in response.content.decode()
    )
    assert _status(office_referral) == Referral.Status.OPINION_READY


def test_declining_is_refused_once_the_nämnd_has_decided(client, officer, decided, referral):
    page = _login(client, officer).get(reverse("officer_referral", args=[referral.pk])).content.decode()
    assert 'name="reason"' not in page
    response = client.post(reverse("officer_decline", args=[referral.pk]), {"reason": "Sent påkommet."})
    assert "Det går inte att avstå från att svara när statusen är ”Beslutad”." in response.content.decode()
    assert _status(referral) == Referral.Status.DECIDED


def test_a_too_long_reason_is_shown_again_with_its_error(client, officer, referral):
    reason = "x" * 2001
    response = _login(client, officer).post(
        reverse("officer_decline", args=[referral.pk]), {"reason": reason, "confirm": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Texten är för lång" in page and f"{reason}</textarea>" in page
    assert _status(referral) == Referral.Status.REFERRED


@pytest.mark.parametrize("who", ["annan nämnds handläggare", "politiker", "registrator", "anonym"])
@pytest.mark.parametrize("confirm", [{}, {"confirm": "1"}], ids=["ask", "confirm"])
def test_decline_refused_to_others(client, wrong_users, referral, who, confirm):
    _refused(
        _as(client, wrong_users[who]).post(
            reverse("officer_decline", args=[referral.pk]), {"reason": "Nej.", **confirm}
        )
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REFERRED and referral.decline_reason == ""


def test_decision_page_lists_statements_with_attribution(client, officer, decided, referral):
    seat = SeatFactory(
        body=referral.body,
        politician__first_name="Henrietta",
        politician__last_name="Ludwig",
        politician__party__abbreviation="C",
    )
    workflow.add_statement(
        decided,
        kind="reservation",
        authors=[workflow.AuthorSpec(seat.politician)],
        backed_proposal="förvaltningens förslag till beslut",
        by=None,
    )
    html = _login(client, officer).get(reverse("officer_decision", args=[referral.pk])).content.decode()
    assert "Reservation av Henrietta Ludwig (C) som yrkade bifall till förvaltningens förslag till beslut" in html


# --- Stored text is sanitised again when shown ----------------------------------------------------

# Written around the workflow (a restore, a script, an old version): the page must not trust it.
STORED_PAYLOAD = (
    '<p>Behållen text</p><script>alert("lagrat")</script><img src=x onerror="alert(2)"><p style="x">stil</p>'
)


def _assert_inert(html: str) -> None:
    assert "Behållen text" in html
    # An editable form shows the stored text escaped in its textarea; that is text, not markup.
    for forbidden in ("<script>alert", "<img", 'onerror="', '<p style="x">'):
        assert forbidden not in html, forbidden


def test_opinion_written_around_the_workflow_is_shown_sanitised(client, officer, ready):
    Opinion.objects.filter(referral=ready).update(text=STORED_PAYLOAD, proposed_decision=STORED_PAYLOAD)
    html = _login(client, officer).get(reverse("officer_referral", args=[ready.pk])).content.decode()
    _assert_inert(html)
    assert html.count("<p>Behållen text</p>") == 2  # the text and the förslag till beslut


def test_decision_and_statement_written_around_the_workflow_are_shown_sanitised(
    client, officer, decided, referral, namnd
):
    seat = SeatFactory(body=namnd)
    statement = workflow.add_statement(
        decided,
        kind="sarskilt_uttalande",
        authors=[workflow.AuthorSpec(seat.politician)],
        text="<p>Ren.</p>",
        by=None,
    )
    Decision.objects.filter(pk=decided.pk).update(added_text=STORED_PAYLOAD)
    type(statement).objects.filter(pk=statement.pk).update(text=STORED_PAYLOAD.replace("Behållen", "Uttalandets"))
    html = _login(client, officer).get(reverse("officer_decision", args=[referral.pk])).content.decode()
    _assert_inert(html)
    assert "<p>Uttalandets text</p>" in html
