"""API personas: the shared personas of tests/conftest.py behind DRF's test client."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import sign_in


def signed_in(user, **options) -> APIClient:
    client = APIClient(**options)
    sign_in(client, user)
    return client


@pytest.fixture
def api(therapist) -> APIClient:
    return signed_in(therapist)


@pytest.fixture
def outsider_api(other_therapist) -> APIClient:
    return signed_in(other_therapist)


@pytest.fixture
def password_only_api(therapist) -> APIClient:
    """Signed in with the password but not the second factor."""
    client = APIClient()
    client.force_login(therapist)
    return client


def token_for(user, *parts, write: bool = False, days: int = 30) -> str:
    """A personal token's secret for `user`, reaching `parts` (all parts if none are named)."""
    from allianse.accounts import tokens
    from allianse.accounts.models import ApiPart

    issued = tokens.issue_personal(
        user=user, name="test", can_write=write, parts=list(parts or ApiPart.values), days=days
    )
    return issued.secret


def with_token(secret: str, keyword: str = "Bearer") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {secret}")
    return client
