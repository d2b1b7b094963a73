"""Shared fixtures: a referred case with one nämnd and one office, and the demo case."""

from datetime import date

import pytest

from remiss import workflow
from remiss.workflow import ReferralSpec
from tests.factories import BodyFactory, CaseFactory, OfficeFactory, OfficerFactory, RegistrarFactory


@pytest.fixture
def registrar(db):
    return RegistrarFactory(username="registrator")


@pytest.fixture
def case(db):
    return CaseFactory()


@pytest.fixture
def namnd(db):
    return BodyFactory(name="Socialnämnden", name_in_text="socialnämnden", administration="Socialförvaltningen")


@pytest.fixture
def office(db):
    return OfficeFactory(
        name="Stadsledningskontoret", name_in_text="stadsledningskontoret", administration="Stadsledningskontoret"
    )


@pytest.fixture
def officer(namnd):
    return OfficerFactory(username="handlaggare", bodies=[namnd])


@pytest.fixture
def referred(case, namnd, office, registrar):
    """(case, nämnd referral, office referral), freshly referred."""
    r_namnd, r_office = workflow.refer(
        case,
        bodies=[ReferralSpec(namnd, date(2030, 3, 31)), ReferralSpec(office, date(2030, 4, 12))],
        by=registrar,
    )
    return case, r_namnd, r_office


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The demo case, loaded once per test module and rolled back after it.

    Tests in the module that also use `db` run in savepoints inside this transaction, so they
    see the demo and cannot change it for each other; other modules never see it at all.
    """
    from django.db import transaction

    from remiss.demo import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def pytest_configure(config):
    """Tests log in many users; a fast hasher keeps that from dominating the run."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # django-axes refuses authenticate() without a request, and the test client's login() passes
    # none. tests/test_production_settings.py turns it back on to test the lockout itself.
    settings.AXES_ENABLED = False
