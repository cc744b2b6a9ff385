"""The repair guide as data: repair-guide.yaml, loaded once at start-up and validated.

A broken guide does not crash the import; the system check `allianse.ruptures.E001` reports it
(file, place and problem) and stops `runserver`, `migrate` and the tests, as the instrument
registry does (allianse.instruments.registry).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.core import checks

from allianse.core.measures.schema import IDENTIFIER, TEXT  # texts and ids as in instrument definitions

GUIDE_FILE = Path(__file__).resolve().parent / "repair-guide.yaml"
KINDS = ("withdrawal", "confrontation", "both", "unclear")
ORIENTATIONS = ("cbt", "psychodynamic")

Text = dict[str, str]

_TEXTS = {"type": "array", "items": TEXT, "minItems": 1}
_ORIENTED = {  # one text per orientation: the orientations themselves, and each stage's variants
    "type": "object",
    "properties": {name: TEXT for name in ORIENTATIONS},
    "required": list(ORIENTATIONS),
    "additionalProperties": False,
}
_STAGE = {
    "type": "object",
    "properties": {
        "id": IDENTIFIER,
        "title": TEXT,
        "goal": TEXT,
        "look_for": _TEXTS,
        "helps": _TEXTS,
        "avoid": {"type": "array", "minItems": 1, "items": {"oneOf": [IDENTIFIER, TEXT]}},
        "examples": _TEXTS,
        "variants": _ORIENTED,
    },
    "required": ["id", "title", "goal", "look_for", "helps", "avoid", "examples", "variants"],
    "additionalProperties": False,
}
SCHEMA = {
    "type": "object",
    "properties": {
        "version": {"type": "string"},
        "title": TEXT,
        "introduction": TEXT,
        "sources": TEXT,
        "orientations": _ORIENTED,
        "pitfalls": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"id": IDENTIFIER, "title": TEXT, "text": TEXT},
                "required": ["id", "title", "text"],
                "additionalProperties": False,
            },
        },
        "strategies": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"id": IDENTIFIER, "text": TEXT},
                "required": ["id", "text"],
                "additionalProperties": False,
            },
        },
        "paths": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "id": IDENTIFIER,
                    "title": TEXT,
                    "summary": TEXT,
                    "stages": {"type": "array", "minItems": 1, "items": _STAGE},
                },
                "required": ["id", "title", "summary", "stages"],
                "additionalProperties": False,
            },
        },
        "kinds": {
            "type": "object",
            "properties": {
                kind: {
                    "type": "object",
                    "properties": {"path": IDENTIFIER, "introduction": TEXT},
                    "required": ["path", "introduction"],
                    "additionalProperties": False,
                }
                for kind in KINDS
            },
            "required": list(KINDS),
            "additionalProperties": False,
        },
    },
    "required": [
        "version",
        "title",
        "introduction",
        "sources",
        "orientations",
        "pitfalls",
        "strategies",
        "paths",
        "kinds",
    ],
    "additionalProperties": False,
}


class GuideError(ValueError):
    """The guide file is broken; the message names the place and the problem."""


@dataclass(frozen=True)
class Pitfall:
    id: str
    title: Text
    text: Text


@dataclass(frozen=True)
class Avoid:
    """One thing to avoid at a stage: a named pitfall, or a warning that belongs to this stage."""

    text: Text
    pitfall: Pitfall | None = None


@dataclass(frozen=True)
class Stage:
    number: int
    id: str
    title: Text
    goal: Text
    look_for: tuple[Text, ...]
    helps: tuple[Text, ...]
    avoid: tuple[Avoid, ...]
    examples: tuple[Text, ...]
    variants: dict[str, Text]


@dataclass(frozen=True)
class RepairPath:
    id: str
    title: Text
    summary: Text
    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class KindGuide:
    """What the guide offers for one episode kind: its introduction and its path."""

    kind: str
    introduction: Text
    path: RepairPath

    def stage(self, number: int) -> Stage:
        """The stage with this number, kept within the path (a kind change can shorten the path)."""
        return self.path.stages[min(max(number, 1), len(self.path.stages)) - 1]


@dataclass(frozen=True)
class Guide:
    version: str
    title: Text
    introduction: Text
    sources: Text
    orientations: dict[str, Text]
    pitfalls: dict[str, Pitfall]
    strategies: dict[str, Text]
    kinds: dict[str, KindGuide]

    def for_kind(self, kind: str) -> KindGuide:
        return self.kinds[kind]


def load_guide(path: Path = GUIDE_FILE) -> Guide:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise GuideError(f"{path.name} cannot be read as YAML ({error})") from error
    return build_guide(data)


def build_guide(data: Any) -> Guide:
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError as error:
        where = "/".join(str(part) for part in error.absolute_path) or "top level"
        raise GuideError(f"{where}: {error.message}") from error
    for part in ("pitfalls", "strategies", "paths"):
        _unique(part, [entry["id"] for entry in data[part]])
    pitfalls = {entry["id"]: Pitfall(**entry) for entry in data["pitfalls"]}
    paths = {entry["id"]: _path(entry, pitfalls) for entry in data["paths"]}
    kinds = {}
    for kind, entry in data["kinds"].items():
        if entry["path"] not in paths:
            raise GuideError(f"kinds/{kind}: unknown path '{entry['path']}'")
        kinds[kind] = KindGuide(kind=kind, introduction=entry["introduction"], path=paths[entry["path"]])
    return Guide(
        version=data["version"],
        title=data["title"],
        introduction=data["introduction"],
        sources=data["sources"],
        orientations=data["orientations"],
        pitfalls=pitfalls,
        strategies={entry["id"]: entry["text"] for entry in data["strategies"]},
        kinds=kinds,
    )


def _path(entry: dict, pitfalls: dict[str, Pitfall]) -> RepairPath:
    _unique(f"paths/{entry['id']}/stages", [stage["id"] for stage in entry["stages"]])
    stages = tuple(
        Stage(
            number=number,
            id=stage["id"],
            title=stage["title"],
            goal=stage["goal"],
            look_for=tuple(stage["look_for"]),
            helps=tuple(stage["helps"]),
            avoid=tuple(_avoid(value, pitfalls, f"paths/{entry['id']}/{stage['id']}") for value in stage["avoid"]),
            examples=tuple(stage["examples"]),
            variants=stage["variants"],
        )
        for number, stage in enumerate(entry["stages"], start=1)
    )
    return RepairPath(id=entry["id"], title=entry["title"], summary=entry["summary"], stages=stages)


def _avoid(value: str | Text, pitfalls: dict[str, Pitfall], where: str) -> Avoid:
    if isinstance(value, dict):
        return Avoid(text=value)
    if value not in pitfalls:
        raise GuideError(f"{where}/avoid: unknown pitfall '{value}'")
    return Avoid(text=pitfalls[value].text, pitfall=pitfalls[value])


def _unique(where: str, ids: list[str]) -> None:
    seen = set()
    for identifier in ids:
        if identifier in seen:
            raise GuideError(f"{where}: '{identifier}' is defined twice")
        seen.add(identifier)


_guide: Guide | None = None
_load_error: GuideError | None = None


def load(path: Path = GUIDE_FILE) -> None:
    global _guide, _load_error
    try:
        _guide, _load_error = load_guide(path), None
    except GuideError as error:
        _load_error = error


def get() -> Guide:
    if _guide is None:
        raise GuideError(str(_load_error or "the repair guide is not loaded"))
    return _guide


def check_guide(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if _load_error is None:
        return []
    return [
        checks.Error(
            f"Repair guide {GUIDE_FILE.name}: {_load_error}",
            hint="Fix the guide file; its format is described at the top of the file and in guide.py.",
            id="allianse.ruptures.E001",
        )
    ]
