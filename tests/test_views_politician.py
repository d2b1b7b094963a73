"""The politician's pages: seats and open decisions, statements, co-authors, endorsing, likalydande.

For each action: the right politician may and the effect is there; a politician without a seat
(or without authorship), an officer, the registrar and an anonymous visitor are refused (403 or
the login page) and nothing changes. A justered decision refuses everything with its Swedish message.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from remiss import workflow
from remiss.models import Seat, Statement, StatementAuthor
from remiss.workflow import AuthorSpec
from tests.factories import (
    BodyFactory,
    CaseFactory,
    DecisionFactory,
    OfficerFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
    StatementAuthorFactory,
    StatementFactory,
)

LOCKED = "Beslutet är justerat. Det och dess uttalanden kan inte längre ändras."


# --- Fixtures ---------------------------------------------------------------------------------


def _politician_user(username, first, last, party, body, role=Seat.Role.LEDAMOT):
    user = PoliticianUserFactory(username=username, first_name=first, last_name=last)
    politician = PoliticianFactory(first_name=first, last_name=last, party=PartyFactory(abbreviation=party), user=user)
    SeatFactory(politician=politician, body=body, role=role)
    return user


@pytest.fixture
def decision(referred, officer):
    _case, referral, _office = referred
    workflow.save_opinion(referral, text="<p>Positiv.</p>", date=date(2030, 2, 1), by=officer)
    workflow.mark_opinion_ready(referral, by=officer)
    return workflow.record_decision(
        referral,
        meeting_date=date(2030, 3, 21),
        points=["Socialnämnden godkänner förvaltningens tjänsteutlåtande."],
        by=officer,
    )


@pytest.fixture
def ledamot(namnd):
    return _politician_user("jan.jonsson", "Jan", "Jönsson", "L", namnd)


@pytest.fixture
def ledamot2(namnd):
    return _politician_user("andrea.hedin", "Andrea", "Hedin", "M", namnd)


@pytest.fixture
def ersattare(namnd):
    return _politician_user("michaela.hollis", "Michaela", "Hollis", "L", namnd, role=Seat.Role.ERSATTARE)


@pytest.fixture
def outsider(db):
    elsewhere = BodyFactory(name="Utbildningsnämnden", name_in_text="utbildningsnämnden")
    return _politician_user("utan.plats", "Ulf", "Utanför", "S", elsewhere)


@pytest.fixture
def wrong_users(outsider, officer, registrar):
    return {"politiker utan plats": outsider, "handläggare": officer, "registrator": registrar, "anonym": None}


@pytest.fixture
def own_statement(decision, ledamot):
    return workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(ledamot.politician)],
        text="<p>Vi vill framhålla tidiga insatser.</p>",
        by=ledamot,
    )


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _refused(response):
    if response.status_code == 302:
        assert reverse("login") in response["Location"]
    else:
        assert response.status_code == 403


def _statement_post(**overrides):
    data = {
        "kind": "sarskilt_uttalande",
        "text": "<p>Vårt särskilda uttalande.</p>",
        "text_format": "html",
        "backed_proposal": "",
        "identical_to": "",
    }
    data.update(overrides)
    return data


def _add(client, decision, data):
    return client.post(reverse("politician_statement_add", args=[decision.pk]), data)


def _edit_post(statement, **overrides):
    statement.refresh_from_db()
    data = {
        "text": statement.text,
        "text_format": "html",
        "backed_proposal": statement.backed_proposal,
        "identical_to": statement.identical_to_id or "",
        "version": str(statement.version),
    }
    data.update(overrides)
    return data


# --- Home -------------------------------------------------------------------------------------


def test_home_lists_seats_open_decisions_invitations_and_own_statements(client, decision, ledamot, ledamot2, namnd):
    statement = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        text="<p>Text</p>",
        authors=[AuthorSpec(ledamot2.politician), AuthorSpec(ledamot.politician, accepted=False)],
        by=ledamot2,
    )
    closed_case = CaseFactory(title="Justerat ärende")
    closed = DecisionFactory(case=closed_case, body=namnd)
    workflow.justera(closed, by=None)
    client.force_login(ledamot)
    html = client.get(reverse("politician_home")).content.decode()
    assert "Socialnämnden" in html and "(ledamot)" in html
    assert reverse("politician_decision", args=[decision.pk]) in html
    assert "Justerat ärende" not in html
    assert "Inbjudningar att stå bakom ett uttalande" in html
    author = statement.authors.get(politician=ledamot.politician)
    assert reverse("politician_accept_invitation", args=[author.pk]) in html
    assert "Du har inga uttalanden än." in html
    client.force_login(ledamot2)
    html2 = client.get(reverse("politician_home")).content.decode()
    assert "Särskilt uttalande av Andrea Hedin (M)" in html2


@pytest.mark.parametrize("who", ["handläggare", "registrator", "anonym"])
def test_home_refused_for_non_politicians(client, wrong_users, who):
    _refused(_as(client, wrong_users[who]).get(reverse("politician_home")))


def _build_politician_world(n):
    """One politician with n seats, an open decision in each, an own statement and an invitation."""
    user = PoliticianUserFactory(username=f"many{n}")
    me = PoliticianFactory(user=user, party=PartyFactory(abbreviation="L"))
    other = PoliticianFactory(party=PartyFactory(abbreviation="M"))
    case = CaseFactory()
    for _ in range(n):
        body = BodyFactory()
        SeatFactory(politician=me, body=body)
        SeatFactory(politician=other, body=body)
        decision = DecisionFactory(case=case, body=body)
        theirs = StatementFactory(decision=decision)
        StatementAuthorFactory(statement=theirs, politician=other)
        StatementAuthorFactory(statement=theirs, politician=me, accepted=False)
        mine = StatementFactory(decision=decision, kind="ersattaryttrande", text="", endorses=theirs)
        StatementAuthorFactory(statement=mine, politician=me)
        copy = StatementFactory(decision=decision, text="", identical_to=theirs)
        StatementAuthorFactory(statement=copy, politician=me)
    return user


@pytest.mark.parametrize("n", [5, 50])
def test_home_query_count_is_constant(client, db, django_assert_max_num_queries, n):
    user = _build_politician_world(n)
    client.force_login(user)
    with django_assert_max_num_queries(18):  # incl. the counts for the open decisions and the statement pages
        response = client.get(reverse("politician_home"))
    html = response.content.decode()
    own = html.count("som ställde sig bakom") + html.count("som är likalydande med")
    assert own == min(2 * n, 25)  # own statements come a page at a time
    assert html.count("Tacka nej") == n


def test_home_pages_own_statements_newest_first(client, db):
    user = _build_politician_world(20)  # 40 own statements: two pages
    client.force_login(user)
    pages = [client.get(reverse("politician_home") + f"?sida={n}").content.decode() for n in (1, 2)]
    ids = [[int(pk) for pk in re.findall(r'href="/politiker/uttalande/(\d+)/"', page)] for page in pages]
    assert len(ids[0]) == 25 and len(ids[1]) == 15
    assert ids[0] + ids[1] == sorted(ids[0] + ids[1], reverse=True)  # newest first, none twice
    assert "Du står bakom 40 uttalanden." in pages[0] and "Sida 2 av 2" in pages[1]


def test_home_shows_the_nearest_open_decisions_of_a_seat(client, db):
    from remiss.queries import OPEN_DECISIONS_PER_SEAT

    user = PoliticianUserFactory(username="busy")
    me = PoliticianFactory(user=user, party=PartyFactory(abbreviation="L"))
    body = BodyFactory()
    SeatFactory(politician=me, body=body)
    total = OPEN_DECISIONS_PER_SEAT + 3
    for i in range(total):
        DecisionFactory(
            case=CaseFactory(title=f"Beslutsärende {i:02d}", received=date(2030, 1, 1), deadline=date(2030, 2, 1 + i)),
            body=body,
        )
    client.force_login(user)
    html = client.get(reverse("politician_home")).content.decode()
    shown = re.findall(r"Beslutsärende (\d\d)", html)
    assert shown == [f"{i:02d}" for i in range(OPEN_DECISIONS_PER_SEAT)]  # nearest remisstid first
    assert f"Visar de {OPEN_DECISIONS_PER_SEAT} med närmast remisstid av {total} öppna beslut." in html


# --- The decision page --------------------------------------------------------------------------


def test_seat_holder_sees_decision_and_statements(client, decision, own_statement, ledamot2):
    html = _as(client, ledamot2).get(reverse("politician_decision", args=[decision.pk])).content.decode()
    assert "Socialnämnden godkänner förvaltningens tjänsteutlåtande." in html
    assert "Särskilt uttalande av Jan Jönsson (L)" in html
    assert "Vi vill framhålla tidiga insatser." in html
    assert reverse("politician_statement_edit", args=[own_statement.pk]) not in html  # not theirs to edit


@pytest.mark.parametrize("who", ["politiker utan plats", "handläggare", "registrator", "anonym"])
def test_decision_page_refused_to_others(client, wrong_users, decision, who):
    _refused(_as(client, wrong_users[who]).get(reverse("politician_decision", args=[decision.pk])))


# --- Adding statements ----------------------------------------------------------------------------


def test_ledamot_adds_sarskilt_uttalande(client, decision, ledamot):
    response = _add(_as(client, ledamot), decision, _statement_post(and_others="on"))
    assert response.status_code == 302
    statement = Statement.objects.get(decision=decision)
    assert statement.kind == Statement.Kind.SARSKILT_UTTALANDE
    assert statement.text == "<p>Vårt särskilda uttalande.</p>"
    assert statement.created_by == ledamot
    author = statement.authors.get()
    assert (author.politician, author.accepted, author.and_others) == (ledamot.politician, True, True)
    html = client.get(reverse("politician_decision", args=[decision.pk])).content.decode()
    assert "Särskilt uttalande av Jan Jönsson m.fl. (L)" in html


def test_ledamot_adds_one_line_reservation(client, decision, ledamot):
    data = _statement_post(kind="reservation", text="", backed_proposal="förvaltningens förslag till beslut")
    assert _add(_as(client, ledamot), decision, data).status_code == 302
    statement = Statement.objects.get(decision=decision)
    assert (statement.kind, statement.text, statement.backed_proposal) == (
        "reservation",
        "",
        "förvaltningens förslag till beslut",
    )
    html = client.get(reverse("politician_decision", args=[decision.pk])).content.decode()
    assert "Reservation av Jan Jönsson (L) som yrkade bifall till förvaltningens förslag till beslut" in html


def test_ersattare_adds_ersattaryttrande(client, decision, ersattare):
    data = _statement_post(kind="ersattaryttrande", text="<p>Ett ersättaryttrande.</p>")
    assert _add(_as(client, ersattare), decision, data).status_code == 302
    statement = Statement.objects.get(decision=decision)
    assert statement.kind == Statement.Kind.ERSATTARYTTRANDE
    assert statement.authors.get().politician == ersattare.politician


def test_only_the_seats_kinds_are_offered(client, decision, ledamot, ersattare):
    html = _as(client, ersattare).get(reverse("politician_statement_add", args=[decision.pk])).content.decode()
    assert 'value="ersattaryttrande"' in html
    assert 'value="reservation"' not in html and 'value="sarskilt_uttalande"' not in html
    html = _as(client, ledamot).get(reverse("politician_statement_add", args=[decision.pk])).content.decode()
    assert 'value="reservation"' in html and 'value="sarskilt_uttalande"' in html
    assert 'value="ersattaryttrande"' not in html
    assert "<legend" in html  # the kind is a labelled group


def test_ersattare_reservation_is_refused_with_the_models_message(client, decision, ersattare):
    data = _statement_post(kind="reservation", text="", backed_proposal="förvaltningens förslag")
    response = _add(_as(client, ersattare), decision, data)
    html = response.content.decode()
    assert "Michaela Hollis är ersättare i socialnämnden; en ersättare lämnar ett ersättaryttrande." in html
    assert 'id="id_kind_error"' in html
    assert 'value="förvaltningens förslag"' in html  # typed input kept
    assert not Statement.objects.exists()


def test_ledamot_ersattaryttrande_is_refused_with_the_models_message(client, decision, ledamot):
    html = _add(_as(client, ledamot), decision, _statement_post(kind="ersattaryttrande")).content.decode()
    assert "Jan Jönsson är inte ersättare i socialnämnden; ett ersättaryttrande lämnas bara av ersättare." in html
    assert not Statement.objects.exists()


def test_empty_text_is_refused_in_swedish_and_input_kept(client, decision, ledamot):
    response = _add(_as(client, ledamot), decision, _statement_post(text="<p>&nbsp;</p>", and_others="on"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skriv en text, eller ange vilket uttalande det ställer sig bakom eller är likalydande med." in html
    assert 'id="id_text_error"' in html
    assert re.search(r'name="and_others"[^>]*checked|checked[^>]*name="and_others"', html)
    assert not Statement.objects.exists()


def test_backed_proposal_only_for_a_reservation(client, decision, ledamot):
    html = _add(_as(client, ledamot), decision, _statement_post(backed_proposal="förslaget")).content.decode()
    assert "Bara en reservation kan yrka bifall till ett förslag." in html
    assert not Statement.objects.exists()


def test_pasted_word_html_in_a_statement_is_stored_sanitised(client, decision, ledamot):
    from tests.test_views_officer import WORD_HTML, assert_word_html_sanitised

    _add(_as(client, ledamot), decision, _statement_post(text=WORD_HTML))
    assert_word_html_sanitised(Statement.objects.get().text)


@pytest.mark.parametrize("who", ["politiker utan plats", "handläggare", "registrator", "anonym"])
@pytest.mark.parametrize("kind", ["sarskilt_uttalande", "reservation", "ersattaryttrande"])
def test_add_statement_refused_to_others(client, wrong_users, decision, who, kind):
    _refused(_as(client, wrong_users[who]).get(reverse("politician_statement_add", args=[decision.pk])))
    _refused(_add(client, decision, _statement_post(kind=kind)))
    assert not Statement.objects.exists()


@pytest.mark.parametrize("kind", ["sarskilt_uttalande", "reservation", "ersattaryttrande"])
def test_add_statement_on_a_justered_decision_is_refused(client, decision, ledamot, ersattare, kind):
    workflow.justera(decision, by=None)
    user = ersattare if kind == "ersattaryttrande" else ledamot
    response = _add(_as(client, user), decision, _statement_post(kind=kind))
    assert response.status_code == 409
    assert LOCKED in response.content.decode()
    assert not Statement.objects.exists()
    page = client.get(reverse("politician_statement_add", args=[decision.pk])).content.decode()
    assert LOCKED in page and 'name="text"' not in page


# --- Co-authors -------------------------------------------------------------------------------------


def test_invite_coauthor_who_appears_only_after_accepting(client, decision, ledamot, ledamot2):
    data = _statement_post(coauthors=[str(ledamot2.politician.pk)])
    assert _add(_as(client, ledamot), decision, data).status_code == 302
    statement = Statement.objects.get()
    invitation = statement.authors.get(politician=ledamot2.politician)
    assert invitation.accepted is False
    page = client.get(reverse("politician_decision", args=[decision.pk])).content.decode()
    assert "Särskilt uttalande av Jan Jönsson (L)</h3>" in page
    # one invitee is not "de": the message speaks of an invitee, whoever and however many
    assert (
        "Inbjudan har skickats till Andrea Hedin. En inbjuden står med i uttalandet först när inbjudan är accepterad."
        in page
    )
    assert "Inbjudna som inte har svarat än:" in page
    # The invitee accepts.
    response = _as(client, ledamot2).post(reverse("politician_accept_invitation", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.accepted
    page = client.get(reverse("politician_decision", args=[decision.pk])).content.decode()
    assert "Särskilt uttalande av Jan Jönsson (L) och Andrea Hedin (M)" in page


def test_coauthor_choices_are_seat_holders_of_the_body(client, decision, ledamot, ledamot2, ersattare, outsider):
    html = _as(client, ledamot).get(reverse("politician_statement_add", args=[decision.pk])).content.decode()
    assert "Andrea Hedin (M), ledamot" in html
    assert "Michaela Hollis (L), ersättare" in html
    assert "Ulf Utanför" not in html
    response = _add(client, decision, _statement_post(coauthors=[str(outsider.politician.pk)]))
    assert response.status_code == 200
    assert 'id="id_coauthors_error"' in response.content.decode()
    assert not Statement.objects.exists()


def test_inviting_an_ersattare_to_a_sarskilt_uttalande_is_refused(client, decision, ledamot, ersattare):
    html = _add(
        _as(client, ledamot), decision, _statement_post(coauthors=[str(ersattare.politician.pk)])
    ).content.decode()
    assert "Michaela Hollis är ersättare i socialnämnden; en ersättare lämnar ett ersättaryttrande." in html
    assert 'id="id_coauthors_error"' in html
    assert not Statement.objects.exists()


def test_invitee_declines(client, decision, ledamot, ledamot2):
    statement = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        text="<p>T</p>",
        authors=[AuthorSpec(ledamot.politician), AuthorSpec(ledamot2.politician, accepted=False)],
        by=ledamot,
    )
    invitation = statement.authors.get(politician=ledamot2.politician)
    assert _as(client, ledamot2).post(reverse("politician_decline_invitation", args=[invitation.pk])).status_code == 302
    assert not StatementAuthor.objects.filter(pk=invitation.pk).exists()


def test_author_invites_more_coauthors_when_editing(client, own_statement, ledamot, ledamot2):
    data = _edit_post(own_statement, coauthors=[str(ledamot2.politician.pk)])
    assert (
        _as(client, ledamot).post(reverse("politician_statement_edit", args=[own_statement.pk]), data).status_code
        == 302
    )
    assert own_statement.authors.get(politician=ledamot2.politician).accepted is False


@pytest.mark.parametrize("who", ["annan politiker", "politiker utan plats", "handläggare", "registrator", "anonym"])
@pytest.mark.parametrize("action", ["politician_accept_invitation", "politician_decline_invitation"])
def test_answering_someone_elses_invitation_is_refused(
    client, wrong_users, decision, ledamot, ledamot2, ersattare, who, action
):
    statement = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        text="<p>T</p>",
        authors=[AuthorSpec(ledamot.politician), AuthorSpec(ledamot2.politician, accepted=False)],
        by=ledamot,
    )
    invitation = statement.authors.get(politician=ledamot2.politician)
    user = ersattare if who == "annan politiker" else wrong_users[who]
    _refused(_as(client, user).post(reverse(action, args=[invitation.pk])))
    invitation.refresh_from_db()
    assert invitation.accepted is False


def test_invitations_lapse_at_justering(client, decision, ledamot, ledamot2):
    statement = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        text="<p>T</p>",
        authors=[AuthorSpec(ledamot.politician), AuthorSpec(ledamot2.politician, accepted=False)],
        by=ledamot,
    )
    invitation = statement.authors.get(politician=ledamot2.politician)
    workflow.justera(decision, by=None)
    response = _as(client, ledamot2).post(reverse("politician_accept_invitation", args=[invitation.pk]))
    assert response.status_code == 404
    assert list(statement.authors.values_list("politician", flat=True)) == [ledamot.politician.pk]


# --- Endorsing ----------------------------------------------------------------------------------------


def test_ersattare_endorses_a_statement(client, decision, own_statement, ersattare):
    page = _as(client, ersattare).get(reverse("politician_decision", args=[decision.pk])).content.decode()
    assert reverse("politician_endorse", args=[own_statement.pk]) in page
    response = client.post(reverse("politician_endorse", args=[own_statement.pk]))
    assert response.status_code == 302
    endorsement = Statement.objects.get(endorses=own_statement)
    assert endorsement.kind == Statement.Kind.ERSATTARYTTRANDE
    assert endorsement.authors.get().politician == ersattare.politician
    page = client.get(reverse("politician_decision", args=[decision.pk])).content.decode()
    assert "Ersättaryttrande av Michaela Hollis (L) som ställde sig bakom Liberalernas särskilda uttalande" in page
    again = client.post(reverse("politician_endorse", args=[own_statement.pk]))
    assert "Du står redan bakom det uttalandet." in again.content.decode()
    assert Statement.objects.filter(endorses=own_statement).count() == 1


@pytest.mark.parametrize("who", ["ledamot", "politiker utan plats", "handläggare", "registrator", "anonym"])
def test_endorse_refused_to_others(client, wrong_users, own_statement, ledamot2, who):
    user = ledamot2 if who == "ledamot" else wrong_users[who]
    _refused(_as(client, user).post(reverse("politician_endorse", args=[own_statement.pk])))
    assert not Statement.objects.filter(endorses=own_statement).exists()


def test_endorse_on_a_justered_decision_is_refused(client, decision, own_statement, ersattare):
    workflow.justera(decision, by=None)
    response = _as(client, ersattare).post(reverse("politician_endorse", args=[own_statement.pk]))
    assert response.status_code == 409
    assert LOCKED in response.content.decode()
    assert not Statement.objects.filter(endorses=own_statement).exists()


# --- Likalydande ----------------------------------------------------------------------------------------


@pytest.fixture
def other_statement(referred, decision):
    """A statement on another body's decision in the same case (as borgarrådsberedningen's)."""
    case = referred[0]
    other_body = BodyFactory(
        name="Borgarrådsberedningen x", name_in_text="borgarrådsberedningen", kind="borgarradsberedningen"
    )
    other_decision = DecisionFactory(case=case, body=other_body)
    seat = SeatFactory(body=other_body, politician__party=PartyFactory(abbreviation="M"))
    return workflow.add_statement(
        other_decision,
        kind="sarskilt_uttalande",
        authors=[AuthorSpec(seat.politician)],
        text="<p>Originalet.</p>",
        by=None,
    )


def test_author_marks_statement_likalydande(client, own_statement, other_statement, ledamot):
    page = _as(client, ledamot).get(reverse("politician_statement_edit", args=[own_statement.pk])).content.decode()
    assert 'for="id_identical_to"' in page and "Borgarrådsberedningen x:" in page
    data = _edit_post(own_statement, identical_to=str(other_statement.pk), text="")
    assert client.post(reverse("politician_statement_edit", args=[own_statement.pk]), data).status_code == 302
    own_statement.refresh_from_db()
    assert own_statement.identical_to == other_statement
    page = client.get(reverse("politician_decision", args=[own_statement.decision_id])).content.decode()
    assert "som är likalydande med Moderaternas särskilda uttalande i borgarrådsberedningen" in page


@pytest.mark.parametrize("who", ["ledamot", "politiker utan plats", "handläggare", "registrator", "anonym"])
def test_likalydande_refused_to_non_authors(client, wrong_users, own_statement, other_statement, ledamot2, who):
    user = ledamot2 if who == "ledamot" else wrong_users[who]
    data = _edit_post(own_statement, identical_to=str(other_statement.pk))
    _refused(_as(client, user).post(reverse("politician_statement_edit", args=[own_statement.pk]), data))
    own_statement.refresh_from_db()
    assert own_statement.identical_to is None


# --- Editing statements ---------------------------------------------------------------------------------


def test_author_edits_statement(client, own_statement, ledamot):
    data = _edit_post(own_statement, text="<p>Ny <b>text</b>.</p><script>x</script>")
    response = _as(client, ledamot).post(reverse("politician_statement_edit", args=[own_statement.pk]), data)
    assert response.status_code == 302
    own_statement.refresh_from_db()
    assert own_statement.text == "<p>Ny <strong>text</strong>.</p>"
    assert own_statement.history.first().history_user == ledamot


def test_accepted_coauthor_edits_but_an_invitee_does_not(client, decision, ledamot, ledamot2, ersattare):
    statement = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        text="<p>T</p>",
        authors=[AuthorSpec(ledamot.politician), AuthorSpec(ledamot2.politician, accepted=False)],
        by=ledamot,
    )
    url = reverse("politician_statement_edit", args=[statement.pk])
    assert _as(client, ledamot2).get(url).status_code == 403
    workflow.accept_coauthorship(statement.authors.get(politician=ledamot2.politician), by=ledamot2)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["ledamot", "politiker utan plats", "handläggare", "registrator", "anonym"])
def test_edit_statement_refused_to_non_authors(client, wrong_users, own_statement, ledamot2, who):
    user = ledamot2 if who == "ledamot" else wrong_users[who]
    url = reverse("politician_statement_edit", args=[own_statement.pk])
    _refused(_as(client, user).get(url))
    _refused(client.post(url, _edit_post(own_statement, text="<p>Intrång</p>")))
    own_statement.refresh_from_db()
    assert own_statement.text == "<p>Vi vill framhålla tidiga insatser.</p>"


def test_editing_after_justering_is_refused_with_the_locked_message(client, decision, own_statement, ledamot):
    workflow.justera(decision, by=None)
    url = reverse("politician_statement_edit", args=[own_statement.pk])
    page = _as(client, ledamot).get(url).content.decode()
    assert LOCKED in page and 'name="text"' not in page
    assert "Vi vill framhålla tidiga insatser." in page
    response = client.post(url, _edit_post(own_statement, text="<p>För sent</p>"))
    assert response.status_code == 409
    assert LOCKED in response.content.decode()
    own_statement.refresh_from_db()
    assert own_statement.text == "<p>Vi vill framhålla tidiga insatser.</p>"


def test_author_sets_and_clears_their_own_and_others_mark(client, decision, own_statement, ledamot):
    url = reverse("politician_statement_edit", args=[own_statement.pk])
    page = _as(client, ledamot).get(url).content.decode()
    assert re.search(r'<input type="checkbox" name="and_others"(?![^>]*checked)[^>]*>', page)
    assert client.post(url, _edit_post(own_statement, and_others="on")).status_code == 302
    author = own_statement.authors.get()
    assert author.and_others is True
    assert author.history.first().history_user == ledamot
    assert author.history.first().history_change_reason == "”m.fl.” tillagt"
    page = client.get(reverse("politician_decision", args=[decision.pk])).content.decode()
    assert "Särskilt uttalande av Jan Jönsson m.fl. (L)" in page
    assert re.search(r'<input type="checkbox" name="and_others"[^>]*checked', client.get(url).content.decode())

    assert client.post(url, _edit_post(own_statement)).status_code == 302  # the box left unticked
    author.refresh_from_db()
    assert author.and_others is False
    assert (
        "Särskilt uttalande av Jan Jönsson (L)"
        in client.get(reverse("politician_decision", args=[decision.pk])).content.decode()
    )


def test_a_coauthor_sets_only_their_own_and_others_mark(client, decision, ledamot, ledamot2):
    statement = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        text="<p>T</p>",
        authors=[AuthorSpec(ledamot.politician), AuthorSpec(ledamot2.politician)],
        by=ledamot,
    )
    url = reverse("politician_statement_edit", args=[statement.pk])
    assert _as(client, ledamot2).post(url, _edit_post(statement, and_others="on")).status_code == 302
    flags = dict(statement.authors.values_list("politician__last_name", "and_others"))
    assert flags == {"Jönsson": False, "Hedin": True}


@pytest.mark.parametrize("who", ["ledamot", "politiker utan plats", "handläggare", "registrator", "anonym"])
def test_others_cannot_set_an_authors_and_others_mark(client, wrong_users, own_statement, ledamot2, who):
    user = ledamot2 if who == "ledamot" else wrong_users[who]
    _refused(
        _as(client, user).post(
            reverse("politician_statement_edit", args=[own_statement.pk]),
            _edit_post(own_statement, and_others="on"),
        )
    )
    assert not StatementAuthor.objects.filter(and_others=True).exists()


def test_and_others_after_justering_is_refused_with_the_locked_message(client, decision, own_statement, ledamot):
    workflow.justera(decision, by=None)
    url = reverse("politician_statement_edit", args=[own_statement.pk])
    response = _as(client, ledamot).post(url, _edit_post(own_statement, and_others="on"))
    assert response.status_code == 409 and LOCKED in response.content.decode()
    assert own_statement.authors.get().and_others is False


def test_statement_edit_conflict_shows_both_versions_and_keeps_typed_text(client, decision, ledamot, ledamot2):
    statement = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        text="<p>Början.</p>",
        authors=[AuthorSpec(ledamot.politician), AuthorSpec(ledamot2.politician)],
        by=ledamot,
    )
    stale = _edit_post(statement, text="<p>Jans nya text.</p>")
    workflow.edit_statement(statement, text="<p>Andreas nya text.</p>", by=ledamot2)
    response = _as(client, ledamot).post(reverse("politician_statement_edit", args=[statement.pk]), stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Någon annan har sparat texten medan du skrev" in html
    assert "Andrea Hedin" in html  # who saved
    assert "Andreas nya text." in html and "Din version (inte sparad)" in html
    match = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', html, re.S)
    assert match and "Jans nya text." in match.group(1)
    statement.refresh_from_db()
    assert statement.text == "<p>Andreas nya text.</p>"
    assert f'name="version" value="{statement.version}"' in html


def test_add_statement_likalydande_from_the_start(client, decision, ledamot, other_statement):
    data = _statement_post(text="", identical_to=str(other_statement.pk))
    assert _add(_as(client, ledamot), decision, data).status_code == 302
    assert Statement.objects.get(decision=decision).identical_to == other_statement


def test_politician_cannot_reach_officer_pages(client, decision, ledamot):
    from remiss.models import Referral

    referral = Referral.objects.get(case=decision.case, body=decision.body)
    client.force_login(ledamot)
    for name in ("officer_referral", "officer_decision"):
        assert client.get(reverse(name, args=[referral.pk])).status_code == 403
    for name in ("officer_referral", "officer_decision", "officer_justera", "officer_reopen_opinion"):
        assert (
            client.post(reverse(name, args=[referral.pk]), {"points": "x", "meeting_date": "2030-03-01"}).status_code
            == 403
        )
    decision.refresh_from_db()
    assert not decision.justered and decision.points == ["Socialnämnden godkänner förvaltningens tjänsteutlåtande."]


def test_officer_of_the_body_cannot_write_statements(client, decision, namnd):
    officer = OfficerFactory(username="soc2", bodies=[namnd])
    client.force_login(officer)
    assert _add(client, decision, _statement_post()).status_code == 403
    assert not Statement.objects.exists()


# --- Stored text is sanitised again when shown ----------------------------------------------------

# Written around the workflow (a restore, a script, an old version): the page must not trust it.
STORED_PAYLOAD = (
    '<p>Behållen text</p><script>alert("lagrat")</script><img src=x onerror="alert(2)"><p style="x">stil</p>'
)


def _assert_inert(html: str) -> None:
    # An editable form shows the stored text escaped in its textarea; that is text, not markup.
    for forbidden in ("<script>alert", "<img", 'onerror="', '<p style="x">'):
        assert forbidden not in html, forbidden


def test_statement_and_decision_written_around_the_workflow_are_shown_sanitised(
    client, decision, own_statement, ledamot
):
    Statement.objects.filter(pk=own_statement.pk).update(text=STORED_PAYLOAD)
    type(decision).objects.filter(pk=decision.pk).update(added_text=STORED_PAYLOAD.replace("Behållen", "Nämndens"))
    html = _as(client, ledamot).get(reverse("politician_decision", args=[decision.pk])).content.decode()
    _assert_inert(html)
    assert "<p>Behållen text</p>" in html and "<p>Nämndens text</p>" in html


def test_justered_statement_written_around_the_workflow_is_shown_sanitised(client, decision, own_statement, ledamot):
    workflow.justera(decision, by=None)
    Statement.objects.filter(pk=own_statement.pk).update(text=STORED_PAYLOAD)
    html = _as(client, ledamot).get(reverse("politician_statement_edit", args=[own_statement.pk])).content.decode()
    _assert_inert(html)
    assert "<p>Behållen text</p>" in html
