"""The start page's redirects and the health check."""

from django.urls import reverse

from tests.factories import RegistrarFactory


def test_health_answers_ok_without_login_or_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/halsa/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_a_logged_in_user_too(client, db):
    client.force_login(RegistrarFactory())
    response = client.get(reverse("health"))
    assert response.status_code == 200 and response.content == b"ok"


def test_start_page_sends_the_registrar_to_the_case_list(client, db):
    client.force_login(RegistrarFactory())
    assert client.get(reverse("home"))["Location"] == reverse("case_list")
