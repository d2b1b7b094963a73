"""Every form that saves a versioned text refuses a save whose hidden `version` is missing or
malformed: it is a conflict (409), never taken as "the latest", and the stored text stays.

One setup per save path builds a text saved once, the page's URL, the person who may save it and
the fields of a save that would change it; the test posts that save with each bad version.
(The positions form has the same test in test_positions_saving.py.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from remiss import workflow
from remiss.models import Case, CityProposal, Decision, Opinion, Seat, Statement
from remiss.workflow import AuthorSpec
from tests.factories import (
    BorgarradsberedningenFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
)

SAVED = "<p>Den sparade texten.</p>"
TYPED = "<p>En text som inte får skriva över den sparade.</p>"
BAD_VERSIONS = [None, "", "abc", "-1", "0", "1.5", "99999999999999999999"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class SavePath:
    user: object
    url: str
    data: dict[str, str]
    stored: Callable[[], object]  # what the save must not change
    statuses: tuple[int, ...] = (409,)


def _decided(referral, officer) -> Decision:
    workflow.save_opinion(referral, text=SAVED, proposed_decision="<p>Godkänn.</p>", date=date(2030, 2, 1), by=officer)
    workflow.mark_opinion_ready(referral, by=officer)
    return workflow.record_decision(
        referral, meeting_date=date(2030, 3, 20), points=["Den sparade punkten."], by=officer
    )


def _city_statement(case, registrar) -> Statement:
    brb = BorgarradsberedningenFactory()
    decision = workflow.record_city_decision(case, body=brb, points=["Den sparade punkten."], by=registrar)
    author = PoliticianFactory(first_name="Jan", last_name="Jönsson", party=PartyFactory(abbreviation="L"))
    SeatFactory(politician=author, body=brb)
    return workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(author)],
        author_title="borgarrådet",
        text=SAVED,
        by=registrar,
    )


def _background(case, referral, officer, registrar) -> SavePath:
    workflow.save_background(case, text=SAVED, by=registrar)
    return SavePath(
        registrar,
        reverse("case_background", args=[case.pk]),
        {"text": TYPED},
        lambda: Case.objects.get(pk=case.pk).background,
    )


def _city_proposal(case, referral, officer, registrar) -> SavePath:
    workflow.save_city_proposal(case, summary=SAVED, by=registrar)
    data = {
        "decision_points": "Remissen besvaras.",
        "summary": TYPED,
        "views": "",
        "signed_place": "Stockholm",
        "signed_date": "",
    }
    return SavePath(
        registrar,
        reverse("case_city_proposal", args=[case.pk]),
        data,
        lambda: CityProposal.objects.get(case=case).summary,
    )


def _opinion(case, referral, officer, registrar) -> SavePath:
    workflow.save_opinion(referral, text=SAVED, by=officer)
    data = {"text": TYPED, "proposed_decision": "", "date": "", "action": "save"}
    return SavePath(
        officer,
        reverse("officer_referral", args=[referral.pk]),
        data,
        lambda: Opinion.objects.get(referral=referral).text,
    )


def _namnd_decision(case, referral, officer, registrar) -> SavePath:
    decision = _decided(referral, officer)
    data = {
        "meeting_date": "2030-03-20",
        "points": "En punkt som inte får skriva över.",
        "added_text_after_point": "1",
        "added_text": TYPED,
        "position": "",
    }
    return SavePath(
        officer,
        reverse("officer_decision", args=[referral.pk]),
        data,
        lambda: Decision.objects.values_list("points", "added_text").get(pk=decision.pk),
    )


def _politician_statement(case, referral, officer, registrar) -> SavePath:
    decision = _decided(referral, officer)
    user = PoliticianUserFactory(username="jan")
    politician = PoliticianFactory(
        first_name="Jan", last_name="Jönsson", party=PartyFactory(abbreviation="L"), user=user
    )
    SeatFactory(politician=politician, body=referral.body, role=Seat.Role.LEDAMOT)
    statement = workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(politician)],
        text=SAVED,
        by=user,
    )
    return SavePath(
        user,
        reverse("politician_statement_edit", args=[statement.pk]),
        {"identical_to": "", "text": TYPED},
        lambda: Statement.objects.get(pk=statement.pk).text,
    )


def _city_decision(case, referral, officer, registrar) -> SavePath:
    decision = _city_statement(case, registrar).decision
    return SavePath(
        registrar,
        reverse("case_city_decision_edit", args=[case.pk, decision.pk]),
        {"points": "En punkt som inte får skriva över.", "meeting_date": ""},
        lambda: Decision.objects.get(pk=decision.pk).points,
    )


def _city_statement_edit(case, referral, officer, registrar) -> SavePath:
    statement = _city_statement(case, registrar)
    author = statement.authors.get()
    data = {
        "kind": "sarskilt_uttalande",
        "author_title": "borgarrådet",
        "text": TYPED,
        "backed_proposal": "",
        "identical_to": "",
        "endorses": "",
        "author_1": str(author.politician_id),
    }
    return SavePath(
        registrar,
        reverse("case_city_statement_edit", args=[case.pk, statement.decision_id, statement.pk]),
        data,
        lambda: Statement.objects.get(pk=statement.pk).text,
    )


def _city_statement_remove(case, referral, officer, registrar) -> SavePath:
    statement = _city_statement(case, registrar)
    return SavePath(
        registrar,
        reverse("case_city_statement_remove", args=[case.pk, statement.decision_id, statement.pk]),
        {},
        lambda: Statement.objects.filter(pk=statement.pk).values_list("text", flat=True).first(),
    )


def _restore(case, referral, officer, registrar) -> SavePath:
    """Restoring an earlier version is a save too. Without a version it is refused as before (400,
    "Välj en version att återställa"); a malformed or impossible one is a conflict."""
    workflow.save_opinion(referral, text="<p>Den första versionen.</p>", by=officer)
    opinion = workflow.save_opinion(referral, text=SAVED, by=officer)
    first = opinion.history.filter(text="<p>Den första versionen.</p>").first()
    return SavePath(
        officer,
        reverse("history_opinion_restore", args=[opinion.pk]),
        {"history_id": str(first.history_id)},
        lambda: Opinion.objects.get(pk=opinion.pk).text,
        statuses=(400, 409),
    )


SAVE_PATHS = {
    "background": _background,
    "city_proposal": _city_proposal,
    "opinion": _opinion,
    "namnd_decision": _namnd_decision,
    "politician_statement": _politician_statement,
    "city_decision": _city_decision,
    "city_statement_edit": _city_statement_edit,
    "city_statement_remove": _city_statement_remove,
    "restore": _restore,
}


@pytest.mark.parametrize("version", BAD_VERSIONS)
@pytest.mark.parametrize("path", SAVE_PATHS)
def test_a_save_without_a_valid_version_changes_nothing(referred, officer, registrar, path, version) -> None:
    case, referral, _office = referred
    save = SAVE_PATHS[path](case, referral, officer, registrar)
    before = save.stored()
    client = Client()
    client.force_login(save.user)
    data = dict(save.data)
    if version is not None:
        data["version"] = version
    response = client.post(save.url, data)
    assert response.status_code in save.statuses, (response.status_code, response.content.decode()[:500])
    assert save.stored() == before


@pytest.mark.parametrize("path", [p for p in SAVE_PATHS if p != "restore"])
def test_the_conflict_page_then_carries_the_saved_version(referred, officer, registrar, path) -> None:
    """After the refusal the page holds the saved version's number: saving it again goes through."""
    case, referral, _office = referred
    save = SAVE_PATHS[path](case, referral, officer, registrar)
    client = Client()
    client.force_login(save.user)
    response = client.post(save.url, save.data)
    assert response.status_code == 409
    page = response.content.decode()
    version = re.search(r'<input type="hidden" name="version" value="(\d+)"', page)
    assert version, "no saved version on the conflict page"
    before = save.stored()
    assert client.post(save.url, {**save.data, "version": version.group(1)}).status_code == 302
    assert save.stored() != before
