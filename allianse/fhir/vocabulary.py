"""Canonical URLs, extension URLs and the texts of both languages in FHIR form (no Django here).

The product's texts are nb first: a resource's own language is `nb`, the English text rides in
HL7's `translation` extension on the element (`_text`, `_display`, `_valueString`, ...).
"""

from __future__ import annotations

import re
from typing import Any

BASE = "https://allianse.no/fhir"
LANGUAGE = "nb"
OTHER_LANGUAGE = "en"

ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
WEIGHTS = (ORDINAL_VALUE, ITEM_WEIGHT)
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
SHORT_TEXT = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-shortText"
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
HELSENORGE_CALCULATED = "http://ehelse.no/fhir/StructureDefinition/sdf-calculatedExpression"
CQF_EXPRESSION = "http://hl7.org/fhir/StructureDefinition/cqf-expression"
HELSENORGE_SCORING = "http://ehelse.no/scoringFormulas"
UCUM = "http://unitsofmeasure.org"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

# The product's own extensions, for what FHIR has no element for (docs/fhir.md).
RESPONDENT = f"{BASE}/StructureDefinition/respondent"
MISSING_REASON = f"{BASE}/StructureDefinition/missing-reason"
ROLE = f"{BASE}/StructureDefinition/role"
LABEL = f"{BASE}/StructureDefinition/label"
WORDING = f"{BASE}/StructureDefinition/wording"
SCORE = f"{BASE}/StructureDefinition/score"
BAND = "band"
PATIENT_CODE = f"{BASE}/NamingSystem/patient-code"
SCORE_CODES = f"{BASE}/CodeSystem/score"

SECTION_PREFIX = "section-"
SCORE_PREFIX = "score-"
HELP_SUFFIX = ".help"

Text = dict[str, str]


def questionnaire_url(key: str) -> str:
    return f"{BASE}/Questionnaire/{key}"


def text_element(name: str, text: Text) -> dict[str, Any]:
    """`{name: nb, _name: {translation en}}` for a text in both languages."""
    return {name: text[LANGUAGE], f"_{name}": {"extension": [translation(OTHER_LANGUAGE, text[OTHER_LANGUAGE])]}}


def text_extension(url: str, text: Text) -> dict[str, Any]:
    """A text in both languages inside an extension: a `translation` part per language (FHIR
    allows `_valueString`, but not every validator does)."""
    return {"url": url, "extension": [translation(language, text[language]) for language in (LANGUAGE, OTHER_LANGUAGE)]}


def read_text_extension(extension: dict[str, Any]) -> Text | None:
    texts = dict(_translations(extension))
    if LANGUAGE not in texts and OTHER_LANGUAGE not in texts:
        return None
    return {
        LANGUAGE: texts.get(LANGUAGE, texts.get(OTHER_LANGUAGE, "")),
        OTHER_LANGUAGE: texts.get(OTHER_LANGUAGE, texts.get(LANGUAGE, "")),
    }


def translation(language: str, content: str) -> dict[str, Any]:
    return {
        "url": TRANSLATION,
        "extension": [{"url": "lang", "valueCode": language}, {"url": "content", "valueString": content}],
    }


def read_text(element: dict[str, Any], name: str, language: str = LANGUAGE) -> Text | None:
    """A text in both languages from `name` and its translations; a text in one language serves
    for both (None if the element has no such text)."""
    base = element.get(name)
    if not isinstance(base, str) or not base.strip():
        return None
    texts = {language[:2]: base, **dict(_translations(element.get(f"_{name}") or {}))}
    return {LANGUAGE: texts.get(LANGUAGE, base), OTHER_LANGUAGE: texts.get(OTHER_LANGUAGE, base)}


def _translations(element: dict[str, Any]):
    """(language, text) of each `translation` extension on an element."""
    for extension in extensions(element, TRANSLATION):
        parts = {part.get("url"): part for part in extension.get("extension", [])}
        language = str(parts.get("lang", {}).get("valueCode", ""))[:2]
        content = parts.get("content", {}).get("valueString")
        if language and isinstance(content, str) and content.strip():
            yield language, content


def extensions(element: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [extension for extension in element.get("extension", []) if extension.get("url") == url]


def first_extension(element: dict[str, Any], *urls: str) -> dict[str, Any] | None:
    return next((extension for url in urls for extension in extensions(element, url)), None)


def weight_of(element: dict[str, Any]) -> float | None:
    """The answer weight (ordinalValue, or itemWeight as SDC 4 calls it) on an element, if any."""
    extension = first_extension(element, *WEIGHTS)
    value = extension.get("valueDecimal", extension.get("valueInteger")) if extension else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def identifier(raw: str, taken: set[str], *, prefix: str = "q") -> str:
    """A product identifier (`^[a-z][a-z0-9_]*$`) for a FHIR linkId or code, unique among `taken`."""
    base = re.sub(r"[^a-z0-9]+", "_", raw.lower()).strip("_") or prefix
    if not base[0].isalpha():
        base = f"{prefix}_{base}"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    taken.add(candidate)
    return candidate


def item_control(code: str) -> dict[str, Any]:
    return {
        "url": ITEM_CONTROL,
        "valueCodeableConcept": {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": code}]},
    }


def item_control_code(item: dict[str, Any]) -> str | None:
    extension = first_extension(item, ITEM_CONTROL)
    codings = (extension or {}).get("valueCodeableConcept", {}).get("coding", [])
    return codings[0].get("code") if codings else None
