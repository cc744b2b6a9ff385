"""Therapist pages: their own patients only, every view of patient data audited."""

from django.urls import reverse

from allianse.accounts.models import AuditEvent
from allianse.clinic.models import Patient
from allianse.feedback.services import issue_check, submit_check
from tests.feedback.test_check_flow import GOOD


def test_the_home_page_lists_own_patients_with_latest_score_and_marks(therapist_client, session, therapist):
    submit_check(administration=issue_check(session=session, by=therapist), answers=GOOD)
    html = therapist_client.get(reverse("caseload:home")).content.decode()
    assert session.treatment.patient.code in html and "5,8" in html


def test_the_home_page_does_not_list_other_therapists_patients(outsider_client, session):
    html = outsider_client.get(reverse("caseload:home")).content.decode()
    assert session.treatment.patient.code not in html


def test_the_patient_page_shows_chart_table_and_status_and_is_audited(therapist_client, session, therapist):
    submit_check(administration=issue_check(session=session, by=therapist), answers=GOOD)
    patient = session.treatment.patient
    response = therapist_client.get(reverse("caseload:patient", args=[patient.public_id]) + "?show=goal")
    html = response.content.decode()
    assert response.status_code == 200 and "<svg" in html and "besvart" in html.lower()
    event = AuditEvent.objects.get(action="view", patient=patient)
    assert event.actor == therapist


def test_it_refuses_other_therapists_on_patient_and_session_pages(outsider_client, session):
    patient = session.treatment.patient
    assert outsider_client.get(reverse("caseload:patient", args=[patient.public_id])).status_code == 403
    assert outsider_client.get(reverse("caseload:session", args=[session.public_id])).status_code == 403
    assert outsider_client.post(reverse("feedback:issue_check", args=[session.public_id])).status_code == 403


def test_patient_page_queries_do_not_grow_with_sessions(therapist_client, treatment):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.ruptures.conftest import add_session, alliance, therapist_view

    url = reverse("caseload:patient", args=[treatment.patient.public_id])
    counts = []
    for sessions in (1, 12):
        while treatment.sessions.count() < sessions:
            add_session(treatment, patient=alliance(5), therapist=therapist_view(5))
        with CaptureQueriesContext(connection) as queries:
            therapist_client.get(url)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 17, counts


def test_a_therapist_registers_a_patient_and_a_session(therapist_client):
    response = therapist_client.post(
        reverse("caseload:patient_new"), {"name": "", "language": "nb", "started_on": "2026-11-01"}
    )
    patient = Patient.objects.get()
    assert response.url == reverse("caseload:patient", args=[patient.public_id])
    treatment = patient.treatments.get()
    response = therapist_client.post(
        reverse("caseload:session_new", args=[treatment.public_id]), {"starts_at": "2026-11-20T10:00", "attended": "on"}
    )
    assert treatment.sessions.get().number == 1


def test_patient_codes_and_names_stay_out_of_urls(therapist_client, session):
    patient = session.treatment.patient
    patient.name = "Kari Nordmann"
    patient.save()
    html = therapist_client.get(reverse("caseload:home")).content.decode()
    assert "Kari" not in html and f"/patients/{patient.public_id}/" in html


def test_staff_pages_need_the_second_factor(client, therapist):
    client.force_login(therapist)
    response = client.get(reverse("caseload:home"))
    assert response.status_code == 302 and response.url == reverse("accounts:two_factor")


def test_pages_carry_strict_security_headers(therapist_client):
    response = therapist_client.get(reverse("caseload:home"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def test_a_missed_session_after_a_rupture_raises_an_absence_signal(therapist_client, treatment):
    from allianse.ruptures.models import Signal
    from tests.ruptures.conftest import add_session, alliance, therapist_view

    for _ in range(4):
        add_session(treatment, patient=alliance(6), therapist=therapist_view(6))
    add_session(treatment, patient=alliance(3, rupture=True, rupture_intensity=4, rupture_resolution=2))
    therapist_client.post(
        reverse("caseload:session_new", args=[treatment.public_id]), {"starts_at": "2026-11-20T10:00"}
    )  # "attended" left unticked
    missed = treatment.sessions.get(number=6)
    assert Signal.objects.filter(session=missed, kind="absence").exists()
