"""The typed objects of an instrument definition (docs/instrument-format.md).

They are built only by `loader`, after validation, so every later use can trust them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal, TypeVar

Text = dict[str, str]
ItemType = Literal["scale", "yes_no", "choice", "multi_choice", "text"]


class DefinitionError(ValueError):
    """A definition is broken; names the file, the item (if any) and the problem."""

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source, self.where, self.problem = source, where, problem
        super().__init__(f"{source}: {where}: {problem}" if where else f"{source}: {problem}")


class MissingRole(LookupError):
    """The code asked an instrument for a role that no item or score, or more than one, carries."""


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
    roles: tuple[str, ...] = ()

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

    @property
    def midpoint(self) -> int | None:
        """The middle answer of a scale with an odd number of steps (4 on 1-7), else None."""
        low, high = self.bounds
        return (low + high) // 2 if (low + high) % 2 == 0 else None


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    description: Text | None = None


@dataclass(frozen=True)
class Norms:
    """Published norms of a score: the SD of a reference sample and the score's reliability
    (Cronbach's alpha or test-retest), which give its reliable change index (Jacobson & Truax 1991)."""

    sd: float
    reliability: float
    source: str


@dataclass(frozen=True)
class Score:
    id: str
    title: Text
    items: tuple[str, ...]
    method: Literal["mean", "sum"]
    min_answered: int
    reliable_change: float | None = None
    reliable_change_source: str | None = None
    norms: Norms | None = None
    better: Literal["higher", "lower"] = "higher"  # which way improvement goes
    primary: bool = False
    roles: tuple[str, ...] = ()


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
    wordings: dict[str, dict[str, Any]] = field(default_factory=dict)

    def worded_for(self, respondent: str) -> Instrument:
        """The instrument in the wording it has for `respondent` (itself if it has none): only
        texts change, so items, answers and scores stay the same."""
        wording = self.wordings.get(respondent)
        if not wording:
            return self
        sections, items = wording.get("sections", {}), wording.get("items", {})
        return replace(
            self,
            introduction=wording.get("introduction", self.introduction),
            sections=tuple(replace(section, **sections.get(section.id, {})) for section in self.sections),
            items=tuple(replace(item, **items.get(item.id, {})) for item in self.items),
            wordings={},
        )

    @property
    def question_count(self) -> tuple[int, int]:
        """How many questions a respondent sees: those always shown, and at most (every follow-up)."""
        return sum(item.shown_when is None for item in self.items), len(self.items)

    def item(self, item_id: str) -> Item:
        return self._items_by_id[item_id]

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        # Built on first use, not on every lookup (frozen: `cached_property` writes `__dict__` directly).
        return {item.id: item for item in self.items}

    @property
    def primary_score(self) -> Score | None:
        return next((score for score in self.scores if score.primary), None)

    def score(self, score_id: str) -> Score:
        return next(score for score in self.scores if score.id == score_id)

    def items_with_role(self, role: str) -> tuple[Item, ...]:
        """The items carrying `role`, in definition order (none if no item does)."""
        return tuple(item for item in self.items if role in item.roles)

    def item_with_role(self, role: str) -> Item:
        """The one item carrying `role`; MissingRole if none or several do."""
        return _the_one(self.items_with_role(role), self.key, "item", role)

    def scores_with_role(self, role: str) -> tuple[Score, ...]:
        """The scores carrying `role`, in definition order (none if no score does)."""
        return tuple(score for score in self.scores if role in score.roles)

    def score_with_role(self, role: str) -> Score:
        """The one score carrying `role`; MissingRole if none or several do."""
        return _the_one(self.scores_with_role(role), self.key, "score", role)

    def score_range(self, score: Score) -> tuple[float, float]:
        """The lowest and highest value the score can take: the domain of its charts."""
        ranges = [self.item(item_id).scored_range for item_id in score.items]
        if score.method == "sum":
            return (sum(low for low, _ in ranges), sum(high for _, high in ranges))
        return (min(low for low, _ in ranges), max(high for _, high in ranges))

    def concern_below(self, score: Score) -> float | None:
        """The upper bound of the concern ranges at the bottom of the score's bands (a score at or
        below it is of concern), or None if the lowest range is not a concern."""
        ranges = sorted(self.bands.get(score.id, ()), key=lambda band: band.min)
        edge = _concern_edge(ranges)
        return ranges[edge - 1].max if edge else None

    def concern_above(self, score: Score) -> float | None:
        """The lower bound of the concern ranges at the top of the score's bands (a score at or
        above it is of concern), or None if the highest range is not a concern."""
        ranges = sorted(self.bands.get(score.id, ()), key=lambda band: -band.max)
        edge = _concern_edge(ranges)
        return ranges[edge - 1].min if edge else None


_Entry = TypeVar("_Entry", Item, Score)


def _concern_edge(ranges: list[BandRange]) -> int:
    """How many of the ranges, from the first, are concerns without a gap."""
    count = 0
    while count < len(ranges) and ranges[count].concern:
        count += 1
    return count


def _the_one(found: tuple[_Entry, ...], key: str, kind: str, role: str) -> _Entry:
    if len(found) != 1:
        many = (
            f"{len(found)} {kind}s ({', '.join(entry.id for entry in found)}) carry" if found else f"no {kind} carries"
        )
        raise MissingRole(f"instrument '{key}': {many} the role '{role}'; the product needs exactly one")
    return found[0]
