"""Every shipped instrument exports as a valid FHIR R4 Questionnaire (fhir.resources, R4B models) and
comes back unchanged through import: export, import, export gives the same resource."""

from __future__ import annotations

import dataclasses
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from allianse.core.measures import build_instrument
from allianse.core.measures.definition import Norms
from allianse.fhir import services
from allianse.fhir import vocabulary as v
from allianse.fhir.importing import from_questionnaire
from allianse.fhir.questionnaires import to_questionnaire
from allianse.fhir.resources import parse
from allianse.fhir.responses import read_response, score_for_instrument
from allianse.instruments import registry

SHIPPED = [instrument.key for instrument in registry.all_instruments()]


def exported(key: str) -> dict:
    return to_questionnaire(registry.get(key))


@pytest.mark.parametrize("key", SHIPPED)
def test_every_instrument_exports_as_a_valid_r4_questionnaire(key):
    resource = exported(key)
    model = Questionnaire.model_validate(resource)
    # Nothing dropped or coerced by the validating library: its JSON is ours.
    assert json.loads(model.model_dump_json()) == resource


@pytest.mark.parametrize("key", SHIPPED)
def test_export_import_export_gives_the_same_resource(key):
    first = exported(key)
    conversion = from_questionnaire(first)
    assert conversion.fits, conversion.problems
    again = build_instrument(conversion.definition, source="round trip")
    assert again == registry.get(key)
    assert to_questionnaire(again) == first


def test_norms_and_every_kind_of_item_survive_the_round_trip():
    patient = registry.get("alliance-patient")
    alliance = patient.score("alliance")
    with_norms = dataclasses.replace(
        patient,
        scores=tuple(
            dataclasses.replace(score, norms=Norms(sd=0.9, reliability=0.85, source="A published sample"))
            if score is alliance
            else score
            for score in patient.scores
        ),
    )
    resource = to_questionnaire(with_norms)
    Questionnaire.model_validate(resource)
    back = build_instrument(from_questionnaire(resource).definition, source="round trip")
    assert back.score("alliance").norms == Norms(sd=0.9, reliability=0.85, source="A published sample")
    assert {item.type for item in registry.get("alliance-therapist").items} == {
        "scale",
        "yes_no",
        "choice",
        "multi_choice",
        "text",
    }


def test_texts_go_out_in_bokmal_with_english_translations():
    resource = exported("alliance-patient")
    assert resource["language"] == "nb" and resource["title"] == "Hvordan var timen?"
    translation = resource["_title"]["extension"][0]
    assert translation["url"] == "http://hl7.org/fhir/StructureDefinition/translation"
    assert {"url": "content", "valueString": "How was the session?"} in translation["extension"]


def test_scale_answers_carry_their_weights_and_reversed_items_reversed_weights():
    items = {item["linkId"]: item for item in _flat(exported("alliance-patient")["item"])}
    weights = [option["extension"][0]["valueDecimal"] for option in items["goal_1"]["answerOption"]]
    reversed_weights = [option["extension"][0]["valueDecimal"] for option in items["task_2"]["answerOption"]]
    assert weights == [1, 2, 3, 4, 5, 6, 7] and reversed_weights == [7, 6, 5, 4, 3, 2, 1]
    assert items["rupture_intensity"]["enableWhen"] == [{"question": "rupture", "operator": "=", "answerBoolean": True}]
    total = items["score-alliance"]
    assert total["readOnly"] and total["extension"][0]["url"] == v.CALCULATED


def test_a_response_goes_out_pointing_at_its_questionnaire_with_its_scores_as_an_observation(patient_response):
    answers, observation = services.response_resources(patient_response)
    QuestionnaireResponse.model_validate(answers)
    Observation.model_validate(observation)
    instrument = registry.get("alliance-patient")
    assert answers["questionnaire"] == f"{v.BASE}/Questionnaire/alliance-patient|{instrument.version}"
    assert answers["subject"] == {
        "identifier": {"system": v.PATIENT_CODE, "value": patient_response.session.treatment.patient.code}
    }
    # As HL7's Glasgow example carries its total: the value, and the sub-scores as components.
    expected = patient_response.scores["alliance"]
    assert observation["valueQuantity"]["value"] == pytest.approx(expected)
    assert observation["valueQuantity"]["code"] == "{score}"
    assert len(observation["component"]) == len(instrument.scores)
    # Read back through the product's own Questionnaire, the response scores the same.
    rescored = score_for_instrument(instrument, from_questionnaire(exported("alliance-patient")), answers)
    assert rescored.scores == pytest.approx(patient_response.scores)
    assert rescored.stored == pytest.approx({key: value for key, value in patient_response.scores.items()})
    assert read_response(answers, exported("alliance-patient")).unknown_link_ids == []


def test_a_treatment_exports_as_a_valid_bundle_under_pseudonymous_identifiers(patient_response, therapist_response):
    treatment = patient_response.session.treatment
    bundle = services.treatment_bundle(treatment, services.treatment_responses(treatment))
    Bundle.model_validate(bundle)
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds.count("QuestionnaireResponse") == 2 and kinds.count("Observation") == 2
    assert kinds.count("Questionnaire") == 2 and kinds[0] == "Patient"
    patient = bundle["entry"][0]["resource"]
    assert patient["identifier"] == [{"system": v.PATIENT_CODE, "value": treatment.patient.code}]
    assert "name" not in patient
    text = json.dumps(bundle)
    assert treatment.patient.name == "" or treatment.patient.name not in text
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(urls) == len(set(urls))


def test_the_xml_of_an_export_parses_back_to_the_same_resource():
    resource = exported("rupture-markers")
    xml = Questionnaire.model_validate(resource).model_dump_xml()
    assert parse(xml).data == resource


def _flat(items):
    for item in items:
        yield item
        yield from _flat(item.get("item", []))
