"""Property-based fuzzing of the REST API against its own OpenAPI schema: no request a signed-in
staff member can make answers with a server error."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings

from tests.conftest import sign_in

EXAMPLES_PER_OPERATION = 20


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
