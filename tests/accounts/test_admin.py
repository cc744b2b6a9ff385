from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def _events(actor, count: int) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=actor, action="view", object_type="Patient", detail=f"looked-at-{i}") for i in range(count)
    )


def test_the_admin_lists_the_log_without_counting_all_of_it(client, db, therapist, monkeypatch):
    from allianse.accounts.admin import NewestPaginator

    chief = _administrator(db)
    _events(therapist, 12)
    monkeypatch.setattr(NewestPaginator, "LIMIT", 5)
    sign_in(client, chief)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("admin:accounts_auditevent_changelist"))
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"] and "accounts_auditevent" in query["sql"]]
    assert page.status_code == 200 and "5 audit events" in page.content.decode()
    assert counts and all("LIMIT 5" in sql for sql in counts)


def test_the_admin_finds_a_staff_members_events_by_their_exact_username(client, db, therapist, other_therapist):
    chief = _administrator(db)
    _events(therapist, 2)
    _events(other_therapist, 3)
    sign_in(client, chief)
    listed = client.get(reverse("admin:accounts_auditevent_changelist"), {"q": "OUTSIDER"}).content.decode()
    assert listed.count("looked-at-") == 3 and ">therapist<" not in listed
    partial = client.get(reverse("admin:accounts_auditevent_changelist"), {"q": "outside"}).content.decode()
    assert "looked-at-" not in partial


def test_the_admin_refuses_administrators_who_are_not_superusers(client, administrator, therapist):
    for user in (administrator, therapist):
        sign_in(client, user)
        response = client.get(reverse("admin:accounts_auditevent_changelist"))
        assert response.status_code == 302 and "login" in response.url
