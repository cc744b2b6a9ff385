"""The typed objects of an instrument definition (docs/instrument-format.md).

They are built only by `loader`, after validation, so every later use can trust them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

Text = dict[str, str]
ItemType = Literal["scale", "yes_no", "choice", "multi_choice", "text"]


class DefinitionError(ValueError):
    """A definition is broken; names the file, the item (if any) and the problem."""

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source, self.where, self.problem = source, where, problem
        super().__init__(f"{source}: {where}: {problem}" if where else f"{source}: {problem}")


@dataclass(frozen=True)
class Option:
    value: str
    text: Text


@dataclass(frozen=True)
class Condition:
    item: str
    equals: bool | int | str


@dataclass(frozen=True)
class Item:
    id: str
    type: ItemType
    text: Text
    section: str | None = None
    label: Text | None = None
    description: Text | None = None
    min: int | None = None
    max: int | None = None
    anchors: dict[int, Text] = field(default_factory=dict)
    reversed: bool = False
    required: bool = True
    max_length: int = 2000
    options: tuple[Option, ...] = ()
    shown_when: Condition | None = None

    @property
    def option_values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)

    @property
    def bounds(self) -> tuple[int, int]:
        """`min` and `max` of a scale item; the schema requires both for scales and no other type has them."""
        if self.min is None or self.max is None:
            raise TypeError(f"item '{self.id}' ({self.type}) has no min and max")
        return (self.min, self.max)

    @property
    def scored_range(self) -> tuple[float, float]:
        """The range of the item's numeric value as scored (yes/no counts 0/1)."""
        if self.type == "yes_no":
            return (0.0, 1.0)
        low, high = self.bounds
        return (float(low), float(high))


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    description: Text | None = None


@dataclass(frozen=True)
class Score:
    id: str
    title: Text
    items: tuple[str, ...]
    method: Literal["mean", "sum"]
    min_answered: int
    reliable_change: float | None = None
    reliable_change_source: str | None = None
    primary: bool = False


@dataclass(frozen=True)
class BandRange:
    id: str
    min: float
    max: float
    concern: bool
    label: Text


@dataclass(frozen=True)
class Instrument:
    key: str
    version: str
    respondent: Literal["patient", "therapist", "group_member", "observer"]
    validated: bool
    licence: Text
    attribution: Text
    title: Text
    items: tuple[Item, ...]
    introduction: Text | None = None
    missing_reasons: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    scores: tuple[Score, ...] = ()
    bands: dict[str, tuple[BandRange, ...]] = field(default_factory=dict)

    def item(self, item_id: str) -> Item:
        return self._items_by_id[item_id]

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        # Built on first use, not on every lookup (frozen: `cached_property` writes `__dict__` directly).
        return {item.id: item for item in self.items}

    @property
    def primary_score(self) -> Score | None:
        return next((score for score in self.scores if score.primary), None)

    def score_range(self, score: Score) -> tuple[float, float]:
        ranges = [self.item(item_id).scored_range for item_id in score.items]
        if score.method == "sum":
            return (sum(low for low, _ in ranges), sum(high for _, high in ranges))
        return (min(low for low, _ in ranges), max(high for _, high in ranges))

    def section_items(self, section_id: str | None) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.section == section_id)
