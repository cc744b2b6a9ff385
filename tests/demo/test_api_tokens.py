"""The demo shows API access: a service account with its token, and a therapist's own tokens."""

import random

import pytest
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import AccessToken, ServiceAccount
from allianse.demo import api_tokens
from allianse.demo.clinic import DemoContext
from allianse.demo.clinic import build as build_clinic
from tests.conftest import sign_in


@pytest.fixture
def built(db):
    context = DemoContext(now=timezone.now(), rng=random.Random(2026))
    build_clinic(context)
    api_tokens.build(context)
    return context


def test_the_demo_has_a_service_account_and_a_therapists_tokens(built, client):
    account = ServiceAccount.objects.get()
    assert account.user.username == "kvalitetsregister" and not account.user.has_usable_password()
    therapist = built.therapists[0]
    own = AccessToken.objects.filter(user=therapist)
    assert own.count() == 2 and own.filter(revoked_at__isnull=False).count() == 1
    sign_in(client, therapist)
    page = client.get(reverse("accounts:api_tokens")).content.decode()
    assert "Timeplan-skript" in page and "Gammelt skript" in page
    sign_in(client, built.administrator)
    assert "kvalitetsregister" in client.get(reverse("accounts:service_accounts")).content.decode()
