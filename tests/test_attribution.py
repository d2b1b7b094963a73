"""Attribution lines, exactly as the seed document writes them, built from factories."""

import pytest

from remiss.attribution import (
    attribution,
    authors_phrase,
    full_line,
    has_own_text,
    join_swedish,
    listed_authors,
    parties_phrase,
)
from remiss.models import Seat, Statement
from tests.factories import (
    BodyFactory,
    BorgarradsberedningenFactory,
    CaseFactory,
    DecisionFactory,
    KommunstyrelsenFactory,
    PartyFactory,
    PoliticianFactory,
    SeatFactory,
    StadsdelsnamndFactory,
    StatementAuthorFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

PEOPLE = {
    "kristin": ("Kristin", "Jacobsson", "C"),
    "andrea": ("Andrea", "Hedin", "M"),
    "jan": ("Jan", "Jönsson", "L"),
    "michaela": ("Michaela", "Hollis", "KD"),
    "claes": ("Claes", "Nyberg", "C"),
    "henrietta": ("Henrietta", "Ludwig", "C"),
    "fjellner": ("Christofer", "Fjellner", "M"),
    "friberg": ("Annika", "Friberg", "M"),
    "nilsson": ("Jonas", "Nilsson", "M"),
    "naddebo": ("Jonas", "Naddebo", "C"),
}


@pytest.fixture
def people(db):
    return {
        key: PoliticianFactory(first_name=first, last_name=last, party=PartyFactory(abbreviation=party))
        for key, (first, last, party) in PEOPLE.items()
    }


@pytest.fixture
def case(db):
    return CaseFactory(reference="SOU 2022:67")


@pytest.fixture
def statement(people):
    """Make a statement with its authors in order; an author is a key of PEOPLE or (key, and_others)."""

    def make(decision, kind, authors, **fields):
        made = StatementFactory(decision=decision, kind=kind, **fields)
        for position, spec in enumerate(authors, start=1):
            key, and_others = spec if isinstance(spec, tuple) else (spec, False)
            politician = people[key]
            role = Seat.Role.ERSATTARE if kind == Statement.Kind.ERSATTARYTTRANDE else Seat.Role.LEDAMOT
            if not politician.seats.filter(body=decision.body).exists():
                SeatFactory(politician=politician, body=decision.body, role=role)
            author = StatementAuthorFactory(
                statement=made, politician=politician, and_others=and_others, order=position
            )
            author.full_clean()  # the seat rules hold for every author used below
        return made

    return make


@pytest.fixture
def soc(case):
    body = BodyFactory(name="Socialnämnden", name_in_text="socialnämnden", administration="Socialförvaltningen")
    return DecisionFactory(case=case, body=body)


@pytest.fixture
def soc_statements(soc, statement):
    c_m = statement(soc, Statement.Kind.SARSKILT_UTTALANDE, ["kristin", ("andrea", True)])
    l_m_c = statement(soc, Statement.Kind.SARSKILT_UTTALANDE, ["jan", ("andrea", True), "kristin"])
    kd = statement(soc, Statement.Kind.ERSATTARYTTRANDE, ["michaela"], text="", endorses=l_m_c)
    return c_m, l_m_c, kd


def test_socialnamnden_sarskilt_uttalande_c_and_m(soc_statements):
    c_m, _, _ = soc_statements
    assert attribution(c_m) == "Särskilt uttalande av Kristin Jacobsson (C) och Andrea Hedin m.fl. (M)"
    assert full_line(c_m) == attribution(c_m)


def test_socialnamnden_sarskilt_uttalande_l_m_c(soc_statements):
    _, l_m_c, _ = soc_statements
    assert full_line(l_m_c) == "Särskilt uttalande av Jan Jönsson (L), Andrea Hedin m.fl. (M) och Kristin Jacobsson (C)"


def test_ersattaryttrande_endorsing_the_joint_statement(soc_statements):
    _, l_m_c, kd = soc_statements
    assert parties_phrase(l_m_c) == "Liberalernas, Moderaternas och Centerpartiets gemensamma särskilda uttalande"
    assert full_line(kd) == (
        "Ersättaryttrande av Michaela Hollis (KD) som ställde sig bakom "
        "Liberalernas, Moderaternas och Centerpartiets gemensamma särskilda uttalande"
    )
    assert not has_own_text(kd)


def test_reservation_backing_the_administrations_proposal(case, statement):
    skarpnack = DecisionFactory(
        case=case,
        body=StadsdelsnamndFactory(name="Skarpnäcks stadsdelsnämnd", administration="Skarpnäcks stadsdelsförvaltning"),
    )
    reservation = statement(
        skarpnack,
        Statement.Kind.RESERVATION,
        ["henrietta"],
        text="",
        backed_proposal="förvaltningens förslag till beslut",
    )
    assert full_line(reservation) == (
        "Reservation av Henrietta Ludwig (C) som yrkade bifall till förvaltningens förslag till beslut"
    )
    assert not has_own_text(reservation)


@pytest.fixture
def city_statements(case, statement):
    brb = DecisionFactory(case=case, body=BorgarradsberedningenFactory(), meeting_date=None)
    ks = DecisionFactory(case=case, body=KommunstyrelsenFactory(), meeting_date=None, points=[])
    brb_m_l = statement(brb, Statement.Kind.SARSKILT_UTTALANDE, ["fjellner", "jan"], author_title="borgarråden")
    ks_m_l_c = statement(
        ks,
        Statement.Kind.SARSKILT_UTTALANDE,
        ["fjellner", "friberg", "nilsson", "jan", "naddebo"],
        text="",
        identical_to=brb_m_l,
    )
    return brb_m_l, ks_m_l_c


def test_borgarradsberedningen_with_author_title(city_statements):
    brb_m_l, _ = city_statements
    assert full_line(brb_m_l) == "Särskilt uttalande av borgarråden Christofer Fjellner (M) och Jan Jönsson (L)"
    assert has_own_text(brb_m_l)


def test_kommunstyrelsen_likalydande_with_borgarradsberedningen(city_statements):
    _, ks_m_l_c = city_statements
    assert full_line(ks_m_l_c) == (
        "Särskilt uttalande av Christofer Fjellner, Annika Friberg och Jonas Nilsson (alla M), "
        "Jan Jönsson (L) och Jonas Naddebo (C) som är likalydande med Moderaternas och Liberalernas "
        "gemensamma särskilda uttalande i borgarrådsberedningen"
    )
    assert not has_own_text(ks_m_l_c)


def test_party_genitives():
    expected = {"L": "Liberalernas", "M": "Moderaternas", "C": "Centerpartiets", "KD": "Kristdemokraternas"}
    assert {abbr: PartyFactory(abbreviation=abbr).genitive for abbr in expected} == expected


def test_two_of_one_party_are_both(soc, statement):
    made = statement(soc, Statement.Kind.SARSKILT_UTTALANDE, ["fjellner", "andrea"])
    assert attribution(made) == "Särskilt uttalande av Christofer Fjellner och Andrea Hedin (båda M)"
    assert parties_phrase(made) == "Moderaternas särskilda uttalande"


def test_a_single_party_reservation_is_not_joint(soc, statement):
    made = statement(soc, Statement.Kind.RESERVATION, ["kristin", "claes"], text="<p>Motivering.</p>")
    assert parties_phrase(made) == "Centerpartiets reservation"
    assert full_line(made) == "Reservation av Kristin Jacobsson och Claes Nyberg (båda C)"
    assert has_own_text(made)


def test_same_party_authors_apart_are_not_grouped(soc, statement):
    made = statement(soc, Statement.Kind.SARSKILT_UTTALANDE, ["kristin", "andrea", "claes"])
    assert authors_phrase(list(made.authors.all())) == "Kristin Jacobsson (C), Andrea Hedin (M) och Claes Nyberg (C)"
    assert parties_phrase(made) == "Centerpartiets och Moderaternas gemensamma särskilda uttalande"


def test_pending_co_author_is_not_named(soc, statement, people):
    made = statement(soc, Statement.Kind.SARSKILT_UTTALANDE, ["kristin", ("andrea", True)])
    invitation = made.authors.get(politician=people["andrea"])
    invitation.accepted = False
    invitation.save()
    assert [a.politician for a in listed_authors(made)] == [people["kristin"]]
    assert attribution(made) == "Särskilt uttalande av Kristin Jacobsson (C)"
    assert parties_phrase(made) == "Centerpartiets särskilda uttalande"


def test_author_order_is_the_recorded_order_not_the_creation_order(soc, statement, people):
    made = statement(soc, Statement.Kind.SARSKILT_UTTALANDE, ["jan", "kristin"])
    made.authors.filter(politician=people["jan"]).update(order=5)
    assert attribution(made) == "Särskilt uttalande av Kristin Jacobsson (C) och Jan Jönsson (L)"


@pytest.mark.parametrize(
    ("items", "joined"),
    [
        ([], ""),
        (["a"], "a"),
        (["a", "b"], "a och b"),
        (["a", "b", "c"], "a, b och c"),
        (["a", "b", "c", "d"], "a, b, c och d"),
    ],
)
def test_join_swedish(items, joined):
    assert join_swedish(items) == joined
