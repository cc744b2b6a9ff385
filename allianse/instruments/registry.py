"""The registry of instruments: every definition in allianse/instruments, loaded once at start-up.

A broken definition does not crash the import; it is reported by the system check
`allianse.E001`, which stops `runserver`, `migrate` and the tests with the file, item and problem.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from django.core import checks

from allianse.core.measures import DefinitionError, Instrument, load_directory

DEFINITIONS_DIR = Path(__file__).resolve().parent

_registry: dict[str, Instrument] = {}
_load_error: DefinitionError | None = None


def load(directory: Path = DEFINITIONS_DIR) -> None:
    global _load_error
    try:
        loaded = load_directory(directory)
    except DefinitionError as error:
        _load_error = error
        return
    _load_error = None
    _registry.clear()
    _registry.update(loaded)


def get(key: str) -> Instrument:
    return _registry[key]


def all_instruments() -> list[Instrument]:
    return sorted(_registry.values(), key=lambda instrument: instrument.key)


def data_dictionary(instrument: Instrument) -> dict:
    """The whole definition as plain data, each score with the range it can take: what
    `allianse instruments KEY --json` prints and the API serves at /api/v1/instruments/KEY/."""
    definition = dataclasses.asdict(instrument)
    for score, entry in zip(instrument.scores, definition["scores"], strict=True):
        entry["range"] = list(instrument.score_range(score))
    return definition


def check_definitions(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if _load_error is None:
        return []
    return [
        checks.Error(
            f"Instrument definition {_load_error}",
            hint="Fix the definition file; see docs/instrument-format.md.",
            id="allianse.E001",
        )
    ]
