"""The open API (/api/): its shape on the demo case, and that nothing unpublished ever shows.

Public means: a nämnd's answer once its decision is justered, an office's once its opinion is
ready, statements only on justered decisions and only with the authors who accepted.
"""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from remiss import workflow
from remiss.attribution import full_line
from remiss.models import Body, Case, Proposal, Referral, Statement
from remiss.workflow import AuthorSpec, ReferralSpec
from tests.factories import (
    BodyFactory,
    CaseFactory,
    OfficeFactory,
    PartyFactory,
    PoliticianFactory,
    ProposalFactory,
    SeatFactory,
    StatementAuthorFactory,
)

CASE_ENDPOINTS = ("", "/referrals", "/positions", "/statements")
LIST_ENDPOINTS = ("/api/cases", "/api/bodies")
MEETING = date(2030, 3, 20)


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# --- The demo case: each endpoint's shape ----------------------------------------------------


@pytest.fixture
def demo(demo_db, db):
    return Case.objects.get(reference="SOU 2022:67")


def test_cases_list(client, demo):
    data = get_json(client, "/api/cases")
    assert data["count"] == 1
    [item] = data["items"]
    assert item == {
        "id": demo.pk,
        "reference": "SOU 2022:67",
        "title": "Vägar till ett tryggare samhälle, Kraftsamling för barn och unga",
        "sender": "Justitiedepartementet",
        "ministry_dnr": "Ju2022/03613",
        "city_dnr": "KS 2023/99-1.1",
        "received": "2023-01-10",
        "deadline": "2023-04-28",
        "status": "decided",
        "status_label": "Beslutat",
    }


def test_case_detail_lists_the_proposals_in_order(client, demo):
    data = get_json(client, f"/api/cases/{demo.pk}")
    assert data["reference"] == "SOU 2022:67"
    assert data["status_label"] == "Beslutat"
    proposals = list(Proposal.objects.filter(case=demo).order_by("order", "pk"))
    assert [p["id"] for p in data["proposals"]] == [p.pk for p in proposals]
    first = data["proposals"][0]
    assert set(first) == {"id", "number", "kind", "kind_label", "title", "section"}
    assert {p["kind_label"] for p in data["proposals"]} == {"Förslag", "Bedömning"}


def test_referrals_of_the_demo(client, demo):
    data = get_json(client, f"/api/cases/{demo.pk}/referrals")
    items = data["items"]
    assert data["count"] == 6
    assert [r["body"]["name"] for r in items] == [
        "Stadsledningskontoret",
        "Socialnämnden",
        "Utbildningsnämnden",
        "Skarpnäcks stadsdelsnämnd",
        "Spånga-Tensta stadsdelsnämnd",
        "Södermalms stadsdelsnämnd",
    ]
    assert [r["order"] for r in items] == sorted(r["order"] for r in items)
    assert all(r["published"] for r in items)
    assert set(items[0]) == {
        "id",
        "body",
        "deadline",
        "status",
        "status_label",
        "order",
        "published",
        "position",
        "opinion",
        "decision",
    }

    office = items[0]
    assert office["body"]["kind"] == "office" and office["body"]["kind_label"] == "Kontor"
    assert (office["status"], office["status_label"]) == ("opinion_ready", "Tjänsteutlåtande klart")
    assert office["decision"] is None  # an office makes no decision
    assert office["opinion"]["date"] == "2023-04-12"
    assert office["opinion"]["html"].startswith("<p>Stadsledningskontoret är i grunden positiv")
    assert "<" not in office["opinion"]["text"] and office["opinion"]["text"].startswith("Stadsledningskontoret är")
    assert office["position"].startswith("Stadsledningskontoret ställer sig i huvudsak positiv")

    social = items[1]
    assert (social["status"], social["status_label"]) == ("justered", "Justerad")
    assert social["decision"]["meeting_date"] == "2023-03-21"
    assert social["decision"]["points"][0].startswith("Socialnämnden godkänner tjänsteutlåtandet")
    assert social["opinion"]["html"].startswith("<")
    assert social["position"].startswith("Socialnämnden")

    skarpnack = items[3]
    assert skarpnack["decision"]["immediate_justering"] is True
    assert skarpnack["decision"]["added_text"].startswith("Ett tryggare samhälle skapas i gemenskap")
    assert skarpnack["decision"]["added_text_html"].startswith("<p>Ett tryggare samhälle")
    assert set(skarpnack["decision"]) == {
        "id",
        "meeting_date",
        "points",
        "added_text_html",
        "added_text",
        "added_text_after_point",
        "immediate_justering",
    }


def test_statements_of_the_demo(client, demo):
    data = get_json(client, f"/api/cases/{demo.pk}/statements")
    items = data["items"]
    assert data["count"] == 8
    # Borgarrådsberedningen and kommunstyrelsen first, as in the memo's appendix; then memo order.
    assert [s["decision"]["body"]["name"] for s in items] == [
        "Borgarrådsberedningen",
        "Kommunstyrelsen",
        "Socialnämnden",
        "Socialnämnden",
        "Socialnämnden",
        "Utbildningsnämnden",
        "Utbildningsnämnden",
        "Skarpnäcks stadsdelsnämnd",
    ]
    assert set(items[0]) == {
        "id",
        "kind",
        "kind_label",
        "attribution",
        "decision",
        "authors",
        "html",
        "text",
        "backed_proposal",
        "endorses_id",
        "identical_to_id",
        "order",
    }
    # The attribution lines are the generated ones.
    for item in items:
        assert item["attribution"] == full_line(Statement.objects.get(pk=item["id"]))
    brb, ks = items[0], items[1]
    assert brb["attribution"] == "Särskilt uttalande av borgarråden Christofer Fjellner (M) och Jan Jönsson (L)"
    assert brb["authors"] == [
        {"name": "Christofer Fjellner", "party": "M", "party_name": "Moderaterna", "and_others": False},
        {"name": "Jan Jönsson", "party": "L", "party_name": "Liberalerna", "and_others": False},
    ]
    # Kommunstyrelsen's is likalydande: named, not repeated.
    assert ks["identical_to_id"] == brb["id"]
    assert ks["html"] == "" and "likalydande med" in ks["attribution"]
    ersattare = next(s for s in items if s["kind"] == "ersattaryttrande")
    assert ersattare["kind_label"] == "Ersättaryttrande"
    assert ersattare["endorses_id"] in {s["id"] for s in items}
    reservation = next(s for s in items if s["kind"] == "reservation")
    assert reservation["backed_proposal"] == "förvaltningens förslag till beslut"
    assert reservation["authors"][0]["name"] == "Henrietta Ludwig"
    social = items[2]
    assert {"name": "Andrea Hedin", "party": "M", "party_name": "Moderaterna", "and_others": True} in social["authors"]
    assert social["text"] and "<" not in social["text"]


def test_positions_of_the_demo(client, demo):
    # The demo records no positions; the office's opinion is ready, so its stances are public at once.
    office = Referral.objects.get(case=demo, body__kind=Body.Kind.OFFICE)
    proposals = list(Proposal.objects.filter(case=demo).order_by("order", "pk")[:2])
    Proposal.objects.filter(pk=proposals[0].pk).update(section="8.2")
    for proposal, stance in zip(proposals, ["tillstyrker", "avstyrker"], strict=True):
        workflow.set_proposal_position(
            office, proposal=proposal, stance=stance, comment=f"Om {proposal.number}.", by=None
        )
    data = get_json(client, f"/api/cases/{demo.pk}/positions")
    assert data["count"] == 2
    first = data["items"][0]
    assert first == {
        "proposal": {
            "id": proposals[0].pk,
            "number": proposals[0].number,
            "kind": proposals[0].kind,
            "kind_label": proposals[0].get_kind_display(),
            "title": proposals[0].title,
            "section": "8.2",
        },
        "body": {"id": office.body_id, "name": "Stadsledningskontoret", "kind": "office", "kind_label": "Kontor"},
        "referral_id": office.pk,
        "stance": "tillstyrker",
        "stance_label": "Tillstyrker",
        "comment": f"Om {proposals[0].number}.",
    }
    assert data["items"][1]["stance_label"] == "Avstyrker"


def test_bodies(client, demo):
    data = get_json(client, "/api/bodies")
    names = [b["name"] for b in data["items"]]
    assert data["count"] == Body.objects.count() >= 8
    assert names == sorted(names)
    social = next(b for b in data["items"] if b["name"] == "Socialnämnden")
    assert social == {
        "id": social["id"],
        "name": "Socialnämnden",
        "kind": "facknamnd",
        "kind_label": "Facknämnd",
        "administration": "Socialförvaltningen",
    }


def test_pagination_is_stable_and_bounded(client, demo):
    everything = get_json(client, "/api/bodies?limit=200")["items"]
    page = get_json(client, "/api/bodies?limit=3&offset=2")
    assert page["count"] == len(everything)
    assert page["items"] == everything[2:5]
    statements = get_json(client, f"/api/cases/{demo.pk}/statements?limit=3&offset=3")["items"]
    assert statements == get_json(client, f"/api/cases/{demo.pk}/statements")["items"][3:6]
    assert get_json(client, "/api/bodies?offset=10000")["items"] == []
    for bad in ("limit=0", "limit=201", "offset=-1", "limit=abc", "offset=99999999999999999999"):
        get_json(client, f"/api/bodies?{bad}", status=422)


def test_no_user_or_officer_data_anywhere(client, demo):
    """Only politicians' names on published statements: no officers, registrar, accounts or history."""
    dump = json.dumps(
        [get_json(client, "/api/cases"), get_json(client, "/api/bodies")]
        + [get_json(client, f"/api/cases/{demo.pk}{suffix}") for suffix in CASE_ENDPOINTS],
        ensure_ascii=False,
    )
    for word in (
        "handlaggare",
        "registrator",
        "Rebecka",
        "Sara Lindqvist",
        "Omar Said",
        "officers",
        "username",
        "email",
        "created_by",
        "history",
        "Alexander Ojanne",
        "commissioner",
    ):
        assert word not in dump, word


def test_unknown_ids_are_404(client, demo):
    missing = Case.objects.order_by("-pk").first().pk + 1000
    for suffix in CASE_ENDPOINTS:
        assert get_json(client, f"/api/cases/{missing}{suffix}", status=404) == {"detail": "Ärendet finns inte."}
    assert client.get("/api/nothing-here").status_code == 404
    # Not an id at all: refused as invalid, never a server error.
    for bad in ("0", "-1", "abc", "99999999999999999999"):
        assert client.get(f"/api/cases/{bad}").status_code in (404, 422)


def test_get_only_other_methods_are_405(client, demo):
    urls = list(LIST_ENDPOINTS) + [f"/api/cases/{demo.pk}{suffix}" for suffix in CASE_ENDPOINTS]
    for url in urls:
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url)
            assert response.status_code == 405, (method, url)
            assert response["Allow"] == "GET"
    assert Case.objects.filter(pk=demo.pk).exists()


def test_anonymous_access_and_the_schema(client, demo):
    assert get_json(client, "/api/cases")["count"] == 1  # no login
    schema = get_json(client, "/api/openapi.json")
    assert set(schema["paths"]) == {
        "/api/cases",
        "/api/cases/{case_id}",
        "/api/cases/{case_id}/referrals",
        "/api/cases/{case_id}/positions",
        "/api/cases/{case_id}/statements",
        "/api/bodies",
    }
    for operations in schema["paths"].values():
        assert set(operations) == {"get"}


def test_docs_page_uses_no_cdn(client, settings):
    """Swagger UI from Ninja's own static files when "ninja" is installed; otherwise no docs page."""
    response = client.get("/api/docs")
    if "ninja" not in settings.INSTALLED_APPS:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page


# --- Drafts never show: built step by step through the workflow ------------------------------


# The conftest's bodies share names with the demo's, which this module keeps loaded; use others.
@pytest.fixture
def namnd(db):
    return BodyFactory(name="Miljönämnden", name_in_text="miljönämnden", administration="Miljöförvaltningen")


@pytest.fixture
def office(db):
    return OfficeFactory(
        name="Exploateringskontoret", name_in_text="exploateringskontoret", administration="Exploateringskontoret"
    )


@pytest.fixture
def referred(namnd, office):
    """(case, nämnd referral, office referral), freshly referred."""
    case = CaseFactory()
    r_namnd, r_office = workflow.refer(
        case,
        bodies=[ReferralSpec(namnd, date(2030, 3, 31)), ReferralSpec(office, date(2030, 4, 12))],
        by=None,
    )
    return case, r_namnd, r_office


SECRET_DRAFT = "Hemligt utkast som inte får synas"
SECRET_STATEMENT = "Ett uttalande som ännu inte är justerat"


def dump(client, case):
    """Everything the API says about a case, as one string."""
    return json.dumps([get_json(client, f"/api/cases/{case.pk}{s}") for s in CASE_ENDPOINTS], ensure_ascii=False)


def referral_item(client, referral):
    items = get_json(client, f"/api/cases/{referral.case_id}/referrals")["items"]
    return next(r for r in items if r["id"] == referral.pk)


def test_opinion_text_appears_only_when_published(client, referred):
    case, r_namnd, r_office = referred
    for referral in (r_namnd, r_office):
        workflow.save_opinion(referral, text=f"<p>{SECRET_DRAFT}</p>", date=date(2030, 2, 1), by=None)
        workflow.set_position(referral, position=f"{SECRET_DRAFT} i en mening.", by=None)
    # Drafting: nothing of the text, for either body.
    for referral in (r_namnd, r_office):
        item = referral_item(client, referral)
        assert item["status"] == "drafting" and item["status_label"] == "Under arbete"
        assert (item["published"], item["opinion"], item["position"], item["decision"]) == (False, None, None, None)
    assert SECRET_DRAFT not in dump(client, case)

    # Opinion ready: the office has answered; the nämnd has not decided yet.
    workflow.mark_opinion_ready(r_office, by=None)
    workflow.mark_opinion_ready(r_namnd, by=None)
    office = referral_item(client, r_office)
    assert office["published"] and office["opinion"]["text"] == SECRET_DRAFT
    assert office["position"] == f"{SECRET_DRAFT} i en mening."
    namnd = referral_item(client, r_namnd)
    assert namnd["status"] == "opinion_ready"
    assert (namnd["published"], namnd["opinion"], namnd["position"], namnd["decision"]) == (False, None, None, None)

    # Decided but not justered: still nothing, and no decision.
    decision = workflow.record_decision(r_namnd, meeting_date=MEETING, points=["Nämnden godkänner."], by=None)
    namnd = referral_item(client, r_namnd)
    assert namnd["status"] == "decided"
    assert (namnd["published"], namnd["opinion"], namnd["decision"]) == (False, None, None)
    assert "Nämnden godkänner" not in dump(client, case)

    # Justered: the opinion, the position and the decision appear.
    workflow.justera(decision, by=None)
    namnd = referral_item(client, r_namnd)
    assert namnd["published"] and namnd["status_label"] == "Justerad"
    assert namnd["opinion"] == {"date": "2030-02-01", "html": f"<p>{SECRET_DRAFT}</p>", "text": SECRET_DRAFT}
    assert namnd["decision"]["points"] == ["Nämnden godkänner."]
    assert namnd["decision"]["meeting_date"] == MEETING.isoformat()


def test_reopened_office_opinion_is_hidden_again(client, referred):
    case, _r_namnd, r_office = referred
    workflow.save_opinion(r_office, text=f"<p>{SECRET_DRAFT}</p>", date=date(2030, 2, 1), by=None)
    workflow.mark_opinion_ready(r_office, by=None)
    assert SECRET_DRAFT in dump(client, case)
    workflow.reopen_opinion(r_office, by=None)
    assert SECRET_DRAFT not in dump(client, case)


def ready_for_decision(referral):
    workflow.save_opinion(referral, text="<p>Förvaltningen är positiv.</p>", date=date(2030, 2, 1), by=None)
    workflow.mark_opinion_ready(referral, by=None)


def test_statements_and_pending_coauthors_appear_only_after_justering(client, referred, namnd):
    case, r_namnd, _r_office = referred
    party_m, party_l = PartyFactory(abbreviation="M"), PartyFactory(abbreviation="L")
    owner = PoliticianFactory(first_name="Anna", last_name="Ägare", party=party_m)
    accepting = PoliticianFactory(first_name="Bengt", last_name="Bejakare", party=party_l)
    pending = PoliticianFactory(first_name="Cecilia", last_name="Obesvarad", party=party_l)
    for politician in (owner, accepting, pending):
        SeatFactory(politician=politician, body=namnd)
    ready_for_decision(r_namnd)
    decision = workflow.record_decision(r_namnd, meeting_date=MEETING, points=["Nämnden godkänner."], by=None)
    statement = workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        text=f"<p>{SECRET_STATEMENT}</p>",
        authors=[AuthorSpec(owner), AuthorSpec(accepting, accepted=False), AuthorSpec(pending, accepted=False)],
        by=None,
    )
    reservation = workflow.add_statement(
        decision, kind=Statement.Kind.RESERVATION, authors=[AuthorSpec(pending)], by=None
    )
    workflow.accept_coauthorship(statement.authors.get(politician=accepting), by=None)

    # Not justered: no statement, no author, not even the count.
    data = get_json(client, f"/api/cases/{case.pk}/statements")
    assert data == {"items": [], "count": 0}
    text = dump(client, case)
    for word in (SECRET_STATEMENT, "Ägare", "Bejakare", "Obesvarad"):
        assert word not in text

    workflow.justera(decision, by=None)  # the pending invitation lapses
    items = get_json(client, f"/api/cases/{case.pk}/statements")["items"]
    assert [s["id"] for s in items] == [statement.pk, reservation.pk]
    published = items[0]
    assert published["text"] == SECRET_STATEMENT
    assert [a["name"] for a in published["authors"]] == ["Anna Ägare", "Bengt Bejakare"]
    assert published["attribution"] == "Särskilt uttalande av Anna Ägare (M) och Bengt Bejakare (L)"
    assert "Obesvarad" not in json.dumps(published, ensure_ascii=False)
    assert published["decision"] == {
        "id": decision.pk,
        "meeting_date": MEETING.isoformat(),
        "body": {"id": namnd.pk, "name": "Miljönämnden", "kind": "facknamnd", "kind_label": "Facknämnd"},
    }


def test_an_unaccepted_author_never_shows_even_on_a_justered_decision(client, referred, namnd):
    """Belt and braces: should a pending author survive justering, the API still leaves it out."""
    case, r_namnd, _r_office = referred
    owner = PoliticianFactory(first_name="Anna", last_name="Ägare")
    SeatFactory(politician=owner, body=namnd)
    ready_for_decision(r_namnd)
    decision = workflow.record_decision(r_namnd, meeting_date=MEETING, points=["Nämnden godkänner."], by=None)
    statement = workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        text="<p>Text.</p>",
        authors=[AuthorSpec(owner)],
        by=None,
    )
    workflow.justera(decision, by=None)
    StatementAuthorFactory(statement=statement, politician__last_name="Smygare", accepted=False)
    [item] = get_json(client, f"/api/cases/{case.pk}/statements")["items"]
    assert [a["name"] for a in item["authors"]] == ["Anna Ägare"]
    assert "Smygare" not in json.dumps(item, ensure_ascii=False)


def test_a_likalydande_link_to_an_unpublished_statement_is_left_out(client, referred, namnd):
    case, r_namnd, _r_office = referred
    other = BodyFactory(name="Kulturnämnden", name_in_text="kulturnämnden")
    workflow.refer(case, bodies=[ReferralSpec(other, date(2030, 3, 31))], by=None)
    r_other = Referral.objects.get(case=case, body=other)
    a, b = PoliticianFactory(), PoliticianFactory()
    SeatFactory(politician=a, body=namnd)
    SeatFactory(politician=b, body=other)
    decisions = []
    for referral in (r_namnd, r_other):
        ready_for_decision(referral)
        decisions.append(workflow.record_decision(referral, meeting_date=MEETING, points=["Godkänner."], by=None))
    original = workflow.add_statement(
        decisions[1],
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        text=f"<p>{SECRET_STATEMENT}</p>",
        authors=[AuthorSpec(b)],
        by=None,
    )
    copy = workflow.add_statement(
        decisions[0],
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        identical_to=original,
        authors=[AuthorSpec(a)],
        by=None,
    )
    workflow.justera(decisions[0], by=None)
    [item] = get_json(client, f"/api/cases/{case.pk}/statements")["items"]
    assert item["id"] == copy.pk and item["identical_to_id"] is None
    assert SECRET_STATEMENT not in dump(client, case)
    workflow.justera(decisions[1], by=None)
    items = get_json(client, f"/api/cases/{case.pk}/statements")["items"]
    assert {s["id"]: s["identical_to_id"] for s in items} == {copy.pk: original.pk, original.pk: None}


def test_positions_appear_only_when_published(client, referred):
    case, r_namnd, r_office = referred
    proposal = ProposalFactory(case=case, number="7", title="Ett förslag om tidiga insatser")
    for referral in (r_namnd, r_office):
        workflow.set_proposal_position(referral, proposal=proposal, stance="avstyrker", comment="Utkast.", by=None)
    assert get_json(client, f"/api/cases/{case.pk}/positions") == {"items": [], "count": 0}

    ready_for_decision(r_office)
    ready_for_decision(r_namnd)
    decision = workflow.record_decision(r_namnd, meeting_date=MEETING, points=["Godkänner."], by=None)
    items = get_json(client, f"/api/cases/{case.pk}/positions")["items"]
    assert [p["referral_id"] for p in items] == [r_office.pk]  # the nämnd is not justered yet

    workflow.justera(decision, by=None)
    items = get_json(client, f"/api/cases/{case.pk}/positions")["items"]
    # Bodies in memo order: the nämnd was referred first.
    assert [p["referral_id"] for p in items] == [r_namnd.pk, r_office.pk]
    assert items[0]["proposal"]["number"] == "7" and items[0]["stance_label"] == "Avstyrker"


def test_declined_referral_shows_no_draft(client, referred):
    case, r_namnd, _r_office = referred
    workflow.save_opinion(r_namnd, text=f"<p>{SECRET_DRAFT}</p>", date=date(2030, 2, 1), by=None)
    workflow.decline(r_namnd, by=None)
    item = referral_item(client, r_namnd)
    assert item["status_label"] == "Avstår" and item["opinion"] is None
    assert SECRET_DRAFT not in dump(client, case)


# --- Reads cost a fixed number of queries -----------------------------------------------------


def build_case(n: int) -> Case:
    """A case with n justered nämnder, each with a statement by two authors and a position on two proposals."""
    case = CaseFactory()
    proposals = [ProposalFactory(case=case) for _ in range(2)]
    bodies = [BodyFactory() for _ in range(n)]
    referrals = workflow.refer(case, bodies=[ReferralSpec(b, date(2030, 3, 31)) for b in bodies], by=None)
    party = PartyFactory(abbreviation="C")
    for body, referral in zip(bodies, referrals, strict=True):
        authors = [PoliticianFactory(party=party) for _ in range(2)]
        for politician in authors:
            SeatFactory(politician=politician, body=body)
        for proposal in proposals:
            workflow.set_proposal_position(referral, proposal=proposal, stance="tillstyrker", by=None)
        ready_for_decision(referral)
        decision = workflow.record_decision(referral, meeting_date=MEETING, points=["Godkänner."], by=None)
        workflow.add_statement(
            decision,
            kind=Statement.Kind.SARSKILT_UTTALANDE,
            text="<p>Text.</p>",
            authors=[AuthorSpec(p) for p in authors],
            by=None,
        )
        workflow.justera(decision, by=None)
    return case


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.json()


@pytest.mark.parametrize("suffix", CASE_ENDPOINTS)
def test_query_count_does_not_grow_with_referrals(client, db, suffix):
    small, large = build_case(2), build_case(10)
    small_count, small_data = count_queries(client, f"/api/cases/{small.pk}{suffix}")
    large_count, large_data = count_queries(client, f"/api/cases/{large.pk}{suffix}")
    if suffix:
        assert large_data["count"] > small_data["count"] > 0
    assert small_count == large_count
    assert large_count <= 7


def test_query_count_of_the_lists(client, db):
    build_case(2)
    small = count_queries(client, "/api/cases")[0], count_queries(client, "/api/bodies")[0]
    build_case(10)
    assert (count_queries(client, "/api/cases")[0], count_queries(client, "/api/bodies")[0]) == small
