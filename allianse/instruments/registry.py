"""The registry of instruments: every definition in allianse/instruments, loaded once at start-up.

A broken definition does not crash the import; it is reported by the system check
`allianse.E001`, which stops `runserver`, `migrate` and the tests with the file, item and problem.
What the apps read from the definitions (items and scores by role, rules built from them) they
declare with `require` and `require_build` in their AppConfig.ready(); the system check
`allianse.E002` stops start-up when a definition does not provide it.

Definitions stored in the database (instruments imported from FHIR, `allianse.fhir`) come in
through `add_stored_source`, filled by the app that stores them: `get(key, imported=True)` finds
them under their key, `all_instruments(imported=True)` lists them after the shipped ones.
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
# Each returns the stored instruments with a key (or all of them, for None).
_stored_sources: list[Callable[[str | None], list[Instrument]]] = []


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


def add_stored_source(source: Callable[[str | None], list[Instrument]]) -> None:
    """Let `get` and `all_instruments` with `imported=True` find definitions stored elsewhere (the database)."""
    if source not in _stored_sources:
        _stored_sources.append(source)


def get(key: str, *, imported: bool = False) -> Instrument:
    """A shipped instrument; with `imported`, else a stored one (this reads the database, which the
    offline commands do not need); KeyError if there is none with that key."""
    if key in _registry or not imported:
        return _registry[key]
    for source in _stored_sources:
        found = source(key)
        if found:
            return found[0]
    raise KeyError(key)


def is_shipped(key: str) -> bool:
    return key in _registry


def all_instruments(*, imported: bool = False) -> list[Instrument]:
    """The shipped instruments by key; with `imported`, the stored ones after them (this reads
    the database)."""
    shipped = sorted(_registry.values(), key=lambda instrument: instrument.key)
    if not imported:
        return shipped
    stored = [instrument for source in _stored_sources for instrument in source(None)]
    return shipped + sorted(stored, key=lambda instrument: instrument.key)


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
