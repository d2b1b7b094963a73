"""`manage.py generate_load`: counts, history rows, validity and determinism at a tiny size."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from remiss.management.commands.generate_load import OFFICER, POLITICIAN, REGISTRAR, reference
from remiss.models import (
    Body,
    Case,
    Decision,
    Opinion,
    Politician,
    Referral,
    Seat,
    Statement,
    StatementAuthor,
    User,
)

TINY = {"cases": 12, "bodies": 5, "open_cases": 4, "politicians": 6, "password": "losen-123"}
_R = Referral.Status


def _generate(**options):
    call_command("generate_load", **{**TINY, **options}, stdout=io.StringIO())


def _snapshot():
    return {
        "cases": list(Case.objects.order_by("reference").values_list("reference", "status", "received")),
        "referrals": list(
            Referral.objects.order_by("case__reference", "order").values_list(
                "case__reference", "body__name", "status", "deadline"
            )
        ),
        "decisions": sorted(Decision.objects.values_list("case__reference", "body__name", "justered")),
        "authors": sorted(
            StatementAuthor.objects.values_list(
                "statement__decision__case__reference", "statement__decision__body__name", "politician__last_name"
            )
        ),
        "seats": sorted(Seat.objects.values_list("politician__last_name", "body__name", "role")),
    }


def test_counts_and_shape(db):
    _generate()
    assert Case.objects.count() == 12 and Body.objects.count() == 5
    target = Body.objects.get(name="Facknämnd 01")
    assert Referral.objects.filter(body=target).count() == 12  # referred in every case
    assert Referral.objects.filter(case__reference=reference(12)).count() == 5  # the last case: every body
    assert (
        not Referral.objects.filter(case__reference__lt=reference(9))
        .filter(status__in=[_R.REFERRED, _R.DRAFTING, _R.DECIDED])
        .exists()
    )  # only the 4 newest are open
    officer = User.objects.get(username=OFFICER)
    assert list(officer.bodies.all()) == [target] and officer.role == User.Role.OFFICER
    main = Politician.objects.get(user__username=POLITICIAN)
    assert main.seats.count() == 4  # every nämnd, not the office
    target_decisions = Decision.objects.filter(body=target)
    assert target_decisions.exists()
    assert set(target_decisions.values_list("pk", flat=True)) <= set(
        StatementAuthor.objects.filter(politician=main).values_list("statement__decision", flat=True)
    )


def test_every_row_has_its_history_and_opinions_two_versions(db):
    _generate()
    for model in (Case, Body, Referral, Decision, Statement, StatementAuthor, Seat, Politician):
        assert model.history.count() == model.objects.count() > 0, model
        assert not model.history.exclude(history_change_reason="Belastningsdata (generate_load)").exists()
    assert Opinion.history.count() == 2 * Opinion.objects.count() > 0
    assert Opinion.history.filter(history_type="~").count() == Opinion.objects.count()
    assert Referral.history.filter(history_user__username=REGISTRAR).count() == Referral.objects.count()


def test_rows_follow_the_model_rules(db):
    _generate()
    for obj in [
        *Case.objects.all(),
        *Referral.objects.select_related("case", "body"),
        *Decision.objects.all(),
        *StatementAuthor.objects.all(),
        *Statement.objects.filter(decision__justered=False),
    ]:
        obj.full_clean()
    for referral in Referral.objects.select_related("body"):
        has_decision = Decision.objects.filter(case=referral.case_id, body=referral.body_id).exists()
        assert has_decision == (referral.status in (_R.DECIDED, _R.JUSTERED))
        assert Opinion.objects.filter(referral=referral).exists() == (referral.status not in (_R.REFERRED, _R.DECLINED))
        if not referral.body.makes_decisions:
            assert referral.status not in (_R.DECIDED, _R.JUSTERED)
    for decision in Decision.objects.all():
        referral = Referral.objects.get(case=decision.case_id, body=decision.body_id)
        assert decision.justered == (referral.status == _R.JUSTERED)


def test_the_users_log_in_and_their_pages_load(client, db):
    _generate()
    assert client.login(username=REGISTRAR, password="losen-123")
    big = Case.objects.get(reference=reference(12))
    assert client.get(reverse("case_detail", args=[big.pk])).status_code == 200
    assert client.login(username=OFFICER, password="losen-123")
    assert client.get(reverse("officer_home")).status_code == 200
    assert client.login(username=POLITICIAN, password="losen-123")
    assert client.get(reverse("politician_home")).status_code == 200


def test_same_options_give_the_same_data(db):
    _generate()
    first = _snapshot()
    Case.objects.all().delete()
    Seat.objects.all().delete()
    Politician.objects.all().delete()
    Body.objects.all().delete()
    User.objects.all().delete()
    _generate()
    assert _snapshot() == first
    Case.objects.all().delete()
    StatementAuthor.objects.all().delete()
    Seat.objects.all().delete()
    Politician.objects.all().delete()
    Body.objects.all().delete()
    User.objects.all().delete()
    _generate(seed=2)
    assert _snapshot() != first


def test_a_second_run_is_refused_with_a_swedish_message(db):
    _generate()
    with pytest.raises(CommandError, match="redan belastningsdata"):
        _generate()
    assert Case.objects.count() == 12


def test_nonsense_sizes_are_refused(db):
    with pytest.raises(CommandError, match="minst"):
        _generate(bodies=2)
    assert not Case.objects.exists()
