"""Saving the officer's positions form: the version check against lost updates, a missing or
malformed version, and a betänkande with hundreds of proposals (Django's 1,000-field limit)."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from remiss import workflow
from remiss.models import Position, Proposal, Referral
from remiss.positions_form import PAGE_PARAM, PAGE_SIZE
from remiss.workflow import ReferralSpec
from tests.factories import BodyFactory, CaseFactory, OfficerFactory, RegistrarFactory
from tests.test_conflicts import conflict_section, race_two, versions
from tests.test_positions import A, T, _form_data

POSITIONS_CONFLICT = "Någon annan har sparat ställningstaganden medan du arbetade. Jämför dina val med de sparade."


@pytest.fixture
def drafting(registrar):
    """(case, proposals keyed 'F1'…'F3', kultur referral, its officer): nothing recorded yet."""
    case = CaseFactory()
    body = BodyFactory(name="Kulturnämnden", name_in_text="kulturnämnden", administration="Kulturförvaltningen")
    proposals = {
        f"F{n}": workflow.add_proposal(
            case, number=str(n), kind=Proposal.Kind.FORSLAG, title=f"Förslaget om sak {n}", by=registrar
        )
        for n in range(1, 4)
    }
    (referral,) = workflow.refer(case, bodies=[ReferralSpec(body, date(2030, 4, 1))], by=registrar)
    officer = OfficerFactory(username="kultur.handlaggare", first_name="Anna", last_name="Ask", bodies=[body])
    return case, proposals, referral, officer


@pytest.fixture
def colleague(drafting):
    _case, _proposals, referral, _officer = drafting
    return OfficerFactory(username="kultur.kollega", first_name="Bodil", last_name="Berg", bodies=[referral.body])


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client, referral: Referral) -> str:
    return client.get(reverse("officer_referral", args=[referral.pk])).content.decode()


def _post(client, referral: Referral, data: dict):
    return client.post(reverse("officer_positions", args=[referral.pk]), data)


def _stored(referral: Referral) -> set[tuple[int, str, str]]:
    return {(x.proposal_id, x.stance, x.comment) for x in Position.objects.filter(referral=referral)}


def test_the_second_of_two_officers_gets_the_conflict_page(client, drafting, colleague) -> None:
    """A and B open the page; A saves "A", then B saves "B": B is refused, A's entry stays."""
    _case, p, referral, officer = drafting
    client.force_login(officer)
    second_client = _login(colleague)
    first = _form_data(_page(client, referral))
    second = _form_data(_page(second_client, referral))
    assert first.get("version") == second.get("version")
    f1 = p["F1"].pk
    first.update({f"p{f1}-stance": T, f"p{f1}-comment": "A"})
    assert _post(client, referral, first).status_code == 302
    rows_after_first = Position.history.filter(referral_id=referral.pk).count()

    second.update({f"p{f1}-stance": A, f"p{f1}-comment": "B"})
    response = _post(second_client, referral, second)
    assert response.status_code == 409
    page = response.content.decode()
    section = conflict_section(page)
    assert POSITIONS_CONFLICT in section
    assert "Sparad av Anna Ask" in section
    mine, saved = versions(section)
    assert "Avstyrker" in mine and "B" in mine
    assert "Tillstyrker" in saved and "A" in saved
    assert _stored(referral) == {(f1, T, "A")}  # A's entry is not gone
    assert Position.history.filter(referral_id=referral.pk).count() == rows_after_first
    # What B chose is still in the form, with the saved version's number: saving again overwrites knowingly.
    again = _form_data(page)
    assert again[f"p{f1}-stance"] == A and again[f"p{f1}-comment"] == "B"
    assert again["version"] == str(Referral.objects.get(pk=referral.pk).positions_version) != second["version"]
    assert _post(second_client, referral, again).status_code == 302
    assert _stored(referral) == {(f1, A, "B")}
    # Both saves are in the history.
    comments = set(Position.history.filter(referral_id=referral.pk).values_list("comment", flat=True))
    assert {"A", "B"} <= comments


def test_the_workflow_claims_the_positions_version_in_the_same_update(drafting) -> None:
    """A stale version changes nothing; every save, a script's too, moves the version on."""
    _case, p, referral, officer = drafting
    start = Referral.objects.get(pk=referral.pk).positions_version
    workflow.set_proposal_position(referral, proposal=p["F2"], stance=T, by=None)
    assert Referral.objects.get(pk=referral.pk).positions_version == start + 1
    saved = workflow.save_positions(
        referral, [workflow.PositionChange(p["F1"], A, "Nej.")], by=officer, expected_version=start + 1
    )
    assert saved.positions_version == start + 2
    rows = Position.history.filter(referral_id=referral.pk).count()
    with pytest.raises(workflow.ConflictError) as error:
        workflow.save_positions(
            referral, [workflow.PositionChange(p["F1"], T, "Ja.")], by=officer, expected_version=start + 1
        )
    assert str(error.value) == POSITIONS_CONFLICT
    assert error.value.current.positions_version == start + 2
    assert _stored(referral) == {(p["F2"].pk, T, ""), (p["F1"].pk, A, "Nej.")}
    assert Position.history.filter(referral_id=referral.pk).count() == rows
    workflow.clear_proposal_position(referral, proposal=p["F2"], by=officer)
    assert Referral.objects.get(pk=referral.pk).positions_version == start + 3


@pytest.mark.parametrize("version", [None, "", "abc", "-1", "0", "1.5", "99999999999999999999"])
def test_a_missing_or_malformed_version_is_a_conflict(client, drafting, version) -> None:
    """Never "the latest": without a version the page could be from before any colleague's save."""
    _case, p, referral, officer = drafting
    workflow.set_proposal_position(referral, proposal=p["F1"], stance=T, comment="Kollegans val", by=None)
    client.force_login(officer)
    data = _form_data(_page(client, referral))
    data.pop("version")
    if version is not None:
        data["version"] = version
    data[f"p{p['F1'].pk}-stance"] = A
    data[f"p{p['F1'].pk}-comment"] = "Mitt val"
    response = _post(client, referral, data)
    assert response.status_code == 409
    assert POSITIONS_CONFLICT in conflict_section(response.content.decode())
    assert _stored(referral) == {(p["F1"].pk, T, "Kollegans val")}
    again = _form_data(response.content.decode())
    assert (again[f"p{p['F1'].pk}-stance"], again[f"p{p['F1'].pk}-comment"]) == (A, "Mitt val")
    assert again["version"] == str(Referral.objects.get(pk=referral.pk).positions_version)


@pytest.mark.django_db(transaction=True)
def test_two_connections_save_positions_with_the_same_version(tmp_path) -> None:
    """Both threads read the version, wait for each other, then save the same proposal's stance:
    the conditional UPDATE in `_claim_version` lets exactly one through."""
    registrar = RegistrarFactory(username="registrator")
    case = CaseFactory()
    proposal = workflow.add_proposal(case, number="1", kind=Proposal.Kind.FORSLAG, title="Förslaget", by=registrar)
    body = BodyFactory()
    (referral,) = workflow.refer(case, bodies=[ReferralSpec(body, date(2030, 4, 1))], by=registrar)
    users = [OfficerFactory(username=f"handlaggare{n}", bodies=[body]) for n in range(2)]
    start = Referral.objects.get(pk=referral.pk).positions_version
    choices = [(T, "Den första"), (A, "Den andra")]

    def read(n: int) -> Referral:
        seen = Referral.objects.get(pk=referral.pk)
        assert seen.positions_version == start
        return seen

    def write(n: int, seen: Referral) -> None:
        workflow.save_positions(
            seen,
            [workflow.PositionChange(proposal, *choices[n])],
            by=users[n],
            expected_version=seen.positions_version,
        )

    outcomes = race_two(tmp_path, read, write)
    assert outcomes.count("saved") == 1, outcomes
    (winner,) = [n for n, outcome in enumerate(outcomes) if outcome == "saved"]
    assert isinstance(outcomes[1 - winner], workflow.ConflictError), outcomes
    assert _stored(referral) == {(proposal.pk, *choices[winner])}
    assert Referral.objects.get(pk=referral.pk).positions_version == start + 1
    assert Position.history.filter(referral_id=referral.pk).count() == 1


# --- Hundreds of proposals -------------------------------------------------------------------------

MANY = 400


def _action(page: str) -> str:
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*class="positions-form"', page)
    assert form, "no positions form"
    return html_lib.unescape(form.group(1))


def _next_page(page: str) -> str | None:
    nav = re.search(r'<nav class="pagination" aria-label="Sidor med förslag och bedömningar">(.*?)</nav>', page, re.S)
    link = re.search(r'<a href="([^"]+)">Nästa sida</a>', nav.group(1)) if nav else None
    return html_lib.unescape(link.group(1)) if link else None


def _referred_with_proposals(count: int, registrar):
    """A case with `count` proposals (one bulk insert), referred to one new body."""
    case = CaseFactory()
    Proposal.objects.bulk_create(
        Proposal(case=case, number=str(n), kind=Proposal.Kind.FORSLAG, title=f"Förslaget om sak {n}", order=n)
        for n in range(1, count + 1)
    )
    body = BodyFactory()
    (referral,) = workflow.refer(case, bodies=[ReferralSpec(body, date(2030, 4, 1))], by=registrar)
    return case, body, referral


def test_400_proposals_save_page_by_page_without_losing_anything(client, registrar, settings) -> None:
    """One form for all proposals posted 1,600 fields: over Django's limit of 1,000, a 400 and
    everything typed lost. Each page of the form stays under the limit and saves on its own."""
    case, body, referral = _referred_with_proposals(MANY, registrar)
    officer = OfficerFactory(username="manga.forslag", bodies=[body])
    client.force_login(officer)
    url: str | None = reverse("officer_referral", args=[referral.pk])
    typed: dict[int, tuple[str, str]] = {}
    pages = 0
    while url:
        page = client.get(url).content.decode()
        data = _form_data(page)
        for name in [n for n in data if re.fullmatch(r"p\d+-stance", n)]:
            pk = int(name[1:].split("-")[0])
            typed[pk] = (A if pk % 2 else T, f"Kommentar {pk}")
            data[name], data[name.replace("stance", "comment")] = typed[pk]
        response = client.post(_action(page), data)
        assert response.status_code == 302, response.status_code
        assert len(data) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000  # the global limit stays
        assert f"{PAGE_PARAM}={pages + 1}#positions-heading" in response["Location"]  # back to the same page
        pages += 1
        url = _next_page(page)
    assert pages == MANY // PAGE_SIZE
    assert len(typed) == MANY
    assert _stored(referral) == {(pk, stance, comment) for pk, (stance, comment) in typed.items()}


def test_a_proposal_added_meanwhile_does_not_shift_what_was_typed(client, registrar) -> None:
    """A page's rows are the ones it showed (found by their fields), not "rows 51–100 now"."""
    case, body, referral = _referred_with_proposals(PAGE_SIZE + 2, registrar)
    client.force_login(OfficerFactory(username="sida.tva", bodies=[body]))
    page = client.get(reverse("officer_referral", args=[referral.pk]) + f"?{PAGE_PARAM}=2").content.decode()
    data = _form_data(page)
    shown = sorted(int(n[1:].split("-")[0]) for n in data if re.fullmatch(r"p\d+-stance", n))
    assert [Proposal.objects.get(pk=pk).number for pk in shown] == [str(PAGE_SIZE + 1), str(PAGE_SIZE + 2)]
    workflow.add_proposal(case, number="0", kind=Proposal.Kind.BEDOMNING, title="Först i ordningen", by=registrar)
    Proposal.objects.filter(case=case, number="0").update(order=0)
    for pk in shown:
        data[f"p{pk}-stance"] = T
    response = client.post(_action(page), data)
    assert response.status_code == 302
    assert {x.proposal_id for x in Position.objects.filter(referral=referral)} == set(shown)
