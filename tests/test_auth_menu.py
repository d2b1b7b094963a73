"""The menu's *Byt lösenord*: only for someone with a password of their own that still counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import OfficerFactory, UserFactory

LINK = reverse("password_change")


@pytest.fixture
def city_login(settings):
    settings.REMISS_OIDC_ISSUER = "https://login.example.se"
    settings.OIDC_RP_CLIENT_ID = "remiss"


def _menu(client, user) -> str:
    """The menu of a page the person is logged in on (its logout button says so)."""
    client.force_login(user)
    response = client.get(reverse("calendar_page"))
    page = response.content.decode()
    assert response.status_code == 200 and "Logga ut" in page
    return page


def test_a_person_with_a_password_sees_the_link(client, db):
    officer = OfficerFactory()
    officer.set_password("hemligt-123")
    officer.save()
    assert LINK in _menu(client, officer)


def test_an_imported_account_without_a_password_does_not(client, db):
    officer = OfficerFactory()
    officer.set_unusable_password()
    officer.save()
    assert LINK not in _menu(client, officer)


def test_with_passwords_off_only_a_superuser_sees_it(client, db, settings, city_login):
    settings.REMISS_PASSWORD_LOGIN = False
    officer = OfficerFactory()
    officer.set_password("hemligt-123")
    officer.save()
    admin = UserFactory(is_superuser=True, is_staff=True)
    admin.set_password("hemligt-123")
    admin.save()
    assert LINK in _menu(client, admin)
    client.logout()
    assert LINK not in _menu(client, officer)
