"""Access tokens on the API: made, used, limited by their scope, expired, revoked, audited."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from allianse.accounts import tokens
from allianse.accounts.api_auth import UNDECLARED
from allianse.accounts.models import AccessToken, ApiPart, AuditEvent, Role
from tests.api.conftest import token_for, with_token
from tests.conftest import make_user

NEW_PATIENT = {"language": "nb", "started_on": "2026-11-01"}


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_a_token_acts_as_its_owner_with_either_keyword(therapist, session, keyword):
    response = with_token(token_for(therapist), keyword).get(reverse("v1:patients"))
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == [session.treatment.patient.code]


def test_only_the_hash_of_the_secret_is_stored(therapist):
    secret = token_for(therapist)
    token = AccessToken.objects.get()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(f"alli_{token.prefix}_") and len(secret) > 50
    stored = " ".join(str(value) for value in AccessToken.objects.values().get().values())
    assert secret not in stored and secret.split("_", 2)[2] not in stored


def test_every_call_with_a_token_writes_one_audit_row_naming_the_token(therapist, treatment):
    client = with_token(token_for(therapist))
    for _ in range(2):
        client.get(reverse("v1:patients"))
    calls = AuditEvent.objects.filter(action=AuditEvent.Action.API_CALL)
    token = AccessToken.objects.get()
    assert calls.count() == 2
    assert {(call.actor, call.object_id, call.detail) for call in calls} == {
        (therapist, str(token.public_id), "GET /api/v1/patients/")
    }
    # Beside the row of the call, the list's own view rows share its request id.
    call = calls.first()
    shown = AuditEvent.objects.filter(request_id=call.request_id).exclude(pk=call.pk)
    assert [event.patient_ids for event in shown] == [{treatment.patient_id}]
    assert token.__class__.objects.get().last_used_at is not None


def test_a_read_token_reads_but_changes_nothing(therapist):
    client = with_token(token_for(therapist, ApiPart.CLINIC))
    assert client.get(reverse("v1:patients")).status_code == 200
    refused = client.post(reverse("v1:patients"), NEW_PATIENT, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == "Denne nøkkelen kan bare lese."


def test_a_write_token_changes_within_its_parts(therapist):
    client = with_token(token_for(therapist, ApiPart.CLINIC, write=True))
    assert client.post(reverse("v1:patients"), NEW_PATIENT, format="json").status_code == 201


def test_a_token_reaches_only_the_parts_it_names(therapist, session):
    client = with_token(token_for(therapist, ApiPart.GROUPS), "Token")
    refused = client.get(reverse("v1:patients"), headers={"accept-language": "en"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This token does not reach this part of the API."
    assert client.get(reverse("v1:series", args=[session.treatment.public_id])).status_code == 403
    assert client.get(reverse("v1:groups-api:groups")).status_code == 200
    # The instruments and the schema are open to every token.
    assert client.get(reverse("v1:instruments")).status_code == 200
    assert client.get(reverse("v1:schema")).status_code == 200


def test_a_refusal_is_in_the_users_language(therapist):
    client = with_token(token_for(therapist, ApiPart.GROUPS))
    response = client.get(reverse("v1:patients"), headers={"accept-language": "nb"})
    assert response.json()["detail"] == "Denne nøkkelen gir ikke tilgang til denne delen av API-et."


def test_a_token_does_not_widen_the_owners_roles(db):
    client = with_token(token_for(make_user("rater", Role.RATER)))
    assert client.get(reverse("v1:patients")).status_code == 403


def test_an_expired_token_is_refused_and_the_try_audited(therapist):
    secret = token_for(therapist)
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = with_token(secret).get(reverse("v1:patients"))
    assert response.status_code == 401 and response["WWW-Authenticate"] == 'Bearer realm="api"'
    failure = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert failure.detail == "api token expired" and failure.object_id == str(AccessToken.objects.get().public_id)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.API_CALL).exists()


def test_a_revoked_token_stops_working(therapist):
    secret = token_for(therapist)
    client = with_token(secret)
    assert client.get(reverse("v1:patients")).status_code == 200
    assert tokens.revoke(token=AccessToken.objects.get()) is True
    assert client.get(reverse("v1:patients")).status_code == 401
    assert tokens.revoke(token=AccessToken.objects.get()) is False


def test_a_deactivated_owners_token_stops_working(therapist):
    secret = token_for(therapist)
    therapist.is_active = False
    therapist.save()
    assert with_token(secret).get(reverse("v1:patients")).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer two words", "Bearer alli_unknown_secret", "Bearer not-a-token", "Token alli_"]
)
def test_an_unknown_or_malformed_token_is_refused(db, header):
    response = with_token("", "").get(reverse("v1:patients"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_a_wrong_secret_with_a_known_prefix_is_refused(therapist):
    secret = token_for(therapist)
    assert with_token(secret[:-4] + "AAAA").get(reverse("v1:patients")).status_code == 401
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED).detail == "api token unknown"


def test_a_token_needs_no_csrf_token_for_changes(therapist):
    client = with_token(token_for(therapist, write=True))
    client.enforce_csrf_checks = True
    assert client.post(reverse("v1:patients"), NEW_PATIENT, format="json").status_code == 201


def _api_views(resolver: URLResolver | None = None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _api_views(entry)
        elif isinstance(entry, URLPattern) and hasattr(entry.callback, "cls"):
            yield entry.name, entry.callback.cls


def test_every_api_view_declares_the_part_of_the_api_it_belongs_to():
    """A view without `api_part` takes no token (TokenScope); every view of the API should take one."""
    views = dict(_api_views())
    assert len(views) > 20
    undeclared = sorted(name for name, view in views.items() if getattr(view, "api_part", UNDECLARED) is UNDECLARED)
    assert not undeclared
    assert {view.api_part for view in views.values()} <= {*ApiPart.values, None}
