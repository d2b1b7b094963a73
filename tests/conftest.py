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
    return OfficeFactory(name="Stadsledningskontoret", name_in_text="stadsledningskontoret", administration="Stadsledningskontoret")


@pytest.fixture
def officer(namnd):
    return OfficerFactory(username="handlaggare", bodies=[namnd])


@pytest.fixture
def referred(case, namnd, office, registrar):
    """(case, nämnd referral, office referral), freshly referred."""
    r_namnd, r_office = workflow.refer(
        case, bodies=[ReferralSpec(namnd, date(2030, 3, 31)), ReferralSpec(office, date(2030, 4, 12))], by=registrar,
    )
    return case, r_namnd, r_office


@pytest.fixture(scope="session")
def demo_db(django_db_setup, django_db_blocker):
    """The demo case, loaded once for the whole session and shared read-only by tests."""
    from remiss.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()
    yield

