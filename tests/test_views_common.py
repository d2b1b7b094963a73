"""The start page's redirects, the health check, and the status of a refused save."""

from django.core.exceptions import ValidationError
from django.urls import reverse

from remiss.models import Case
from remiss.views.conflicts import error_status
from remiss.workflow import ConflictError, LockedError, WorkflowError
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


def test_a_refusal_is_409_when_the_text_is_final_or_saved_first_and_200_otherwise():
    """Every page maps a refusal to its status here: the lock and the lost race are conflicts
    (409); any other refusal (the workflow's or a model's validation) shows its reason on a 200."""
    assert error_status(LockedError("Beslutet är justerat.")) == 409
    assert error_status(ConflictError("Någon sparade först.", current=Case())) == 409
    assert error_status(WorkflowError("Ej tillåtet.")) == 200
    assert error_status(ValidationError("Ogiltigt.")) == 200
