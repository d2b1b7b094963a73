"""The Organisation section: an administrator lists, searches and edits bodies, meeting dates,
accounts, politicians, seats, terms and parties in the application, in Swedish; everyone else gets
403 (anonymous visitors the login page). The first-run page of an empty installation, the city's
settings with their history, and everything that names the city reading them (`remiss.city`).
The Django admin stays, for superusers only. A browser test at the end (`-m browser`)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from remiss import city, workflow
from remiss.accessibility import current_statement
from remiss.memo.gather import gather
from remiss.memo.package import zip_filename
from remiss.models import (
    AccessibilityStatement,
    BarrierReport,
    Body,
    CityProposal,
    CitySettings,
    Meeting,
    Party,
    Politician,
    Seat,
    Term,
    User,
)
from remiss.workflow import ConflictError, WorkflowError
from tests import test_browser as browser_tests
from tests.browser_support import AxeAudit
from tests.factories import (
    BodyFactory,
    CaseFactory,
    OfficeFactory,
    OfficerFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
    StadsdelsnamndFactory,
    UserFactory,
)
from tests.test_memo import answered_case

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", first_name="Ada", last_name="Admin", role=User.Role.ADMIN)


@pytest.fixture
def set_up(administrator):
    return workflow.save_city_settings(city_name="Exempelstads kommun", signing_place="Exempelby", by=administrator)


@pytest.fixture
def admin_client(administrator, set_up):
    client = Client()
    client.force_login(administrator)
    return client


@pytest.fixture
def term(administrator):
    return workflow.save_term(
        None, name="2027–2030", starts=date(2027, 1, 1), ends=date(2030, 12, 31), by=administrator
    )


def version_of(obj) -> int:
    return workflow.history_version(obj)


# --- Who may: administrators only ----------------------------------------------------------------


def _org_pages(body: Body, seat: Seat, party: Party, term: Term, account: User) -> list[str]:
    pages = [
        reverse(name)
        for name in (
            "org_home",
            "org_settings",
            "org_first_run",
            "org_bodies",
            "org_body_new",
            "org_accounts",
            "org_account_new",
            "org_politicians",
            "org_politician_new",
            "org_seats",
            "org_seat_new",
            "org_terms",
            "org_term_new",
            "org_parties",
            "org_party_new",
            "org_statement",
            "org_barriers",
        )
    ]
    pages += [
        reverse("org_body_edit", args=[body.pk]),
        reverse("org_body_meetings", args=[body.pk]),
        reverse("org_account_edit", args=[account.pk]),
        reverse("org_politician_edit", args=[seat.politician_id]),
        reverse("org_seat_edit", args=[seat.pk]),
        reverse("org_seat_end", args=[seat.pk]),
        reverse("org_term_edit", args=[term.pk]),
        reverse("org_party_edit", args=[party.pk]),
    ]
    return pages


@pytest.fixture
def org_world(set_up, term, namnd):
    seat = SeatFactory(body=namnd, term=term)
    meeting = Meeting.objects.create(body=namnd, date=date(2030, 3, 4))
    barrier = BarrierReport.objects.create(description="Knappen går inte att nå med tangentbordet.")
    return {
        "body": namnd,
        "seat": seat,
        "party": seat.politician.party,
        "term": term,
        "meeting": meeting,
        "barrier": barrier,
    }


def _snapshot() -> list:
    return [
        list(model.objects.order_by("pk").values_list())
        for model in (Body, Meeting, Party, Politician, Seat, Term, CitySettings, User, BarrierReport)
    ]


@pytest.mark.parametrize("who", ["anonymous", "officer", "politician", "registrar", "other"])
def test_everyone_but_an_administrator_is_refused_every_page_and_post(client, org_world, officer, registrar, who):
    users = {
        "officer": officer,
        "politician": PoliticianUserFactory(username="politikern"),
        "registrar": registrar,
        "other": UserFactory(username="utan-roll", is_staff=True),  # staff, but not a superuser
    }
    if who != "anonymous":
        client.force_login(users[who])
    pages = _org_pages(org_world["body"], org_world["seat"], org_world["party"], org_world["term"], officer)
    remove = reverse("org_meeting_remove", args=[org_world["body"].pk, org_world["meeting"].pk])
    handled = reverse("org_barrier_handled", args=[org_world["barrier"].pk])
    before = _snapshot()
    for page in pages:
        for response in (
            client.get(page),
            client.post(page, {"name": "Ändrat", "city_name": "X", "day": "2030-05-05"}),
        ):
            if who == "anonymous":
                assert response.status_code == 302 and response["Location"].startswith(reverse("login")), page
            else:
                assert response.status_code == 403, (page, response.status_code)
    for action in (remove, handled):
        response = client.post(action, {"handled": "on"})
        assert response.status_code == (302 if who == "anonymous" else 403)
    assert _snapshot() == before


@pytest.mark.parametrize("superuser", [False, True])
def test_an_administrator_or_a_superuser_opens_every_page(client, org_world, officer, superuser):
    user = UserFactory(username="root", is_superuser=True) if superuser else User.objects.get(username="administrator")
    client.force_login(user)
    for page in _org_pages(org_world["body"], org_world["seat"], org_world["party"], org_world["term"], officer):
        response = client.get(page, follow=True)
        assert response.status_code == 200, page


def test_the_menu_links_organisation_for_administrators_only(client, admin_client, registrar):
    assert 'href="/organisation/"' in admin_client.get(reverse("org_bodies")).content.decode()
    client.force_login(registrar)
    assert 'href="/organisation/"' not in client.get(reverse("case_list")).content.decode()


def test_the_django_admin_is_for_superusers_only(client, administrator):
    staff_admin = UserFactory(username="personal", role=User.Role.ADMIN, is_staff=True)
    client.force_login(staff_admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:remiss_citysettings_changelist")).status_code == 200


def test_start_page_sends_each_administrator_and_a_person_without_role_somewhere_they_can_use(
    client, administrator, set_up
):
    client.force_login(administrator)
    assert client.get(reverse("home"))["Location"] == reverse("org_home")
    client.force_login(UserFactory(username="ny"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Ditt konto har ingen roll än" in text(response)


# --- First run and the city's settings -----------------------------------------------------------


def test_an_administrator_of_an_empty_installation_is_sent_to_the_first_run_page(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("home"))["Location"] == reverse("org_first_run")
    assert client.get(reverse("org_home"))["Location"] == reverse("org_first_run")
    assert client.get(reverse("org_settings"))["Location"] == reverse("org_first_run")
    page = text(client.get(reverse("org_first_run")))
    assert "Kom igång med remisshanteringen" in page
    assert 'href="/organisation/import/"' in page
    assert 'value="Stockholm"' in page  # the place signed at until now, to start from


def test_everyone_else_keeps_working_before_the_setup(client, registrar, officer):
    client.force_login(registrar)
    assert client.get(reverse("home"))["Location"] == reverse("case_list")
    client.force_login(officer)
    assert client.get(reverse("home"))["Location"] == reverse("officer_home")


def test_saving_the_first_run_page_keeps_the_settings_with_history(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("org_first_run"), {"city_name": " Exempelstad ", "signing_place": "Exempelby"})
    assert response["Location"] == reverse("org_home")
    saved = CitySettings.objects.get()
    assert (saved.city_name, saved.signing_place) == ("Exempelstad", "Exempelby")
    row = saved.history.get()
    assert row.history_user == administrator
    assert row.history_change_reason == "Organisationens namn och ort sparade vid första start"
    assert client.get(reverse("org_first_run"))["Location"] == reverse("org_settings")
    assert client.get(reverse("home"))["Location"] == reverse("org_home")

    # Later, from the Organisation section: a second version, the first kept.
    response = client.post(
        reverse("org_settings"),
        {"city_name": "Exempelstads kommun", "signing_place": "Exempelby", "version": version_of(saved)},
    )
    assert response.status_code == 302
    assert list(saved.history.order_by("history_id").values_list("city_name", flat=True)) == [
        "Exempelstad",
        "Exempelstads kommun",
    ]
    page = text(client.get(reverse("org_settings")))
    assert "Organisationens namn och ort ändrade" in page and "Ada Admin" in page  # the changes, on the page


def test_the_first_run_page_refuses_empty_input_in_swedish(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("org_first_run"), {"city_name": "", "signing_place": "   "})
    assert response.status_code == 200
    assert "Skriv organisationens namn." in text(response)
    assert "Skriv orten där besluten undertecknas." in text(response)
    assert not CitySettings.objects.exists()


def test_a_second_administrators_first_run_is_a_conflict_not_an_overwrite(administrator, set_up):
    with pytest.raises(ConflictError):
        workflow.save_city_settings(city_name="Annan", signing_place="Annanstans", expected_version=0, by=administrator)
    assert CitySettings.objects.get().city_name == "Exempelstads kommun"


def test_saving_the_settings_over_someone_elses_save_is_a_conflict(admin_client, set_up, administrator):
    stale = version_of(set_up)
    workflow.save_city_settings(city_name="Nyare namn", signing_place="Exempelby", by=administrator)
    response = admin_client.post(
        reverse("org_settings"), {"city_name": "Mitt namn", "signing_place": "Exempelby", "version": stale}
    )
    assert response.status_code == 409
    page = text(response)
    assert "Någon annan har sparat under tiden" in page and "Nyare namn" in page and "Mitt namn" in page
    assert CitySettings.objects.get().city_name == "Nyare namn"
    # Saving again, now at the saved version, overwrites knowingly.
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = admin_client.post(
        reverse("org_settings"), {"city_name": "Mitt namn", "signing_place": "Exempelby", "version": version}
    )
    assert response.status_code == 302 and CitySettings.objects.get().city_name == "Mitt namn"


# --- Everything that names the city reads the settings -------------------------------------------


def test_without_settings_the_city_is_the_environments_and_the_place_stockholm(db):
    assert city.city_name() == django_settings.REMISS_CITY
    assert city.signing_place() == "Stockholm"


def test_the_memo_names_the_city_of_the_settings_in_the_same_number_of_queries(administrator):
    case = answered_case(2)

    def queries_and_city() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            data = gather(case)
        return len(captured), data.city

    before, fallback = queries_and_city()
    assert fallback == django_settings.REMISS_CITY
    workflow.save_city_settings(city_name="Exempelstads kommun", signing_place="Exempelby", by=administrator)
    after, named = queries_and_city()
    assert named == "Exempelstads kommun"
    assert after == before


def test_the_package_and_the_statement_name_the_city_of_the_settings(set_up):
    case = CaseFactory(reference="SOU 2030:1")
    assert zip_filename(case) == "Exempelstads kommun SOU 2030:1 remissvar.zip"
    assert current_statement().organisation == "Exempelstads kommun"


def test_a_new_proposal_is_signed_at_the_settings_place(client, registrar, set_up):
    case = workflow.register_case(
        title="T",
        reference="SOU 2030:2",
        sender="Dep",
        city_dnr="KS 2030/2",
        received=date(2030, 1, 1),
        deadline=date(2030, 5, 1),
        by=registrar,
    )
    assert CityProposal.objects.get(case=case).signed_place == "Exempelby"
    CityProposal.objects.filter(case=case).delete()  # a case from before the proposal was made with it
    client.force_login(registrar)
    page = text(client.get(reverse("case_city_proposal", args=[case.pk])))
    assert 'value="Exempelby"' in page


# --- Bodies ---------------------------------------------------------------------------------------


def _body_data(**changes) -> dict:
    data = {"name": "Socialnämnden", "name_in_text": "", "kind": "facknamnd", "administration": "Socialförvaltningen"}
    return data | changes


def test_an_administrator_adds_a_body_whose_running_text_name_is_written_from_its_name(admin_client, administrator):
    response = admin_client.post(reverse("org_body_new"), _body_data())
    body = Body.objects.get(name="Socialnämnden")
    assert response["Location"] == reverse("org_body_edit", args=[body.pk])
    assert body.name_in_text == "socialnämnden"
    assert body.history.get().history_user == administrator
    admin_client.post(
        reverse("org_body_new"), _body_data(name="Skarpnäcks stadsdelsnämnd", kind="stadsdelsnamnd", administration="S")
    )
    assert Body.objects.get(name="Skarpnäcks stadsdelsnämnd").name_in_text == "Skarpnäcks stadsdelsnämnd"
    # The same rule as the organisation import's: a name that begins with a genitive keeps its capital.
    admin_client.post(
        reverse("org_body_new"), _body_data(name="Stockholms stadsarkiv", kind="office", administration="Stadsarkivet")
    )
    assert Body.objects.get(name="Stockholms stadsarkiv").name_in_text == "Stockholms stadsarkiv"
    page = text(admin_client.get(reverse("org_body_new")))
    assert "Lämna tomt så skrivs det av namnet." in page


def test_the_body_list_searches_and_pages(admin_client, django_assert_max_num_queries):
    for n in range(30):
        BodyFactory(name=f"Nämnd {n:02d}", administration="Förvaltning")
    OfficeFactory(name="Stadsledningskontoret", administration="Stadsledningskontoret")
    page = text(admin_client.get(reverse("org_bodies")))
    assert page.count('href="/organisation/organ/') >= 25 and "Nämnd 24" in page and "Nämnd 25" not in page
    assert "Sida 1 av 2" in page and "Nästa sida" in page
    assert "Nämnd 29" in text(admin_client.get(reverse("org_bodies"), {"sida": "2"}))
    found = text(admin_client.get(reverse("org_bodies"), {"q": "ledning"}))
    assert "Stadsledningskontoret" in found and "Nämnd 01" not in found
    assert "Inget organ matchar" in text(admin_client.get(reverse("org_bodies"), {"q": "zzz"}))


def test_the_lists_cost_the_same_number_of_queries_however_long(admin_client, term):
    party = PartyFactory(abbreviation="S")
    lists = ("org_bodies", "org_accounts", "org_politicians", "org_seats", "org_terms", "org_parties")

    def add(start: int, stop: int) -> None:
        for i in range(start, stop):
            body = BodyFactory(name=f"Nämnd {i:02d}")
            SeatFactory(body=body, term=term, politician=PoliticianFactory(party=party))
            OfficerFactory(username=f"h{i}", bodies=[body])
            Meeting.objects.create(body=body, date=date(2030, 1, 1))

    def counts() -> dict[str, int]:
        found = {}
        for name in lists:
            with CaptureQueriesContext(connection) as captured:
                assert admin_client.get(reverse(name)).status_code == 200
            found[name] = len(captured)
        return found

    add(0, 3)
    few = counts()
    add(3, 40)  # more than a page
    assert counts() == few


def test_an_administrator_edits_a_body(admin_client, namnd):
    response = admin_client.post(
        reverse("org_body_edit", args=[namnd.pk]),
        _body_data(
            name="Social- och omsorgsnämnden", name_in_text="social- och omsorgsnämnden", version=version_of(namnd)
        ),
    )
    assert response["Location"] == reverse("org_bodies")
    namnd.refresh_from_db()
    assert namnd.name == "Social- och omsorgsnämnden"
    assert namnd.history.first().history_change_reason == "Organets uppgifter ändrade"


def test_closing_a_body_keeps_it_its_history_and_its_referrals(admin_client, referred, namnd, administrator):
    case, referral, _office = referred
    response = admin_client.post(
        reverse("org_body_edit", args=[namnd.pk]),
        _body_data(name=namnd.name, name_in_text=namnd.name_in_text, closed_on="2030-06-30", version=version_of(namnd)),
    )
    assert response.status_code == 302
    namnd.refresh_from_db()
    assert namnd.closed_on == date(2030, 6, 30)
    versions = list(namnd.history.order_by("history_id"))
    assert [v.closed_on for v in versions] == [None, date(2030, 6, 30)]
    assert versions[-1].history_change_reason == "Organet nedlagt den 30 juni 2030"
    assert referral.body_id == namnd.pk and referral.case_id == case.pk and Body.objects.filter(pk=namnd.pk).exists()
    page = text(admin_client.get(reverse("org_bodies")))
    assert "Nedlagt 30 juni 2030" in page
    # A closed body takes no new meetings after the day, nor new seats.
    with pytest.raises(WorkflowError, match="nedlagt sedan 30 juni 2030"):
        workflow.add_meeting(namnd, day=date(2030, 9, 1), by=administrator)
    with pytest.raises(WorkflowError, match="får inga nya platser"):
        workflow.save_seat(None, politician=PoliticianFactory(), body=namnd, role="ledamot", by=administrator)


def test_a_body_name_in_use_is_refused_in_swedish_with_what_was_typed(admin_client, namnd):
    response = admin_client.post(reverse("org_body_new"), _body_data(administration="Ny förvaltning"))
    assert response.status_code == 200
    page = text(response)
    assert "Det finns redan ett organ som heter Socialnämnden." in page
    assert 'value="Ny förvaltning"' in page
    assert Body.objects.count() == 1


def test_a_body_that_has_answered_keeps_its_kind(administrator, referred, namnd):
    with pytest.raises(WorkflowError, match="typen kan inte ändras"):
        workflow.save_body(namnd, name=namnd.name, kind="office", administration="X", by=administrator)


def test_the_city_has_one_open_kommunstyrelse(administrator):
    workflow.save_body(None, name="Kommunstyrelsen", kind="kommunstyrelsen", administration="SLK", by=administrator)
    with pytest.raises(WorkflowError, match="Det finns redan ett öppet organ av typen Kommunstyrelsen"):
        workflow.save_body(None, name="Kommunstyrelsen 2", kind="kommunstyrelsen", administration="S", by=administrator)


def test_editing_a_body_over_someone_elses_save_is_a_conflict(admin_client, namnd, administrator):
    stale = version_of(namnd)
    workflow.save_body(namnd, name="Socialnämnden", kind="facknamnd", administration="Nyare", by=administrator)
    response = admin_client.post(
        reverse("org_body_edit", args=[namnd.pk]), _body_data(administration="Min förvaltning", version=stale)
    )
    assert response.status_code == 409
    assert "Nyare" in text(response) and "Min förvaltning" in text(response)
    namnd.refresh_from_db()
    assert namnd.administration == "Nyare"


# --- Meeting calendars ---------------------------------------------------------------------------


def test_an_administrator_adds_and_removes_meeting_dates_with_history(admin_client, namnd, administrator):
    url = reverse("org_body_meetings", args=[namnd.pk])
    response = admin_client.post(url, {"day": "2030-03-04"})
    assert response["Location"] == f"{url}?ar=2030"
    meeting = Meeting.objects.get(body=namnd)
    assert meeting.date == date(2030, 3, 4)
    page = text(admin_client.get(url, {"ar": "2030"}))
    assert "4 mars 2030" in page
    duplicate = admin_client.post(url, {"day": "2030-03-04"})
    assert duplicate.status_code == 200 and "har redan ett sammanträde den 4 mars 2030" in text(duplicate)
    response = admin_client.post(reverse("org_meeting_remove", args=[namnd.pk, meeting.pk]))
    assert response.status_code == 302 and not Meeting.objects.exists()
    deleted = Meeting.history.filter(id=meeting.pk).order_by("-history_id").first()
    assert deleted.history_type == "-" and deleted.history_change_reason == "Sammanträdet den 4 mars 2030 borttaget"
    assert deleted.history_user == administrator


@pytest.mark.parametrize(
    ("day", "message"),
    [("", "Ange sammanträdets datum."), ("4 mars", "Skriv datumet som ÅÅÅÅ-MM-DD"), ("0023-03-04", "mellan år 1900")],
)
def test_a_bad_meeting_date_is_refused_in_swedish(admin_client, namnd, day, message):
    response = admin_client.post(reverse("org_body_meetings", args=[namnd.pk]), {"day": day})
    assert response.status_code == 200 and message in text(response)
    assert not Meeting.objects.exists()


def test_a_strange_year_shows_this_year(admin_client, namnd):
    for year in ("abc", "99999999999999999999", "0001", "٢٠٣٠"):
        assert admin_client.get(reverse("org_body_meetings", args=[namnd.pk]), {"ar": year}).status_code == 200


# --- Accounts and officers ------------------------------------------------------------------------


def _account_data(**changes) -> dict:
    data = {
        "username": "anna.andersson",
        "first_name": "Anna",
        "last_name": "Andersson",
        "email": "anna@exempel.se",
        "employee_id": "E123",
        "role": "officer",
        "is_active": "on",
    }
    return data | changes


def test_an_administrator_adds_an_officer_for_two_bodies(admin_client, namnd, office):
    response = admin_client.post(reverse("org_account_new"), _account_data(bodies=[namnd.pk, office.pk]))
    assert response["Location"] == reverse("org_accounts")
    account = User.objects.get(username="anna.andersson")
    assert account.role == "officer" and account.employee_id == "E123" and not account.has_usable_password()
    assert set(account.bodies.all()) == {namnd, office}
    assert not account.is_staff and not account.is_superuser
    reason = account.history.get().history_change_reason
    assert reason == "Användarkontot upplagt; arbetar för: Socialnämnden, Stadsledningskontoret"
    officers = text(admin_client.get(reverse("org_accounts"), {"roll": "officer"}))
    assert "Andersson, Anna" not in officers and "Anna Andersson" in officers
    assert "Socialnämnden, Stadsledningskontoret" in officers


def test_the_account_form_shows_no_groups_permissions_or_internal_fields(admin_client, administrator):
    page = admin_client.get(reverse("org_account_edit", args=[administrator.pk])).content.decode()
    for internal in ("groups", "user_permissions", "is_staff", "is_superuser", "password", "calendar_token"):
        assert f'name="{internal}"' not in page, internal


def test_searching_accounts_by_name_email_and_employee_id(admin_client, namnd):
    OfficerFactory(username="b", first_name="Bertil", last_name="Berg", email="bertil@exempel.se", bodies=[namnd])
    UserFactory(username="c", first_name="Cecilia", last_name="Ceder", employee_id="X-77")
    assert "Bertil Berg" in text(admin_client.get(reverse("org_accounts"), {"q": "bertil@"}))
    found = text(admin_client.get(reverse("org_accounts"), {"q": "x-77"}))
    assert "Cecilia Ceder" in found and "Bertil Berg" not in found


def test_only_an_officer_works_for_bodies(admin_client, namnd):
    response = admin_client.post(reverse("org_account_new"), _account_data(role="registrar", bodies=[namnd.pk]))
    assert response.status_code == 200
    assert "Bara en handläggare arbetar för nämnder eller kontor." in text(response)
    assert not User.objects.filter(username="anna.andersson").exists()


def test_an_administrator_cannot_lock_themselves_out(admin_client, administrator):
    data = _account_data(username=administrator.username, email="", employee_id="", version=version_of(administrator))
    response = admin_client.post(reverse("org_account_edit", args=[administrator.pk]), data)
    assert "Du kan inte ta bort din egen roll som administratör." in text(response)
    data["role"] = "admin"
    del data["is_active"]
    response = admin_client.post(reverse("org_account_edit", args=[administrator.pk]), data)
    assert "Du kan inte stänga av ditt eget konto." in text(response)
    administrator.refresh_from_db()
    assert administrator.role == "admin" and administrator.is_active


def test_an_account_is_turned_off_not_deleted(admin_client, officer, namnd):
    data = _account_data(username=officer.username, bodies=[namnd.pk], version=version_of(officer))
    del data["is_active"]
    assert admin_client.post(reverse("org_account_edit", args=[officer.pk]), data).status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active and officer.first_name == "Anna"
    assert "Avstängt" in text(admin_client.get(reverse("org_accounts")))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "inte-en-adress"}, "Skriv en giltig e-postadress"),
        ({"username": ""}, "Skriv ett användarnamn."),
        ({"username": "har mellanslag!"}, "användarnamn"),
        ({"role": "kung"}, "Välj en roll i listan."),
        ({"bodies": ["99999999999999999999"]}, "Välj ett giltigt alternativ"),
        ({"employee_id": "x" * 65}, "Texten är för lång"),
    ],
)
def test_bad_account_input_is_refused_in_swedish(admin_client, changes, message):
    response = admin_client.post(reverse("org_account_new"), _account_data(**changes))
    assert response.status_code == 200
    assert message in text(response)
    assert not User.objects.filter(first_name="Anna").exists()


def test_an_email_or_employee_id_in_use_is_refused(admin_client):
    UserFactory(username="other", email="anna@exempel.se")
    response = admin_client.post(reverse("org_account_new"), _account_data())
    assert "E-postadressen anna@exempel.se används redan av ett annat konto." in text(response)


# --- Politicians, seats and terms ------------------------------------------------------------------


def test_an_administrator_adds_and_edits_a_politician(admin_client):
    party = PartyFactory(abbreviation="C")
    account = PoliticianUserFactory(username="karin")
    response = admin_client.post(
        reverse("org_politician_new"), {"first_name": "Karin", "last_name": "Ek", "party": party.pk, "user": account.pk}
    )
    politician = Politician.objects.get(last_name="Ek")
    assert response["Location"] == reverse("org_politician_edit", args=[politician.pk])
    assert politician.user == account
    response = admin_client.post(
        reverse("org_politician_edit", args=[politician.pk]),
        {"first_name": "Karin", "last_name": "Ek-Lund", "party": party.pk, "version": version_of(politician)},
    )
    assert response.status_code == 302
    politician.refresh_from_db()
    assert politician.last_name == "Ek-Lund" and politician.user is None
    assert list(politician.history.order_by("history_id").values_list("last_name", flat=True)) == ["Ek", "Ek-Lund"]
    assert "Ek-Lund, Karin" in text(admin_client.get(reverse("org_politicians"), {"q": "ek C"}))


def test_only_a_politicians_account_is_linked_to_a_politician(admin_client, officer):
    party = PartyFactory(abbreviation="C")
    response = admin_client.post(
        reverse("org_politician_new"), {"first_name": "K", "last_name": "E", "party": party.pk, "user": officer.pk}
    )
    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in text(response)  # only politicians' accounts are offered
    with pytest.raises(WorkflowError, match="Bara ett konto med rollen Politiker"):
        workflow.save_politician(None, first_name="K", last_name="E", party=party, user=officer, by=None)


def test_an_administrator_adds_a_seat_for_a_term_and_ends_it(admin_client, namnd, term):
    politician = PoliticianFactory(first_name="Lena", last_name="Lind")
    response = admin_client.post(
        reverse("org_seat_new"),
        {"politician": politician.pk, "body": namnd.pk, "role": "ersattare", "term": term.pk, "starts": "2027-02-01"},
    )
    assert response["Location"] == reverse("org_politician_edit", args=[politician.pk])
    seat = Seat.objects.get(politician=politician)
    assert (seat.role, seat.term, seat.starts, seat.ends) == ("ersattare", term, date(2027, 2, 1), None)
    response = admin_client.post(
        reverse("org_seat_end", args=[seat.pk]), {"ends": "2028-06-30", "version": version_of(seat)}
    )
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.ends == date(2028, 6, 30)
    assert seat.history.first().history_change_reason == "Platsen avslutad den 30 juni 2028"
    assert seat.valid_on(date(2028, 6, 30)) and not seat.valid_on(date(2028, 7, 1))
    assert "Lena Lind" in text(admin_client.get(reverse("org_seats"), {"mandatperiod": term.pk, "q": "lind"}))
    assert "Lena Lind" not in text(admin_client.get(reverse("org_seats"), {"nu": "1"}))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts": "2027-05-01", "ends": "2027-04-01"}, "Platsen kan inte sluta (1 april 2027) före den börjar"),
        ({"starts": "2026-12-01"}, "Datumet måste ligga inom mandatperioden 2027–2030"),
        ({"role": ""}, "Välj ledamot eller ersättare."),
        ({"body": ""}, "Välj ett organ."),
        ({"ends": "9999-12-31"}, "mellan år 1900 och 2199"),
    ],
)
def test_bad_seat_input_is_refused_in_swedish(admin_client, namnd, term, changes, message):
    data = {"politician": PoliticianFactory().pk, "body": namnd.pk, "role": "ledamot", "term": term.pk} | changes
    response = admin_client.post(reverse("org_seat_new"), data)
    assert response.status_code == 200
    assert message in text(response)
    assert not Seat.objects.exists()


def test_the_workflow_keeps_a_seats_dates_inside_its_term(administrator, namnd, term):
    with pytest.raises(WorkflowError, match="Platsens datum måste ligga inom mandatperioden 2027–2030"):
        workflow.save_seat(
            None, politician=PoliticianFactory(), body=namnd, role="ledamot", term=term, ends=date(2031, 1, 1), by=None
        )
    seat = SeatFactory(body=namnd, term=term)
    with pytest.raises(WorkflowError, match="inom mandatperioden"):
        workflow.end_seat(seat, ends=date(2026, 1, 1), by=administrator)
    with pytest.raises(WorkflowError, match="Någon plats under mandatperioden har datum utanför"):
        SeatFactory(body=namnd, term=term, starts=date(2027, 6, 1))
        workflow.save_term(term, name=term.name, starts=date(2027, 7, 1), ends=term.ends, by=administrator)


def test_a_second_seat_in_the_same_body_and_term_is_refused(administrator, namnd, term):
    seat = SeatFactory(body=namnd, term=term)
    with pytest.raises(WorkflowError, match="har redan en plats i Socialnämnden under mandatperioden 2027–2030"):
        workflow.save_seat(None, politician=seat.politician, body=namnd, role="ersattare", term=term, by=administrator)


def test_an_administrator_adds_and_edits_terms_that_do_not_overlap(admin_client, term):
    response = admin_client.post(
        reverse("org_term_new"), {"name": "2031–2034", "starts": "2031-01-01", "ends": "2034-12-31"}
    )
    assert response["Location"] == reverse("org_terms")
    overlapping = admin_client.post(
        reverse("org_term_new"), {"name": "2030–2033", "starts": "2030-01-01", "ends": "2033-12-31"}
    )
    assert overlapping.status_code == 200
    assert "Mandatperioden överlappar mandatperioden 2027–2030" in text(overlapping)
    backwards = admin_client.post(reverse("org_term_new"), {"name": "X", "starts": "2040-01-01", "ends": "2039-01-01"})
    assert "Mandatperioden kan inte sluta (1 januari 2039) före den börjar (1 januari 2040)." in text(backwards)
    response = admin_client.post(
        reverse("org_term_edit", args=[term.pk]),
        {"name": "2027–2030", "starts": "2027-01-01", "ends": "2030-12-30", "version": version_of(term)},
    )
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.ends == date(2030, 12, 30)
    admin_client.get(reverse("org_terms"))  # shows (and so clears) the message that names the term
    page = text(admin_client.get(reverse("org_terms"), {"q": "2031"}))
    assert "2031–2034" in page and "2027–2030" not in page


def test_an_administrator_adds_and_edits_a_party(admin_client):
    response = admin_client.post(
        reverse("org_party_new"), {"name": "Miljöpartiet", "abbreviation": "MP", "genitive": "Miljöpartiets"}
    )
    assert response["Location"] == reverse("org_parties")
    party = Party.objects.get(abbreviation="MP")
    again = admin_client.post(reverse("org_party_new"), {"name": "Annat", "abbreviation": "mp", "genitive": "Annats"})
    assert "Förkortningen mp används redan av ett annat parti." in text(again)
    response = admin_client.post(
        reverse("org_party_edit", args=[party.pk]),
        {
            "name": "Miljöpartiet de gröna",
            "abbreviation": "MP",
            "genitive": "Miljöpartiets",
            "version": version_of(party),
        },
    )
    assert response.status_code == 302
    assert "Miljöpartiet de gröna" in text(admin_client.get(reverse("org_parties"), {"q": "gröna"}))


# --- The accessibility statement and reported barriers -------------------------------------------


def test_an_administrator_edits_the_accessibility_statement_from_the_shipped_text(admin_client, administrator):
    page = text(admin_client.get(reverse("org_statement")))
    assert "Ingen redogörelse är sparad än" in page and 'value="Exempelstads kommun"' in page
    data = {
        "organisation": "Exempelstads kommun",
        "text": "Tjänsten är delvis förenlig.",
        "contact_email": "tillganglighet@exempel.se",
        "assessed_on": "2031-02-01",
    }
    response = admin_client.post(reverse("org_statement"), data)
    assert response["Location"] == reverse("accessibility")
    statement = AccessibilityStatement.objects.get()
    assert statement.text == "<p>Tjänsten är delvis förenlig.</p>" and statement.assessed_on == date(2031, 2, 1)
    assert statement.history.get().history_user == administrator
    assert "Tjänsten är delvis förenlig." in text(admin_client.get(reverse("accessibility")))
    read_at = version_of(statement)
    workflow.save_accessibility_statement(
        organisation="Exempelstads kommun", text="<p>Nyare.</p>", assessed_on=date(2031, 3, 1), by=administrator
    )
    stale = admin_client.post(reverse("org_statement"), data | {"text": "Annan text.", "version": read_at})
    assert stale.status_code == 409 and AccessibilityStatement.objects.get().text == "<p>Nyare.</p>"
    bad = admin_client.post(reverse("org_statement"), data | {"contact_email": "nej", "assessed_on": ""})
    assert "Skriv en giltig e-postadress" in text(bad) and "Ange när tillgängligheten senast bedömdes." in text(bad)


def test_an_administrator_marks_a_reported_barrier_handled(admin_client, administrator):
    report = BarrierReport.objects.create(description="Kontrasten är för låg.", email="a@exempel.se")
    page = text(admin_client.get(reverse("org_barriers")))
    assert "Kontrasten är för låg." in page and "Markera som hanterad" in page
    admin_client.post(reverse("org_barrier_handled", args=[report.pk]), {"handled": "on"})
    report.refresh_from_db()
    assert report.handled and report.history.first().history_change_reason == "Markerad som hanterad"
    assert "Kontrasten" not in text(admin_client.get(reverse("org_barriers"), {"ohanterade": "1"}))
    admin_client.post(reverse("org_barrier_handled", args=[report.pk]), {})
    report.refresh_from_db()
    assert not report.handled


# --- No input is a 500 ------------------------------------------------------------------------------


HOSTILE = ["\x00", "x" * 100_000, "<script>alert(1)</script>", "99999999999999999999", "-1", "٣", "2030-02-30"]


def test_hostile_input_on_every_form_is_refused_without_a_server_error(admin_client, org_world, officer):
    forms = [reverse("org_first_run"), reverse("org_settings")] + _org_pages(
        org_world["body"], org_world["seat"], org_world["party"], org_world["term"], officer
    )
    names = ["name", "name_in_text", "kind", "administration", "closed_on", "day", "username", "email", "role"]
    names += ["bodies", "first_name", "last_name", "party", "user", "politician", "body", "term", "starts", "ends"]
    names += ["abbreviation", "genitive", "city_name", "signing_place", "version", "employee_id", "is_active"]
    for action in forms:
        for value in HOSTILE:
            response = admin_client.post(action, {name: value for name in names})
            assert response.status_code in (200, 302, 409), (action, value[:20], response.status_code)
        for query in ({"q": "\x00" * 10}, {"q": "a " * 5000}, {"sida": "-1"}, {"mandatperiod": "x"}, {"roll": "\x00"}):
            assert admin_client.get(action, query).status_code == 200 or action.endswith("forsta-start/"), action


# --- In a browser: the first run and a body, with axe-core --------------------------------------------

# The browser fixtures of test_browser, found by pytest as this module's attributes.
browser, new_page = browser_tests.browser, browser_tests.new_page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_administrator_sets_up_the_city_and_edits_a_body_in_a_browser(new_page):
    from playwright.sync_api import expect  # only the browser tests need Playwright

    User.objects.create_user("admin-ny", password="losenord-123", role=User.Role.ADMIN, first_name="Ada")
    StadsdelsnamndFactory(name="Skarpnäcks stadsdelsnämnd", administration="Skarpnäcks stadsdelsförvaltning")
    audit = AxeAudit()
    page = new_page(for_axe=True)
    browser_tests.login(page, "admin-ny", "losenord-123")
    expect(page).to_have_url(re.compile(r"/organisation/forsta-start/$"))
    audit.check(page, "Administratör: första start")

    browser_tests.field(page, "Organisationens namn").fill("")
    page.get_by_role("button", name="Spara och fortsätt").click()
    expect(page.get_by_role("alert")).to_contain_text("Organisationens namn")
    expect(browser_tests.field(page, "Organisationens namn")).to_have_attribute("aria-invalid", "true")
    audit.check(page, "Administratör: första start, med valideringsfel")
    browser_tests.field(page, "Organisationens namn").fill("Exempelstads kommun")
    browser_tests.field(page, "Ort för undertecknande").fill("Exempelby")
    page.get_by_role("button", name="Spara och fortsätt").click()
    browser_tests.expect_message(page, "Inställningarna är sparade")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisation")
    audit.check(page, "Administratör: organisationens översikt")

    page.get_by_role("navigation", name="Organisationens sidor").get_by_role(
        "link", name="Organ och sammanträden"
    ).click()
    page.get_by_role("searchbox", name=re.compile("^Sök bland organen")).fill("skarpnäck")
    page.get_by_role("button", name="Sök").click()
    audit.check(page, "Administratör: organen, sökning")
    page.get_by_role("link", name="Skarpnäcks stadsdelsnämnd", exact=True).click()
    audit.check(page, "Administratör: ett organ")
    browser_tests.field(page, "Förvaltning").fill("Skarpnäcks stadsdelsförvaltning, avdelning 2")
    browser_tests.field(page, "Nedlagt den").fill("2031-12-31")
    page.get_by_role("button", name="Spara ändringarna").click()
    browser_tests.expect_message(page, "Skarpnäcks stadsdelsnämnd är sparat")
    expect(page.locator("table")).to_contain_text("Nedlagt 31 december 2031")
    audit.check(page, "Administratör: organen efter ändring")

    page.get_by_role("link", name=re.compile("sammanträden för Skarpnäcks")).click()
    browser_tests.field(page, "Datum för sammanträdet").fill("2031-03-04")
    page.get_by_role("button", name="Lägg till").click()
    browser_tests.expect_message(page, "Sammanträdet den 4 mars 2031 är tillagt")
    audit.check(page, "Administratör: sammanträden")

    # The other pages of the section, with a row or two each, and a form's error state.
    term = Term.objects.create(name="2027–2030", starts=date(2027, 1, 1), ends=date(2030, 12, 31))
    seat = SeatFactory(body=StadsdelsnamndFactory(name="Enskede-Årsta-Vantörs stadsdelsnämnd"), term=term)
    OfficerFactory(username="handlaggaren", bodies=[seat.body])
    BarrierReport.objects.create(description="Knappen går inte att nå med tangentbordet.", page="/organisation/")
    for name, label in (
        ("org_accounts", "användarkonton"),
        ("org_account_new", "nytt konto"),
        ("org_politicians", "politiker"),
        ("org_seats", "platser"),
        ("org_terms", "mandatperioder"),
        ("org_parties", "partier"),
        ("org_settings", "namn och ort"),
        ("org_statement", "tillgänglighetsredogörelsen"),
        ("org_barriers", "anmälda brister"),
    ):
        page.goto(reverse(name))
        audit.check(page, f"Administratör: {label}")
    page.goto(reverse("org_politician_edit", args=[seat.politician_id]))
    audit.check(page, "Administratör: en politiker med plats")
    page.goto(reverse("org_seat_edit", args=[seat.pk]))
    browser_tests.field(page, "Till").fill("2026-01-01")
    page.get_by_role("button", name="Spara ändringarna").click()
    expect(page.get_by_role("alert")).to_contain_text("Till")  # the field in error, linked from the summary
    expect(browser_tests.field(page, "Till")).to_have_attribute("aria-invalid", "true")
    audit.check(page, "Administratör: en plats, med valideringsfel")
    audit.assert_clean()

    assert CitySettings.objects.get().city_name == "Exempelstads kommun"
    body = Body.objects.get(name="Skarpnäcks stadsdelsnämnd")
    assert body.closed_on == date(2031, 12, 31) and body.history.count() == 2
    assert Meeting.objects.get(body=body).date == date(2031, 3, 4)
