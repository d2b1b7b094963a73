"""The registrar's pages: each action allowed for the registrar (and its effect), refused for an
officer, a politician and an anonymous visitor (and nothing changed); Swedish validation messages
with the typed values kept; the status board; constant query counts; the memo PDF."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from remiss import workflow
from remiss.models import Body, Case, CityProposal, Decision, Memo, Proposal, Referral, Statement
from remiss.workflow import AuthorSpec, ReferralSpec
from tests.factories import (
    BodyFactory,
    BorgarradsberedningenFactory,
    CaseFactory,
    KommunstyrelsenFactory,
    OfficeFactory,
    OfficerFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
    StadsdelsnamndFactory,
)
from tests.test_memo import answered_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The factories give every user a password; Argon2 would make each test seconds slower."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def text(response) -> str:
    """The page as the person reads it: entities decoded."""
    return unescape(response.content.decode())


def login(client, user):
    client.force_login(user)
    return client


# --- A world where every registrar action is possible ----------------------------------------


@pytest.fixture
def brb(db):
    return BorgarradsberedningenFactory()


@pytest.fixture
def ks(db):
    return KommunstyrelsenFactory()


@pytest.fixture
def borgarrad(brb, ks):
    """Two commissioners with seats in borgarrådsberedningen and kommunstyrelsen."""
    m = PoliticianFactory(first_name="Christofer", last_name="Fjellner", party=PartyFactory(abbreviation="M"))
    l_ = PoliticianFactory(first_name="Jan", last_name="Jönsson", party=PartyFactory(abbreviation="L"))
    for politician in (m, l_):
        SeatFactory(politician=politician, body=brb)
        SeatFactory(politician=politician, body=ks)
    return m, l_


@pytest.fixture
def politician_user(brb, namnd):
    """A politician with a login and seats in the nämnd and in borgarrådsberedningen."""
    user = PoliticianUserFactory(username="politiker")
    politician = PoliticianFactory(first_name="Anna", last_name="Politiker", user=user)
    SeatFactory(politician=politician, body=namnd)
    SeatFactory(politician=politician, body=brb)
    return user


@pytest.fixture
def brb_decision(referred, brb, registrar):
    case, _n, _o = referred
    return workflow.record_city_decision(
        case,
        body=brb,
        points=["Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag."],
        by=registrar,
    )


@pytest.fixture
def memo(referred, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = referred[0]
    record = Memo(case=case, sha256=hashlib.sha256(b"%PDF-1.7 test").hexdigest(), pages=1)
    record.pdf.save("test.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    record.save()
    return record


@pytest.fixture
def world(referred, brb, ks, borgarrad, brb_decision, memo, officer, politician_user):
    case, r_namnd, r_office = referred
    return {
        "case": case,
        "r_namnd": r_namnd,
        "r_office": r_office,
        "brb": brb,
        "ks": ks,
        "decision": brb_decision,
        "memo": memo,
        "borgarrad": borgarrad,
    }


def snapshot() -> tuple:
    """Everything a registrar action could change."""
    return (
        list(Case.objects.order_by("pk").values_list("pk", "title", "status", "background", "deadline")),
        list(Referral.objects.order_by("pk").values_list("pk", "status", "deadline", "order")),
        list(Proposal.objects.order_by("pk").values_list("pk", "number", "section")),
        list(CityProposal.objects.order_by("pk").values_list("pk", "version", "summary")),
        list(Decision.objects.order_by("pk").values_list("pk", "justered", "points")),
        list(Statement.objects.order_by("pk").values_list("pk", "text")),
        list(Memo.objects.order_by("pk").values_list("pk", "sha256")),
    )


# (name, method, url(world), data(world)). Each would succeed for the registrar.
ACTIONS = [
    ("case_list", "get", lambda w: reverse("case_list"), None),
    (
        "case_create",
        "post",
        lambda w: reverse("case_create"),
        lambda w: {
            "title": "Nytt betänkande",
            "reference": "SOU 2030:999",
            "sender": "Finansdepartementet",
            "city_dnr": "KS 2030/999-1.1",
            "received": "2030-02-01",
            "deadline": "2030-05-01",
        },
    ),
    ("case_detail", "get", lambda w: reverse("case_detail", args=[w["case"].pk]), None),
    (
        "case_edit",
        "post",
        lambda w: reverse("case_edit", args=[w["case"].pk]),
        lambda w: {
            "title": "Ändrad titel",
            "reference": w["case"].reference,
            "sender": w["case"].sender,
            "city_dnr": w["case"].city_dnr,
            "received": "2030-01-10",
            "deadline": "2030-04-28",
        },
    ),
    (
        "case_event",
        "post",
        lambda w: reverse("case_event", args=[w["case"].pk]),
        lambda w: {"event": "start_compiling"},
    ),
    (
        "case_proposals",
        "post",
        lambda w: reverse("case_proposals", args=[w["case"].pk]),
        lambda w: {"kind": "forslag", "number": "7", "title": "Ett nytt förslag"},
    ),
    (
        "case_proposal_section",
        "post",
        lambda w: reverse("case_proposal_section", args=[w["case"].pk, w["proposal"].pk]),
        lambda w: {f"s{w['proposal'].pk}-section": "8.2"},
    ),
    (
        "case_refer",
        "post",
        lambda w: reverse("case_refer", args=[w["case"].pk]),
        lambda w: {
            f"b{w['extra'].pk}-chosen": "on",
            f"b{w['extra'].pk}-deadline": "2030-03-31",
            "order": str(w["extra"].pk),
        },
    ),
    ("case_referral", "get", lambda w: reverse("case_referral", args=[w["case"].pk, w["r_namnd"].pk]), None),
    (
        "case_referral_event",
        "post",
        lambda w: reverse("case_referral_event", args=[w["case"].pk, w["r_namnd"].pk]),
        lambda w: {"event": "mark_no_answer", "confirm": "1"},
    ),
    (
        "case_referral_deadline",
        "post",
        lambda w: reverse("case_referral_deadline", args=[w["case"].pk, w["r_namnd"].pk]),
        lambda w: {"deadline": "2030-03-20"},
    ),
    (
        "case_background",
        "post",
        lambda w: reverse("case_background", args=[w["case"].pk]),
        lambda w: {"text": "<p>Bakgrund.</p>"},
    ),
    (
        "case_city_proposal",
        "post",
        lambda w: reverse("case_city_proposal", args=[w["case"].pk]),
        lambda w: {
            "decision_points": "Remissen besvaras.",
            "summary": "<p>Kort.</p>",
            "views": "",
            "signed_place": "Stockholm",
            "signed_date": "",
            "version": str(w["case"].city_proposal.version),
        },
    ),
    (
        "case_city_decisions",
        "post",
        lambda w: reverse("case_city_decisions", args=[w["case"].pk]),
        lambda w: {
            "body": str(w["ks"].pk),
            f"beslut{w['ks'].pk}-points": "Remissen besvaras.",
            f"beslut{w['ks'].pk}-meeting_date": "",
        },
    ),
    (
        "case_city_decision_justera",
        "post",
        lambda w: reverse("case_city_decision_justera", args=[w["case"].pk, w["decision"].pk]),
        lambda w: {"confirm": "1"},
    ),
    (
        "case_city_statement",
        "post",
        lambda w: reverse("case_city_statement", args=[w["case"].pk, w["decision"].pk]),
        lambda w: {"kind": "sarskilt_uttalande", "author_1": str(w["borgarrad"][0].pk), "text": "<p>Vi tycker så.</p>"},
    ),
    ("memo_list", "get", lambda w: reverse("memo_list", args=[w["case"].pk]), None),
    ("memo_preview", "get", lambda w: reverse("memo_preview", args=[w["case"].pk]), None),
    ("memo_compile", "post", lambda w: reverse("memo_compile", args=[w["case"].pk]), lambda w: {}),
    ("memo_download", "get", lambda w: reverse("memo_download", args=[w["case"].pk, w["memo"].pk]), None),
]


@pytest.fixture
def full_world(world):
    world["extra"] = BodyFactory(name="Kulturnämnden", name_in_text="kulturnämnden")
    world["proposal"] = workflow.add_proposal(world["case"], number="9", kind="forslag", title="Ett förslag", by=None)
    return world


@pytest.mark.parametrize("who", ["officer", "politician", "anonymous"])
@pytest.mark.parametrize("action", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_only_the_registrar_may(client, full_world, officer, politician_user, who, action):
    _name, method, url, data = action
    if who == "officer":
        login(client, officer)
    elif who == "politician":
        login(client, politician_user)
    before = snapshot()
    address = url(full_world)
    response = getattr(client, method)(address, data(full_world) if data else None)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 403
    assert snapshot() == before


def test_registrar_in_the_menu_and_others_not(client, registrar, officer):
    assert "Ärenden" in text(login(client, registrar).get(reverse("case_list")))
    client.logout()
    assert client.get(reverse("home")).status_code == 302


# --- Each action, allowed for the registrar ---------------------------------------------------


def test_registrar_lists_cases_with_counts(client, registrar, referred):
    case, r_namnd, r_office = referred
    workflow.save_opinion(r_office, text="<p>Klart.</p>", date=date(2030, 2, 1), by=registrar)
    workflow.mark_opinion_ready(r_office, by=registrar)
    response = login(client, registrar).get(reverse("case_list"))
    assert response.status_code == 200
    page = text(response)
    assert case.reference in page and case.title in page
    assert "1 av 2 har svarat" in page
    assert reverse("case_detail", args=[case.pk]) in page
    assert reverse("case_create") in page
    assert "Remitterat" in page and "28 april 2030" in page


def test_case_list_is_paginated(client, registrar):
    for _ in range(27):
        CaseFactory()
    page1 = text(login(client, registrar).get(reverse("case_list")))
    assert page1.count('<th scope="row">') == 25
    assert "Sida 1 av 2" in page1
    page2 = text(client.get(reverse("case_list") + "?sida=2"))
    assert page2.count('<th scope="row">') == 2


def test_registrar_registers_a_case(client, registrar, brb, borgarrad):
    response = login(client, registrar).post(
        reverse("case_create"),
        {
            "title": "Vägar framåt",
            "reference": "SOU 2031:1",
            "sender": "Justitiedepartementet",
            "ministry_dnr": "Ju2031/1",
            "city_dnr": "KS 2031/1-1.1",
            "received": "2031-01-10",
            "deadline": "2031-04-28",
            "commissioner": str(borgarrad[0].pk),
        },
    )
    case = Case.objects.get(reference="SOU 2031:1")
    assert response.status_code == 302 and response["Location"] == reverse("case_detail", args=[case.pk])
    assert case.status == Case.Status.REGISTERED and case.commissioner == borgarrad[0]
    assert case.history.first().history_user == registrar
    assert "Ärendet SOU 2031:1 är registrerat." in text(client.get(response["Location"]))


def test_register_form_offers_borgarrad_as_commissioner(client, registrar, borgarrad, politician_user):
    page = text(login(client, registrar).get(reverse("case_create")))
    assert "Christofer Fjellner (M)" in page
    assert 'for="id_deadline"' in page and 'for="id_commissioner"' in page


def test_registrar_edits_a_case(client, registrar, referred):
    case = referred[0]
    response = login(client, registrar).post(
        reverse("case_edit", args=[case.pk]),
        {
            "title": "Ny titel",
            "reference": case.reference,
            "sender": case.sender,
            "city_dnr": case.city_dnr,
            "received": "2030-01-10",
            "deadline": "2030-04-28",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "Ny titel"


def test_registrar_sees_the_status_board(client, registrar, referred, officer):
    case, r_namnd, r_office = referred
    response = login(client, registrar).get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 200
    page = text(response)
    assert page.index("Socialnämnden") < page.index("Stadsledningskontoret")  # memo order
    assert "31 mars 2030" in page and "12 april 2030" in page
    assert "Remitterad" in page and "Väntar på svar" in page
    assert reverse("case_referral", args=[case.pk, r_namnd.pk]) in page
    assert "Markera som ej besvarad" in page and "Börja sammanställa" in page
    assert '<th scope="col">' in page and '<th scope="row">' in page


def test_status_board_shows_overdue_and_who_answered(client, registrar):
    case = CaseFactory(received=date(2020, 1, 10), deadline=date(2020, 4, 28))
    late, declined, answered, gave_up = (
        BodyFactory(name=n) for n in ("Sen nämnd", "Avstående nämnd", "Svarande kontor", "Tyst nämnd")
    )
    answered.kind = Body.Kind.OFFICE
    answered.save()
    referrals = workflow.refer(
        case, bodies=[ReferralSpec(b, date(2020, 3, 31)) for b in (late, declined, answered, gave_up)], by=registrar
    )
    workflow.decline(referrals[1], by=registrar)
    workflow.save_opinion(referrals[2], text="<p>Inga synpunkter.</p>", date=date(2020, 3, 1), by=registrar)
    workflow.mark_opinion_ready(referrals[2], by=registrar)
    workflow.mark_no_answer(referrals[3], by=registrar)
    page = text(login(client, registrar).get(reverse("case_detail", args=[case.pk])))
    assert page.count('<span class="badge overdue">Försenad</span>') == 1  # only the open one
    assert 'class="answer-pending overdue"' in page  # row class, beside the text badge
    assert (
        "Har svarat (1)" in page
        and "Avstår (1)" in page
        and "Inget svar (1)" in page
        and "Har inte svarat än (1)" in page
    )
    assert "Sen nämnd – försenad" in page
    assert "1 är försenad." in page


def test_registrar_starts_compiling(client, registrar, referred):
    case = referred[0]
    response = login(client, registrar).post(reverse("case_event", args=[case.pk]), {"event": "start_compiling"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.COMPILING
    assert "Sammanställningen är påbörjad." in text(client.get(response["Location"]))


def test_case_event_not_allowed_shows_the_workflow_message(client, registrar, case):
    response = login(client, registrar).post(reverse("case_event", args=[case.pk]), {"event": "answer"}, follow=True)
    assert "Det går inte att markera som besvarat när statusen är ”Registrerat”." in text(response)
    case.refresh_from_db()
    assert case.status == Case.Status.REGISTERED


def test_registrar_marks_the_case_answered(client, registrar, referred, ks):
    case = referred[0]
    workflow.start_compiling(case, by=registrar)
    workflow.record_city_decision(case, body=ks, points=["Remissen besvaras."], by=registrar)
    login(client, registrar).post(reverse("case_event", args=[case.pk]), {"event": "answer", "confirm": "1"})
    case.refresh_from_db()
    assert case.status == Case.Status.ANSWERED


def test_registrar_adds_and_lists_proposals(client, registrar, case):
    login(client, registrar)
    response = client.post(
        reverse("case_proposals", args=[case.pk]),
        {"kind": "bedomning", "number": "2", "title": "Tidig upptäckt", "summary": "Beredningen bedömer att …"},
    )
    assert response.status_code == 302
    assert Proposal.objects.get(case=case).title == "Tidig upptäckt"
    page = text(client.get(response["Location"]))
    assert "Bedömning 2" in page and "Tidig upptäckt" in page
    assert "Bedömning 2 är tillagd." in page
    response = client.post(
        reverse("case_proposals", args=[case.pk]), {"kind": "forslag", "number": "1", "title": "En kommitté"}
    )
    assert "Förslag 1 är tillagt." in text(client.get(response["Location"]))  # neuter: tillagt, not tillagd
    duplicate = text(
        client.post(reverse("case_proposals", args=[case.pk]), {"kind": "bedomning", "number": "2", "title": "Igen"})
    )
    assert "Det finns redan bedömning nummer 2 i ärendet." in duplicate
    assert Proposal.objects.filter(case=case).count() == 2


def test_registrar_refers_in_the_chosen_order(client, registrar, case, brb, ks):
    soc = BodyFactory(name="Socialnämnden", name_in_text="socialnämnden")
    utb = BodyFactory(name="Utbildningsnämnden", name_in_text="utbildningsnämnden")
    slk = OfficeFactory(name="Stadsledningskontoret", name_in_text="stadsledningskontoret")
    skip = StadsdelsnamndFactory()
    login(client, registrar)
    page = text(client.get(reverse("case_refer", args=[case.pk])))
    assert "Socialnämnden" in page and "Borgarrådsberedningen" not in page and "Kommunstyrelsen" not in page
    assert 'value="2030-03-31"' in page  # a nämnd's default: four weeks before the remisstid
    assert 'value="2030-04-14"' in page  # an office's: two weeks before
    response = client.post(
        reverse("case_refer", args=[case.pk]),
        {
            f"b{slk.pk}-chosen": "on",
            f"b{slk.pk}-deadline": "2030-04-12",
            f"b{utb.pk}-chosen": "on",
            f"b{utb.pk}-deadline": "2030-03-31",
            f"b{soc.pk}-chosen": "on",
            f"b{soc.pk}-deadline": "2030-03-30",
            f"b{skip.pk}-deadline": "2030-03-31",
            "order": f"{slk.pk},{soc.pk},{utb.pk},{skip.pk}",
        },
    )
    assert response.status_code == 302
    referrals = list(case.referrals.order_by("order").values_list("body__name", "deadline"))
    assert referrals == [
        ("Stadsledningskontoret", date(2030, 4, 12)),
        ("Socialnämnden", date(2030, 3, 30)),
        ("Utbildningsnämnden", date(2030, 3, 31)),
    ]
    case.refresh_from_db()
    assert case.status == Case.Status.REFERRED
    again = text(client.get(reverse("case_refer", args=[case.pk])))
    assert f'name="b{soc.pk}-chosen"' not in again and f'name="b{skip.pk}-chosen"' in again


@pytest.fixture
def four_bodies(case, brb, ks):
    """Four bodies in the register, listed in this (alphabetical) order on the refer page."""
    names = ["Arbetsmarknadsnämnden", "Kulturnämnden", "Socialnämnden", "Utbildningsnämnden"]
    return [BodyFactory(name=n, name_in_text=n.lower()) for n in names]


def _refer_post(bodies, chosen, **extra) -> dict:
    data = {f"b{b.pk}-deadline": "2030-03-31" for b in bodies}
    data.update({f"b{b.pk}-chosen": "on" for b in chosen})
    data.update(extra)
    return data


def test_the_refer_page_numbers_no_body_in_advance(client, registrar, case, four_bodies):
    """Every body in the register used to get an order number (1, 2, 3 …), which had to be retyped."""
    page = login(client, registrar).get(reverse("case_refer", args=[case.pk])).content.decode()
    assert not re.search(r"name=\"b\d+-order\"", page) and 'type="number"' not in page
    assert 'name="order" value=""' in page
    assert "Ingen instans är vald än." in page


def test_the_memo_order_is_the_order_of_choosing(client, registrar, case, four_bodies):
    arb, kul, soc, utb = four_bodies
    response = login(client, registrar).post(
        reverse("case_refer", args=[case.pk]),
        _refer_post(four_bodies, [arb, soc, utb], order=f"{utb.pk},{arb.pk},{soc.pk}"),
    )
    assert response.status_code == 302
    assert list(case.referrals.order_by("order").values_list("body__name", flat=True)) == [
        "Utbildningsnämnden",
        "Arbetsmarknadsnämnden",
        "Socialnämnden",
    ]


def test_without_javascript_bodies_not_in_the_order_follow_in_register_order(client, registrar, case, four_bodies):
    """No `order` at all, or one naming unticked and unknown bodies: still every ticked body, once."""
    arb, kul, soc, utb = four_bodies
    response = login(client, registrar).post(
        reverse("case_refer", args=[case.pk]),
        _refer_post(four_bodies, [arb, soc, utb], order=f"{soc.pk},{kul.pk},999999,x,{soc.pk}"),
    )
    assert response.status_code == 302
    assert list(case.referrals.order_by("order").values_list("body__name", flat=True)) == [
        "Socialnämnden",
        "Arbetsmarknadsnämnden",
        "Utbildningsnämnden",
    ]


def _listed(page: str) -> list[str]:
    listed = re.search(r'<ol id="refer-order-list">(.*?)</ol>', page, re.S).group(1)
    return re.findall(r'<span class="refer-order-name">([^<]+)</span>', listed)


def test_move_buttons_reorder_without_javascript_and_refer_nothing(client, registrar, case, four_bodies):
    arb, kul, soc, utb = four_bodies
    url = reverse("case_refer", args=[case.pk])
    login(client, registrar)
    shown = client.post(url, _refer_post(four_bodies, [arb, soc, utb], action="order"))
    assert shown.status_code == 200 and not case.referrals.exists()
    page = shown.content.decode()
    assert _listed(page) == ["Arbetsmarknadsnämnden", "Socialnämnden", "Utbildningsnämnden"]
    assert f'name="order" value="{arb.pk},{soc.pk},{utb.pk}"' in page
    assert (
        f'name="move" value="down-{arb.pk}"' in page
        and 'Flytta ned<span class="visually-hidden"> Arbetsmarknadsnämnden' in page
    )
    moved = client.post(
        url, _refer_post(four_bodies, [arb, soc, utb], order=f"{arb.pk},{soc.pk},{utb.pk}", move=f"up-{utb.pk}")
    )
    assert moved.status_code == 200 and not case.referrals.exists()
    assert _listed(moved.content.decode()) == ["Arbetsmarknadsnämnden", "Utbildningsnämnden", "Socialnämnden"]
    first_up = client.post(url, _refer_post(four_bodies, [arb, soc], order=f"{arb.pk},{soc.pk}", move=f"up-{arb.pk}"))
    assert _listed(first_up.content.decode()) == ["Arbetsmarknadsnämnden", "Socialnämnden"]  # already first: stays
    client.post(url, _refer_post(four_bodies, [arb, soc, utb], order=f"{arb.pk},{utb.pk},{soc.pk}"))
    assert list(case.referrals.order_by("order").values_list("body__name", flat=True)) == [
        "Arbetsmarknadsnämnden",
        "Utbildningsnämnden",
        "Socialnämnden",
    ]


def test_the_default_button_of_the_refer_form_never_refers_or_moves_without_javascript(
    client, registrar, case, four_bodies
):
    """Enter in a date field presses the form's first submit button: it must be "Visa ordningen"."""
    page = login(client, registrar).get(reverse("case_refer", args=[case.pk])).content.decode()
    form = re.search(r"<form method=\"post\" novalidate data-refer-order>(.*?)</form>", page, re.S).group(1)
    first = re.search(r"<button[^>]*>", form).group(0)
    assert 'name="action" value="order"' in first, first


def test_registrar_reads_a_draft_opinion(client, registrar, referred, officer):
    case, r_namnd, _o = referred
    workflow.save_opinion(r_namnd, text="<p>Ett utkast från förvaltningen.</p>", by=officer)
    page = text(login(client, registrar).get(reverse("case_referral", args=[case.pk, r_namnd.pk])))
    assert "Ett utkast från förvaltningen." in page
    assert "Utkast: tjänsteutlåtandet är inte klart." in page


def test_registrar_marks_no_answer(client, registrar, referred):
    case, r_namnd, _o = referred
    response = login(client, registrar).post(
        reverse("case_referral_event", args=[case.pk, r_namnd.pk]), {"event": "mark_no_answer", "confirm": "1"}
    )
    assert response.status_code == 302
    r_namnd.refresh_from_db()
    assert r_namnd.status == Referral.Status.NO_ANSWER
    assert "Socialnämnden är markerad som ej besvarad." in text(client.get(response["Location"]))


def test_registrar_records_a_decline(client, registrar, referred):
    case, _n, r_office = referred
    login(client, registrar).post(
        reverse("case_referral_event", args=[case.pk, r_office.pk]), {"event": "decline", "confirm": "1"}
    )
    r_office.refresh_from_db()
    assert r_office.status == Referral.Status.DECLINED


def test_registrar_declines_with_a_reason_the_board_and_the_referral_page_show(client, registrar, referred):
    case, r_namnd, _o = referred
    url = reverse("case_referral_event", args=[case.pk, r_namnd.pk])
    page = login(client, registrar).post(url, {"event": "decline"}).content.decode()
    assert 'name="reason"' in page and "Motivering (valfri)" in page  # the confirmation page asks for it
    response = client.post(url, {"event": "decline", "confirm": "1", "reason": "Nämnden berörs inte <alls>."})
    assert response.status_code == 302
    r_namnd.refresh_from_db()
    assert r_namnd.status == Referral.Status.DECLINED and r_namnd.decline_reason == "Nämnden berörs inte <alls>."
    board = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "Motivering: Nämnden berörs inte &lt;alls&gt;." in board
    detail = client.get(reverse("case_referral", args=[case.pk, r_namnd.pk])).content.decode()
    assert "Motivering till att avstå" in detail and "Nämnden berörs inte &lt;alls&gt;." in detail


def test_a_too_long_decline_reason_is_shown_again_and_nothing_changes(client, registrar, referred):
    case, r_namnd, _o = referred
    url = reverse("case_referral_event", args=[case.pk, r_namnd.pk])
    reason = "å" * 2001
    response = login(client, registrar).post(url, {"event": "decline", "confirm": "1", "reason": reason})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Texten är för lång" in page and reason in page
    r_namnd.refresh_from_db()
    assert r_namnd.status == Referral.Status.REFERRED and r_namnd.decline_reason == ""


@pytest.mark.parametrize(
    ("event", "question", "status"),
    [
        ("decline", "Avstå från att svara för socialnämnden? Det går inte att ångra.", Referral.Status.DECLINED),
        ("mark_no_answer", "Markera socialnämnden som ej besvarad? Det går inte att ångra.", Referral.Status.NO_ANSWER),
    ],
)
def test_a_final_referral_move_asks_first_and_happens_only_when_confirmed(
    client, registrar, referred, event, question, status
):
    case, r_namnd, _o = referred
    url = reverse("case_referral_event", args=[case.pk, r_namnd.pk])
    response = login(client, registrar).post(url, {"event": event, "back": "referral"})
    assert response.status_code == 200
    page = response.content.decode()
    assert question in text(response)
    assert 'name="confirm" value="1"' in page and f'name="event" value="{event}"' in page
    assert 'name="back" value="referral"' in page
    assert f'href="{reverse("case_referral", args=[case.pk, r_namnd.pk])}">Tillbaka</a>' in page
    r_namnd.refresh_from_db()
    assert r_namnd.status == Referral.Status.REFERRED
    assert r_namnd.history.count() == 1  # nothing written
    response = client.post(url, {"event": event, "back": "referral", "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("case_referral", args=[case.pk, r_namnd.pk])
    r_namnd.refresh_from_db()
    assert r_namnd.status == status


def test_answering_the_case_asks_first_from_the_board(client, registrar, referred, ks):
    case = referred[0]
    workflow.start_compiling(case, by=registrar)
    workflow.record_city_decision(case, body=ks, points=["Remissen besvaras."], by=registrar)
    response = login(client, registrar).post(reverse("case_event", args=[case.pk]), {"event": "answer"})
    assert response.status_code == 200
    assert "Markera ärendet som besvarat? Det går inte att ångra." in text(response)
    assert f'href="{reverse("case_detail", args=[case.pk])}">Tillbaka</a>' in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED
    client.post(reverse("case_event", args=[case.pk]), {"event": "answer", "confirm": "1"})
    case.refresh_from_db()
    assert case.status == Case.Status.ANSWERED


def test_registrar_changes_a_referral_deadline(client, registrar, referred):
    case, r_namnd, _o = referred
    login(client, registrar)
    response = client.post(reverse("case_referral_deadline", args=[case.pk, r_namnd.pk]), {"deadline": "2030-03-20"})
    assert response.status_code == 302
    r_namnd.refresh_from_db()
    assert r_namnd.deadline == date(2030, 3, 20)
    bad = text(client.post(reverse("case_referral_deadline", args=[case.pk, r_namnd.pk]), {"deadline": "2030-05-20"}))
    assert "Svarsdatumet (20 maj 2030) kan inte vara efter remisstiden (28 april 2030)." in bad
    assert 'value="2030-05-20"' in bad
    r_namnd.refresh_from_db()
    assert r_namnd.deadline == date(2030, 3, 20)


def test_registrar_writes_the_background(client, registrar, case):
    login(client, registrar)
    page = text(client.get(reverse("case_background", args=[case.pk])))
    assert "data-richtext" in page and "remiss/editor.js" in page
    response = client.post(
        reverse("case_background", args=[case.pk]),
        {
            "text": "<h2>Bakgrund</h2><p>Regeringen <b>beslutade</b>.</p><script>alert(1)</script>",
            "version": str(case.version),
            "text_format": "html",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.background == "<h3>Bakgrund</h3><p>Regeringen <strong>beslutade</strong>.</p>"


def test_registrar_writes_the_city_proposal(client, registrar, referred):
    case = referred[0]
    version = case.city_proposal.version
    response = login(client, registrar).post(
        reverse("case_city_proposal", args=[case.pk]),
        {
            "decision_points": (
                "1. Remissen besvaras med hänvisning till promemorian.\n\n2. Paragrafen justeras omedelbart."
            ),
            "summary": "<p>Sammanfattning.</p>",
            "views": "<p>Mina synpunkter.</p>",
            "signed_place": "Stockholm",
            "summary_format": "html",
            "views_format": "html",
            "signed_date": "2030-04-20",
            "version": str(version),
        },
    )
    assert response.status_code == 302
    proposal = CityProposal.objects.get(case=case)
    assert proposal.decision_points == [
        "Remissen besvaras med hänvisning till promemorian.",
        "Paragrafen justeras omedelbart.",
    ]
    assert proposal.summary == "<p>Sammanfattning.</p>" and proposal.signed_date == date(2030, 4, 20)
    assert proposal.version == version + 1


def test_summary_is_prefilled_from_positions(client, registrar, referred, officer):
    case, r_namnd, r_office = referred
    workflow.set_position(r_namnd, position="Socialnämnden ställer sig överlag positiv till förslagen.", by=officer)
    workflow.set_position(r_office, position="Stadsledningskontoret har inga synpunkter.", by=registrar)
    page = text(login(client, registrar).get(reverse("case_city_proposal", args=[case.pk])))
    textarea = page[page.index('name="summary"') :]
    textarea = textarea[: textarea.index("</textarea>")]
    assert (
        "Socialnämnden ställer sig överlag positiv till förslagen.\n\nStadsledningskontoret" in textarea
    )  # as plain text
    assert 'value="<p>Socialnämnden ställer sig överlag positiv till förslagen.</p>' in page  # as HTML, for the editor
    assert textarea.index("Socialnämnden") < textarea.index("Stadsledningskontoret har inga synpunkter.")
    assert "Sammanfattningen är förifylld" in page
    # The stances per proposal follow the body's sentence once its answer is ready.
    committee = workflow.add_proposal(case, number="4", kind=Proposal.Kind.FORSLAG, title="En kommitté", by=registrar)
    workflow.save_opinion(r_office, text="<p>Svar.</p>", date=date(2030, 2, 1), by=registrar)
    workflow.set_proposal_position(r_office, proposal=committee, stance="avstyrker", by=registrar)
    workflow.mark_opinion_ready(r_office, by=registrar)
    page = text(client.get(reverse("case_city_proposal", args=[case.pk])))
    textarea = page[page.index('name="summary"') :]
    textarea = textarea[: textarea.index("</textarea>")]
    assert "\n\nStadsledningskontoret har inga synpunkter. Stadsledningskontoret avstyrker förslag 4." in textarea
    # Once saved, the registrar's own text is what comes back, not the draft.
    workflow.save_city_proposal(case, summary="<p>Min egen inledning.</p>", by=registrar)
    page = text(client.get(reverse("case_city_proposal", args=[case.pk])))
    textarea = page[page.index('name="summary"') :]
    assert "Min egen inledning." in textarea[: textarea.index("</textarea>")]
    assert "Sammanfattningen är förifylld" not in page


def test_stale_city_proposal_shows_both_versions_and_keeps_the_text(client, registrar, referred):
    case = referred[0]
    stale = case.city_proposal.version
    workflow.save_city_proposal(case, summary="<p>Kollegans text.</p>", by=registrar)
    response = login(client, registrar).post(
        reverse("case_city_proposal", args=[case.pk]),
        {
            "decision_points": "Remissen besvaras.",
            "summary": "<p>Min text som inte får försvinna.</p>",
            "views": "",
            "signed_place": "Stockholm",
            "signed_date": "",
            "version": str(stale),
        },
    )
    assert response.status_code == 409
    page = text(response)
    assert "Någon annan har sparat texten medan du skrev. Jämför din version med den sparade." in page
    assert "Din version" in page and "Sparad version" in page and "Kollegans text." in page
    assert "Min text som inte får försvinna." in page[page.index('name="summary"') :]
    assert f'name="version" value="{stale + 1}"' in page  # saving again now overwrites, on purpose
    assert CityProposal.objects.get(case=case).summary == "<p>Kollegans text.</p>"


def test_stale_background_shows_both_versions(client, registrar, case):
    login(client, registrar)
    page = text(client.get(reverse("case_background", args=[case.pk])))
    version = int(page.split('name="version" value="')[1].split('"')[0])
    assert version == Case.objects.get(pk=case.pk).version
    workflow.save_background(case, text="<p>Någon annans bakgrund.</p>", by=registrar)
    response = client.post(
        reverse("case_background", args=[case.pk]), {"text": "<p>Min bakgrund.</p>", "version": str(version)}
    )
    assert response.status_code == 409
    page = text(response)
    assert "Någon annan har sparat texten medan du skrev." in page
    assert "Någon annans bakgrund." in page and "Min bakgrund." in page
    assert "Min bakgrund." in page[page.index('name="text"') :]  # still in the editor, to save again
    assert f'name="version" value="{version + 1}"' in page  # saving again now overwrites, on purpose
    case.refresh_from_db()
    assert case.background == "<p>Någon annans bakgrund.</p>"


def test_city_proposal_locked_after_the_decision(client, registrar, referred, ks):
    case = referred[0]
    workflow.start_compiling(case, by=registrar)
    workflow.record_city_decision(case, body=ks, points=["Remissen besvaras."], by=registrar)
    before = snapshot()
    page = text(
        login(client, registrar).post(
            reverse("case_city_proposal", args=[case.pk]),
            {
                "decision_points": "x",
                "summary": "<p>Sent tillägg.</p>",
                "views": "",
                "signed_place": "Stockholm",
                "signed_date": "",
                "version": str(case.city_proposal.version),
            },
        )
    )
    assert "Kommunstyrelsen har beslutat i ärendet. Ärendet och förslaget till beslut kan inte längre ändras." in page
    assert "Sent tillägg." in page
    assert snapshot() == before


def test_city_proposal_page_is_read_only_after_the_decision(client, registrar, referred, ks):
    case = referred[0]
    workflow.save_city_proposal(
        case, decision_points=["Remissen besvaras."], summary="<p>Beslutad text.</p>", by=registrar
    )
    workflow.start_compiling(case, by=registrar)
    workflow.record_city_decision(case, body=ks, points=["Remissen besvaras."], by=registrar)
    url = reverse("case_city_proposal", args=[case.pk])
    response = login(client, registrar).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="summary"' not in page and "remiss/editor.js" not in page
    assert "Ärendet och förslaget till beslut kan inte längre ändras." in page
    assert "Beslutad text." in page and "Remissen besvaras." in page
    response = client.post(
        url,
        {
            "decision_points": "x",
            "summary": "<p>Sent tillägg.</p>",
            "views": "",
            "signed_place": "Stockholm",
            "signed_date": "",
            "version": str(CityProposal.objects.get(case=case).version),
        },
    )
    assert response.status_code == 409
    assert "Det du skrev (inte sparat)" in text(response) and "Sent tillägg." in text(response)
    assert CityProposal.objects.get(case=case).summary == "<p>Beslutad text.</p>"


def test_background_is_editable_while_compiling(client, registrar, referred):
    case = referred[0]
    workflow.start_compiling(case, by=registrar)
    url = reverse("case_background", args=[case.pk])
    page = text(login(client, registrar).get(url))
    assert 'name="text"' in page and "kan inte längre ändras" not in page
    response = client.post(url, {"text": "Rättat stavfel.", "version": str(Case.objects.get(pk=case.pk).version)})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).background == "<p>Rättat stavfel.</p>"


def test_background_page_is_read_only_once_kommunstyrelsen_has_decided(client, registrar, referred, ks):
    case = referred[0]
    workflow.save_background(case, text="<p>Betänkandet i korthet.</p>", by=registrar)
    workflow.start_compiling(case, by=registrar)
    workflow.record_city_decision(case, body=ks, points=["Remissen besvaras."], by=registrar)
    url = reverse("case_background", args=[case.pk])
    response = login(client, registrar).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="text"' not in page and "remiss/editor.js" not in page
    assert "Kommunstyrelsen har beslutat i ärendet. Ärendet och förslaget till beslut kan inte längre ändras." in text(
        response
    )
    assert "Betänkandet i korthet." in page
    before = snapshot()
    version = Case.objects.get(pk=case.pk).version
    response = client.post(
        url, {"text": "<p>Sen ändring <b>efter</b> beslutet.</p>", "text_format": "html", "version": str(version)}
    )
    assert response.status_code == 409
    page = text(response)
    assert "Det gick inte att spara" in page and "Ärendet och förslaget till beslut kan inte längre ändras." in page
    assert "Det du skrev (inte sparat)" in page and "Sen ändring <strong>efter</strong> beslutet." in page
    assert snapshot() == before
    assert Case.objects.get(pk=case.pk).version == version


def test_registrar_records_the_city_decisions(client, registrar, referred, brb, ks):
    case = referred[0]
    login(client, registrar)
    page = text(client.get(reverse("case_city_decisions", args=[case.pk])))
    assert "Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag." in page  # pre-filled
    response = client.post(
        reverse("case_city_decisions", args=[case.pk]),
        {
            "body": str(brb.pk),
            f"beslut{brb.pk}-points": "Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag.",
            f"beslut{brb.pk}-meeting_date": "2030-04-19",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(case=case, body=brb)
    assert decision.meeting_date == date(2030, 4, 19)
    # Kommunstyrelsen decides the case; that needs the compilation to have started.
    refused = text(
        client.post(
            reverse("case_city_decisions", args=[case.pk]),
            {"body": str(ks.pk), f"beslut{ks.pk}-points": "Remissen besvaras."},
        )
    )
    assert "Det går inte att registrera kommunstyrelsens beslut när statusen är ”Remitterat”." in refused
    assert "Remissen besvaras." in refused
    workflow.start_compiling(case, by=registrar)
    client.post(
        reverse("case_city_decisions", args=[case.pk]),
        {"body": str(ks.pk), f"beslut{ks.pk}-points": "Remissen besvaras."},
    )
    case.refresh_from_db()
    assert case.status == Case.Status.DECIDED


def test_city_decision_meeting_after_the_remisstid(client, registrar, referred, brb):
    case = referred[0]
    page = text(
        login(client, registrar).post(
            reverse("case_city_decisions", args=[case.pk]),
            {
                "body": str(brb.pk),
                f"beslut{brb.pk}-points": "Tillstyrker.",
                f"beslut{brb.pk}-meeting_date": "2030-05-02",
            },
        )
    )
    assert "Sammanträdet kan inte ligga efter remisstiden (28 april 2030)." in page
    assert 'value="2030-05-02"' in page
    assert not Decision.objects.filter(body=brb).exists()


def test_registrar_justerar_a_city_decision(client, registrar, brb_decision):
    case = brb_decision.case
    response = login(client, registrar).post(
        reverse("case_city_decision_justera", args=[case.pk, brb_decision.pk]), {"confirm": "1"}
    )
    assert response.status_code == 302
    brb_decision.refresh_from_db()
    assert brb_decision.justered


def test_justering_on_stadens_beslut_asks_first(client, registrar, brb_decision):
    """Issue 10: justering cannot be undone, yet it was one click."""
    case = brb_decision.case
    url = reverse("case_city_decision_justera", args=[case.pk, brb_decision.pk])
    history = brb_decision.history.count()
    response = login(client, registrar).post(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Justera borgarrådsberedningens beslut? Det går inte att ångra." in text(response)
    assert f'action="{url}"' in page and 'name="confirm" value="1"' in page
    assert f'href="{reverse("case_city_decisions", args=[case.pk])}">Tillbaka</a>' in page
    brb_decision.refresh_from_db()
    assert not brb_decision.justered and brb_decision.history.count() == history  # nothing written


def test_justering_an_already_justered_city_decision_is_refused_without_asking(client, registrar, brb_decision):
    workflow.justera(brb_decision, by=registrar)
    case = brb_decision.case
    response = login(client, registrar).post(reverse("case_city_decision_justera", args=[case.pk, brb_decision.pk]))
    assert response.status_code == 302
    assert "Beslutet är justerat." in text(client.get(response["Location"]))


def test_registrar_enters_a_statement_for_named_politicians(client, registrar, brb_decision, borgarrad):
    case = brb_decision.case
    fjellner, jonsson = borgarrad
    login(client, registrar)
    page = text(client.get(reverse("case_city_statement", args=[case.pk, brb_decision.pk])))
    assert "<legend>Författare</legend>" in page and "Jan Jönsson (L)" in page
    assert 'for="id_author_1"' in page and 'for="id_author_1_mfl"' in page
    response = client.post(
        reverse("case_city_statement", args=[case.pk, brb_decision.pk]),
        {
            "kind": "sarskilt_uttalande",
            "author_1": str(fjellner.pk),
            "author_2": str(jonsson.pk),
            "author_title": "borgarråden",
            "text": "<p>Vi vill framhålla skolans roll.</p>",
        },
    )
    assert response.status_code == 302
    statement = Statement.objects.get(decision=brb_decision)
    assert [a.politician for a in statement.authors.all()] == [fjellner, jonsson]
    assert statement.created_by == registrar
    listing = text(client.get(response["Location"]))
    assert "Särskilt uttalande av borgarråden" in listing and "Vi vill framhålla skolans roll." in listing


def test_statement_needs_text(client, registrar, brb_decision, borgarrad):
    case = brb_decision.case
    page = text(
        login(client, registrar).post(
            reverse("case_city_statement", args=[case.pk, brb_decision.pk]),
            {"kind": "sarskilt_uttalande", "author_1": str(borgarrad[0].pk), "author_title": "borgarrådet", "text": ""},
        )
    )
    assert "Skriv en text, eller ange vilket uttalande det är likalydande med." in page
    assert 'value="borgarrådet"' in page
    assert not Statement.objects.exists()


def test_statement_on_a_justered_decision_is_refused(client, registrar, brb_decision, borgarrad):
    workflow.justera(brb_decision, by=registrar)
    case = brb_decision.case
    before = snapshot()
    response = login(client, registrar).post(
        reverse("case_city_statement", args=[case.pk, brb_decision.pk]),
        {"kind": "sarskilt_uttalande", "author_1": str(borgarrad[0].pk), "text": "<p>För sent.</p>"},
    )
    page = text(response)
    assert "Beslutet är justerat. Det och dess uttalanden kan inte längre ändras." in page
    assert 'role="status"' in page
    assert snapshot() == before


def test_acting_on_a_justered_referral_is_refused(client, registrar, referred, officer):
    case, r_namnd, _o = referred
    workflow.save_opinion(r_namnd, text="<p>Text.</p>", date=date(2030, 2, 1), by=officer)
    workflow.mark_opinion_ready(r_namnd, by=officer)
    decision = workflow.record_decision(r_namnd, meeting_date=date(2030, 3, 20), points=["Godkänner."], by=officer)
    workflow.justera(decision, by=officer)
    before = snapshot()
    login(client, registrar)
    response = client.post(
        reverse("case_referral_event", args=[case.pk, r_namnd.pk]), {"event": "mark_no_answer"}, follow=True
    )
    assert "Det går inte att markera som ej besvarad när statusen är ”Justerad”." in text(response)
    response = client.post(reverse("case_referral_deadline", args=[case.pk, r_namnd.pk]), {"deadline": "2030-03-01"})
    assert "Remitteringen är avslutad; svarsdatumet kan inte ändras." in text(response)
    assert snapshot() == before


# --- Validation: Swedish messages, typed values kept -------------------------------------------


CASE_INPUT = {
    "title": "Mitt betänkande",
    "reference": "SOU 2031:5",
    "sender": "Justitiedepartementet",
    "ministry_dnr": "Ju2031/5",
    "city_dnr": "KS 2031/5-1.1",
    "received": "2031-02-10",
    "deadline": "2031-01-31",
}


def test_remisstid_before_received_is_refused_on_the_field(client, registrar):
    response = login(client, registrar).post(reverse("case_create"), CASE_INPUT)
    assert response.status_code == 200
    page = text(response)
    assert "Remisstiden (31 januari 2031) kan inte vara före datumet då remissen kom in (10 februari 2031)." in page
    assert 'id="id_deadline_error"' in page and 'aria-invalid="true"' in page
    assert 'aria-describedby="id_deadline_helptext id_deadline_error"' in page
    assert 'value="Mitt betänkande"' in page and 'value="2031-01-31"' in page and 'value="KS 2031/5-1.1"' in page
    assert not Case.objects.filter(reference="SOU 2031:5").exists()


def test_duplicate_reference_and_dnr_are_refused(client, registrar, case):
    page = text(
        login(client, registrar).post(
            reverse("case_create"),
            {
                **CASE_INPUT,
                "deadline": "2031-04-28",
                "reference": case.reference.lower(),
                "city_dnr": case.city_dnr,
            },
        )
    )
    assert f"Det finns redan ett ärende med beteckningen {case.reference.lower()}: {case.full_title}." in page
    assert f"Stadens diarienummer {case.city_dnr} används redan av ärendet {case.full_title}." in page
    assert Case.objects.count() == 1


def test_empty_required_fields(client, registrar):
    page = text(
        login(client, registrar).post(reverse("case_create"), {**CASE_INPUT, "title": "", "deadline": "2031-04-28"})
    )
    assert "Skriv betänkandets titel." in page
    assert 'value="SOU 2031:5"' in page


def test_empty_background_is_refused(client, registrar, case):
    workflow.save_background(case, text="<p>Gammal text.</p>", by=registrar)
    page = text(login(client, registrar).post(reverse("case_background", args=[case.pk]), {"text": "  "}))
    assert "Skriv texten för Ärendet innan du sparar." in page
    case.refresh_from_db()
    assert case.background == "<p>Gammal text.</p>"


@pytest.mark.parametrize(
    "deadline, message",
    [
        (
            "2030-01-05",
            "Svarsdatumet (5 januari 2030) kan inte vara före datumet då remissen kom in (10 januari 2030).",
        ),
        ("2030-05-05", "Svarsdatumet (5 maj 2030) kan inte vara efter remisstiden (28 april 2030)."),
        ("", "Ange ett svarsdatum för socialnämnden."),
    ],
)
def test_referral_deadline_outside_the_case_dates(client, registrar, case, namnd, office, deadline, message):
    response = login(client, registrar).post(
        reverse("case_refer", args=[case.pk]),
        {
            f"b{namnd.pk}-chosen": "on",
            f"b{namnd.pk}-deadline": deadline,
            f"b{namnd.pk}-order": "1",
            f"b{office.pk}-chosen": "on",
            f"b{office.pk}-deadline": "2030-04-12",
            f"b{office.pk}-order": "2",
        },
    )
    assert response.status_code == 200
    page = text(response)
    error_id = f"id_b{namnd.pk}-deadline_error"
    assert f'<p class="field-error" id="{error_id}">{message}' in page
    assert f'aria-describedby="{error_id}"' in page
    typed = f' value="{deadline}"'
    assert (
        f'<input type="date" name="b{namnd.pk}-deadline"{typed} aria-invalid="true" aria-describedby="{error_id}"'
        in page
    )
    assert f'<input type="checkbox" name="b{office.pk}-chosen" id="id_b{office.pk}-chosen" checked>' in page
    assert f'name="b{office.pk}-deadline" value="2030-04-12"' in page
    assert not Referral.objects.exists()


def test_refer_needs_a_body(client, registrar, case, namnd):
    page = text(
        login(client, registrar).post(
            reverse("case_refer", args=[case.pk]), {f"b{namnd.pk}-deadline": "2030-03-31", f"b{namnd.pk}-order": "1"}
        )
    )
    assert "Välj minst en remissinstans." in page
    assert not Referral.objects.exists()
    # Issue 12, item 4: the message is tied to the group of bodies, which is marked invalid.
    group = re.search(
        r'<fieldset class="plain refer-choice" aria-describedby="([^"]+)" aria-invalid="true">(.*?)</fieldset>',
        page,
        re.S,
    )
    assert group, "the bodies' group is not marked invalid"
    assert "refer-error" in group.group(1).split()
    assert '<p class="field-error" id="refer-error">Välj minst en remissinstans.' in group.group(2)


def test_refer_page_group_is_not_invalid_before_a_post(client, registrar, case, namnd):
    page = text(login(client, registrar).get(reverse("case_refer", args=[case.pk])))
    assert '<fieldset class="plain refer-choice" aria-describedby="refer-help">' in page
    assert 'aria-invalid="true"' not in page


def test_refer_refused_while_compiling(client, registrar, referred):
    case = referred[0]
    workflow.start_compiling(case, by=registrar)
    extra = BodyFactory()
    page = text(
        login(client, registrar).post(
            reverse("case_refer", args=[case.pk]),
            {f"b{extra.pk}-chosen": "on", f"b{extra.pk}-deadline": "2030-03-31", f"b{extra.pk}-order": "1"},
        )
    )
    assert "Det går inte att remittera när statusen är ”Sammanställs”." in page
    assert case.referrals.count() == 2


# --- Query counts: constant in the number of cases and bodies ----------------------------------


def _politician_in(body):
    politician = PoliticianFactory()
    SeatFactory(politician=politician, body=body)
    return politician


@pytest.mark.parametrize("n", [5, 50])
def test_case_list_query_count_is_constant(client, registrar, django_assert_max_num_queries, n):
    body = BodyFactory()
    for _ in range(n):
        case = CaseFactory()
        workflow.refer(case, bodies=[ReferralSpec(body, date(2030, 3, 31))], by=registrar)
    login(client, registrar)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("case_list"))
    assert response.status_code == 200
    assert text(response).count("0 av 1 har svarat") == min(n, 25)


@pytest.mark.parametrize("n", [5, 50])
def test_status_board_query_count_is_constant(client, registrar, django_assert_max_num_queries, n, brb):
    case = CaseFactory()
    bodies = [BodyFactory() for _ in range(n)]
    referrals = workflow.refer(case, bodies=[ReferralSpec(b, date(2030, 3, 31)) for b in bodies], by=registrar)
    officer = OfficerFactory(bodies=bodies)
    for referral in referrals[::2]:
        workflow.save_opinion(referral, text="<p>Text.</p>", date=date(2030, 2, 1), by=officer)
        workflow.mark_opinion_ready(referral, by=officer)
        decision = workflow.record_decision(referral, meeting_date=date(2030, 3, 1), points=["Godkänner."], by=officer)
        first = workflow.add_statement(
            decision,
            kind="sarskilt_uttalande",
            authors=[AuthorSpec(_politician_in(referral.body))],
            text="<p>Uttalande.</p>",
            by=officer,
        )
        workflow.add_statement(
            decision,
            kind="sarskilt_uttalande",
            authors=[AuthorSpec(_politician_in(referral.body))],
            endorses=first,
            text="",
            by=officer,
        )
    politician = _politician_in(brb)
    city = workflow.record_city_decision(case, body=brb, points=["Tillstyrker."], by=registrar)
    workflow.add_statement(
        city,
        kind="sarskilt_uttalande",
        authors=[AuthorSpec(politician)],
        identical_to=Statement.objects.first(),
        by=registrar,
    )
    login(client, registrar)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("case_detail", args=[case.pk]))
    assert response.status_code == 200
    page = text(response)
    assert page.count("Beslut 1 mars 2030") == len(referrals[::2])
    # The board counts each decision's statements in SQL: two per nämnd, borgarrådsberedningen's one.
    assert page.count("; 2 uttalanden") == len(referrals[::2])
    assert "; 1 uttalande</li>" in page


def test_no_prefilled_note_when_no_body_has_a_position(client, registrar, referred):
    case = referred[0]
    page = text(login(client, registrar).get(reverse("case_city_proposal", args=[case.pk])))
    assert 'name="summary"' in page and "Sammanfattningen är förifylld" not in page  # nothing was filled in


def test_city_texts_link_to_the_case_facts_and_their_history(client, registrar, referred):
    case = referred[0]
    login(client, registrar)
    page = text(client.get(reverse("case_city_proposal", args=[case.pk])))
    assert f'ange det under <a href="{reverse("case_edit", args=[case.pk])}">Ändra uppgifterna</a>.' in page
    assert f'<a href="{reverse("history_city_proposal", args=[case.pk])}">Historik' in page
    history = reverse("history_background", args=[case.pk])
    assert history not in text(client.get(reverse("case_background", args=[case.pk])))  # nothing written yet
    workflow.save_background(case, text="<p>Bakgrund.</p>", by=registrar)
    assert f'<a href="{history}">Historik' in text(client.get(reverse("case_background", args=[case.pk])))


def test_kommunstyrelsen_form_says_how_the_case_gets_to_compiling(client, registrar, referred, brb, ks):
    case = referred[0]
    page = text(login(client, registrar).get(reverse("case_city_decisions", args=[case.pk])))
    assert "när ärendet har statusen ”Sammanställs”" in page
    assert f'Börja sammanställa på <a href="{reverse("case_detail", args=[case.pk])}">översikten</a>' in page


# --- The memo ----------------------------------------------------------------------------------


@pytest.fixture
def memo_case(referred, registrar, officer, brb, ks, borgarrad, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case, r_namnd, r_office = referred
    case.commissioner = borgarrad[0]
    case.save()
    workflow.save_background(case, text="<p>Regeringen beslutade att tillkalla en kommitté.</p>", by=registrar)
    workflow.save_opinion(
        r_namnd, text="<p>Förvaltningen tillstyrker förslagen.</p>", date=date(2030, 2, 22), by=officer
    )
    workflow.mark_opinion_ready(r_namnd, by=officer)
    workflow.record_decision(
        r_namnd,
        meeting_date=date(2030, 3, 21),
        points=["Socialnämnden godkänner tjänsteutlåtandet."],
        position="Socialnämnden ställer sig positiv.",
        by=officer,
    )
    workflow.save_opinion(r_office, text="<p>Kontoret har inga synpunkter.</p>", date=date(2030, 3, 1), by=registrar)
    workflow.mark_opinion_ready(r_office, by=registrar)
    workflow.save_city_proposal(
        case,
        decision_points=["Remissen besvaras."],
        summary="<p>Kort sammanfattning.</p>",
        views="<p>Synpunkter.</p>",
        signed_date=date(2030, 4, 20),
        by=registrar,
    )
    return case


@pytest.mark.parametrize("n", [5, 50])
def test_memo_preview_query_count_is_constant(client, registrar, django_assert_max_num_queries, n):
    case = answered_case(n)
    login(client, registrar)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("memo_preview", args=[case.pk]))
    assert response.status_code == 200
    assert text(response).count("Vi har en egen mening.") == n - 1  # every nämnd's statement is shown


def test_registrar_previews_the_memo(client, registrar, memo_case):
    response = login(client, registrar).get(reverse("memo_preview", args=[memo_case.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "Förvaltningen tillstyrker förslagen." in page and "Kort sammanfattning." in page
    assert "remiss-static:" not in page and "/static/remiss/memo.css" in page


@pytest.mark.django_db(transaction=True)  # the task is queued on commit; test_tasks.py covers the queue itself
def test_registrar_compiles_and_downloads_the_memo(client, registrar, memo_case, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }  # renders in the request
    login(client, registrar)
    response = client.post(reverse("memo_compile", args=[memo_case.pk]), follow=True)
    memo = Memo.objects.get(case=memo_case)
    page = text(response)
    assert f"Promemorian är sammanställd: {memo.pages} sidor." in page
    assert memo.sha256 in page and memo.created_by == registrar
    download = client.get(reverse("memo_download", args=[memo_case.pk, memo.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;") and "SOU-2030-" in disposition and ".pdf" in disposition
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == memo.sha256


def test_registrar_lists_earlier_compilations(client, registrar, memo):
    memo.created_by = registrar
    memo.save()
    page = text(login(client, registrar).get(reverse("memo_list", args=[memo.case.pk])))
    assert memo.sha256 in page and reverse("memo_download", args=[memo.case.pk, memo.pk]) in page
    assert registrar.get_full_name() in page
    # each compilation leads to the exact versions it contains, and the words are the same as elsewhere
    assert f'<a href="{reverse("memo_versions", args=[memo.pk])}">Texternas versioner' in page
    assert "Ladda ner som Word (.docx)" in page and "Ladda ner svarspaket (zip)" in page and "Ladda ned" not in page


def test_referral_and_city_decision_pages_link_every_texts_history(
    client, registrar, memo_case, referred, brb, borgarrad
):
    _case, r_namnd, _office = referred
    decision = Decision.objects.get(case=memo_case, body=r_namnd.body)
    login(client, registrar)
    page = text(client.get(reverse("case_referral", args=[memo_case.pk, r_namnd.pk])))
    assert f'<a href="{reverse("history_opinion", args=[r_namnd.opinion.pk])}">Historik' in page
    assert f'<a href="{reverse("history_decision", args=[decision.pk])}">Historik' in page
    assert f'<a href="{reverse("decision_namnd_changes", args=[decision.pk])}">Vad nämnden ändrade</a>' in page
    brb_decision = workflow.record_city_decision(memo_case, body=brb, points=["Tillstyrker."], by=registrar)
    statement = workflow.add_statement(
        brb_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(borgarrad[0])],
        text="<p>Vi vill mer.</p>",
        by=registrar,
    )
    page = text(client.get(reverse("case_city_decisions", args=[memo_case.pk])))
    assert f'<a href="{reverse("history_decision", args=[brb_decision.pk])}">Historik' in page
    assert f'<a href="{reverse("history_statement", args=[statement.pk])}">Historik' in page


def test_download_of_another_cases_memo_is_404(client, registrar, memo):
    other = CaseFactory()
    assert login(client, registrar).get(reverse("memo_download", args=[other.pk, memo.pk])).status_code == 404


# --- The referral's handläggare ------------------------------------------------------------------


def test_registrar_assigns_officers_of_the_body(client, registrar, referred, officer):
    case, r_namnd, _o = referred
    colleague = OfficerFactory(username="kollega", first_name="Ulla", last_name="Berg", bodies=[r_namnd.body])
    elsewhere = OfficerFactory(username="annan", first_name="Per", last_name="Annan", bodies=[OfficeFactory()])
    url = reverse("case_referral", args=[case.pk, r_namnd.pk])
    page = text(login(client, registrar).get(url))
    form = page[page.index('id="officers-heading"') :]
    assert "<legend" in form and "Handläggare" in form
    assert f'value="{colleague.pk}"' in form and '<label for="id_officers_' in form and "Ulla Berg" in form
    assert "Per Annan" not in form and f'value="{elsewhere.pk}"' not in form
    response = client.post(
        reverse("case_referral_officers", args=[case.pk, r_namnd.pk]), {"officers": [str(colleague.pk)]}
    )
    assert response.status_code == 302
    assert list(r_namnd.officers.all()) == [colleague]
    latest = Referral.history.filter(id=r_namnd.pk).order_by("-history_id").first()
    assert (latest.history_change_reason, latest.history_user) == ("Handläggare tilldelade: Ulla Berg", registrar)
    page = text(client.get(url))
    assert "Handläggarna för socialnämnden är sparade." in page
    import re

    boxes = {
        m.group(1): "checked" in m.group(0)
        for m in re.finditer(r'<input type="checkbox" name="officers" value="(\d+)"[^>]*>', page)
    }
    assert boxes == {str(officer.pk): False, str(colleague.pk): True}
    # The officers' dashboards: both see the referral (it is their body's); the assigned one sees it is theirs.
    client.force_login(colleague)
    mine = text(client.get(reverse("officer_home")))
    assert case.title in mine and "Du är handläggare" in mine
    client.force_login(officer)
    theirs = text(client.get(reverse("officer_home")))
    assert case.title in theirs and "Du är handläggare" not in theirs


def test_officer_of_another_body_is_refused_in_swedish(client, registrar, referred, officer):
    case, r_namnd, _o = referred
    workflow.assign_officers(r_namnd, officers=[officer], by=registrar)
    elsewhere = OfficerFactory(username="annan", first_name="Per", last_name="Annan", bodies=[OfficeFactory()])
    before = list(Referral.history.filter(id=r_namnd.pk).values_list("history_id", flat=True))
    response = login(client, registrar).post(
        reverse("case_referral_officers", args=[case.pk, r_namnd.pk]),
        {"officers": [str(officer.pk), str(elsewhere.pk)]},
    )
    assert response.status_code == 200
    page = text(response)
    assert "Per Annan är inte handläggare för socialnämnden och kan inte tilldelas den här remitteringen." in page
    assert 'aria-invalid="true"' in page
    assert list(r_namnd.officers.all()) == [officer]
    assert list(Referral.history.filter(id=r_namnd.pk).values_list("history_id", flat=True)) == before


def test_officers_cannot_change_once_the_referral_is_closed(client, registrar, referred, officer):
    case, r_namnd, _o = referred
    workflow.assign_officers(r_namnd, officers=[officer], by=registrar)
    workflow.decline(r_namnd, by=registrar)
    colleague = OfficerFactory(username="kollega", bodies=[r_namnd.body])
    login(client, registrar)
    page = text(client.get(reverse("case_referral", args=[case.pk, r_namnd.pk])))
    assert "Remitteringen har statusen ”Avstår”; handläggarna kan inte längre ändras." in page
    assert reverse("case_referral_officers", args=[case.pk, r_namnd.pk]) not in page
    response = client.post(
        reverse("case_referral_officers", args=[case.pk, r_namnd.pk]), {"officers": [str(colleague.pk)]}
    )
    assert response.status_code == 409
    assert "handläggarna kan inte längre ändras" in text(response)
    assert list(r_namnd.officers.all()) == [officer]


# --- Correcting a city decision -----------------------------------------------------------------


def _answered(case):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.ANSWERED)  # arrange only


def test_registrar_edits_a_city_decision(client, registrar, brb_decision):
    case = brb_decision.case
    url = reverse("case_city_decision_edit", args=[case.pk, brb_decision.pk])
    page = text(login(client, registrar).get(url))
    assert "Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag." in page
    assert f'name="version" value="{brb_decision.version}"' in page
    response = client.post(
        url,
        {
            "points": "Borgarrådsberedningen tillstyrker förslaget.\nDärutöver en punkt.",
            "meeting_date": "2030-04-19",
            "version": str(brb_decision.version),
        },
    )
    assert response.status_code == 302
    brb_decision.refresh_from_db()
    assert brb_decision.points == ["Borgarrådsberedningen tillstyrker förslaget.", "Därutöver en punkt."]
    assert brb_decision.meeting_date == date(2030, 4, 19)
    latest = Decision.history.filter(id=brb_decision.pk).order_by("-history_id").first()
    assert (latest.history_change_reason, latest.history_user) == ("Beslutet ändrat", registrar)
    assert "Ändra beslutet i borgarrådsberedningen" in text(client.get(reverse("case_city_decisions", args=[case.pk])))


def test_stale_city_decision_gives_409_and_keeps_the_typed_points(client, registrar, brb_decision):
    case = brb_decision.case
    stale = brb_decision.version
    workflow.edit_decision(brb_decision, points=["Kollegans punkt."], by=registrar, expected_version=stale)
    response = login(client, registrar).post(
        reverse("case_city_decision_edit", args=[case.pk, brb_decision.pk]),
        {
            "points": "Min punkt som inte får försvinna.",
            "meeting_date": "",
            "version": str(stale),
        },
    )
    assert response.status_code == 409
    page = text(response)
    assert "Någon annan har sparat texten medan du skrev." in page and "Kollegans punkt." in page
    assert "Min punkt som inte får försvinna." in page[page.index('name="points"') :]
    assert f'name="version" value="{stale + 1}"' in page
    assert Decision.objects.get(pk=brb_decision.pk).points == ["Kollegans punkt."]


@pytest.mark.parametrize("lock", ["justered", "answered"])
def test_city_decision_edit_refused_when_locked(client, registrar, brb_decision, lock):
    case = brb_decision.case
    if lock == "justered":
        workflow.justera(brb_decision, by=registrar)
        message = "Beslutet är justerat. Det och dess uttalanden kan inte längre ändras."
    else:
        _answered(case)
        message = "Ärendet är besvarat. Beslutet och dess uttalanden kan inte längre ändras."
    url = reverse("case_city_decision_edit", args=[case.pk, brb_decision.pk])
    login(client, registrar)
    page = text(client.get(url))
    assert message in page and "disabled" in page and "Spara ändringarna" not in page
    listing = text(client.get(reverse("case_city_decisions", args=[case.pk])))
    assert url not in listing and message in listing
    before = snapshot()
    response = client.post(
        url, {"points": "Sent ändrad punkt.", "meeting_date": "", "version": str(brb_decision.version)}
    )
    assert response.status_code == 409
    page = text(response)
    assert message in page and "Sent ändrad punkt." in page
    assert snapshot() == before


# --- Correcting and removing a statement on a city decision --------------------------------------


@pytest.fixture
def brb_statement(brb_decision, borgarrad, registrar):
    fjellner, jonsson = borgarrad
    return workflow.add_statement(
        brb_decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(fjellner), AuthorSpec(jonsson)],
        author_title="borgarråden",
        text="<p>Vi vill framhålla skolans roll.</p>",
        by=registrar,
    )


def _statement_post(statement, **changes):
    data = {
        "kind": "sarskilt_uttalande",
        "author_title": "borgarråden",
        "text": "<p>Vi vill framhålla skolans roll.</p>",
        "backed_proposal": "",
        "identical_to": "",
        "endorses": "",
        "version": str(statement.version),
        "text_format": "html",
    }
    data.update(changes)
    return data


def test_registrar_edits_a_statement(client, registrar, brb_statement, borgarrad):
    fjellner, jonsson = borgarrad
    decision = brb_statement.decision
    url = reverse("case_city_statement_edit", args=[decision.case_id, decision.pk, brb_statement.pk])
    page = text(login(client, registrar).get(url))
    assert "Vi vill framhålla skolans roll." in page and 'value="borgarråden"' in page
    first = page[page.index('name="author_1"') : page.index("</select>", page.index('name="author_1"'))]
    second = page[page.index('name="author_2"') : page.index("</select>", page.index('name="author_2"'))]
    assert f'value="{fjellner.pk}" selected' in first and f'value="{jonsson.pk}" selected' in second
    assert 'name="author_6"' in page and 'name="author_7"' not in page  # six slots, as when adding
    response = client.post(
        url,
        _statement_post(
            brb_statement,
            kind="reservation",
            author_1=str(jonsson.pk),
            author_1_mfl="on",
            author_2=str(fjellner.pk),
            text="<p>Vi reserverar oss.</p>",
            backed_proposal="Liberalernas förslag",
        ),
    )
    assert response.status_code == 302
    brb_statement.refresh_from_db()
    assert (brb_statement.kind, brb_statement.text, brb_statement.backed_proposal) == (
        "reservation",
        "<p>Vi reserverar oss.</p>",
        "Liberalernas förslag",
    )
    assert [(a.politician, a.and_others) for a in brb_statement.authors.order_by("order")] == [
        (jonsson, True),
        (fjellner, False),
    ]
    listing = text(client.get(response["Location"]))
    assert "Uttalandet i borgarrådsberedningens beslut är ändrat." in listing and "Vi reserverar oss." in listing


def test_statement_edit_keeps_more_than_six_authors(client, registrar, brb_statement, brb):
    more = [PoliticianFactory(first_name=f"Ledamot{i}", last_name="Testsson") for i in range(6)]
    for politician in more:
        SeatFactory(politician=politician, body=brb)
    authors = [AuthorSpec(a.politician) for a in brb_statement.authors.all()] + [AuthorSpec(p) for p in more]
    workflow.edit_statement(brb_statement, authors=authors, by=registrar)
    brb_statement.refresh_from_db()
    decision = brb_statement.decision
    url = reverse("case_city_statement_edit", args=[decision.case_id, decision.pk, brb_statement.pk])
    page = text(login(client, registrar).get(url))
    assert 'name="author_8"' in page and 'name="author_9"' not in page
    data = _statement_post(brb_statement, text="<p>Bara texten ändras.</p>")
    data.update({f"author_{n}": str(spec.politician.pk) for n, spec in enumerate(authors, start=1)})
    assert client.post(url, data).status_code == 302
    assert [a.politician for a in brb_statement.authors.order_by("order")] == [spec.politician for spec in authors]


def test_stale_statement_gives_409_and_keeps_the_typed_text(client, registrar, brb_statement, borgarrad):
    decision = brb_statement.decision
    stale = brb_statement.version
    workflow.edit_statement(brb_statement, text="<p>Kollegans rättelse.</p>", by=registrar, expected_version=stale)
    url = reverse("case_city_statement_edit", args=[decision.case_id, decision.pk, brb_statement.pk])
    response = login(client, registrar).post(
        url,
        _statement_post(
            brb_statement,
            version=str(stale),
            author_1=str(borgarrad[0].pk),
            text="<p>Min text som inte får försvinna.</p>",
        ),
    )
    assert response.status_code == 409
    page = text(response)
    assert "Någon annan har sparat texten medan du skrev." in page and "Kollegans rättelse." in page
    assert "Min text som inte får försvinna." in page[page.index('name="text"') :]
    assert f'name="version" value="{stale + 1}"' in page
    assert Statement.objects.get(pk=brb_statement.pk).text == "<p>Kollegans rättelse.</p>"
    assert brb_statement.authors.count() == 2


def test_statement_edit_refused_in_swedish_on_the_field(client, registrar, brb_statement, borgarrad, politician_user):
    decision = brb_statement.decision
    url = reverse("case_city_statement_edit", args=[decision.case_id, decision.pk, brb_statement.pk])
    before = snapshot()
    page = text(
        login(client, registrar).post(
            url,
            _statement_post(
                brb_statement, author_1=str(borgarrad[0].pk), author_2=str(borgarrad[0].pk), text="<p>Dubbel.</p>"
            ),
        )
    )
    assert "Christofer Fjellner står redan bland författarna." in page and "Dubbel." in page
    page = text(
        client.post(url, _statement_post(brb_statement, kind="ersattaryttrande", author_1=str(borgarrad[0].pk)))
    )
    assert "Christofer Fjellner är inte ersättare i borgarrådsberedningen" in page
    assert snapshot() == before


@pytest.mark.parametrize("lock", ["justered", "answered"])
def test_statement_edit_and_removal_refused_when_locked(client, registrar, brb_statement, borgarrad, lock):
    decision = brb_statement.decision
    if lock == "justered":
        workflow.justera(decision, by=registrar)
        message = "Beslutet är justerat. Det och dess uttalanden kan inte längre ändras."
    else:
        _answered(decision.case)
        message = "Ärendet är besvarat. Beslutet och dess uttalanden kan inte längre ändras."
    edit = reverse("case_city_statement_edit", args=[decision.case_id, decision.pk, brb_statement.pk])
    remove = reverse("case_city_statement_remove", args=[decision.case_id, decision.pk, brb_statement.pk])
    login(client, registrar)
    listing = text(client.get(reverse("case_city_decisions", args=[decision.case_id])))
    assert edit not in listing and remove not in listing
    page = text(client.get(edit))
    assert message in page and "Spara ändringarna" not in page and "Vi vill framhålla skolans roll." in page
    assert message in text(client.get(remove)) and "Ta bort uttalandet</button>" not in text(client.get(remove))
    before = snapshot()
    response = client.post(edit, _statement_post(brb_statement, author_1=str(borgarrad[0].pk), text="<p>För sent.</p>"))
    assert response.status_code == 409
    assert message in text(response) and "För sent." in text(response)
    response = client.post(remove, {"version": str(brb_statement.version)})
    assert response.status_code == 409 and message in text(response)
    assert snapshot() == before


def test_registrar_removes_a_statement_after_confirming(client, registrar, brb_statement):
    decision = brb_statement.decision
    url = reverse("case_city_statement_remove", args=[decision.case_id, decision.pk, brb_statement.pk])
    login(client, registrar)
    listing = text(client.get(reverse("case_city_decisions", args=[decision.case_id])))
    assert url in listing
    page = text(client.get(url))
    assert (
        "Ta bort uttalandet?" in page
        and "Särskilt uttalande av borgarråden" in page
        and "Vi vill framhålla skolans roll." in page
    )
    assert Statement.objects.filter(pk=brb_statement.pk).exists()  # asking removes nothing
    response = client.post(url, {"version": str(brb_statement.version)})
    assert response.status_code == 302
    assert not Statement.objects.filter(pk=brb_statement.pk).exists()
    gone = Statement.history.filter(id=brb_statement.pk, history_type="-").get()
    assert (gone.history_change_reason, gone.history_user) == ("Uttalandet borttaget", registrar)
    assert "Uttalandet är borttaget ur borgarrådsberedningens beslut." in text(client.get(response["Location"]))


def test_removing_a_statement_changed_meanwhile_asks_again(client, registrar, brb_statement):
    decision = brb_statement.decision
    url = reverse("case_city_statement_remove", args=[decision.case_id, decision.pk, brb_statement.pk])
    stale = brb_statement.version
    workflow.edit_statement(brb_statement, text="<p>Nyss ändrad.</p>", by=registrar, expected_version=stale)
    response = login(client, registrar).post(url, {"version": str(stale)})
    assert response.status_code == 409
    page = text(response)
    assert "Uttalandet har ändrats sedan du öppnade sidan." in page and "Nyss ändrad." in page
    assert f'name="version" value="{stale + 1}"' in page
    assert Statement.objects.filter(pk=brb_statement.pk).exists()


NEW_PAGES = [
    ("case_referral_officers", lambda w: [w["case"].pk, w["r_namnd"].pk], lambda w: {"officers": []}),
    (
        "case_city_decision_edit",
        lambda w: [w["case"].pk, w["decision"].pk],
        lambda w: {"points": "Ändrad.", "meeting_date": "", "version": str(w["decision"].version)},
    ),
    (
        "case_city_statement_edit",
        lambda w: [w["case"].pk, w["decision"].pk, w["statement"].pk],
        lambda w: _statement_post(w["statement"], author_1=str(w["borgarrad"][0].pk), text="<p>Ändrad.</p>"),
    ),
    (
        "case_city_statement_remove",
        lambda w: [w["case"].pk, w["decision"].pk, w["statement"].pk],
        lambda w: {"version": str(w["statement"].version)},
    ),
]


@pytest.mark.parametrize("who", ["officer", "politician", "anonymous"])
@pytest.mark.parametrize("page", NEW_PAGES, ids=[p[0] for p in NEW_PAGES])
def test_only_the_registrar_may_assign_edit_and_remove(
    client, world, brb_statement, officer, politician_user, who, page
):
    name, args, data = page
    world["statement"] = brb_statement
    workflow.assign_officers(world["r_namnd"], officers=[officer], by=None)
    if who != "anonymous":
        login(client, officer if who == "officer" else politician_user)
    before = (snapshot(), list(world["r_namnd"].officers.all()))
    url = reverse(name, args=args(world))
    for response in (client.get(url), client.post(url, data(world))):
        if who == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        else:
            assert response.status_code in (403, 405)
    assert (snapshot(), list(world["r_namnd"].officers.all())) == before


def test_registrar_records_the_section_of_a_proposal(client, registrar, case):
    """The betänkande's section ("avsnitt 8.2") had no field; typed with or without the word, 8.2 is kept."""
    login(client, registrar)
    response = client.post(
        reverse("case_proposals", args=[case.pk]),
        {"kind": "forslag", "number": "3", "title": "Tidig upptäckt", "section": " avsnitt  8.2 ", "summary": ""},
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get(case=case)
    assert proposal.section == "8.2" and proposal.section_label == "avsnitt 8.2"
    assert proposal.history.first().section == "8.2"  # its history keeps it too
    page = client.get(response["Location"]).content.decode()
    assert f'name="s{proposal.pk}-section" value="8.2"' in page  # on its row, to change
    assert 'name="section"' in page and "Avsnitt" in page
    client.post(reverse("case_proposals", args=[case.pk]), {"kind": "forslag", "number": "4", "title": "Utan avsnitt"})
    assert Proposal.objects.get(case=case, number="4").section == ""
    too_long = text(
        client.post(
            reverse("case_proposals", args=[case.pk]),
            {"kind": "forslag", "number": "5", "title": "För långt", "section": "8" * 31},
        )
    )
    assert "högst 30 tecken" in too_long and not Proposal.objects.filter(number="5").exists()


def test_registrar_changes_and_clears_the_section_of_a_proposal(client, registrar, case):
    proposal = workflow.add_proposal(case, number="1", kind="bedomning", title="Nationell styrning", by=registrar)
    url = reverse("case_proposal_section", args=[case.pk, proposal.pk])
    login(client, registrar)
    response = client.post(url, {f"s{proposal.pk}-section": "8.2"})
    assert response.status_code == 302
    assert "Avsnittet för bedömning 1 är sparat." in text(client.get(response["Location"]))
    proposal.refresh_from_db()
    assert proposal.section == "8.2"
    assert (
        proposal.history.first().history_change_reason == "Avsnitt ändrat"
        and proposal.history.first().history_user == registrar
    )
    refused = client.post(url, {f"s{proposal.pk}-section": "9" * 31})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Skriv avsnittets nummer, högst 30 tecken, t.ex. 8.2." in unescape(page)
    assert f'value="{"9" * 31}"' in page  # what was typed is still there
    proposal.refresh_from_db()
    assert proposal.section == "8.2"
    client.post(url, {f"s{proposal.pk}-section": ""})
    proposal.refresh_from_db()
    assert proposal.section == ""
    other_case = CaseFactory(reference="SOU 2030:2", city_dnr="KS 2030/2")
    assert client.post(reverse("case_proposal_section", args=[other_case.pk, proposal.pk]), {}).status_code == 404
