"""Responses as QuestionnaireResponses and scores as Observations, out and in (no Django here).

Reading a response never trusts a stored total: the weights of the answers are added up again
(from the answer's own ordinalValue, else the questionnaire's option or value set), and a response
to an instrument the product can score is scored by the product's own rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allianse.core.measures import Instrument, check_answers, score_response

from . import vocabulary as v
from .importing import AnswerOption, Conversion, Problem, answer_options, is_score_item, walk_items

# Answer values in FHIR JSON, by the product's item type.
_VALUE_KEYS = ("valueCoding", "valueBoolean", "valueString", "valueInteger", "valueDecimal", "valueQuantity")


def to_response(
    instrument: Instrument,
    *,
    response_id: str,
    answers: dict[str, Any],
    scores: dict[str, float | None],
    authored: str,
    subject: dict[str, Any],
) -> dict[str, Any]:
    """One product response as a QuestionnaireResponse pointing at its questionnaire by canonical
    URL and version; items nest in their sections' groups as in the Questionnaire."""
    groups: dict[str, dict[str, Any]] = {}
    items: list[dict[str, Any]] = []
    for item in instrument.items:
        values = _answers(item, answers.get(item.id))
        if not values:
            continue
        entry = {"linkId": item.id, "answer": values}
        if item.section is None:
            items.append(entry)
            continue
        if item.section not in groups:
            groups[item.section] = {"linkId": f"{v.SECTION_PREFIX}{item.section}", "item": []}
            items.append(groups[item.section])
        groups[item.section]["item"].append(entry)
    for score in instrument.scores:
        if scores.get(score.id) is not None:
            items.append({"linkId": f"{v.SCORE_PREFIX}{score.id}", "answer": [{"valueDecimal": scores[score.id]}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "questionnaire": f"{v.questionnaire_url(instrument.key)}|{instrument.version}",
        "status": "completed",
        "subject": subject,
        "authored": authored,
        **({"item": items} if items else {}),
    }


def _answers(item, value: Any) -> list[dict[str, Any]]:
    if value is None or value == [] or value == "":
        return []
    if item.type == "yes_no":
        return [{"valueBoolean": bool(value)}]
    if item.type == "text":
        return [{"valueString": str(value)}]
    if item.type == "scale":
        low, high = item.bounds
        weight = low + high - value if item.reversed else value
        return [{"valueCoding": {"extension": [{"url": v.ORDINAL_VALUE, "valueDecimal": weight}], "code": str(value)}}]
    chosen = value if isinstance(value, list) else [value]
    return [{"valueCoding": {"code": str(choice)}} for choice in chosen]


def to_observation(
    instrument: Instrument,
    *,
    observation_id: str,
    derived_from: str,
    scores: dict[str, float | None],
    effective: str,
    subject: dict[str, Any],
) -> dict[str, Any]:
    """A response's scores as one Observation, as HL7's Glasgow Coma Scale example carries its
    total: the primary score (or the first) as the value, every score as a component."""
    lead = instrument.primary_score or instrument.scores[0]
    return {
        "resourceType": "Observation",
        "id": observation_id,
        "status": "final",
        "category": [{"coding": [{"system": v.OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": _score_code(instrument, lead),
        "subject": subject,
        "effectiveDateTime": effective,
        **_value(scores.get(lead.id)),
        "derivedFrom": [{"reference": derived_from}],
        "component": [
            {"code": _score_code(instrument, score), **_value(scores.get(score.id))} for score in instrument.scores
        ],
    }


def _score_code(instrument: Instrument, score) -> dict[str, Any]:
    return {
        "coding": [{"system": v.SCORE_CODES, "code": f"{instrument.key}.{score.id}", "display": score.title["en"]}],
        "text": score.title[v.LANGUAGE],
    }


def _value(value: float | None) -> dict[str, Any]:
    if value is None:
        return {"dataAbsentReason": {"coding": [{"system": v.DATA_ABSENT, "code": "not-performed"}]}}
    return {"valueQuantity": {"value": round(value, 4), "unit": "{score}", "system": v.UCUM, "code": "{score}"}}


@dataclass
class ResponseReading:
    """What a QuestionnaireResponse says, read against its Questionnaire."""

    questionnaire: str | None
    answered: dict[str, list[Any]] = field(default_factory=dict)  # linkId -> answer values
    weights: dict[str, float] = field(default_factory=dict)  # linkId -> weight of its answers
    unknown_link_ids: list[str] = field(default_factory=list)
    stored_scores: dict[str, float] = field(default_factory=dict)  # score linkId -> stored value
    problems: list[Problem] = field(default_factory=list)

    @property
    def recomputed_total(self) -> float | None:
        """The sum of the answers' weights; None when no answer carries a weight."""
        return sum(self.weights.values()) if self.weights else None


def read_response(response: dict[str, Any], questionnaire: dict[str, Any] | None) -> ResponseReading:
    reading = ResponseReading(questionnaire=response.get("questionnaire"))
    questions = {item["linkId"]: item for item in walk_items((questionnaire or {}).get("item", []))}
    options = answer_options(questionnaire) if questionnaire else {}
    for link_id, answers in _answered(response.get("item", [])):
        question = questions.get(link_id)
        if questionnaire is not None and question is None:
            reading.unknown_link_ids.append(link_id)
        values = [_plain(answer) for answer in answers]
        reading.answered[link_id] = values
        if question is not None and is_score_item(question):
            number = next((value for value in values if isinstance(value, int | float)), None)
            if number is not None and not isinstance(number, bool):
                reading.stored_scores[link_id] = float(number)
            continue
        weights = [_weight(answer, options.get(link_id, [])) for answer in answers]
        if any(weight is not None for weight in weights):
            reading.weights[link_id] = sum(weight for weight in weights if weight is not None)
    return reading


def _answered(items: list[dict[str, Any]]):
    """(linkId, answers) of every answered item, also under groups and under answers."""
    for item in items:
        if item.get("answer"):
            yield item["linkId"], item["answer"]
        yield from _answered(item.get("item", []))
        for answer in item.get("answer", []):
            yield from _answered(answer.get("item", []))


def _plain(answer: dict[str, Any]) -> Any:
    key = next((key for key in answer if key.startswith("value")), None)
    value = answer.get(key) if key else None
    if key == "valueCoding":
        return {"system": value.get("system"), "code": value.get("code"), "display": value.get("display")}
    if key == "valueQuantity":
        return value.get("value")
    return value


def _weight(answer: dict[str, Any], options: list[AnswerOption]) -> float | None:
    coding = answer.get("valueCoding")
    if coding is None:
        return None
    own = v.weight_of(coding)
    if own is not None:
        return own
    code, system = coding.get("code"), coding.get("system")
    matches = [
        option for option in options if option.code == code and (system is None or option.system in (None, system))
    ]
    return matches[0].weight if matches else None


@dataclass
class ScoredResponse:
    """A response scored by the product's rules, beside what it stored."""

    answers: dict[str, Any]
    errors: dict[str, str]
    scores: dict[str, float | None]
    stored: dict[str, float]  # score id -> the total the response stored


def score_for_instrument(instrument: Instrument, conversion: Conversion, response: dict[str, Any]) -> ScoredResponse:
    """Read a response through the questionnaire's conversion and score it by the definition."""
    answers: dict[str, Any] = {}
    stored: dict[str, float] = {}
    for link_id, values in _answered(response.get("item", [])):
        if link_id in conversion.score_ids:
            number = _plain(values[0])
            if isinstance(number, int | float) and not isinstance(number, bool):
                stored[conversion.score_ids[link_id]] = float(number)
            continue
        item_id = conversion.item_ids.get(link_id)
        if item_id is None:
            continue
        mapped = [_product_value(answer, conversion.answer_values.get(item_id, {})) for answer in values]
        answers[item_id] = mapped if instrument.item(item_id).type == "multi_choice" else mapped[0]
    checked = check_answers(instrument, answers)
    scores = score_response(instrument, checked.answers).scores if checked.is_valid else {}
    return ScoredResponse(answers=answers, errors=dict(checked.errors), scores=scores, stored=stored)


def _product_value(answer: dict[str, Any], values: dict[tuple[str | None, str], Any]) -> Any:
    coding = answer.get("valueCoding")
    if coding is not None:
        code = str(coding.get("code"))
        return values.get((coding.get("system"), code), values.get((None, code), code))
    if "valueString" in answer and values:
        return values.get((None, answer["valueString"]), answer["valueString"])
    return _plain(answer)
