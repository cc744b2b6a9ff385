from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from allianse.accounts.models import User
from tests.conftest import current_code

PASSWORD = "correct horse battery staple"


def test_a_new_staff_member_enrols_an_authenticator_then_gets_in(client, db):
    user = User.objects.create_user("newcomer", password=PASSWORD)
    response = client.post(reverse("accounts:login"), {"username": "newcomer", "password": PASSWORD})
    assert response.url.startswith(reverse("accounts:two_factor"))
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "<svg" in page  # the QR code to scan
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("accounts:two_factor"), {"token": code})
    assert response.status_code == 302 and response.url == reverse("home:home")
    assert TOTPDevice.objects.get(user=user).confirmed
    home = client.get(reverse("home:home"))
    assert home.status_code == 200 and home.wsgi_request.user == user and home.wsgi_request.user.is_verified()
    assert "Kontoen din har ingen rolle ennå" in home.content.decode()  # the home of staff without a role, in bokmål


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
