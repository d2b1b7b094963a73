"""The start page's redirects, the health check, the status of a refused save, and the typed helpers
the views share (the logged-in person, a conflict's saved copy, a text's version, a form's own field)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse

from remiss import forms as remiss_forms
from remiss import history
from remiss.models import Case, Decision, Politician
from remiss.views.common import current_user
from remiss.views.conflicts import error_status, saved_copy
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


def test_current_user_is_the_logged_in_person_and_an_anonymous_visitor_is_refused(db):
    """Views read the person through `current_user`; behind login_required no AnonymousUser
    arrives, and should one, the answer is a 403, not an AttributeError's 500."""
    request = RequestFactory().get("/")
    request.user = registrar = RegistrarFactory()
    assert current_user(request) == registrar
    request.user = AnonymousUser()
    with pytest.raises(PermissionDenied):
        current_user(request)


def test_saved_copy_is_the_conflicts_text_as_its_model_and_refuses_another():
    case = Case(title="Sparad")
    error = ConflictError("Någon sparade först.", current=case)
    assert saved_copy(error, Case) is case
    with pytest.raises(TypeError):
        saved_copy(error, Decision)


def test_text_version_reads_a_texts_counter_and_refuses_a_model_without_one():
    assert history.text_version(Case(version=3)) == 3
    with pytest.raises(TypeError):
        history.text_version(Politician())


def test_field_of_is_the_forms_own_field_as_its_class_and_refuses_another_class(db):
    form = remiss_forms.CaseForm()
    field = remiss_forms.field_of(form, "commissioner", remiss_forms.PoliticianChoiceField)
    assert field is form.fields["commissioner"]
    with pytest.raises(TypeError):
        remiss_forms.field_of(form, "title", remiss_forms.PoliticianChoiceField)
