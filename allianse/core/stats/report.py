"""The reliability report of observer ratings: per item ICCs, G- and D-study, alpha and agreement.

Each statistic is computed for all items at once (see the batch functions of this package); this
module only selects the parts and shapes one JSON-serialisable dict, with None for undefined
numbers. An item whose ratings do not allow the selected statistics gets an error entry instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from .agreement import agreement_batch
from .anova import TwoWayAnova, two_way_anova
from .cube import MAX_RATERS, RatingsCube, ratings_cube
from .errors import NO_PROBLEM, InsufficientData
from .gtheory import COMPONENTS, g_study_from_anova
from .icc import IccResult, icc_from_anova
from .interpretation import ALPHA_BANDS, ALPHA_RANGE, ICC_BANDS, icc_range, interval_band
from .krippendorff_alpha import LEVELS, alpha_batch, alpha_interval_batch
from .ratings_input import validate_ratings

METHODS = {"icc": ("icc",), "g": ("g",), "alpha": ("alpha",), "all": ("icc", "g", "alpha")}

Entry = dict[str, Any]
# A part of the report: per item a problem code ("" if none), and the item's entries by index.
Section = tuple[np.ndarray, Callable[[int], Entry]]


def reliability_report(
    frame: pd.DataFrame, *, method: str = "all", level: str = "interval", raters: int | None = None
) -> dict[str, Any]:
    """Report of a long-format frame (columns segment, rater, item, value; NaN = missing rating).

    `method` (icc, g, alpha or all) selects the statistics; agreement is always given. `level` is
    alpha's level of measurement; `raters` the largest D-study (default: the item's raters).
    Raises `MalformedRatings` for unusable input and ValueError for unknown options.
    """
    _check_options(method, level, raters)
    cube = ratings_cube(validate_ratings(frame))
    anova = cache(lambda: two_way_anova(cube.values))  # the ICCs and the G-study share the mean squares
    builders = {
        "icc": lambda: _icc_section(anova()),
        "g": lambda: _g_section(anova(), raters),
        "alpha": lambda: _alpha_section(cube.values, level),
    }
    sections = [
        _sizes_section(cube),
        *(builders[name]() for name in METHODS[method]),
        _agreement_section(cube.values),
    ]
    items = {name: _item_entry(index, sections) for index, name in enumerate(cube.items)}
    return {"items": items, "method": method, "level": level}


def _check_options(method: str, level: str, raters: int | None) -> None:
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; expected one of {', '.join(METHODS)}.")
    if level not in LEVELS:
        raise ValueError(f"Unknown level {level!r}; expected one of {', '.join(LEVELS)}.")
    if raters is not None and not 1 <= raters <= MAX_RATERS:
        raise ValueError(f"The D-study takes from 1 to {MAX_RATERS} raters, not {raters}.")


def _item_entry(index: int, sections: list[Section]) -> Entry:
    problem = next((str(problems[index]) for problems, _ in sections if problems[index] != NO_PROBLEM), None)
    if problem:
        return {"error": {"code": problem, "message": InsufficientData.MESSAGES[problem]}}
    entry: Entry = {}
    for _, build in sections:
        entry.update(build(index))
    return entry


def _sizes_section(cube: RatingsCube) -> Section:
    segments, raters = cube.rated_segments, cube.raters

    def entry(index: int) -> Entry:
        return {"n_segments": int(segments[index]), "n_raters": int(raters[index])}

    return np.full(len(cube.items), NO_PROBLEM), entry


def _icc_section(anova: TwoWayAnova) -> Section:
    batch = icc_from_anova(anova)

    def entry(index: int) -> Entry:
        raters = int(batch.anova.n_raters[index])
        forms = {
            name: _icc_json(estimates.result(index), icc_range(raters, average=name.endswith("k")))
            for name, estimates in batch.forms.items()
        }
        return {
            "n_used": int(batch.anova.n_targets[index]),
            "dropped_segments": int(batch.anova.dropped_targets[index]),
            **forms,
        }

    return batch.anova.problem, entry


def _g_section(anova: TwoWayAnova, raters: int | None) -> Section:
    batch = g_study_from_anova(anova)
    relative, absolute = batch.d_study(raters or int(batch.anova.n_raters.max(initial=1)))

    def entry(index: int) -> Entry:
        study = batch.study(index)
        components = {name: _number(getattr(study, name)) for name in COMPONENTS}
        return {
            "dropped_segments": study.dropped_targets,
            "g_study": {**components, "zeroed": list(study.zeroed)},
            "d_study": [
                {
                    "raters": row + 1,
                    "relative": _number(relative[index, row]),
                    "absolute": _number(absolute[index, row]),
                }
                for row in range(raters or study.n_raters)
            ],
        }

    return batch.anova.problem, entry


def _alpha_section(values: np.ndarray, level: str) -> Section:
    batch = alpha_batch(values, level)
    lower, upper = alpha_interval_batch(values, level)

    def entry(index: int) -> Entry:
        alpha = _number(batch.value[index])
        interval = [_number(lower[index]), _number(upper[index])]
        return {
            "alpha": alpha,
            "alpha_ci95": interval,
            "alpha_band": interval_band(alpha, interval, ALPHA_BANDS, ALPHA_RANGE),
        }

    return batch.problem, entry


def _agreement_section(values: np.ndarray) -> Section:
    batch = agreement_batch(values)

    def entry(index: int) -> Entry:
        return {
            "exact_agreement": _number(batch.exact[index]),
            "within_one": _number(batch.within_one[index]),
        }

    return batch.problem, entry


def _icc_json(result: IccResult, possible: tuple[float, float]) -> Entry:
    """One ICC form; `band` is read from its interval (`interpretation.interval_band`)."""
    value = _number(result.value)
    interval = [_number(bound) for bound in result.ci95]
    return {
        "value": value,
        "F": _number(result.F),
        "df1": result.df1,
        "df2": result.df2,
        "p": _number(result.p),
        "ci95": interval,
        "band": interval_band(value, interval, ICC_BANDS, possible),
    }


def _number(value: float) -> float | None:
    """A JSON-safe number: None for NaN and infinity."""
    number = float(value)
    return number if math.isfinite(number) else None
