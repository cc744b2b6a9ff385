"""Reading QuestionnaireResponses from a file: each read, its answers weighed and its scores
recomputed; a stored total is reported beside the recomputed one, never trusted.

Nothing is stored: a response from another system cannot be tied to a session of the product
without more than its pseudonymous subject, so the result is a report (docs/fhir.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allianse.core.measures import Instrument

from . import services
from . import vocabulary as v
from .importing import Problem, from_questionnaire
from .resources import Unreadable, parse
from .responses import read_response, score_for_instrument


@dataclass
class ResponseReport:
    id: str
    questionnaire: str | None
    problems: list[Problem] = field(default_factory=list)
    unknown_link_ids: list[str] = field(default_factory=list)
    answered: int = 0
    weights_total: float | None = None
    stored: dict[str, float] = field(default_factory=dict)
    recomputed: dict[str, float | None] = field(default_factory=dict)
    answer_errors: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "questionnaire": self.questionnaire,
            "answered_items": self.answered,
            "unknown_link_ids": self.unknown_link_ids,
            "weights_total": self.weights_total,
            "stored_scores": self.stored,
            "recomputed_scores": self.recomputed,
            "answer_errors": self.answer_errors,
        }


def responses_in(raw: bytes | str) -> list[dict[str, Any]]:
    """The QuestionnaireResponses of a file: one, or those of a Bundle (Unreadable otherwise)."""
    parsed = parse(raw, ("QuestionnaireResponse", "Bundle"))
    if parsed.resource_type == "QuestionnaireResponse":
        return [parsed.data]
    found = [
        entry["resource"]
        for entry in parsed.data.get("entry", [])
        if entry.get("resource", {}).get("resourceType") == "QuestionnaireResponse"
    ]
    if not found:
        raise Unreadable([Problem("", "wrong_resource", "Bundle ≠ QuestionnaireResponse")])
    return found


def questionnaire_for(response: dict[str, Any], questionnaire: dict[str, Any] | None) -> dict[str, Any] | None:
    """The questionnaire a response answers: a contained one it points at (`#id`), else the one given."""
    reference = response.get("questionnaire") or ""
    if reference.startswith("#"):
        return next((r for r in response.get("contained", []) if r.get("id") == reference[1:]), questionnaire)
    return questionnaire


def report_for_questionnaire(response: dict[str, Any], questionnaire: dict[str, Any] | None) -> ResponseReport:
    """A response read against a FHIR Questionnaire: answers weighed and added up again."""
    reading = read_response(response, questionnaire_for(response, questionnaire))
    return ResponseReport(
        id=str(response.get("id") or ""),
        questionnaire=reading.questionnaire,
        unknown_link_ids=reading.unknown_link_ids,
        answered=len(reading.answered),
        weights_total=reading.recomputed_total,
        stored=reading.stored_scores,
    )


def report_for_instrument(response: dict[str, Any], instrument: Instrument) -> ResponseReport:
    """A response to an instrument of the product, scored by its definition."""
    source = services.source_questionnaire(instrument)
    report = report_for_questionnaire(response, source)
    canonicals = {v.questionnaire_url(instrument.key), source.get("url")}
    pointed = (report.questionnaire or "").split("|")[0]
    if pointed and pointed not in canonicals and not pointed.endswith(f"/{instrument.key}"):
        report.problems.append(Problem("", "unknown_questionnaire", pointed))
    scored = score_for_instrument(instrument, from_questionnaire(source), response)
    report.recomputed = scored.scores
    report.stored = scored.stored or report.stored
    report.answer_errors = scored.errors
    return report
