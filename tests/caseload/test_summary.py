"""A treatment's alliance summary for the journal: PDF and plain text in the reader's language, the
patient's code and never the name, for the treatment's therapists alone, every read audited."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from allianse.accounts.models import AuditEvent, Role
from allianse.feedback.services import issue_check, record_therapist_check, submit_check
from allianse.ruptures.models import Outcome, RuptureEpisode, Signal, SignalKind
from tests.conftest import make_user, sign_in
from tests.feedback.test_check_flow import GOOD

THERAPIST_ANSWERS = {item: 5 for item in ("goal_1", "goal_2", "task_1", "task_2", "bond_1", "bond_2")} | {
    "rupture": "yes",
    "rupture_intensity": 3,
    "rupture_resolution": 3,
    "rupture_kind": "withdrawal",
}


@pytest.fixture
def answered(session, therapist):
    """Session 1 with the patient's check (GOOD: alliance 5.8), the therapist's (all 5, task_2
    reversed: goal 5, task 4, bond 5, alliance 4.7), a signal and a resolved episode at stage 3."""
    session.treatment.patient.name = "Kari Nordmann"
    session.treatment.patient.save()
    submit_check(administration=issue_check(session=session, by=therapist), answers=GOOD)
    record_therapist_check(session=session, therapist=therapist, answers=THERAPIST_ANSWERS)
    treatment = session.treatment
    Signal.objects.create(
        treatment=treatment,
        session=session,
        kind=SignalKind.DROP,
        detail="alliance",
        explanation_en="The alliance fell by 1.2.",
        explanation_nb="Alliansen falt med 1,2.",
    )
    RuptureEpisode.objects.create(
        treatment=treatment,
        first_session=session,
        last_session=session,
        stage=3,
        status=RuptureEpisode.Status.CLOSED,
        outcome=Outcome.RESOLVED,
        opened_at=timezone.now(),
    )
    return session


def pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nb", ["Alliansesammendrag", "Antall timer: 1", "5,8", "4,7", "Alliansen falt med 1,2.", "Bruddepisoder"]),
        (
            "en",
            [
                "Alliance summary",
                "Number of sessions: 1",
                "5.8",
                "4.7",
                "The alliance fell by 1.2.",
                "Rupture episodes",
            ],
        ),
    ],
)
def test_the_summary_prints_in_the_readers_language_with_code_not_name(therapist_client, answered, language, expected):
    therapist_client.cookies["django_language"] = language
    treatment = answered.treatment
    text = pdf_text(therapist_client.get(reverse("caseload:treatment_summary_pdf", args=[treatment.public_id])))
    for part in [treatment.patient.code, *expected]:
        assert part in text, text
    assert "Kari" not in text
    assert AuditEvent.objects.filter(patient=treatment.patient, detail="summary as PDF").count() == 1


def test_the_plain_text_summary_holds_the_same_numbers_and_no_html(therapist_client, answered):
    treatment = answered.treatment
    response = therapist_client.get(reverse("caseload:treatment_summary_text", args=[treatment.public_id]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert treatment.patient.code in text and "5,8" in text and "4,7" in text and "Alliansen falt med 1,2." in text
    assert "Trinn 3; løst" in text
    assert "<" not in text and "&" not in text and "Kari" not in text
    assert AuditEvent.objects.filter(patient=treatment.patient, detail="summary as plain text").exists()
    page = therapist_client.get(reverse("caseload:patient", args=[treatment.patient.public_id])).content.decode()
    assert 'id="summary-text" readonly' in page
    assert reverse("caseload:treatment_summary_pdf", args=[treatment.public_id]) in page


def test_the_summary_of_a_treatment_without_sessions(therapist_client, treatment):
    text = pdf_text(therapist_client.get(reverse("caseload:treatment_summary_pdf", args=[treatment.public_id])))
    assert "Antall timer: 0" in text


@pytest.mark.parametrize("name", ["caseload:treatment_summary_pdf", "caseload:treatment_summary_text"])
def test_other_therapists_get_404_and_other_roles_403(outsider_client, client, answered, name):
    url = reverse(name, args=[answered.treatment.public_id])
    assert outsider_client.get(url).status_code == 404
    sign_in(client, make_user("rater", Role.RATER))
    assert client.get(url).status_code == 403
