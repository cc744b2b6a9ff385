"""Cross-checks a JSON Schema cannot express: references, ranges, overlaps."""

from __future__ import annotations

from .definition import Condition, DefinitionError, Instrument, Item


def check_consistency(instrument: Instrument, source: str) -> None:
    _check_unique_ids(instrument, source)
    section_ids = {section.id for section in instrument.sections}
    seen: dict[str, Item] = {}
    for item in instrument.items:
        where = f"item '{item.id}'"
        if item.section is not None and item.section not in section_ids:
            raise DefinitionError(source, where, f"section '{item.section}' is not defined")
        if item.type == "scale":
            _check_scale(item, source, where)
        if item.shown_when is not None:
            _check_condition(item.shown_when, seen, source, where)
        seen[item.id] = item
    _check_scores(instrument, source)
    _check_bands(instrument, source)
    _check_roles(instrument, source)
    _check_wordings(instrument, source)


def _check_unique_ids(instrument: Instrument, source: str) -> None:
    for kind, ids in (
        ("item", [item.id for item in instrument.items]),
        ("score", [score.id for score in instrument.scores]),
        ("section", [section.id for section in instrument.sections]),
    ):
        duplicates = sorted({identifier for identifier in ids if ids.count(identifier) > 1})
        if duplicates:
            raise DefinitionError(source, f"{kind} '{duplicates[0]}'", "the id is used twice")


def _check_scale(item: Item, source: str, where: str) -> None:
    low, high = item.bounds
    if low >= high:
        raise DefinitionError(source, where, f"min ({low}) must be below max ({high})")
    outside = [value for value in item.anchors if not low <= value <= high]
    if outside:
        raise DefinitionError(source, where, f"anchor {outside[0]} lies outside {low}–{high}")
    if low not in item.anchors or high not in item.anchors:
        raise DefinitionError(source, where, "anchors must describe both ends of the scale")


def _check_condition(condition: Condition, earlier: dict[str, Item], source: str, where: str) -> None:
    target = earlier.get(condition.item)
    if target is None:
        raise DefinitionError(source, where, f"shown_when names '{condition.item}', not an earlier item")
    expected = {"yes_no": bool, "scale": int, "choice": str}.get(target.type)
    if expected is None or type(condition.equals) is not expected:
        raise DefinitionError(source, where, f"shown_when value does not fit item '{target.id}' ({target.type})")


def _check_scores(instrument: Instrument, source: str) -> None:
    item_ids = {item.id for item in instrument.items}
    for score in instrument.scores:
        where = f"score '{score.id}'"
        for item_id in score.items:
            if item_id not in item_ids:
                raise DefinitionError(source, where, f"item '{item_id}' is not defined")
            if instrument.item(item_id).type not in ("scale", "yes_no"):
                raise DefinitionError(source, where, f"item '{item_id}' is not a scale or yes/no item")
        if score.min_answered > len(score.items):
            raise DefinitionError(source, where, "min_answered exceeds the number of items")
    if sum(score.primary for score in instrument.scores) > 1:
        raise DefinitionError(source, "scores", "only one score can be primary")


def _check_bands(instrument: Instrument, source: str) -> None:
    scores = {score.id: score for score in instrument.scores}
    for score_id, ranges in instrument.bands.items():
        where = f"bands of '{score_id}'"
        if score_id not in scores:
            raise DefinitionError(source, where, "no such score")
        low, high = instrument.score_range(scores[score_id])
        ordered = sorted(ranges, key=lambda band: band.min)
        for band in ordered:
            if band.min >= band.max or band.min < low or band.max > high:
                raise DefinitionError(source, where, f"range '{band.id}' must lie within {low:g}–{high:g}")
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after.min < before.max:
                raise DefinitionError(source, where, f"ranges '{before.id}' and '{after.id}' overlap")


def _check_roles(instrument: Instrument, source: str) -> None:
    """A role names either items or scores, never both, so a look-up by role is never ambiguous."""
    item_roles = {role for item in instrument.items for role in item.roles}
    both = sorted(item_roles & {role for score in instrument.scores for role in score.roles})
    if both:
        raise DefinitionError(source, f"role '{both[0]}'", "is given to an item and to a score")


def _check_wordings(instrument: Instrument, source: str) -> None:
    """Another respondent's wording names only sections and items the definition has."""
    defined = {
        "sections": {section.id for section in instrument.sections},
        "items": {item.id for item in instrument.items},
    }
    for respondent, wording in instrument.wordings.items():
        for kind, ids in defined.items():
            unknown = sorted(set(wording.get(kind, {})) - ids)
            if unknown:
                raise DefinitionError(source, f"wordings.{respondent}", f"{kind[:-1]} '{unknown[0]}' is not defined")
