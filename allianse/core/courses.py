"""A course's schedule without Django: overlapping blocks of a day plan, and a fair rota of
co-therapists for the role plays.

The MBT-G course (seed 002) has two participants play co-therapists at every meeting. A fair rota
gives everyone the part as evenly as possible, repeats no pair while another is possible, gives
nobody the part twice in a row where at least two others are there, and never names someone who
has announced an absence. Meetings the leader has already settled are kept as they are and
counted.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence, Set
from dataclasses import dataclass
from itertools import combinations
from typing import Generic, TypeVar

Person = TypeVar("Person", bound=Hashable)
CO_THERAPISTS = 2


@dataclass(frozen=True)
class Block:
    """A time block of a day plan, in minutes after midnight (09.00 is 540)."""

    start: int
    end: int
    label: str = ""

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Overlap:
    """Two blocks of a plan (by their index in it) that share `minutes` minutes, from `start`."""

    first: int
    second: int
    start: int
    minutes: int


def overlaps(blocks: Sequence[Block]) -> list[Overlap]:
    """Every pair of blocks that share time (touching ends do not), in order of the first block."""
    found = []
    for (i, a), (j, b) in combinations(enumerate(blocks), 2):
        start, end = max(a.start, b.start), min(a.end, b.end)
        if end > start:
            first, second = (i, j) if (a.start, i) <= (b.start, j) else (j, i)
            found.append(Overlap(first=first, second=second, start=start, minutes=end - start))
    return sorted(found, key=lambda overlap: (overlap.first, overlap.second))


def minutes_of(hours: int, minutes: int) -> int:
    return 60 * hours + minutes


# A patient's description is to be "not more than 5-10 lines" (seed 002); a line is what fits on a
# printed line of about 80 characters, so one long paragraph counts as the lines it fills.
DESCRIPTION_LINES = 10
LINE_WIDTH = 80


def lines(text: str, width: int = LINE_WIDTH) -> int:
    """The printed lines a text fills: each non-empty line, wrapped at `width` characters."""
    return sum(math.ceil(len(line.strip()) / width) for line in text.splitlines() if line.strip())


def too_long(text: str) -> bool:
    return lines(text) > DESCRIPTION_LINES


def propose_rota(
    people: Sequence[Person],
    meetings: int,
    *,
    absent: Mapping[int, Set[Person]] | None = None,
    fixed: Mapping[int, Sequence[Person]] | None = None,
    size: int = CO_THERAPISTS,
) -> list[tuple[Person, ...]]:
    """The co-therapists of each meeting (index 0 to meetings - 1), `size` people each where that
    many are present.

    Meetings in `fixed` keep their people. For the others, in order, the chosen are those with the
    fewest parts so far (so the parts stay within one of each other when nobody is absent); those
    who played at the previous meeting are left out while at least `size` others are present.
    Among the choices this leaves, a search finds a rota with the fewest repeated pairs (ties go
    to the order of `people`), looking at no more than `SEARCH_BUDGET` choices.
    """
    search: _RotaSearch[Person] = _RotaSearch(people, meetings, absent or {}, fixed or {}, size)
    search.run(0, 0)
    assert search.best is not None
    return search.best


SEARCH_BUDGET = 5_000


class _RotaSearch(Generic[Person]):
    def __init__(
        self,
        people: Sequence[Person],
        meetings: int,
        absent: Mapping[int, Set[Person]],
        fixed: Mapping[int, Sequence[Person]],
        size: int,
    ) -> None:
        self.people, self.meetings, self.absent, self.fixed, self.size = people, meetings, absent, fixed, size
        self.order = {person: index for index, person in enumerate(people)}
        self.counts: Counter[Person] = Counter({person: 0 for person in people})
        for chosen in fixed.values():
            self.counts.update(person for person in chosen if person in self.counts)
        self.pairs: Counter[frozenset[Person]] = Counter()
        for chosen in fixed.values():
            self.pairs.update(frozenset(pair) for pair in combinations(chosen, 2))
        self.rota: list[tuple[Person, ...]] = []
        self.best: list[tuple[Person, ...]] | None = None
        self.best_repeats = 0
        self.steps = 0

    def run(self, meeting: int, repeats: int) -> None:
        if self.best is not None and (repeats >= self.best_repeats or self.steps >= SEARCH_BUDGET):
            return
        if meeting == self.meetings:
            self.best, self.best_repeats = list(self.rota), repeats
            return
        if meeting in self.fixed:
            self._try(meeting, tuple(self.fixed[meeting]), repeats, count=False)
            return
        for option in self._options(meeting):
            self.steps += 1
            added = sum(self.pairs[frozenset(pair)] for pair in combinations(option, 2))
            self._try(meeting, option, repeats + added, count=True)
            if self.best is not None and (self.best_repeats == 0 or self.steps >= SEARCH_BUDGET):
                return

    def _try(self, meeting: int, chosen: tuple[Person, ...], repeats: int, *, count: bool) -> None:
        if count:
            self.counts.update(chosen)
            self.pairs.update(frozenset(pair) for pair in combinations(chosen, 2))
        self.rota.append(chosen)
        self.run(meeting + 1, repeats)
        self.rota.pop()
        if count:
            self.counts.subtract(chosen)
            self.pairs.subtract(frozenset(pair) for pair in combinations(chosen, 2))

    def _options(self, meeting: int) -> list[tuple[Person, ...]]:
        """The groups of people with the fewest parts (those below the `size`-th lowest count, then
        enough of those at it), least repeated first, then in the order of `people`."""
        present = [person for person in self.people if person not in self.absent.get(meeting, set())]
        previous = set(self.rota[-1]) if self.rota else set()
        rested = [person for person in present if person not in previous]
        pool = rested if len(rested) >= self.size else present
        size = min(self.size, len(pool))
        if size == 0:
            return [()]
        by_count = sorted(pool, key=lambda person: (self.counts[person], self.order[person]))
        threshold = self.counts[by_count[size - 1]]
        certain = tuple(person for person in by_count if self.counts[person] < threshold)
        tied = [person for person in by_count if self.counts[person] == threshold]
        options = [
            tuple(sorted(certain + rest, key=self.order.__getitem__))
            for rest in combinations(tied, size - len(certain))
        ]

        def cost(group: tuple[Person, ...]) -> tuple[int, list[int]]:
            repeats = sum(self.pairs[frozenset(pair)] for pair in combinations(group, 2))
            return repeats, [self.order[person] for person in group]

        return sorted(options, key=cost)
