"""A new patient in one step: the patient, the treatment and, if asked, the first session and its
check link, then the page to hand the link over."""

import re
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from allianse.accounts.models import AuditEvent, Role
from allianse.caseload import services
from allianse.clinic.models import Patient, Session, Treatment
from allianse.feedback.models import Administration
from tests.conftest import make_user, sign_in

PATIENT = {"name": "", "language": "en", "started_on": "2026-11-01"}
FIRST_SESSION = {"first_session": "on", "first_session_at": "2026-11-20T10:15"}


def new_patient(client, data):
    return client.post(reverse("caseload:patient_new"), data)


def test_the_form_starts_with_a_first_session_now_to_the_quarter_hour_and_a_link(therapist_client):
    html = therapist_client.get(reverse("caseload:patient_new")).content.decode()
    field = html.split('name="first_session_at"')[1].split(">")[0]
    shown = datetime.strptime(field.split('value="')[1][:16], "%Y-%m-%dT%H:%M")
    now = timezone.localtime().replace(tzinfo=None)
    assert shown.minute % 15 == 0 and abs((shown - now).total_seconds()) <= 7.5 * 60 + 1
    for box in ("first_session", "check_link"):
        assert re.search(rf'<input type="checkbox" name="{box}"[^>]* checked>', html)


def test_patient_session_and_link_in_one_step_lead_to_the_link_page(therapist_client, therapist):
    response = new_patient(therapist_client, PATIENT | FIRST_SESSION | {"check_link": "on"})
    patient = Patient.objects.get()
    session = Session.objects.get(treatment__patient=patient)
    link = Administration.objects.get(session=session)
    assert response.status_code == 302 and response.url == reverse("feedback:check_link", args=[session.public_id])
    assert patient.language == "en" and list(session.treatment.therapists.all()) == [therapist]
    assert session.number == 1 and session.attended
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-11-20 10:15"
    assert (link.respondent, link.language, link.created_by) == ("patient", "en", therapist)
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, patient=patient, actor=therapist)
    assert sorted(created.values_list("object_type", "detail")) == [
        ("Administration", "check link issued"),
        ("Patient", ""),
        ("Session", ""),
    ]
    page = therapist_client.get(response.url).content.decode()
    assert link.short_code in page


def test_a_first_session_without_a_link_leads_to_the_patient_page(therapist_client):
    response = new_patient(therapist_client, PATIENT | FIRST_SESSION)
    patient = Patient.objects.get()
    assert response.url == reverse("caseload:patient", args=[patient.public_id])
    assert Session.objects.filter(treatment__patient=patient).count() == 1
    assert not Administration.objects.exists()
    assert sorted(AuditEvent.objects.filter(patient=patient).values_list("object_type", flat=True)) == [
        "Patient",
        "Session",
    ]


def test_without_a_first_session_only_the_patient_and_treatment_are_made(therapist_client):
    response = new_patient(therapist_client, PATIENT | {"first_session_at": "2026-11-20T10:15"})
    patient = Patient.objects.get()
    assert response.url == reverse("caseload:patient", args=[patient.public_id])
    assert Treatment.objects.filter(patient=patient).count() == 1
    assert not Session.objects.exists()
    page = therapist_client.get(response.url).content.decode()
    assert reverse("caseload:session_new", args=[patient.treatments.get().public_id]) in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (PATIENT | {"first_session": "on", "first_session_at": ""}, "first_session_at"),
        (PATIENT | {"check_link": "on"}, "check_link"),
    ],
    ids=["session without a time", "link without a session"],
)
def test_an_incomplete_first_session_is_refused_with_nothing_made(therapist_client, data, field):
    response = new_patient(therapist_client, data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Patient.objects.exists() and not AuditEvent.objects.filter(action="create").exists()


def test_a_failure_part_way_leaves_nothing_behind(therapist, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the link could not be made")

    monkeypatch.setattr(services.feedback, "issue_check", broken)
    with pytest.raises(RuntimeError):
        services.register_patient(
            therapist=therapist,
            name="",
            language="nb",
            started_on=timezone.localdate(),
            first_session=True,
            first_session_at=timezone.now(),
            check_link=True,
        )
    assert not Patient.objects.exists() and not Treatment.objects.exists() and not Session.objects.exists()


@pytest.mark.parametrize("role", [Role.RATER, Role.ADMINISTRATOR])
@pytest.mark.parametrize(("language", "refusal"), [("nb", "Du har ikke tilgang"), ("en", "You do not have access")])
def test_raters_and_administrators_cannot_create_patients(db, client, role, language, refusal):
    sign_in(client, make_user("staff", role))
    for response in (
        client.get(reverse("caseload:patient_new"), HTTP_ACCEPT_LANGUAGE=language),
        new_patient(client, PATIENT | FIRST_SESSION | {"check_link": "on"}),
    ):
        assert response.status_code == 403
    assert refusal in client.get(reverse("caseload:patient_new"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert not Patient.objects.exists()


def test_each_caseload_row_offers_a_new_session(therapist_client, treatment):
    html = therapist_client.get(reverse("caseload:home")).content.decode()
    assert f'href="{reverse("caseload:session_new", args=[treatment.public_id])}"' in html


def test_the_new_session_form_starts_with_now_to_the_quarter_hour(therapist_client, treatment):
    html = therapist_client.get(reverse("caseload:session_new", args=[treatment.public_id])).content.decode()
    value = html.split('name="starts_at"')[1].split('value="')[1][:16]
    assert datetime.strptime(value, "%Y-%m-%dT%H:%M").minute % 15 == 0


def test_a_patient_without_sessions_is_shown_with_what_to_do_next(therapist_client, treatment):
    add_session = reverse("caseload:session_new", args=[treatment.public_id])
    html = therapist_client.get(reverse("caseload:patient", args=[treatment.patient.public_id])).content.decode()
    (empty_row,) = re.findall(r'<tr><td colspan="7">(.*?)</td></tr>', html, flags=re.DOTALL)
    assert f'<a href="{add_session}">' in empty_row
    series = therapist_client.get(reverse("v1:series", args=[treatment.public_id]))
    assert series.status_code == 200 and series.json() == []
