from django.urls import reverse

from allianse.accounts.models import AuditEvent
from tests.conftest import make_user, sign_in


def _administrator(db):
    user = make_user("chief", "administrator")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_administrators_read_the_audit_log_after_the_second_factor(client, db, therapist, session):
    chief = _administrator(db)
    sign_in(client, therapist)
    client.get(reverse("caseload:patient", args=[session.treatment.patient.public_id]))
    sign_in(client, chief)
    page = client.get(reverse("admin:accounts_auditevent_changelist"))
    assert page.status_code == 200 and "therapist" in page.content.decode()


def test_the_audit_log_cannot_be_changed_or_deleted(client, db, therapist, session):
    chief = _administrator(db)
    sign_in(client, chief)
    client.get(reverse("admin:accounts_auditevent_changelist"))
    event = AuditEvent.objects.create(actor=therapist, action="view", object_type="Patient")
    assert client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_admin_refuses_a_password_only_session(client, db):
    chief = _administrator(db)
    client.force_login(chief)
    response = client.get(reverse("admin:accounts_auditevent_changelist"))
    assert response.status_code == 302 and "login" in response.url
