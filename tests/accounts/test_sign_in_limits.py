"""Sign-in that resists guessing: wrong passwords lock the account and the address for a while, and
a session ends some hours after the sign-in however active it is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from allianse.accounts.models import AuditEvent
from tests.conftest import make_user, sign_in

PASSWORD = "correct horse battery staple"
LIMIT = 3
LOCKED = {
    "nb": "Det var for mange feil passord for denne kontoen eller fra nettverket til denne enheten",
    "en": "There were too many wrong passwords for this account or from this device's network",
}


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def _sign_in(client, username: str, password: str, address: str = "192.0.2.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client, username: str, times: int, address: str = "192.0.2.1") -> None:
    for _ in range(times):
        assert not _sign_in(client, username, "wrong password", address).wsgi_request.user.is_authenticated


def _signed_in(response) -> bool:
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("language", ["nb", "en"])
def test_wrong_passwords_lock_the_account_even_for_the_right_password(client, therapist, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    _fail(client, "therapist", LIMIT - 1)
    locking = _sign_in(client, "therapist", "wrong password")
    assert locking.status_code == 429 and LOCKED[language] in locking.content.decode()
    refused = _sign_in(client, "therapist", PASSWORD)
    page = refused.content.decode()
    assert refused.status_code == 429 and LOCKED[language] in page
    assert not refused.wsgi_request.user.is_authenticated
    assert 'class="brand"' in page and reverse("accounts:login") in page  # the site's header and a way back
    lockouts = AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGIN_FAILED, detail="locked out after repeated failures"
    )
    assert lockouts.count() == 2 and {event.object_id for event in lockouts} == {str(therapist.public_id)}
    assert {event.ip_address for event in lockouts} == {"192.0.2.1"}


def test_an_account_locked_from_one_address_is_locked_from_every_address(therapist):
    _fail(Client(), "therapist", LIMIT)
    assert _sign_in(Client(), "therapist", PASSWORD, address="198.51.100.7").status_code == 429


def test_an_address_trying_many_accounts_is_locked_for_every_account(therapist):
    for number in range(LIMIT):
        _fail(Client(), f"guess{number}", 1)
    assert _sign_in(Client(), "therapist", PASSWORD).status_code == 429
    assert _signed_in(_sign_in(Client(), "therapist", PASSWORD, address="198.51.100.7"))


def test_the_lock_ends_after_the_cool_off(therapist):
    with freeze_time("2026-03-02 09:00", tz_offset=0) as clock:
        _fail(Client(), "therapist", LIMIT)
        clock.tick(timedelta(minutes=14))
        assert _sign_in(Client(), "therapist", PASSWORD).status_code == 429
        clock.tick(timedelta(minutes=16))
        assert _signed_in(_sign_in(Client(), "therapist", PASSWORD))


def test_a_successful_sign_in_before_the_limit_starts_the_count_again(therapist):
    _fail(Client(), "therapist", LIMIT - 1)
    assert _signed_in(_sign_in(Client(), "therapist", PASSWORD))
    _fail(Client(), "therapist", LIMIT - 1)
    assert _signed_in(_sign_in(Client(), "therapist", PASSWORD))


def test_a_session_ends_twelve_hours_after_the_sign_in_however_active(client, therapist):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with freeze_time("2026-03-02 07:00", tz_offset=0) as clock:
        sign_in(client, therapist)
        for _ in range(28):  # busy until 18:40, never idle for 30 minutes
            clock.tick(timedelta(minutes=25))
            assert client.get(reverse("caseload:home")).status_code == 200
        clock.tick(timedelta(minutes=15))
        assert client.get(reverse("caseload:home")).status_code == 200  # 18:55
        clock.tick(timedelta(minutes=10))
        response = client.get(reverse("caseload:home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))
    assert not response.wsgi_request.user.is_authenticated
    assert "You were signed out because you signed in too long ago. Sign in again." in response.content.decode()


def test_the_absolute_limit_is_a_setting(client, db, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 60
    user = make_user("brief", "therapist")
    with freeze_time("2026-03-02 07:00", tz_offset=0) as clock:
        sign_in(client, user)
        assert client.get(reverse("caseload:home")).status_code == 200
        clock.tick(timedelta(seconds=61))
        assert client.get(reverse("caseload:home")).status_code == 302
