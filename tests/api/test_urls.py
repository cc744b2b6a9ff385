"""The v1 URL list: one namespace for every API route, described by a valid OpenAPI schema."""

from django.urls import reverse
from drf_spectacular.validation import validate_schema

OWN_PATHS = [
    "/api/v1/patients/",
    "/api/v1/treatments/{public_id}/series/",
    "/api/v1/treatments/{public_id}/sessions/",
    "/api/v1/sessions/{public_id}/check-link/",
    "/api/v1/sessions/{public_id}/therapist-check/",
    "/api/v1/instruments/",
    "/api/v1/instruments/{key}/",
]


def test_the_schema_is_valid_openapi_listing_every_route(api):
    response = api.get(reverse("v1:schema"), {"format": "json"})
    schema = response.json()
    assert response.status_code == 200 and schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert set(OWN_PATHS) <= set(schema["paths"])
    assert "/api/v1/ruptures/episodes/{public_id}/" in schema["paths"]
    assert set(schema["paths"]["/api/v1/patients/"]) == {"get", "post"}


def test_the_schema_needs_a_verified_sign_in(password_only_api):
    assert password_only_api.get(reverse("v1:schema")).status_code == 403


def test_the_ruptures_api_keeps_its_names_under_v1():
    assert reverse("v1:ruptures-api:signal-list") == "/api/v1/ruptures/signals/"
