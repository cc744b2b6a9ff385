"""Administrators manage staff in the product: list, invite, roles, deactivation, second factor."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from allianse.accounts import staff
from allianse.accounts.models import AuditEvent, Role, User
from tests.conftest import current_code, make_user, sign_in

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a long new password 2026"
REFUSED = {"nb": "Du har ikke tilgang til denne siden.", "en": "You do not have access to this page."}


@pytest.fixture
def administrator_client(client, administrator):
    sign_in(client, administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page(client, url: str, language: str = "en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


def _invite(client, **extra):
    data = {"username": "kari", "first_name": "Kari", "last_name": "Nordmann", "roles": [Role.THERAPIST], **extra}
    return client.post(reverse("accounts:staff_invite"), data)


def _link_in(response) -> str:
    return re.search(r'<code class="link-box">[^<]*(/accounts/enrol/[^<]+)</code>', response.content.decode())[1]


def test_administrators_see_every_staff_member_with_roles_and_second_factor(administrator_client, therapist):
    make_user("newcomer", Role.RATER).totpdevice_set.all().delete()
    therapist.first_name, therapist.last_name = "Tone", "Terapeut"
    therapist.save()
    page = _page(administrator_client, reverse("accounts:staff")).content.decode()
    row = page.split("Tone Terapeut")[1].split("</tr>")[0]
    assert "<td>therapist</td>" in row and "<td>Therapist</td>" in row and row.count("<td>yes</td>") == 2
    newcomer = page.split(">newcomer</a>")[1].split("</tr>")[0]
    assert "<td>Rater</td>" in newcomer and "<td>yes</td>\n      <td>no</td>" in newcomer
    assert "<td>never</td>" in newcomer
    nb = _page(administrator_client, reverse("accounts:staff"), "nb").content.decode()
    assert "Ansatte og roller" in nb and "<td>Terapeut</td>" in nb


def test_a_trusts_staff_come_fifty_a_page_and_can_be_found_by_name(administrator_client):
    User.objects.bulk_create(User(username=f"staff{n:03d}", last_name=f"Hansen {n:03d}") for n in range(70))
    Group = User.groups.field.related_model
    User.groups.through.objects.bulk_create(
        User.groups.through(user=user, group=Group.objects.get_or_create(name=Role.THERAPIST)[0])
        for user in User.objects.filter(username__startswith="staff")
    )
    url = reverse("accounts:staff")
    first = _page(administrator_client, url).content.decode()
    assert first.count('<td><a href="/accounts/staff/') == 50
    assert "page 1 of 2" in first and 'href="?page=2"' in first
    second = _page(administrator_client, url + "?page=2").content.decode()
    assert ">Hansen 069</a>" in second and ">Hansen 000</a>" not in second
    searched = _page(administrator_client, url + "?page=2&q=hansen 0").content.decode()
    assert "page 2 of 2" in searched and 'href="?page=1&amp;q=hansen+0"' in searched
    found = _page(administrator_client, url + "?q=hansen 01").content.decode()
    assert [f">Hansen 01{n}</a>" in found for n in range(10)] == [True] * 10 and ">Hansen 020</a>" not in found
    assert "contains “nobody”" in _page(administrator_client, url + "?q=nobody").content.decode()
    assert "inneholder «nobody»" in _page(administrator_client, url + "?q=nobody", "nb").content.decode()


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("role", [Role.THERAPIST, Role.RATER])
def test_other_roles_are_refused_every_administration_page(client, db, role, language):
    sign_in(client, make_user("someone", role))
    member = make_user("colleague", Role.THERAPIST)
    urls = [
        reverse("accounts:staff"),
        reverse("accounts:staff_invite"),
        reverse("accounts:staff_member", args=[member.public_id]),
        reverse("accounts:settings"),
        reverse("accounts:audit"),
        reverse("accounts:access_log"),
    ]
    for url in urls:
        response = _page(client, url, language)
        page = response.content.decode()
        assert response.status_code == 403, url
        assert REFUSED[language] in page and f'<html lang="{language}">' in page and "<nav " in page
    posts = ["staff_roles", "staff_active", "staff_second_factor", "staff_link"]
    for name in posts:
        url = reverse(f"accounts:{name}", args=[member.public_id])
        assert client.post(url, {"roles": [Role.ADMINISTRATOR], "active": "0", "reason": "x"}).status_code == 403
    member.refresh_from_db()
    assert member.is_active and not member.is_administrator and member.totpdevice_set.exists()


def test_a_new_staff_member_is_invited_sets_a_password_and_enrols(administrator_client, administrator):
    response = _invite(administrator_client, roles=[Role.THERAPIST, Role.RATER])
    assert response.status_code == 200
    kari = User.objects.get(username="kari")
    assert not kari.has_usable_password() and {group.name for group in kari.groups.all()} == {"therapist", "rater"}
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(kari.public_id))
    assert event.actor == administrator and event.detail == "staff invited with roles rater, therapist"
    assert "works until" in response.content.decode()

    newcomer = Client()
    link = _link_in(response)
    assert "Welcome, Kari Nordmann" in _page(newcomer, link).content.decode()
    response = newcomer.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:two_factor")
    assert "<svg" in newcomer.get(response.url).content.decode()  # the QR code to scan
    device = TOTPDevice.objects.get(user=kari, confirmed=False)
    response = newcomer.post(reverse("accounts:two_factor"), {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=kari).confirmed
    home = newcomer.get(reverse("caseload:home"))
    assert home.status_code == 200 and home.wsgi_request.user == kari and home.wsgi_request.user.is_verified()
    kari.refresh_from_db()
    assert kari.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(actor=kari, detail="password set with enrolment link").exists()


def test_a_used_enrolment_link_is_refused(administrator_client):
    link = _link_in(_invite(administrator_client))
    newcomer = Client()
    newcomer.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client()
    for language, text in (("en", "This link no longer works"), ("nb", "Denne lenken virker ikke lenger")):
        response = _page(again, link, language)
        assert response.status_code == 410 and text in response.content.decode()
    response = again.post(link, {"new_password1": "another password 99", "new_password2": "another password 99"})
    assert response.status_code == 410
    assert User.objects.get(username="kari").check_password(NEW_PASSWORD)


def test_an_expired_enrolment_link_is_refused_and_a_new_one_replaces_it(administrator_client, monkeypatch):
    link = _link_in(_invite(administrator_client))
    kari = User.objects.get(username="kari")
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with monkeypatch.context() as patched:
        patched.setattr(staff.tokens, "_now", lambda: later)
        assert Client().get(link).status_code == 410
    assert Client().get(link).status_code == 200
    renewed = _link_in(administrator_client.post(reverse("accounts:staff_link", args=[kari.public_id])))
    assert renewed != link
    assert Client().get(link).status_code == 410
    assert Client().get(renewed).status_code == 200
    assert Client().get(reverse("accounts:enrol", args=["not-a-link"])).status_code == 410


def test_the_link_can_be_sent_by_e_mail(administrator_client):
    response = _invite(administrator_client, email="kari@example.org", send_email="on")
    assert "It has also been sent to kari@example.org." in response.content.decode()
    assert mail.outbox[0].to == ["kari@example.org"] and _link_in(response) in mail.outbox[0].body


def test_an_invitation_needs_a_free_username_and_a_role(administrator_client, therapist):
    response = _invite(administrator_client, username="THERAPIST", roles=[])
    page = response.content.decode()
    assert response.status_code == 400
    assert "Someone already has this username." in page and "Choose at least one role." in page
    assert User.objects.count() == 2


def test_changing_roles_is_saved_and_audited(administrator_client, administrator, therapist):
    url = reverse("accounts:staff_roles", args=[therapist.public_id])
    administrator_client.post(url, {"roles": [Role.THERAPIST, Role.SUPERVISOR]})
    assert {group.name for group in therapist.groups.all()} == {"therapist", "supervisor"}
    event = AuditEvent.objects.get(object_id=str(therapist.public_id))
    assert (event.actor, event.action, event.detail) == (administrator, "update", "roles set to supervisor, therapist")


def test_deactivation_blocks_sign_in_and_ends_the_session(administrator_client, therapist):
    colleague = Client()
    sign_in(colleague, therapist)
    administrator_client.post(reverse("accounts:staff_active", args=[therapist.public_id]), {"active": "0"})
    therapist.refresh_from_db()
    assert not therapist.is_active and User.objects.filter(pk=therapist.pk).exists()
    assert colleague.get(reverse("caseload:home")).status_code == 302
    response = Client().post(reverse("accounts:login"), {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    assert AuditEvent.objects.filter(object_id=str(therapist.public_id), detail="deactivated").exists()
    administrator_client.post(reverse("accounts:staff_active", args=[therapist.public_id]), {"active": "1"})
    therapist.refresh_from_db()
    assert therapist.is_active


def test_resetting_the_second_factor_needs_a_reason_and_is_audited(administrator_client, administrator, therapist):
    url = reverse("accounts:staff_second_factor", args=[therapist.public_id])
    response = administrator_client.post(url, {"reason": "   "})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert TOTPDevice.objects.filter(user=therapist).exists()
    administrator_client.post(url, {"reason": "lost phone"})
    assert not TOTPDevice.objects.filter(user=therapist).exists()
    event = AuditEvent.objects.get(object_id=str(therapist.public_id))
    assert (event.actor, event.action, event.detail) == (administrator, "update", "second factor reset: lost phone")


def test_after_a_reset_the_person_sets_up_a_new_second_factor(administrator_client, therapist):
    old_code = current_code(therapist)
    administrator_client.post(
        reverse("accounts:staff_second_factor", args=[therapist.public_id]), {"reason": "new phone"}
    )
    colleague = Client()
    colleague.post(reverse("accounts:login"), {"username": "therapist", "password": PASSWORD})
    page = colleague.get(reverse("accounts:two_factor")).content.decode()
    assert "<svg" in page and colleague.post(reverse("accounts:two_factor"), {"token": old_code}).status_code == 200


def test_the_last_administrator_keeps_the_role_and_nobody_deactivates_themselves(administrator_client, administrator):
    roles_url = reverse("accounts:staff_roles", args=[administrator.public_id])
    response = administrator_client.post(roles_url, {"roles": [Role.THERAPIST]}, follow=True)
    assert "The clinic needs an administrator" in response.content.decode()
    assert User.objects.get(pk=administrator.pk).is_administrator
    response = administrator_client.post(
        reverse("accounts:staff_active", args=[administrator.public_id]), {"active": "0"}
    )
    administrator.refresh_from_db()
    assert administrator.is_active
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).exists()

    make_user("deputy", Role.ADMINISTRATOR)
    administrator_client.post(roles_url, {"roles": [Role.THERAPIST]})
    assert not User.objects.get(pk=administrator.pk).is_administrator


def test_the_last_active_administrator_cannot_be_deactivated_by_a_former_one(client, db):
    chief, deputy = make_user("chief", Role.ADMINISTRATOR), make_user("deputy", Role.ADMINISTRATOR)
    sign_in(client, chief)
    client.post(reverse("accounts:staff_active", args=[deputy.public_id]), {"active": "0"})
    deputy.refresh_from_db()
    assert not deputy.is_active
    with pytest.raises(staff.StaffChangeRefused):
        staff.set_active(user=chief, active=False, by=deputy)


def test_the_staff_member_page_shows_what_can_be_done(administrator_client, administrator, therapist):
    page = _page(administrator_client, reverse("accounts:staff_member", args=[therapist.public_id])).content.decode()
    assert "Deactivate the account" in page and "Reset the second factor" in page and "Save the roles" in page
    own = _page(administrator_client, reverse("accounts:staff_member", args=[administrator.public_id])).content.decode()
    assert "You cannot deactivate your own account." in own and "Deactivate the account" not in own


def test_clinic_settings_link_the_signal_rules(administrator_client):
    for language, title in (("en", "Clinic settings"), ("nb", "Innstillinger for klinikken")):
        page = _page(administrator_client, reverse("accounts:settings"), language).content.decode()
        assert f"<h1>{title}</h1>" in page and f'href="{reverse("ruptures:rules")}"' in page


def test_the_django_admin_is_for_superusers_only(client, administrator):
    administrator.is_staff = True
    administrator.save()
    sign_in(client, administrator)
    response = client.get(reverse("admin:accounts_auditevent_changelist"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    administrator.is_superuser = True
    administrator.save()
    assert client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 200
