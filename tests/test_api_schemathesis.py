"""schemathesis against the open API: generated requests, checked against its own OpenAPI schema.

The schema is read from the WSGI app itself, and each request goes through the same app, against
the test database holding the demo case. For every GET operation schemathesis sends a bounded
number of generated requests (valid and invalid: ids, limit, offset) and checks the responses:
no server error, a documented status code and content type, a body that matches the schema, and
invalid input refused with a 4xx. Each valid request that names a case is sent again with the demo
case's id, so the real answers, not only 404s, are checked against the schema.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from remiss.models import Case
from remiss.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

# Bounded so the whole module stays well under a minute; derandomised so that CI is repeatable,
# and without Hypothesis's example database, so a run leaves no .hypothesis/ directory behind.
MAX_EXAMPLES = 10


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI app is called directly, so each request fires request_started/request_finished,
    whose close_old_connections closes the connection holding the test's transaction. Django
    never closes SQLite's in-memory test database, so only PostgreSQL noticed. Django's own test
    client disconnects the handler the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def demo_case_id(demo_db, db):
    return Case.objects.get(reference="SOU 2022:67").pk


def test_schema_lists_every_endpoint_as_get_only():
    operations = {(op.method.upper(), op.path) for op in (r.ok() for r in schema.get_all_operations())}
    assert operations == {
        ("GET", "/api/cases"),
        ("GET", "/api/cases/{case_id}"),
        ("GET", "/api/cases/{case_id}/referrals"),
        ("GET", "/api/cases/{case_id}/positions"),
        ("GET", "/api/cases/{case_id}/statements"),
        ("GET", "/api/bodies"),
    }


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, demo_case_id):
    case.call_and_validate()
    # A generated id almost never exists; ask again for the demo case so its answers are checked
    # too. Only for valid requests: an invalid one must stay invalid for its own checks.
    positive = case.meta is None or case.meta.generation.mode.is_positive
    if positive and "case_id" in (case.path_parameters or {}):
        case.path_parameters["case_id"] = demo_case_id
        case.call_and_validate()
