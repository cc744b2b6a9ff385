"""A page listing patients writes one audit event naming the set of them; the set is stored once
however often the same patients are shown; the log's search by patient code, the patient's access
log and the weekly pruning (`AUDIT_RETENTION_DAYS`) see the events about a set as about each of its
patients."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from allianse.accounts import audit, audit_log
from allianse.accounts.models import AuditEvent, PatientSet
from allianse.clinic.services import register_patient
from tests.conftest import sign_in


@pytest.fixture
def patients(therapist):
    return [
        register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate()).patient
        for _ in range(3)
    ]


def shown(therapist, patients, detail="caseload"):
    request = RequestFactory().get("/")
    request.user = therapist
    audit.record_patients_shown(request, patients, detail=detail)


def test_a_list_of_patients_is_one_event_naming_their_set(therapist, patients):
    shown(therapist, patients)
    event = AuditEvent.objects.get()
    assert event.patient_id is None and event.patient_ids == {patient.pk for patient in patients}
    assert event.object_type == "Patient" and event.actor == therapist


def test_a_list_of_one_patient_names_a_set_too(therapist, patients):
    """A list costs the same queries whether it shows one patient or many."""
    shown(therapist, patients[:1])
    assert AuditEvent.objects.get().patient_ids == {patients[0].pk} and PatientSet.objects.count() == 1


def test_the_same_patients_shown_again_reuse_their_set_in_two_queries(therapist, patients):
    shown(therapist, patients)
    with CaptureQueriesContext(connection) as queries:
        shown(therapist, reversed(patients))
    assert len(queries) == 2 and PatientSet.objects.count() == 1 and AuditEvent.objects.count() == 2
    shown(therapist, patients[:2])
    assert PatientSet.objects.count() == 2
    shown(therapist, [])
    assert AuditEvent.objects.count() == 3


def test_search_and_access_log_find_the_events_about_a_set(client, administrator, therapist, patients):
    shown(therapist, patients, detail="caseload")
    shown(therapist, patients[1:], detail="needs attention")
    found = audit_log.search(audit_log.Filters(patient_code=patients[0].code))
    assert [event.detail for event in found] == ["caseload"]
    sign_in(client, administrator)
    page = client.get(reverse("accounts:audit"), {"patient": patients[1].code}).content.decode()
    assert "caseload" in page and "needs attention" in page and all(patient.code in page for patient in patients)
    header, rows = audit_log.access_log(patients[2].pk)
    assert [row[-1] for row in rows] == ["caseload", "needs attention"]


def prune(**options) -> str:
    out = io.StringIO()
    call_command("prune_audit_log", stdout=out, **options)
    return out.getvalue()


def test_pruning_keeps_every_event_unless_the_clinic_sets_a_retention(settings, therapist, patients):
    shown(therapist, patients)
    AuditEvent.objects.update(at=timezone.now() - timedelta(days=4000))
    settings.AUDIT_RETENTION_DAYS = 0
    assert "keeps every event" in prune() and AuditEvent.objects.count() == 1


def test_pruning_deletes_older_events_and_the_sets_they_alone_named(settings, therapist, patients):
    shown(therapist, patients)
    shown(therapist, patients[:2])
    AuditEvent.objects.filter(patient_set__patients=patients[2]).update(at=timezone.now() - timedelta(days=400))
    settings.AUDIT_RETENTION_DAYS = 365
    assert prune().startswith("1 audit event(s) older than 365 days deleted, 1 unused patient set(s).")
    assert AuditEvent.objects.get().patient_ids == {patients[0].pk, patients[1].pk}
    assert PatientSet.objects.count() == 1


def test_pruning_deletes_in_batches_exactly_the_events_older_than_the_retention(settings, monkeypatch, therapist):
    from allianse.accounts.management.commands import prune_audit_log

    now = timezone.now()
    ages = [timedelta(days=365, minutes=1), timedelta(days=366), timedelta(days=400), timedelta(days=800)]
    ages += [timedelta(days=3000), timedelta(days=365) - timedelta(minutes=1), timedelta(0)]
    events = AuditEvent.objects.bulk_create(
        AuditEvent(actor=therapist, action=AuditEvent.Action.VIEW, object_type="Patient") for _ in ages
    )
    for event, age in zip(events, ages, strict=True):
        AuditEvent.objects.filter(pk=event.pk).update(at=now - age)
    settings.AUDIT_RETENTION_DAYS = 365
    monkeypatch.setattr(prune_audit_log, "BATCH", 2)
    with CaptureQueriesContext(connection) as queries:
        assert prune().startswith("5 audit event(s) older than 365 days deleted")
    deletes = [query["sql"] for query in queries if query["sql"].startswith('DELETE FROM "accounts_auditevent"')]
    assert len(deletes) == 3  # 2 + 2 + 1
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {events[5].pk, events[6].pk}


def test_a_patients_events_come_newest_first_in_pages_with_and_without_sets(monkeypatch, therapist, patients):
    """Sorted by an expression of the time rather than by the time index; the same order and cursor."""
    monkeypatch.setattr(audit_log, "PAGE_ROWS", 4)
    now = timezone.now()
    for minutes in range(11):
        shown(therapist, patients if minutes % 3 else patients[1:], detail=f"set {minutes}")
        audit.record(None, AuditEvent.Action.VIEW, patients[0], patient=patients[0], detail=f"alone {minutes}")
    for offset, event in enumerate(AuditEvent.objects.order_by("pk")):
        AuditEvent.objects.filter(pk=event.pk).update(at=now - timedelta(minutes=100 - offset // 2))
    expected = [
        event.detail
        for event in AuditEvent.objects.order_by("-at", "-id")
        if patients[0].pk in event.patient_ids and event.detail
    ]
    found, cursor = [], None
    while True:
        page = audit_log.page(audit_log.search(audit_log.Filters(patient_code=patients[0].code)), cursor)
        found += [line.detail for line in page.lines]
        if page.older is None:
            break
        cursor = page.older
    assert len(expected) == 11 + 7 and found == expected
