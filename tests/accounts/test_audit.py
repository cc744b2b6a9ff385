"""Failed sign-ins are audited: the account or a hash of the username tried, and the address."""

from django.urls import reverse

from allianse.accounts.models import AuditEvent
from tests.conftest import make_user

PASSWORD = "correct horse battery staple"
FAILED = AuditEvent.Action.LOGIN_FAILED


def _sign_in(client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_a_wrong_password_writes_one_failed_sign_in_for_the_account(client, therapist):
    _sign_in(client, "therapist", "wrong password")
    event = AuditEvent.objects.get(action=FAILED)
    assert (event.object_type, event.object_id) == ("User", str(therapist.public_id))
    assert event.actor is None and event.ip_address == "127.0.0.1"
    assert "wrong password" not in str(AuditEvent.objects.values().get())


def test_the_right_password_writes_no_failed_sign_in(client, therapist):
    _sign_in(client, "therapist", PASSWORD)
    assert not AuditEvent.objects.filter(action=FAILED).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).count() == 1


def test_an_unknown_username_is_kept_only_as_a_hash_that_repeats(client, db):
    _sign_in(client, "my secret password", "x")
    _sign_in(client, "my secret password", "y")
    _sign_in(client, "someone else", "x")
    details = list(AuditEvent.objects.filter(action=FAILED).order_by("id").values_list("detail", flat=True))
    assert len(details) == 3 and details[0] == details[1] != details[2]
    assert all("secret" not in detail and "someone" not in detail for detail in details)
    assert not AuditEvent.objects.exclude(object_id="").exists()


def test_an_inactive_account_that_is_tried_is_recorded(client, db):
    user = make_user("leaver")
    user.is_active = False
    user.save()
    _sign_in(client, "leaver", PASSWORD)
    assert AuditEvent.objects.get(action=FAILED).object_id == str(user.public_id)
