"""Therapist pages: their own patients only, every view of patient data audited."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import AuditEvent
from allianse.clinic.models import Patient, Session
from allianse.clinic.services import register_patient
from allianse.feedback.services import issue_check, record_therapist_check, submit_check
from tests.feedback.test_check_flow import GOOD


def home_row(html: str, code: str) -> str:
    """The caseload table's row of the patient with this code."""
    (row,) = re.findall(rf"<tr>\s*<td><a [^>]+>{code}</a>.*?</tr>", html, flags=re.DOTALL)
    return row


def test_the_home_page_lists_own_patients_with_latest_score_and_marks(therapist_client, session, therapist):
    submit_check(administration=issue_check(session=session, by=therapist), answers=GOOD)
    quiet = register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())
    held_back = Session.objects.create(treatment=quiet, number=1, starts_at=timezone.now(), attended=True)
    answers = GOOD | {"rupture": "no", "held_back": "yes", "goal_1": "2", "goal_2": "2"}
    del answers["rupture_intensity"], answers["rupture_resolution"]
    submit_check(administration=issue_check(session=held_back, by=therapist), answers=answers)
    html = therapist_client.get(reverse("caseload:home")).content.decode()
    # GOOD: goal (6 + 5) / 2, task (6 + (8 - 2)) / 2, bond 6; the alliance their mean, 5.8
    tension = home_row(html, session.treatment.patient.code)
    assert "<td>5,8</td>" in tension and "meldte om spenning" in tension and "holdt noe tilbake" not in tension
    # goal 2, task 6, bond 6: alliance 4.7
    withheld = home_row(html, quiet.patient.code)
    assert "<td>4,7</td>" in withheld and "holdt noe tilbake" in withheld and "meldte om spenning" not in withheld


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
    assert outsider_client.get(reverse("caseload:patient", args=[patient.public_id])).status_code == 404
    assert outsider_client.get(reverse("caseload:session", args=[session.public_id])).status_code == 404
    assert outsider_client.post(reverse("feedback:issue_check", args=[session.public_id])).status_code == 404


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
    assert counts[0] == counts[1] <= 20, counts


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
    session = treatment.sessions.get()
    assert response.status_code == 302 and response.url == reverse("caseload:session", args=[session.public_id])
    assert session.number == 1 and session.attended
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-11-20 10:00"


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
    from tests.worker import run_tasks

    for _ in range(4):
        add_session(treatment, patient=alliance(6), therapist=therapist_view(6))
    add_session(treatment, patient=alliance(3, rupture=True, rupture_intensity=4, rupture_resolution=2))
    therapist_client.post(
        reverse("caseload:session_new", args=[treatment.public_id]), {"starts_at": "2026-11-20T10:00"}
    )  # "attended" left unticked
    run_tasks()
    missed = treatment.sessions.get(number=6)
    assert Signal.objects.filter(session=missed, kind="absence").exists()


@pytest.mark.parametrize(
    "language, kind, description, number",
    [
        ("nb", "(Tilbaketrekking)", "per time slik pasienten og terapeuten opplevde den", "5,8"),
        ("en", "(Withdrawal)", "per session as the patient and the therapist saw it", "5.8"),
    ],
)
def test_the_patient_page_names_the_rupture_kind_and_describes_the_chart_in_the_users_language(
    therapist_client, session, therapist, settings, language, kind, description, number
):
    settings.LANGUAGE_CODE = language
    submit_check(administration=issue_check(session=session, by=therapist), answers=GOOD)
    therapist_answers = {item: 5 for item in ("goal_1", "goal_2", "task_1", "task_2", "bond_1", "bond_2")}
    record_therapist_check(
        session=session,
        therapist=therapist,
        answers=therapist_answers
        | {"rupture": "yes", "rupture_intensity": 3, "rupture_resolution": 3, "rupture_kind": "withdrawal"},
    )
    html = therapist_client.get(
        reverse("caseload:patient", args=[session.treatment.patient.public_id])
    ).content.decode()
    assert kind in html and "(withdrawal)" not in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert description in svg  # the chart's accessible name
    assert re.search(
        rf"<title>[^<]*: {re.escape(number)}</title>", svg
    )  # a point's hover text, number as the language writes it
    assert "who:" not in svg and "Y-axis" not in svg


def test_the_patient_chart_is_built_once_per_data_and_again_when_the_series_changes(
    therapist_client, treatment, monkeypatch
):
    from allianse.caseload import pages
    from tests.ruptures.conftest import add_session, alliance, therapist_view

    built = []
    spec = pages.trajectory_spec
    monkeypatch.setattr(pages, "trajectory_spec", lambda *args, **kwargs: built.append(1) or spec(*args, **kwargs))
    url = reverse("caseload:patient", args=[treatment.patient.public_id])

    def chart() -> str:
        html = therapist_client.get(url).content.decode()
        return re.search(r"<svg.*?</svg>", html, flags=re.DOTALL).group()

    add_session(treatment, patient=alliance(5), therapist=therapist_view(5))
    first = chart()
    assert chart() == first and len(built) == 1
    add_session(treatment, patient=alliance(2), therapist=therapist_view(6))
    assert chart() != first and len(built) == 2
    therapist_client.get(url + "?show=goal")  # another subscale shown: another chart
    assert len(built) == 3
