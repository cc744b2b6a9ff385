import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from allianse.accounts import staff
from allianse.accounts.models import AuditEvent, User
from tests.conftest import current_code

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a long new password 2026"
ASK_FOR_LINK = {
    "nb": "Be administratoren om en registreringslenke",
    "en": "Ask your administrator for an enrolment link",
}


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_password_alone_does_not_set_up_a_second_factor(client, db, language):
    User.objects.create_user("newcomer", password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.post(reverse("accounts:login"), {"username": "newcomer", "password": PASSWORD})
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 403 and ASK_FOR_LINK[language] in page.content.decode()
    assert "<svg" not in page.content.decode() and not TOTPDevice.objects.exists()
    refused = client.post(reverse("accounts:two_factor"), {"token": "123456"})
    assert refused.status_code == 403 and not TOTPDevice.objects.exists()
    assert client.get(reverse("home:home"))["Location"] == reverse("accounts:two_factor")


def test_after_an_administrators_reset_the_person_enrols_then_gets_in(client, therapist):
    staff.reset_second_factor(user=therapist, reason="lost phone")
    client.post(reverse("accounts:login"), {"username": "therapist", "password": PASSWORD})
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "<svg" in page  # the QR code to scan
    device = TOTPDevice.objects.get(user=therapist, confirmed=False)
    response = client.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302 and response.url == reverse("home:home")
    assert TOTPDevice.objects.get(user=therapist).confirmed
    therapist.refresh_from_db()
    assert therapist.may_enrol_until is None  # used up
    home = client.get(reverse("home:home"))
    assert home.status_code == 200 and home.wsgi_request.user.is_verified()


def test_the_permission_of_a_reset_expires(client, therapist):
    with freeze_time("2026-03-02 09:00", tz_offset=0) as clock:
        staff.reset_second_factor(user=therapist, reason="lost phone")
        clock.tick(timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1))
        client.post(reverse("accounts:login"), {"username": "therapist", "password": PASSWORD})
        assert client.get(reverse("accounts:two_factor")).status_code == 403


def test_the_permission_of_an_enrolment_link_stays_in_the_session_that_opened_it(client, db):
    user, link = staff.invite(username="kari", first_name="Kari", last_name="Nordmann", email="", roles=[])
    client.post(link.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "<svg" in client.get(reverse("accounts:two_factor")).content.decode()
    elsewhere = Client()
    elsewhere.post(reverse("accounts:login"), {"username": "kari", "password": NEW_PASSWORD})
    assert elsewhere.get(reverse("accounts:two_factor")).status_code == 403
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get(reverse("home:home")).wsgi_request.user.is_verified()


def test_the_session_gets_a_new_key_at_the_second_factor(client, therapist):
    client.post(reverse("accounts:login"), {"username": "therapist", "password": PASSWORD})
    before = client.session.session_key
    client.post(reverse("accounts:two_factor"), {"token": current_code(therapist)})
    assert client.session.session_key != before
    assert not SessionStore().exists(before)
    assert client.get(reverse("home:home")).wsgi_request.user.is_verified()


def test_the_second_factor_is_audited_as_the_user(client, therapist):
    client.post(reverse("accounts:login"), {"username": "therapist", "password": PASSWORD})
    client.post(reverse("accounts:two_factor"), {"token": current_code(therapist)})
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN, detail="second factor")
    assert (event.object_type, event.object_id, event.actor) == ("User", str(therapist.public_id), therapist)


def test_an_enrolled_member_signs_in_with_password_and_code(client, therapist, treatment):
    client.post(reverse("accounts:login"), {"username": "therapist", "password": PASSWORD})
    assert client.get(reverse("home:home"))["Location"] == reverse("accounts:two_factor")
    response = client.post(reverse("accounts:two_factor"), {"token": current_code(therapist)}, follow=True)
    assert response.redirect_chain == [(reverse("home:home"), 302)]
    assert response.wsgi_request.user == therapist and response.wsgi_request.user.is_verified()
    patient = treatment.patient
    assert f'<a href="{reverse("caseload:patient", args=[patient.public_id])}">{patient.code}</a>' in (
        response.content.decode()
    )


def test_a_wrong_password_does_not_get_in(client, therapist):
    response = client.post(reverse("accounts:login"), {"username": "therapist", "password": "nope"})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


def test_demo_codes_are_never_shown_when_debug_is_off(client, therapist, settings):
    therapist.is_demo = True
    therapist.save()
    settings.DEBUG = False
    client.post(reverse("accounts:login"), {"username": "therapist", "password": PASSWORD})
    assert current_code(therapist) not in client.get(reverse("accounts:two_factor")).content.decode()


def test_demo_codes_are_shown_for_demo_accounts_while_debug_is_on(client, therapist, settings):
    therapist.is_demo = True
    therapist.save()
    settings.DEBUG = True
    client.post(reverse("accounts:login"), {"username": "therapist", "password": PASSWORD})
    assert current_code(therapist) in client.get(reverse("accounts:two_factor")).content.decode()


def test_a_wrong_code_is_refused_with_a_message(client, therapist):
    client.post(reverse("accounts:login"), {"username": "therapist", "password": PASSWORD})
    wrong_code = "000000" if current_code(therapist) != "000000" else "111111"
    wrong = client.post(reverse("accounts:two_factor"), {"token": wrong_code})
    assert wrong.status_code == 200 and "errorlist" in wrong.content.decode()
    assert client.get(reverse("caseload:home")).status_code == 302


def test_the_first_administrator_gets_an_enrolment_link_from_the_command_line(client, db):
    User.objects.create_superuser("founder", password=PASSWORD)
    output = io.StringIO()
    call_command("enrolment_link", "founder", stdout=output)
    client.post(output.getvalue().split()[0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert "<svg" in client.get(reverse("accounts:two_factor")).content.decode()
