"""The page reads return typed rows: the model instances they carry are left as the ORM read them."""

import dataclasses

import pytest
from django.urls import reverse

from remiss import queries
from remiss.models import Case, Referral
from tests.factories import (
    BorgarradsberedningenFactory,
    DecisionFactory,
    KommunstyrelsenFactory,
    StatementAuthorFactory,
    StatementFactory,
)


@pytest.fixture
def namnd_decision(referred, namnd):
    case, r_namnd, _office = referred
    decision = DecisionFactory(case=case, body=namnd)
    own = StatementFactory(decision=decision, text="<p>Vi vill <script>x</script>framhålla tidiga insatser.</p>")
    StatementAuthorFactory(statement=own, politician__first_name="Jan", politician__last_name="Jönsson")
    invited = StatementAuthorFactory(statement=own, accepted=False)
    StatementFactory(decision=decision, identical_to=own, text="")
    return r_namnd, decision, own, invited


def test_registrar_referral_gives_statement_rows_and_leaves_the_models_alone(referred, namnd_decision):
    case = referred[0]
    referral, decision, own, invited = namnd_decision
    _referral, row = queries.referral_for_registrar(case.pk, referral.pk)
    assert isinstance(row, queries.DecisionRow)
    assert row.decision.pk == decision.pk and row.pk == decision.pk and row.body_id == decision.body_id
    first, identical = row.statement_list
    assert first.pk == own.pk and first.statement.pk == own.pk
    assert first.line.startswith("Särskilt uttalande av Jan Jönsson")
    assert first.html == "<p>Vi vill framhålla tidiga insatser.</p>"  # sanitised
    assert [a.pk for a in first.pending_authors] == [invited.pk]
    assert identical.html == ""  # it has no text of its own
    # A nämnd's decision is not edited on the registrar's pages.
    assert not (row.editable or row.statements_editable or row.statements_removable)
    for attribute in ("line", "html", "pending_authors"):
        assert not hasattr(first.statement, attribute)
    assert not hasattr(row.decision, "statement_list")
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.editable = True  # type: ignore[misc]


def test_registrar_referral_without_a_decision(referred):
    case, r_namnd, _office = referred
    referral, decision = queries.referral_for_registrar(case.pk, r_namnd.pk)
    assert referral.pk == r_namnd.pk and decision is None


def test_city_decision_rows_in_order_with_what_the_page_offers(referred, django_assert_num_queries):
    case = referred[0]
    ks = DecisionFactory(case=case, body=KommunstyrelsenFactory(), justered=True)
    brb = DecisionFactory(case=case, body=BorgarradsberedningenFactory())
    for decision in (ks, brb):
        for _ in range(3):
            StatementAuthorFactory(statement=StatementFactory(decision=decision))
    case = Case.objects.get(pk=case.pk)
    # decisions, statements, their authors (none endorses or repeats another, so no more)
    with django_assert_num_queries(3):
        rows = queries.city_decision_rows(case)
        lines = [s.line for row in rows for s in row.statement_list]
    assert [row.pk for row in rows] == [brb.pk, ks.pk]  # borgarrådsberedningen first
    assert len(lines) == 6
    assert rows[0].editable and rows[0].statements_editable and rows[0].statements_removable
    assert not (rows[1].editable or rows[1].statements_editable or rows[1].statements_removable)  # justered


def test_city_decision_rows_locked_once_the_case_is_answered(referred):
    case = referred[0]
    DecisionFactory(case=case, body=BorgarradsberedningenFactory())
    Case.objects.filter(pk=case.pk).update(status=Case.Status.ANSWERED)
    (row,) = queries.city_decision_rows(Case.objects.get(pk=case.pk))
    assert not row.editable and not row.statements_editable and not row.statements_removable


def test_api_referrals_are_rows_whose_referrals_carry_nothing_extra(referred, namnd):
    case, r_namnd, r_office = referred
    Referral.objects.filter(pk=r_office.pk).update(status=Referral.Status.OPINION_READY)
    decision = DecisionFactory(case=case, body=namnd, justered=True)
    rows = queries.api_referrals(case.pk)
    assert [row.id for row in rows] == [r_namnd.pk, r_office.pk]
    namnd_row, office_row = rows
    # The nämnd's decision is justered but its referral is not: nothing is public yet.
    assert not namnd_row.published and namnd_row.public_decision is None
    assert office_row.published and office_row.public_decision is None  # an office makes no decision
    Referral.objects.filter(pk=r_namnd.pk).update(status=Referral.Status.JUSTERED)
    namnd_row = queries.api_referrals(case.pk)[0]
    assert namnd_row.published and namnd_row.public_decision == decision
    assert namnd_row.status == Referral.Status.JUSTERED and namnd_row.body == namnd
    assert not hasattr(namnd_row.referral, "published") and not hasattr(namnd_row.referral, "public_decision")


def test_registrar_referral_page_shows_the_statement_rows(client, referred, registrar, namnd_decision):
    case = referred[0]
    referral, _decision, own, invited = namnd_decision
    client.force_login(registrar)
    page = client.get(reverse("case_referral", args=[case.pk, referral.pk])).content.decode()
    assert "Särskilt uttalande av Jan Jönsson" in page
    assert "framhålla tidiga insatser." in page and "<script>" not in page
    assert "Inbjudna medförfattare som inte har svarat:" in page and str(invited.politician) in page
    assert reverse("history_statement", args=[own.pk]) in page
