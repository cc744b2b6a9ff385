"""The registry of instruments: every definition in allianse/instruments, loaded once at start-up.

A broken definition does not crash the import; it is reported by the system check
`allianse.E001`, which stops `runserver`, `migrate` and the tests with the file, item and problem.
What the apps read from the definitions (items and scores by role, rules built from them) they
declare with `require` and `require_build` in their AppConfig.ready(); the system check
`allianse.E002` stops start-up when a definition does not provide it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from django.core import checks

from allianse.core.measures import DefinitionError, Instrument, Requirement, load_directory, missing_requirements

DEFINITIONS_DIR = Path(__file__).resolve().parent

_registry: dict[str, Instrument] = {}
_load_error: DefinitionError | None = None
_required: list[Requirement] = []
_builds: dict[str, Callable[[], object]] = {}


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


def require(requirements: list[Requirement]) -> None:
    """Declare items and scores an app looks up in the definitions (checked by `allianse.E002`)."""
    _required.extend(requirement for requirement in requirements if requirement not in _required)


def require_build(name: str, build: Callable[[], object]) -> None:
    """Declare something an app builds from the definitions, e.g. its signal rules: `allianse.E002`
    reports it when `build()` raises a ValueError or a LookupError (e.g. a missing role)."""
    _builds[name] = build


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


def check_requirements(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """What the apps declared they read, against the loaded definitions (a broken one is E001's)."""
    if _load_error is not None:
        return []
    problems = missing_requirements(_registry, _required)
    if not problems:
        for name, build in _builds.items():
            try:
                build()
            except (ValueError, LookupError) as error:
                problems.append(f"{name}: {error}")
    return [
        checks.Error(
            f"Instrument definitions: {problem}",
            hint='Give the definition what the product reads from it; see docs/instrument-format.md, "Roles".',
            id="allianse.E002",
        )
        for problem in problems
    ]
