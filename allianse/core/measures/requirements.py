"""What the product's code looks up in the definitions, checked before it runs.

Code that reads an instrument by role (`item_with_role("held_back")`) or by id declares it as a
`Requirement`; `missing_requirements` compares the declarations with the loaded definitions, so
a definition that lacks a role the code needs stops start-up instead of failing on a page later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from .definition import Instrument, Item, ItemType, Score


@dataclass(frozen=True)
class Requirement:
    """An item or a score of instrument `instrument` that code looks up, by `role` or by `id`.

    A role read with `item_with_role` or `score_with_role` must be carried by exactly one entry
    (`single`); one read with `items_with_role` or `scores_with_role` by at least one (`single=False`).
    `types` (items only) lists the item types the code can handle; `needed_by` names the code.
    """

    instrument: str
    kind: Literal["item", "score"]
    role: str | None = None
    id: str | None = None
    single: bool = True
    types: tuple[ItemType, ...] = ()
    needed_by: str = ""

    def __post_init__(self) -> None:
        if (self.role is None) == (self.id is None):
            raise ValueError("A requirement names either a role or an id.")
        if self.types and self.kind != "item":
            raise ValueError("Only an item requirement can name item types.")


def missing_requirements(instruments: Mapping[str, Instrument], required: Iterable[Requirement]) -> list[str]:
    """One sentence per requirement the definitions do not meet; empty when all are met."""
    problems = []
    for requirement in required:
        instrument = instruments.get(requirement.instrument)
        problem = (
            f"no instrument '{requirement.instrument}' is defined"
            if instrument is None
            else _problem(instrument, requirement)
        )
        if problem:
            by = f" (needed by {requirement.needed_by})" if requirement.needed_by else ""
            problems.append(f"{problem}{by}")
    return problems


def _problem(instrument: Instrument, requirement: Requirement) -> str | None:
    kind, key = requirement.kind, instrument.key
    entries: tuple[Item, ...] | tuple[Score, ...] = instrument.items if kind == "item" else instrument.scores
    if requirement.id is not None:
        found = tuple(entry for entry in entries if entry.id == requirement.id)
        if not found:
            return f"instrument '{key}' has no {kind} '{requirement.id}'"
    else:
        found = tuple(entry for entry in entries if requirement.role in entry.roles)
        if not found:
            return f"instrument '{key}': no {kind} carries the role '{requirement.role}'"
        if requirement.single and len(found) > 1:
            ids = ", ".join(entry.id for entry in found)
            return (
                f"instrument '{key}': {len(found)} {kind}s ({ids}) carry the role '{requirement.role}', one is expected"
            )
    wrong = [
        entry
        for entry in found
        if isinstance(entry, Item) and requirement.types and entry.type not in requirement.types
    ]
    if wrong:
        expected = " or ".join(requirement.types)
        return f"instrument '{key}': {kind} '{wrong[0].id}' is a {wrong[0].type} item, {expected} is expected"
    return None
