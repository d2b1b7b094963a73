"""Ids nobody's database can hold: a form error or a 404, never a 500.

SQLite raised OverflowError ("Python int too large to convert to SQLite INTEGER") for an id of
twenty digits in any `pk__in` query, which every multiple-choice field makes; PostgreSQL answers
the same query with no rows. Every id field now refuses such a value itself, in Swedish, on both.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from remiss import workflow
from remiss.ids import MAX_ID, IdChoiceField, IdMultipleChoiceField, valid_id
from remiss.models import Body, Seat, Statement, StatementAuthor
from remiss.workflow import AuthorSpec
from tests.factories import (
    BorgarradsberedningenFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
)

HUGE = "99999999999999999999"
INVALID_CHOICE = "Välj ett giltigt alternativ"


@pytest.fixture
def on_decision(referred, officer, namnd):
    """A nämnd decision with a politician (logged in) and a colleague seated in the nämnd."""
    _case, referral, _office = referred
    workflow.save_opinion(referral, text="<p>Positiv.</p>", date=date(2030, 2, 1), by=officer)
    workflow.mark_opinion_ready(referral, by=officer)
    decision = workflow.record_decision(referral, meeting_date=date(2030, 3, 20), points=["Godkänns."], by=officer)
    user = PoliticianUserFactory(username="ledamot")
    politician = PoliticianFactory(party=PartyFactory(abbreviation="M"), user=user)
    SeatFactory(politician=politician, body=namnd, role=Seat.Role.LEDAMOT)
    colleague = PoliticianFactory(party=PartyFactory(abbreviation="S"))
    SeatFactory(politician=colleague, body=namnd, role=Seat.Role.LEDAMOT)
    client = Client()
    client.force_login(user)
    return decision, politician, colleague, client


def _state() -> tuple:
    return (Statement.objects.count(), StatementAuthor.objects.count(), Statement.history.count())


@pytest.mark.parametrize("value", [HUGE, str(MAX_ID + 1), "-1", "١", "1e3", " 12", "0x1", "1\x00"])
def test_officers_form_refuses_an_id_out_of_range(client, registrar, referred, officer, value) -> None:
    case, referral, _office = referred
    client.force_login(registrar)
    response = client.post(
        reverse("case_referral_officers", args=[case.pk, referral.pk]), {"officers": [str(officer.pk), value]}
    )
    assert response.status_code == 200
    assert "Välj bland handläggarna i listan." in response.content.decode()
    assert not referral.officers.exists()


@pytest.mark.parametrize("field", ["coauthors", "identical_to"])
def test_new_statement_refuses_a_huge_id(on_decision, field) -> None:
    decision, _politician, colleague, client = on_decision
    before = _state()
    data = {"kind": Statement.Kind.RESERVATION, "text": "<p>Nej.</p>", field: [HUGE]}
    if field == "coauthors":
        data[field] = [str(colleague.pk), HUGE]
    response = client.post(reverse("politician_statement_add", args=[decision.pk]), data)
    assert response.status_code == 200
    assert INVALID_CHOICE in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("field", ["coauthors", "identical_to"])
def test_statement_edit_refuses_a_huge_id(on_decision, field) -> None:
    decision, politician, colleague, client = on_decision
    statement = workflow.add_statement(
        decision,
        kind=Statement.Kind.RESERVATION,
        authors=[AuthorSpec(politician)],
        text="<p>Vi reserverar oss.</p>",
        by=politician.user,
    )
    before = _state()
    data = {"text": "<p>Ändrad.</p>", "version": str(statement.version), field: [HUGE]}
    if field == "coauthors":
        data[field] = [str(colleague.pk), HUGE]
    response = client.post(reverse("politician_statement_edit", args=[statement.pk]), data)
    assert response.status_code == 200
    assert INVALID_CHOICE in response.content.decode()
    assert _state() == before
    statement.refresh_from_db()
    assert statement.text == "<p>Vi reserverar oss.</p>"


def test_case_form_refuses_a_huge_commissioner(client, registrar) -> None:
    client.force_login(registrar)
    data = {
        "title": "T",
        "reference": "SOU 2030:1",
        "sender": "Dep",
        "city_dnr": "KS 2030/1",
        "received": "2030-01-01",
        "deadline": "2030-05-01",
        "commissioner": HUGE,
    }
    response = client.post(reverse("case_create"), data)
    assert response.status_code == 200
    assert INVALID_CHOICE in response.content.decode()


def test_city_statement_refuses_huge_authors(client, registrar, referred) -> None:
    case, _referral, _office = referred
    brb = BorgarradsberedningenFactory()
    decision = workflow.record_city_decision(case, body=brb, points=["Tillstyrks."], meeting_date=None, by=registrar)
    seated = PoliticianFactory()
    SeatFactory(politician=seated, body=brb)
    client.force_login(registrar)
    before = _state()
    response = client.post(
        reverse("case_city_statement", args=[case.pk, decision.pk]),
        {
            "kind": Statement.Kind.RESERVATION,
            "author_1": str(seated.pk),
            "author_2": HUGE,
            "identical_to": HUGE,
            "text": "<p>Nej.</p>",
        },
    )
    assert response.status_code == 200
    assert INVALID_CHOICE in response.content.decode()
    assert _state() == before


def test_valid_id_is_ascii_digits_in_the_databases_range() -> None:
    assert valid_id("1") and valid_id(str(MAX_ID)) and valid_id(7)
    for wrong in ("", "0", "-1", str(MAX_ID + 1), HUGE, "١", "1.0", "1e3", " 1", "1 ", "\x001", None, 1.5, True):
        assert not valid_id(wrong), wrong


def test_every_id_field_in_the_forms_is_range_checked() -> None:
    """A new ModelChoiceField that is not one of ours would bring the OverflowError back."""
    import importlib
    import pkgutil

    import django.forms

    import remiss.forms as forms_package

    # Every module of the package, not only what its __init__ re-exports.
    modules = [forms_package] + [
        importlib.import_module(f"remiss.forms.{info.name}") for info in pkgutil.iter_modules(forms_package.__path__)
    ]
    model_fields = {
        value
        for module in modules
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, django.forms.ModelChoiceField)
    }
    assert len(model_fields) >= 5
    for field in model_fields:
        assert issubclass(field, (IdChoiceField, IdMultipleChoiceField)), field


@pytest.mark.django_db
def test_admin_refuses_a_huge_id_in_a_many_to_many(client) -> None:
    """The admin's own forms (a user's bodies) query with pk__in too."""
    from remiss.models import User

    admin = User.objects.create_superuser("chef", password="x")
    body = Body.objects.create(name="Nämnden", name_in_text="nämnden", kind=Body.Kind.FACKNAMND, administration="F")
    client.force_login(admin)
    response = client.post(
        reverse("admin:remiss_user_change", args=[admin.pk]),
        {
            "username": "chef",
            "role": admin.role,
            "bodies": [str(body.pk), HUGE],
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2030-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert not admin.bodies.exists()


@pytest.mark.django_db
def test_huge_ids_in_the_path_are_404(client, registrar, referred) -> None:
    """<int:pk> accepts any number of digits; each such page must answer 404."""
    case, referral, _office = referred
    client.force_login(registrar)
    for name, args in [
        ("case_detail", [HUGE]),
        ("case_referral", [case.pk, HUGE]),
        ("case_referral", [HUGE, referral.pk]),
        ("memo_job", [case.pk, HUGE]),
        ("memo_download", [case.pk, HUGE]),
        ("answer_package", [HUGE]),
        ("memo_docx", [HUGE]),
        ("memo_versions", [HUGE]),
        ("officer_referral", [HUGE]),
        ("politician_decision", [HUGE]),
        ("politician_statement_edit", [HUGE]),
        ("case_city_statement_edit", [case.pk, HUGE, HUGE]),
        ("history_version", ["opinion", HUGE]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code in (403, 404), (name, response.status_code)
