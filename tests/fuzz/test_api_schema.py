"""Property-based fuzzing of the REST API against its own OpenAPI schema: no request a signed-in
staff member can make answers with a server error; with an access token, every answer keeps to the
schema the product serves (its shapes, and the refusals it documents: 401, 403, 404)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.api.conftest import token_for
from tests.conftest import sign_in

EXAMPLES_PER_OPERATION = 20
EXAMPLES_WITH_A_TOKEN = 5
CONTRACT = [not_a_server_error, response_schema_conformance, status_code_conformance]


def _schema() -> dict:
    return SchemaGenerator(api_version="v1").get_schema(request=None, public=True)


@pytest.fixture
def staff_cookie(therapist) -> str:
    client = Client()
    sign_in(client, therapist)
    return client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True)
def test_no_operation_answers_with_a_server_error(staff_cookie, treatment, session):
    schema = schemathesis.openapi.from_dict(_schema())
    schema.app = get_wsgi_application()
    failures, statuses = [], set()
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(app=schema.app, cookies={"sessionid": staff_cookie})
            statuses.add(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        check()
    assert not failures
    assert 200 in statuses  # signed in: the fuzzing reached the views


def _fuzz(schema, examples: int, check) -> None:
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            check(case)

        run()


@pytest.mark.django_db(transaction=True)
def test_with_a_token_every_answer_keeps_to_the_served_schema(therapist, treatment, session):
    headers = {"Authorization": f"Bearer {token_for(therapist, write=True)}"}
    served = Client().get("/api/v1/schema/", {"format": "json"}, headers=headers)
    assert served.status_code == 200
    schema = schemathesis.openapi.from_dict(served.json())
    schema.app = get_wsgi_application()
    failures, statuses = [], set()

    def check(case):
        response = case.call(app=schema.app, headers=headers)
        statuses.add(response.status_code)
        try:
            case.validate_response(response, checks=CONTRACT, headers=headers)
        except FailureGroup as failure:
            failures.append(f"{case.method} {case.formatted_path}: {response.status_code}: {str(failure)[:300]}")

    _fuzz(schema, EXAMPLES_WITH_A_TOKEN, check)
    assert not failures, "\n".join(failures[:20])
    assert {200, 201} <= statuses
