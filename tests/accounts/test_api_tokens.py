"""The API token pages: a staff member's own tokens, and service accounts with theirs for administrators."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from allianse.accounts.models import AccessToken, ApiPart, AuditEvent, ServiceAccount, User
from tests.conftest import sign_in

NEW_TOKEN = {"name": "Kvalitetsregister", "can_write": "0", "parts": [ApiPart.CLINIC, ApiPart.RUPTURES], "days": "90"}


def _secret(response) -> str:
    return re.search(r'<code class="link-box" id="new-token">([^<]+)</code>', response.content.decode()).group(1)


def test_a_staff_member_makes_a_token_and_sees_its_secret_once(therapist_client, therapist, treatment):
    created = therapist_client.post(reverse("accounts:api_tokens"), NEW_TOKEN)
    assert created.status_code == 200
    secret = _secret(created)
    token = AccessToken.objects.get()
    assert (token.user, token.kind, token.can_write) == (therapist, AccessToken.Kind.PERSONAL, False)
    assert token.parts == ["clinic", "ruptures"] and 89 <= (token.expires_at - token.created_at).days <= 90
    listed = therapist_client.get(reverse("accounts:api_tokens"))
    assert secret not in listed.content.decode() and f"alli_{token.prefix}" in listed.content.decode()
    assert AuditEvent.objects.filter(action="create", object_id=str(token.public_id)).exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(reverse("v1:patients")).status_code == 200


def test_the_page_is_in_norwegian_with_a_link_to_the_documentation(therapist_client):
    page = therapist_client.get(reverse("accounts:api_tokens"), headers={"accept-language": "nb"}).content.decode()
    assert "API-nøkler" in page and reverse("v1:docs") in page


def test_a_token_needs_a_name_and_a_part(therapist_client):
    response = therapist_client.post(reverse("accounts:api_tokens"), {"can_write": "1", "days": "30"})
    assert response.status_code == 400 and not AccessToken.objects.exists()
    assert "Velg minst én del." in response.content.decode()


def test_tokens_are_made_only_from_a_session_that_passed_the_second_factor(client, therapist):
    client.force_login(therapist)
    response = client.post(reverse("accounts:api_tokens"), NEW_TOKEN)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor")
    assert not AccessToken.objects.exists()


def test_the_owner_revokes_a_token_and_it_stops_working(therapist_client, therapist):
    secret = _secret(therapist_client.post(reverse("accounts:api_tokens"), NEW_TOKEN))
    token = AccessToken.objects.get()
    response = therapist_client.post(reverse("accounts:token_revoke", args=[token.public_id]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="update", detail="api token revoked").count() == 1
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(reverse("v1:patients")).status_code == 401


def test_nobody_else_can_revoke_a_personal_token(therapist_client, other_therapist, administrator):
    therapist_client.post(reverse("accounts:api_tokens"), NEW_TOKEN)
    token = AccessToken.objects.get()
    for someone in (other_therapist, administrator):
        other = Client()
        sign_in(other, someone)
        assert other.post(reverse("accounts:token_revoke", args=[token.public_id])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_administrator_makes_a_service_account_and_its_token(client, administrator):
    sign_in(client, administrator)
    form = {"username": "quality-register", "description": "Nightly export", "roles": ["therapist"]}
    response = client.post(reverse("accounts:service_accounts"), form)
    account = ServiceAccount.objects.get()
    assert response["Location"] == reverse("accounts:service_account", args=[account.user.public_id])
    assert not account.user.has_usable_password() and account.user.is_therapist
    account_url = reverse("accounts:service_account", args=[account.user.public_id])
    page = client.post(account_url, {**NEW_TOKEN, "can_write": "1"})
    secret = _secret(page)
    token = AccessToken.objects.get()
    assert (token.user, token.kind, token.created_by, token.can_write) == (account.user, "service", administrator, True)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(reverse("v1:patients")).json()["results"] == []
    listed = client.get(reverse("accounts:service_accounts")).content.decode()
    assert "quality-register" in listed and secret not in listed
    assert client.post(reverse("accounts:token_revoke", args=[token.public_id])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_service_account_cannot_sign_in_on_the_pages(client, administrator):
    sign_in(client, administrator)
    client.post(reverse("accounts:service_accounts"), {"username": "ehr", "description": "EHR", "roles": ["rater"]})
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "ehr", "password": ""})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", ["accounts:service_accounts"])
def test_service_accounts_are_for_administrators_only(therapist_client, name):
    assert therapist_client.get(reverse(name)).status_code == 403


def test_a_service_account_of_another_name_is_not_found(client, administrator, therapist):
    sign_in(client, administrator)
    assert client.get(reverse("accounts:service_account", args=[therapist.public_id])).status_code == 404
    assert User.objects.filter(service_account__isnull=False).count() == 0
