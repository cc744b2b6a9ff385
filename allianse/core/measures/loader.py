"""Reading definitions from YAML and validating them (schema, then cross-checks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .checks import check_consistency
from .definition import BandRange, Condition, DefinitionError, Instrument, Item, Norms, Option, Score, Section
from .schema import INSTRUMENT


def load_instrument(path: Path | str) -> Instrument:
    """Read, validate and build one definition; raises DefinitionError naming what is wrong."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DefinitionError(path.name, "", f"cannot be read as YAML ({error})") from error
    return build_instrument(data, source=path.name)


def build_instrument(data: Any, *, source: str) -> Instrument:
    _check_schema(data, source)
    instrument = Instrument(
        key=data["key"],
        version=data["version"],
        respondent=data["respondent"],
        validated=data["validated"],
        licence=data["licence"],
        attribution=data["attribution"],
        title=data["title"],
        introduction=data.get("introduction"),
        missing_reasons=tuple(data.get("missing_reasons", ())),
        sections=tuple(Section(**section) for section in data.get("sections", ())),
        items=tuple(_build_item(item) for item in data["items"]),
        scores=tuple(_build_score(score) for score in data.get("scores", ())),
        wordings=data.get("wordings", {}),
        bands={
            band["score"]: tuple(BandRange(**band_range) for band_range in band["ranges"])
            for band in data.get("bands", ())
        },
    )
    check_consistency(instrument, source)
    return instrument


def load_directory(directory: Path | str) -> dict[str, Instrument]:
    """Every `*.yaml` definition in a folder, by key; a duplicate key is an error."""
    instruments: dict[str, Instrument] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        instrument = load_instrument(path)
        if instrument.key in instruments:
            raise DefinitionError(path.name, "key", f"'{instrument.key}' is defined twice")
        instruments[instrument.key] = instrument
    return instruments


def _check_schema(data: Any, source: str) -> None:
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(INSTRUMENT).iter_errors(data))
    if error is None:
        return
    where = _describe_path(data, list(error.absolute_path))
    raise DefinitionError(source, where, error.message)


def _describe_path(data: Any, path: list[Any]) -> str:
    """Turn a JSON path into words a definition author recognises, e.g. "item 'goal_1', min"."""
    if len(path) >= 2 and path[0] in ("items", "scores", "sections") and isinstance(path[1], int):
        entry = data[path[0]][path[1]]
        name = entry.get("id", f"#{path[1] + 1}") if isinstance(entry, dict) else f"#{path[1] + 1}"
        rest = ".".join(str(part) for part in path[2:])
        return f"{path[0][:-1]} '{name}'" + (f", {rest}" if rest else "")
    return ".".join(str(part) for part in path)


def _build_item(data: dict[str, Any]) -> Item:
    fields = dict(data)
    fields["anchors"] = {int(value): text for value, text in data.get("anchors", {}).items()}
    fields["options"] = tuple(Option(**option) for option in data.get("options", ()))
    fields["shown_when"] = Condition(**data["shown_when"]) if "shown_when" in data else None
    fields.setdefault("required", data["type"] != "text")
    fields["roles"] = tuple(data.get("roles", ()))
    return Item(**fields)


def _build_score(data: dict[str, Any]) -> Score:
    norms = Norms(**data["norms"]) if "norms" in data else None
    return Score(**{**data, "items": tuple(data["items"]), "roles": tuple(data.get("roles", ())), "norms": norms})
