"""The outcome measure on the patient page, beside the alliance, and the "not validated" notes."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from allianse.feedback.services import OUTCOME_CHECK
from tests.ruptures.conftest import add_session, alliance, store


def outcome(level: int) -> dict:
    return {"own_wellbeing": level, "close_relations": level, "daily_life": level, "overall": level}


def page(client, treatment) -> str:
    return client.get(reverse("caseload:patient", args=[treatment.patient.public_id])).content.decode()


def test_the_patient_page_shows_the_outcome_beside_the_alliance_and_flags_not_improving(therapist_client, treatment):
    for level in (4, 5, 4, 5):
        session = add_session(treatment, patient=alliance(5))
        store(session, OUTCOME_CHECK, outcome(level))
    html = page(therapist_client, treatment)
    section = html.split('id="outcome"')[1].split("</section>")[0]
    assert "Hvordan har du hatt det?" in section and "<svg" in section
    assert '<span class="tag concern">Blir ikke bedre</span>' in section
    assert "fra 4,0 ved start til 5,0 nå etter 4 besvarte timer" in section
    assert "regelen er en endring på minst 1,5 poeng" in section
    assert len(re.findall(r"<tr><td><a href=", section)) == 4
    assert "Ikke et validert instrument" in section


def test_a_reliable_improvement_is_not_flagged(therapist_client, treatment):
    for level in (3, 4, 4, 5):
        store(add_session(treatment, patient=alliance(5)), OUTCOME_CHECK, outcome(level))
    section = page(therapist_client, treatment).split('id="outcome"')[1].split("</section>")[0]
    assert "tag concern" not in section and section.count("Bedre: fra 3,0 ved start til 5,0") == 1


def test_without_outcome_answers_the_page_says_where_they_come_from(therapist_client, treatment):
    add_session(treatment, patient=alliance(5))
    section = page(therapist_client, treatment).split('id="outcome"')[1].split("</section>")[0]
    assert "Ingen svar ennå: spørsmålene kommer etter alliansespørsmålene" in section


@pytest.mark.parametrize("language", ["nb", "en"])
def test_scores_of_the_projects_own_instruments_carry_a_note_that_links_to_what_it_means(
    therapist_client, treatment, language
):
    therapist_client.cookies["django_language"] = language
    session = add_session(treatment, patient=alliance(5))
    note = {"nb": "Ikke et validert instrument", "en": "Not a validated instrument"}[language]
    link = reverse("instruments:not_validated")
    for url in (
        reverse("caseload:patient", args=[treatment.patient.public_id]),
        reverse("caseload:session", args=[session.public_id]),
    ):
        html = therapist_client.get(url).content.decode()
        assert note in html and f'href="{link}"' in html, url
    with translation.override(language):
        explained = therapist_client.get(link).content.decode()
    assert {"nb": "Instrumenter som ikke er validert", "en": "Instruments that are not validated"}[
        language
    ] in explained
    assert "alliance-patient" in explained and "outcome-patient" in explained


def test_the_page_about_not_validated_instruments_needs_no_account(client):
    response = client.get(reverse("instruments:not_validated"))
    assert response.status_code == 200 and "Instrumenter som ikke er validert" in response.content.decode()
