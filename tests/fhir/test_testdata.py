"""The real FHIR material of the shared test data: every file imports or is refused with reasons,
every valid pair's response is read, and scores are recomputed where weights exist."""

from __future__ import annotations

import pytest

from allianse.fhir import messages
from allianse.fhir.importing import from_questionnaire
from allianse.fhir.resources import Unreadable, parse
from allianse.fhir.response_import import questionnaire_for, report_for_questionnaire, responses_in
from allianse.fhir.services import read_questionnaire
from tests.fhir.conftest import TESTDATA, fhir_files, material

# Each response with the questionnaire it answers (README of the test data: "Pairs").
PAIRS = {
    "sdc/questionnaireresponse-sdc-profile-example-PHQ9.json": "sdc/questionnaire-sdc-profile-example-PHQ9.json",
    "sdc/questionnaireresponse-sdc-profile-example-loinc.xml": "sdc/questionnaire-sdc-profile-example-loinc.xml",
    "sdc/questionnaireresponse-sdc-example-ussg-fht-answers.xml": "sdc/questionnaire-sdc-profile-example-ussg-fht.xml",
    "sdc/adaptive-questionnaireresponse-sdc-profile-example-PHQ9.json": None,  # contains its questionnaire
    "fhir-r4-core/QuestionnaireResponse-gcs.json": "fhir-r4-core/Questionnaire-gcs.json",
    "fhir-r4-core/QuestionnaireResponse-bb.json": "fhir-r4-core/Questionnaire-bb.json",
    "fhir-r4-core/QuestionnaireResponse-f201.json": "fhir-r4-core/Questionnaire-f201.json",
    "fhir-r4-core/QuestionnaireResponse-3141.json": "fhir-r4-core/Questionnaire-3141.json",
    "fhir-r4-core/QuestionnaireResponse-ussg-fht-answers.json": "fhir-r4-core/Bundle-ussg-fht.json",
    "lforms/qr-with-answerValueSet-radiobutton-checkbox.json": "lforms/q-with-answerValueSet-radiobutton-checkbox.json",
    "lforms/qr-with-answerValueSet-matrix.json": "lforms/q-with-answerValueSet-matrix.json",
    "lforms/qr-items-under-repeating-choice-item.json": "lforms/q-items-under-repeating-choice-item.json",
    "lforms/hidden-item-questionnaire-response.R4.json": "lforms/hidden-item-questionnaire.R4.json",
    "lforms/rxterms.R4.QR.json": "lforms/rxterms.R4.json",
    "lforms/fhir-sdc-response-ussgfht.json": "lforms/ussg-fhp.json",
}
# Files the README lists as not valid R4: they must be refused, never imported.
INVALID = {
    "fhir-r4-core/Questionnaire-qs1.json",
    "lforms/phq9.json",
    "lforms/argonaut-phq9-ish.json",
    "lforms/enableWhen-test.R4.json",
    "lforms/questionnaire-calculatedExpression.json",
    "lforms/enableWhenOnCalculatedValueFromFHIRPath.json",
    "lforms/q-with-answerValueSet-matrix.json",
    "lforms/qr-with-answerValueSet-matrix.json",
    "lforms/qr-with-answerValueSet-radiobutton-checkbox.json",
    "lforms/matrixLayoutSingleSelectionWithData.R4.json",
    "lforms/fhir-sdc-response-ussgfht.json",
    "helsenorge-refero/scoring/fhirpath-score/q.json",
}


def relative(path) -> str:
    return path.relative_to(TESTDATA).as_posix()


def reasons_are_given(problems) -> None:
    assert problems, "refused without a reason"
    for line in messages.lines(problems):
        assert line.strip() and "%(" not in line


@pytest.mark.parametrize("path", fhir_files(), ids=lambda path: path.name)
def test_every_file_imports_or_is_refused_with_reasons(path):
    path = material(relative(path))
    outcome = read_questionnaire(path.read_bytes())
    name = relative(path)
    if outcome.accepted:
        assert name not in INVALID
        assert outcome.definition["items"] and not outcome.problems
    else:
        reasons_are_given(outcome.problems)
        assert outcome.definition is None


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_every_response_is_read_or_refused_with_reasons(name):
    path = material(name)
    pair = PAIRS[name]
    try:
        responses = responses_in(path.read_bytes())
    except Unreadable as error:
        assert name in INVALID
        reasons_are_given(error.problems)
        return
    assert name not in INVALID
    questionnaire = _questionnaire(pair) if pair else None
    for response in responses:
        report = report_for_questionnaire(response, questionnaire)
        assert report.answered > 0
        assert questionnaire_for(response, questionnaire) is not None


def _questionnaire(name: str) -> dict | None:
    """The questionnaire of a pair (from a Bundle, where HL7 ships it in one); None if it is invalid R4."""
    try:
        parsed = parse(material(name).read_bytes(), ("Questionnaire", "Bundle"))
    except Unreadable:
        assert name in INVALID
        return None
    if parsed.resource_type == "Bundle":
        return next(e["resource"] for e in parsed.data["entry"] if e["resource"]["resourceType"] == "Questionnaire")
    return parsed.data


def test_the_glasgow_coma_score_is_recomputed_from_the_answers_weights_as_13():
    questionnaire = parse(material("fhir-r4-core/Questionnaire-gcs.json").read_bytes()).data
    response = responses_in(material("fhir-r4-core/QuestionnaireResponse-gcs.json").read_bytes())[0]
    observation = parse(material("fhir-r4-core/Observation-glasgow.json").read_bytes(), ("Observation",)).data
    report = report_for_questionnaire(response, questionnaire)
    assert report.weights_total == 13 == observation["valueQuantity"]["value"]


def test_the_sdc_phq9_stores_13_where_its_answers_sum_to_10():
    outcome = read_questionnaire(material("sdc/questionnaire-sdc-profile-example-PHQ9.json").read_bytes())
    assert outcome.accepted
    (total,) = outcome.definition["scores"]
    assert total["method"] == "sum" and len(total["items"]) == 9
    response = responses_in(material("sdc/questionnaireresponse-sdc-profile-example-PHQ9.json").read_bytes())[0]
    report = report_for_questionnaire(response, outcome.questionnaire)
    assert report.stored == {"H1/TS": 13.0}
    assert report.weights_total == 10  # 0+0+0+1+2+1+3+2+1, the codes without a system


def test_an_xml_questionnaire_with_weights_in_contained_value_sets_imports_with_its_score():
    outcome = read_questionnaire(material("sdc/questionnaire-sdc-profile-example-ordinal-value.xml").read_bytes())
    assert outcome.accepted, messages.lines(outcome.problems)
    scales = [item for item in outcome.definition["items"] if item["type"] == "scale"]
    (score,) = outcome.definition["scores"]
    assert score["items"] == [item["id"] for item in scales] and len(scales) == 4


def test_helsenorge_scoring_codes_and_answer_option_weights_are_understood():
    outcome = read_questionnaire(material("helsenorge-refero/scoring/choice-radio-button/q.json").read_bytes())
    assert outcome.accepted
    (item,) = outcome.definition["items"]
    (score,) = outcome.definition["scores"]
    assert item["type"] == "scale" and score["items"] == [item["id"]]
    section_scores = read_questionnaire(material("helsenorge-refero/scoring/section-score/q.json").read_bytes())
    # Its weights 1, 2, 4, 8 are no whole-number scale: refused, item by item.
    assert {problem.code for problem in section_scores.problems} == {"weights_not_scale"}
    assert len(section_scores.problems) == 7  # each scored question


def test_missing_link_ids_are_refused_naming_the_items():
    outcome = read_questionnaire(material("fhir-r4-core/Questionnaire-qs1.json").read_bytes())
    lines = messages.lines(outcome.problems)
    assert any(line.startswith("item 1.1 linkId") for line in lines), lines


def test_nested_repeating_groups_and_unsupported_types_are_refused_item_by_item():
    groups = read_questionnaire(material("sdc/questionnaire-sdc-test-repeatable-nested-groups.json").read_bytes())
    assert [problem.code for problem in groups.problems] == ["repeating_group"]
    types = read_questionnaire(material("sdc/questionnaire-sdc-test-all-data-types.json").read_bytes())
    unsupported = {problem.detail for problem in types.problems if problem.code == "unsupported_type"}
    assert {"date", "dateTime", "time", "decimal", "attachment"} <= unsupported


def test_required_and_enable_when_are_understood():
    outcome = read_questionnaire(material("sdc/questionnaire-sdc-profile-example-hunger-vital-signs.json").read_bytes())
    assert outcome.accepted
    conversion = from_questionnaire(outcome.questionnaire)
    assert conversion.fits
    items = outcome.definition["items"]
    assert all(item["type"] in ("choice", "scale", "yes_no", "text") for item in items)
