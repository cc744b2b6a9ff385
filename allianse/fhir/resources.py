"""Reading a FHIR R4 resource from JSON or XML and validating it with fhir.resources (R4B models,
whose Questionnaire and QuestionnaireResponse have R4's elements). No Django here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from lxml import etree
from pydantic import ValidationError

from .importing import Problem

MAX_BYTES = 5_000_000
FHIR_NAMESPACE = "http://hl7.org/fhir"
MAX_REPORTED = 20


class Unreadable(ValueError):
    """The input is no FHIR resource at all; `problems` say why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.where}: {p.code} {p.detail}".strip() for p in problems))


@dataclass(frozen=True)
class Parsed:
    resource_type: str
    data: dict[str, Any]


def parse(raw: bytes | str, expected: tuple[str, ...] = ("Questionnaire",)) -> Parsed:
    """The resource as a dict in FHIR JSON form, validated as R4; Unreadable with the reasons
    (each invalid element by its path) otherwise."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_BYTES:
        raise Unreadable([Problem("", "too_large", f"{MAX_BYTES // 1_000_000} MB")])
    text = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        resource_type, model = _from_xml(text, expected)
    else:
        resource_type, model = _from_json(text, expected)
    return Parsed(resource_type, json.loads(model.model_dump_json()))


def validate(data: dict[str, Any]) -> list[Problem]:
    """What is not valid R4 in a resource built by the product (none, if all is well)."""
    try:
        get_fhir_model_class(data["resourceType"]).model_validate(data)
    except ValidationError as error:
        return _validation_problems(error, data)
    return []


def _from_json(text: bytes, expected: tuple[str, ...]):
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise Unreadable([Problem("", "not_json_or_xml", str(error)[:200])]) from error
    if not isinstance(data, dict):
        raise Unreadable([Problem("", "not_a_resource")])
    resource_type = _expected_type(data.get("resourceType"), expected)
    try:
        return resource_type, get_fhir_model_class(resource_type).model_validate(data)
    except ValidationError as error:
        raise Unreadable(_validation_problems(error, data)) from error
    except RecursionError as error:
        raise Unreadable([Problem("", "not_json_or_xml", "nested too deeply")]) from error


def _from_xml(text: bytes, expected: tuple[str, ...]):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(text, parser)
    except etree.XMLSyntaxError as error:
        raise Unreadable([Problem("", "not_json_or_xml", str(error)[:200])]) from error
    if etree.QName(root).namespace != FHIR_NAMESPACE:
        raise Unreadable([Problem("", "not_a_resource")])
    resource_type = _expected_type(etree.QName(root).localname, expected)
    try:
        return resource_type, get_fhir_model_class(resource_type).model_validate_xml(text, xmlparser=parser)
    except ValidationError as error:
        raise Unreadable(_validation_problems(error)) from error
    except (ValueError, TypeError, AttributeError, LookupError, etree.LxmlError) as error:
        raise Unreadable([Problem("", "invalid", str(error)[:200])]) from error


def _expected_type(resource_type: Any, expected: tuple[str, ...]) -> str:
    if resource_type not in expected:
        raise Unreadable([Problem("", "wrong_resource", f"{resource_type or '?'} ≠ {' / '.join(expected)}")])
    return str(resource_type)


def _validation_problems(error: ValidationError, data: Any = None) -> list[Problem]:
    """Each invalid element by its path (`item 2.1: linkId`), at most MAX_REPORTED of them."""
    problems = []
    for entry in error.errors()[:MAX_REPORTED]:
        problems.append(Problem(_path(entry["loc"], data), "invalid", str(entry["msg"])[:200]))
    if error.error_count() > MAX_REPORTED:
        problems.append(Problem("", "more_invalid", str(error.error_count() - MAX_REPORTED)))
    return problems


def _path(location: tuple[Any, ...], data: Any) -> str:
    """A pydantic location such as ('item', 0, 'item', 2, 'linkId') as "item 1.3 (linkId 'x') linkId"."""
    numbers, rest = [], list(location)
    while len(rest) >= 2 and rest[0] == "item" and isinstance(rest[1], int):
        numbers.append(str(rest[1] + 1))
        data = data.get("item", [])[rest[1]] if isinstance(data, dict) and len(data.get("item", [])) > rest[1] else {}
        rest = rest[2:]
    words = ".".join(str(part + 1) if isinstance(part, int) else str(part) for part in rest)
    where = ""
    if numbers:
        link_id = data.get("linkId") if isinstance(data, dict) else None
        where = f"item {'.'.join(numbers)}" + (f" ({link_id})" if isinstance(link_id, str) else "")
    return " ".join(part for part in (where, words) if part)
