"""The API's interactive documentation: served by the product for signed-in staff, every asset from
the product itself (drf-spectacular-sidecar), the token described in the schema."""

import re
from pathlib import Path

import drf_spectacular_sidecar
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.api.conftest import token_for, with_token


def test_staff_read_the_documentation_with_no_address_outside_the_product(therapist_client):
    response = therapist_client.get(reverse("v1:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert f'data-schema-url="{reverse("v1:schema")}"' in page
    assets = re.findall(r'(?:src|href)="/static/([^"]+)"', page)
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in assets
    sidecar = Path(drf_spectacular_sidecar.__file__).parent
    for asset in assets:
        found = Path(finders.find(asset))
        assert found.is_file()
        if asset.startswith("drf_spectacular_sidecar/"):
            assert found.is_relative_to(sidecar)
    script = Path(finders.find("api/docs.js")).read_text()
    assert "http" not in script and "validatorUrl: null" in script


def test_the_documentation_is_linked_from_the_api_tokens_page(therapist_client):
    assert reverse("v1:docs") in therapist_client.get(reverse("accounts:api_tokens")).content.decode()


def test_the_documentation_asks_for_a_sign_in_with_the_second_factor(client, therapist):
    assert client.get(reverse("v1:docs"))["Location"].startswith(reverse("accounts:login"))
    client.force_login(therapist)
    assert client.get(reverse("v1:docs"))["Location"] == reverse("accounts:two_factor")


def test_the_schema_describes_the_token_and_the_refusals(therapist):
    schema = with_token(token_for(therapist)).get(reverse("v1:schema"), {"format": "json"}).json()
    scheme = schema["components"]["securitySchemes"]["accessToken"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    patients = schema["paths"]["/api/v1/patients/"]
    assert {"accessToken": []} in patients["get"]["security"]
    assert {"200", "400", "401", "403", "404"} <= set(patients["get"]["responses"])
    assert "409" in patients["post"]["responses"] and "409" not in patients["get"]["responses"]
    assert {"page", "page_size", "code"} <= {parameter["name"] for parameter in patients["get"]["parameters"]}
