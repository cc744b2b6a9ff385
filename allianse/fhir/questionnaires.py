"""An instrument definition as a FHIR R4 Questionnaire (docs/fhir.md has the mapping).

Everything of the definition goes out, so that importing the export gives the definition back:
what FHIR has an element for in that element, the rest in the product's own extensions.
"""

from __future__ import annotations

from typing import Any

from allianse.core.measures import Instrument, Item, Score, Section

from . import vocabulary as v

# Information only, for other systems: the product scores by its own `score` extension, which
# also says how many answers a score needs (FHIRPath has no word for that).
_EXPRESSIONS = {"sum": "sum()", "mean": "avg()"}


def to_questionnaire(instrument: Instrument) -> dict[str, Any]:
    """The instrument as a Questionnaire resource (a dict in FHIR JSON form)."""
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": instrument.key,
        "language": v.LANGUAGE,
        "extension": [
            {"url": v.RESPONDENT, "valueCode": instrument.respondent},
            *({"url": v.MISSING_REASON, "valueCode": reason} for reason in instrument.missing_reasons),
            *_wordings(instrument.wordings, "introduction"),
        ],
        "url": v.questionnaire_url(instrument.key),
        "version": instrument.version,
        "name": "".join(part.capitalize() for part in instrument.key.split("-")),
        **v.text_element("title", instrument.title),
        "status": "active",
        "experimental": not instrument.validated,
        "subjectType": ["Patient"],
        "publisher": "Allianse",
        **(v.text_element("description", instrument.introduction) if instrument.introduction else {}),
        **v.text_element("purpose", instrument.attribution),
        **v.text_element("copyright", instrument.licence),
        "item": [*_structure(instrument), *(_score_item(instrument, score) for score in instrument.scores)],
    }
    if not resource["extension"]:
        del resource["extension"]
    return resource


def _structure(instrument: Instrument) -> list[dict[str, Any]]:
    """Items in order, those of a section inside its group (a group where its first item is)."""
    sections = {section.id: section for section in instrument.sections}
    placed: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for item in instrument.items:
        if item.section is None:
            placed.append(_item(instrument, item))
            continue
        if item.section not in groups:
            groups[item.section] = _group(instrument, sections[item.section])
            placed.append(groups[item.section])
        groups[item.section]["item"].append(_item(instrument, item))
    placed.extend(_group(instrument, section) for section in instrument.sections if section.id not in groups)
    for group in placed:
        if group.get("item") == []:
            del group["item"]
    return placed


def _group(instrument: Instrument, section: Section) -> dict[str, Any]:
    wording = _wordings(_entry_wordings(instrument, "sections", section.id), "title", "description")
    return {
        **({"extension": wording} if wording else {}),
        "linkId": f"{v.SECTION_PREFIX}{section.id}",
        **v.text_element("text", section.title),
        "type": "group",
        "item": _help(section.id, section.description),
    }


def _item(instrument: Instrument, item: Item) -> dict[str, Any]:
    extension = [
        *(
            [{"url": v.SHORT_TEXT, "valueString": item.label[v.LANGUAGE]}, v.text_extension(v.LABEL, item.label)]
            if item.label
            else []
        ),
        *({"url": v.ROLE, "valueCode": role} for role in item.roles),
        *_wordings(_entry_wordings(instrument, "items", item.id), "text", "description"),
    ]
    resource: dict[str, Any] = {
        **({"extension": extension} if extension else {}),
        "linkId": item.id,
        **v.text_element("text", item.text),
        "type": {"scale": "choice", "yes_no": "boolean", "choice": "choice", "multi_choice": "choice"}.get(
            item.type, "text"
        ),
    }
    if item.shown_when is not None:
        target = instrument.item(item.shown_when.item)
        resource["enableWhen"] = [{"question": target.id, "operator": "=", **_answer(target, item.shown_when.equals)}]
    resource["required"] = item.required
    if item.type == "multi_choice":
        resource["repeats"] = True
    if item.type == "text":
        resource["maxLength"] = item.max_length
    if item.type == "scale":
        resource["answerOption"] = [_scale_option(item, value) for value in range(item.bounds[0], item.bounds[1] + 1)]
    elif item.options:
        resource["answerOption"] = [
            {"valueCoding": {"code": option.value, **v.text_element("display", option.text)}} for option in item.options
        ]
    if item.description:
        resource["item"] = _help(item.id, item.description)
    return resource


def _scale_option(item: Item, value: int) -> dict[str, Any]:
    """One step of a scale: its number as the code, its anchor as the display, its scored value
    (reversed for a reversed item) as the ordinalValue."""
    low, high = item.bounds
    anchor = item.anchors.get(value)
    return {
        "extension": [{"url": v.ORDINAL_VALUE, "valueDecimal": low + high - value if item.reversed else value}],
        "valueCoding": {"code": str(value), **(v.text_element("display", anchor) if anchor else {})},
    }


def _answer(target: Item, value: bool | int | str) -> dict[str, Any]:
    if target.type == "yes_no":
        return {"answerBoolean": value}
    return {"answerCoding": {"code": str(value)}}


def _help(owner: str, description: dict[str, str] | None) -> list[dict[str, Any]]:
    """A description as SDC has help text: a display item with the item control `help`."""
    if not description:
        return []
    return [
        {
            "extension": [v.item_control("help")],
            "linkId": f"{owner}{v.HELP_SUFFIX}",
            **v.text_element("text", description),
            "type": "display",
        }
    ]


def _score_item(instrument: Instrument, score: Score) -> dict[str, Any]:
    """A score as a read-only calculated item, with the product's own rule in the `score` extension."""
    scope = " | ".join(f"'{item_id}'" for item_id in score.items)
    expression = (
        f"%resource.repeat(item).where(linkId in ({scope})).answer.value.ordinal().{_EXPRESSIONS[score.method]}"
    )
    rule = [
        {"url": "method", "valueCode": score.method},
        {"url": "minAnswered", "valueInteger": score.min_answered},
        *({"url": "item", "valueString": item_id} for item_id in score.items),
    ]
    if score.primary:
        rule.append({"url": "primary", "valueBoolean": True})
    if score.reliable_change is not None:
        rule.append({"url": "reliableChange", "valueDecimal": score.reliable_change})
        rule.append({"url": "reliableChangeSource", "valueString": score.reliable_change_source})
    if score.norms is not None:
        rule.append({"url": "normsSd", "valueDecimal": score.norms.sd})
        rule.append({"url": "normsReliability", "valueDecimal": score.norms.reliability})
        rule.append({"url": "normsSource", "valueString": score.norms.source})
    for band in instrument.bands.get(score.id, ()):
        rule.append(
            {
                "url": v.BAND,
                "extension": [
                    {"url": "id", "valueCode": band.id},
                    {"url": "min", "valueDecimal": band.min},
                    {"url": "max", "valueDecimal": band.max},
                    {"url": "concern", "valueBoolean": band.concern},
                    v.text_extension("label", band.label),
                ],
            }
        )
    return {
        "extension": [
            {
                "url": v.CALCULATED,
                "valueExpression": {"language": "text/fhirpath", "expression": expression},
            },
            {"url": v.SCORE, "extension": rule},
            *({"url": v.ROLE, "valueCode": role} for role in score.roles),
        ],
        "linkId": f"{v.SCORE_PREFIX}{score.id}",
        "code": [{"system": v.SCORE_CODES, "code": f"{instrument.key}.{score.id}"}],
        **v.text_element("text", score.title),
        "type": "decimal",
        "required": False,
        "readOnly": True,
    }


def _entry_wordings(instrument: Instrument, kind: str, entry_id: str) -> dict[str, dict[str, Any]]:
    """Each respondent's other wording of one section or item."""
    return {
        respondent: wording[kind][entry_id]
        for respondent, wording in instrument.wordings.items()
        if entry_id in wording.get(kind, {})
    }


def _wordings(wordings: dict[str, dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    """Another respondent's wording as the product's `wording` extension: the respondent and texts."""
    found = []
    for respondent, texts in wordings.items():
        parts = [v.text_extension(name, texts[name]) for name in names if name in texts]
        if parts:
            found.append({"url": v.WORDING, "extension": [{"url": "respondent", "valueCode": respondent}, *parts]})
    return found
