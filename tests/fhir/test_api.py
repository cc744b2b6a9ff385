"""/api/v1/fhir/: Questionnaires for signed-in staff; a response, its scores and a treatment's Bundle
for the treatment's therapists only (404 for anyone else, as for an unknown id), audited."""

from __future__ import annotations

import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from rest_framework.test import APIClient

from allianse.accounts.models import AuditEvent
from allianse.instruments import registry
from tests.fhir.conftest import material

FHIR_JSON = "application/fhir+json"


def test_every_questionnaire_is_listed_and_served_as_fhir_json(api):
    listing = api.get("/api/v1/fhir/Questionnaire/")
    assert listing.status_code == 200 and listing["Content-Type"].startswith(FHIR_JSON)
    bundle = listing.json()
    Bundle.model_validate(bundle)
    assert bundle["total"] == len(registry.all_instruments())
    one = api.get("/api/v1/fhir/Questionnaire/alliance-therapist/")
    assert one.status_code == 200 and one["Content-Type"].startswith(FHIR_JSON)
    Questionnaire.model_validate(one.json())


def test_an_unknown_questionnaire_answers_404_as_an_operation_outcome(api):
    response = api.get("/api/v1/fhir/Questionnaire/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


@pytest.mark.django_db
def test_nothing_without_signing_in():
    client = APIClient()
    for url in ("/api/v1/fhir/Questionnaire/", f"/api/v1/fhir/Bundle/{uuid.uuid4()}/"):
        assert client.get(url).status_code in (401, 403)


def test_password_only_is_not_enough(password_only_api):
    assert password_only_api.get("/api/v1/fhir/Questionnaire/").status_code == 403


def test_the_therapist_reads_the_response_its_scores_and_the_bundle_audited(api, patient_response):
    response_id = patient_response.public_id
    answers = api.get(f"/api/v1/fhir/QuestionnaireResponse/{response_id}/")
    assert answers.status_code == 200 and answers["Content-Type"].startswith(FHIR_JSON)
    QuestionnaireResponse.model_validate(answers.json())
    scores = api.get(f"/api/v1/fhir/Observation/{response_id}/")
    assert scores.status_code == 200
    Observation.model_validate(scores.json())
    treatment = patient_response.session.treatment
    bundle = api.get(f"/api/v1/fhir/Bundle/{treatment.public_id}/")
    assert bundle.status_code == 200
    Bundle.model_validate(bundle.json())
    exports = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, patient=treatment.patient)
    assert exports.count() == 3
    assert set(exports.values_list("object_id", flat=True)) == {str(response_id), str(treatment.public_id)}


def test_another_therapist_gets_404_exactly_as_for_an_unknown_id(outsider_api, patient_response):
    treatment = patient_response.session.treatment
    urls = [
        f"/api/v1/fhir/QuestionnaireResponse/{patient_response.public_id}/",
        f"/api/v1/fhir/Observation/{patient_response.public_id}/",
        f"/api/v1/fhir/Bundle/{treatment.public_id}/",
    ]
    for url in urls:
        refused = outsider_api.get(url)
        unknown = outsider_api.get(url.replace(str(url.split("/")[-2]), str(uuid.uuid4())))
        assert refused.status_code == unknown.status_code == 404
        assert refused.json() == unknown.json()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_an_imported_instrument_is_served_with_the_resource_it_came_from(api, administrator):
    from allianse.fhir.services import import_questionnaire

    raw = material("sdc/questionnaire-sdc-profile-example-ordinal-value.xml").read_bytes()
    stored = import_questionnaire(raw, file_name="ordinal.xml", user=administrator).stored
    resource = api.get(f"/api/v1/fhir/Questionnaire/{stored.key}/").json()
    Questionnaire.model_validate(resource)
    assert resource["derivedFrom"][0].startswith("http://hl7.org/fhir/uv/sdc/Questionnaire/")
    listed = api.get("/api/v1/fhir/Questionnaire/").json()
    assert stored.key in {entry["resource"]["id"] for entry in listed["entry"]}
