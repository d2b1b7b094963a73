"""`manage.py loaddemo`: the SOU 2022:67 case as in the seed, its users and its history; safe to run twice.

These tests load the demo themselves, inside an ordinary `db` test, so they see exactly what one
run of the command does (the module-scoped `demo_db` fixture is deliberately not used here).
"""

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Max

from remiss.attribution import full_line
from remiss.models import Body, Case, Decision, Opinion, Politician, Referral, Statement, User

pytestmark = pytest.mark.django_db

REFERENCE = "SOU 2022:67"

# (body, meeting date or None for the office, opinion date), in the seed's order.
SEED_REFERRALS = [
    ("Stadsledningskontoret", None, date(2023, 4, 12)),
    ("Socialnämnden", date(2023, 3, 21), date(2023, 2, 22)),
    ("Utbildningsnämnden", date(2023, 3, 30), date(2023, 2, 28)),
    ("Skarpnäcks stadsdelsnämnd", date(2023, 3, 30), date(2023, 1, 31)),
    ("Spånga-Tensta stadsdelsnämnd", date(2023, 3, 22), date(2023, 2, 13)),
    ("Södermalms stadsdelsnämnd", date(2023, 3, 23), date(2023, 1, 18)),
]

# Every statement's attribution line, per body, in the seed's order.
SEED_STATEMENTS = {
    "Socialnämnden": [
        "Särskilt uttalande av Kristin Jacobsson (C) och Andrea Hedin m.fl. (M)",
        "Särskilt uttalande av Jan Jönsson (L), Andrea Hedin m.fl. (M) och Kristin Jacobsson (C)",
        "Ersättaryttrande av Michaela Hollis (KD) som ställde sig bakom Liberalernas, Moderaternas "
        "och Centerpartiets gemensamma särskilda uttalande",
    ],
    "Utbildningsnämnden": [
        "Särskilt uttalande av Jan Jönsson m.fl. (L), Andrea Hedin m.fl. (M) och Claes Nyberg (C)",
        "Ersättaryttrande av Frida Bondesson (KD) som ställde sig bakom Liberalernas, Moderaternas "
        "och Centerpartiets gemensamma särskilda uttalande",
    ],
    "Skarpnäcks stadsdelsnämnd": [
        "Reservation av Henrietta Ludwig (C) som yrkade bifall till förvaltningens förslag till beslut",
    ],
    "Borgarrådsberedningen": [
        "Särskilt uttalande av borgarråden Christofer Fjellner (M) och Jan Jönsson (L)",
    ],
    "Kommunstyrelsen": [
        "Särskilt uttalande av Christofer Fjellner, Annika Friberg och Jonas Nilsson (alla M), Jan Jönsson (L) "
        "och Jonas Naddebo (C) som är likalydande med Moderaternas och Liberalernas gemensamma särskilda "
        "uttalande i borgarrådsberedningen",
    ],
}

OFFICERS = {
    "Stadsledningskontoret": "handlaggare.slk",
    "Socialnämnden": "handlaggare.soc",
    "Utbildningsnämnden": "handlaggare.utb",
    "Skarpnäcks stadsdelsnämnd": "handlaggare.skarpnack",
    "Spånga-Tensta stadsdelsnämnd": "handlaggare.spanga-tensta",
    "Södermalms stadsdelsnämnd": "handlaggare.sodermalm",
}

POLITICIAN_USERS = {
    "jan.jonsson": "Jan Jönsson",
    "andrea.hedin": "Andrea Hedin",
    "kristin.jacobsson": "Kristin Jacobsson",
    "michaela.hollis": "Michaela Hollis",
    "henrietta.ludwig": "Henrietta Ludwig",
    "alexander.ojanne": "Alexander Ojanne",
}


def loaddemo() -> str:
    out = StringIO()
    call_command("loaddemo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> Case:
    assert not Case.objects.exists(), "the demo tests need an empty database"
    assert "Demoärendet är inläst" in loaddemo()
    return Case.objects.get(reference=REFERENCE)


def test_the_case_as_registered(demo):
    assert demo.title == "Vägar till ett tryggare samhälle, Kraftsamling för barn och unga"
    assert (demo.sender, demo.ministry_dnr, demo.city_dnr) == (
        "Justitiedepartementet",
        "Ju2022/03613",
        "KS 2023/99-1.1",
    )
    assert demo.deadline == date(2023, 4, 28)
    assert demo.commissioner.full_name == "Alexander Ojanne"
    assert demo.memo_title == "Vägar till ett tryggare samhälle - Kraftsamling för barn och unga"
    assert demo.background.startswith("<p>")
    assert demo.proposals.exists()


def test_six_referrals_in_the_seeds_order_with_their_dates(demo):
    referrals = list(demo.referrals.select_related("body", "opinion").order_by("order"))
    assert [r.body.name for r in referrals] == [name for name, _, _ in SEED_REFERRALS]
    assert [r.order for r in referrals] == [1, 2, 3, 4, 5, 6]
    for referral, (name, meeting, opinion_date) in zip(referrals, SEED_REFERRALS, strict=True):
        assert referral.opinion.date == opinion_date, name
        assert referral.opinion.text.strip(), name
        assert referral.position.startswith(name), name
        decision = Decision.objects.filter(case=demo, body=referral.body).first()
        if meeting is None:
            assert decision is None, f"{name} is an office and makes no decision"
        else:
            assert decision.meeting_date == meeting, name
        assert demo.deadline >= referral.deadline >= demo.received


def test_every_statement_with_the_seeds_authors_in_the_seeds_order(demo):
    statements = Statement.objects.filter(decision__case=demo).select_related("decision__body")
    by_body: dict[str, list[str]] = {}
    for statement in statements.order_by("decision__body__name", "order", "pk"):
        by_body.setdefault(statement.decision.body.name, []).append(full_line(statement))
    assert by_body == SEED_STATEMENTS
    # No invitation was left pending: every author on record is an accepted one.
    assert not demo.decisions.filter(statements__authors__accepted=False).exists()


def test_endorsement_and_likalydande_links(demo):
    def statements(body):
        return list(Statement.objects.filter(decision__case=demo, decision__body__name=body).order_by("order"))

    soc_c_m, soc_l_m_c, soc_kd = statements("Socialnämnden")
    assert soc_kd.kind == Statement.Kind.ERSATTARYTTRANDE
    assert soc_kd.endorses == soc_l_m_c
    assert soc_c_m.endorses is None and soc_l_m_c.endorses is None
    utb_l_m_c, utb_kd = statements("Utbildningsnämnden")
    assert utb_kd.endorses == utb_l_m_c
    (brb,) = statements("Borgarrådsberedningen")
    (ks,) = statements("Kommunstyrelsen")
    assert ks.identical_to == brb
    assert ks.text == ""
    assert brb.text.startswith("<p>Socialtjänsten har en avgörande roll")
    assert brb.author_title == "borgarråden"
    (reservation,) = statements("Skarpnäcks stadsdelsnämnd")
    assert reservation.backed_proposal == "förvaltningens förslag till beslut"
    linked = Statement.objects.filter(decision__case=demo).exclude(endorses=None, identical_to=None)
    assert set(linked) == {soc_kd, utb_kd, ks}


def test_the_city_proposal(demo):
    proposal = demo.city_proposal
    assert proposal.decision_points == [
        "Remissen besvaras med hänvisning till vad som sägs i stadens promemoria.",
        "Paragrafen justeras omedelbart.",
    ]
    assert proposal.signed_place == "Stockholm"
    assert proposal.signed_date == date(2023, 4, 26)
    assert proposal.summary.startswith("<p>Justitiedepartementet har remitterat Vägar till ett tryggare samhälle")
    assert proposal.views.startswith("<p>")
    # Each body's position is a paragraph of the summary.
    for referral in demo.referrals.all():
        assert referral.position in proposal.summary, referral.body.name


def test_the_demo_users(demo):
    registrar = User.objects.get(username="registrator")
    assert registrar.role == User.Role.REGISTRAR
    assert registrar.check_password("remiss-demo")
    for referral in demo.referrals.select_related("body"):
        officers = User.objects.filter(role=User.Role.OFFICER, bodies=referral.body)
        assert [u.username for u in officers] == [OFFICERS[referral.body.name]]
        assert list(referral.officers.all()) == list(officers)
    assert User.objects.filter(role=User.Role.OFFICER).count() == len(OFFICERS)
    for username, name in POLITICIAN_USERS.items():
        user = User.objects.get(username=username)
        assert user.role == User.Role.POLITICIAN
        assert user.politician.full_name == name
        assert user.get_full_name() == name
    assert Politician.objects.exclude(user=None).count() == len(POLITICIAN_USERS)


def test_every_decision_is_justered_and_the_case_decided(demo):
    assert demo.status == Case.Status.DECIDED
    decisions = Decision.objects.filter(case=demo).select_related("body")
    assert sorted(d.body.name for d in decisions) == sorted(
        [name for name, meeting, _ in SEED_REFERRALS if meeting] + ["Borgarrådsberedningen", "Kommunstyrelsen"]
    )
    assert all(d.justered for d in decisions)
    statuses = {r.body.name: r.status for r in demo.referrals.select_related("body")}
    assert statuses == {
        name: (Referral.Status.OPINION_READY if meeting is None else Referral.Status.JUSTERED)
        for name, meeting, _ in SEED_REFERRALS
    }


def test_history_names_the_people_who_did_the_work(demo):
    registrar = User.objects.get(username="registrator")

    case_rows = demo.history.order_by("history_date", "history_id")
    assert case_rows.first().history_user == registrar
    assert case_rows.first().history_change_reason == "Ärendet registrerat"
    assert set(case_rows.values_list("history_user", flat=True)) == {registrar.pk}

    for referral in demo.referrals.select_related("body"):
        officer = User.objects.get(username=OFFICERS[referral.body.name])
        first = referral.history.order_by("history_date", "history_id").first()
        assert (first.history_user, first.history_change_reason) == (registrar, "Remitterat")

        opinion = Opinion.objects.get(referral=referral)
        saved = opinion.history.filter(history_change_reason="Tjänsteutlåtandet sparat")
        assert saved.count() == 1
        assert saved.get().history_user == officer
        assert saved.get().text == opinion.text

        ready = referral.history.get(history_change_reason="Tjänsteutlåtandet markerat som klart")
        assert ready.history_user == officer

        decision = Decision.objects.filter(case=demo, body=referral.body).first()
        if decision is not None:
            rows = decision.history.order_by("history_date", "history_id")
            assert [(r.history_change_reason, r.history_user) for r in rows] == [
                ("Beslut registrerat", officer),
                ("Beslutet justerat", officer),
            ]

    for decision in Decision.objects.filter(
        case=demo, body__kind__in=[Body.Kind.BORGARRADSBEREDNINGEN, Body.Kind.KOMMUNSTYRELSEN]
    ):
        assert set(decision.history.values_list("history_user", flat=True)) == {registrar.pk}

    for statement in Statement.objects.filter(decision__case=demo).select_related("created_by"):
        added = statement.history.get(history_change_reason="Uttalande tillagt")
        assert added.history_user is not None
        assert added.history_user == statement.created_by
        first_author = statement.authors.order_by("order").first().politician
        if first_author.user is not None:
            # A politician with a login wrote their own statement.
            assert statement.created_by == first_author.user


def _snapshot() -> dict[str, object]:
    """Row count of every table (history tables included), and the newest history_date of each history."""
    state: dict[str, object] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        state[label] = model._base_manager.count()
        if label.startswith("remiss.Historical"):
            state[f"{label}.max_history_date"] = model._base_manager.aggregate(m=Max("history_date"))["m"]
    return state


def test_running_it_twice_changes_nothing(demo):
    before = _snapshot()
    history_models = [k for k in before if k.startswith("remiss.Historical") and not k.endswith("max_history_date")]
    # The snapshot really covers the demo: every domain table and its history has rows.
    for label in (
        "remiss.Case",
        "remiss.Referral",
        "remiss.Opinion",
        "remiss.Decision",
        "remiss.Statement",
        "remiss.StatementAuthor",
        "remiss.User",
        "remiss.Politician",
        "remiss.Seat",
    ):
        assert before[label] > 0, label
        assert before[label.replace("remiss.", "remiss.Historical")] > 0, label
    assert len(history_models) >= 12

    output = loaddemo()

    assert "Demoärendet finns redan; inget ändrades." in output
    assert _snapshot() == before
