"""The ratings cube: one float array items x targets (segments) x raters, NaN = no rating.

Every batch statistic of this package takes such a cube, so one item and a whole instrument go
through the same vectorised arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .errors import MalformedRatings

# Bounds on what one analysis may ask for. Agreement compares every pair of raters on every
# segment of every item (`pair_differences`), so memory grows with items x segments x raters^2:
# 20 million such cells take 160 MB per float array, a few of which exist at once. Real studies
# (a dozen items, a few hundred segments, a handful of raters) stay far below both bounds.
MAX_RATERS = 1_000
MAX_PAIR_CELLS = 20_000_000


@dataclass(frozen=True)
class RatingsCube:
    items: tuple[str, ...]
    values: np.ndarray
    rater_names: tuple[str, ...]  # the raters along the last axis

    @property
    def rated_segments(self) -> np.ndarray:
        """Per item: the number of segments with at least one rating."""
        return (~np.isnan(self.values)).any(axis=2).sum(axis=1)

    @property
    def raters(self) -> np.ndarray:
        """Per item: the number of raters with at least one rating."""
        return raters_per_item(self.values)


def ratings_cube(frame: pd.DataFrame) -> RatingsCube:
    """Cube of a checked long-format frame (columns segment, rater, item, value; see `validate_ratings`)."""
    item_codes, items = pd.factorize(frame["item"], sort=True)
    segment_codes, segments = pd.factorize(frame["segment"], sort=True)
    rater_codes, raters = pd.factorize(frame["rater"], sort=True)
    check_size(len(items), len(segments), len(raters))
    values = np.full((len(items), len(segments), len(raters)), np.nan)
    values[item_codes, segment_codes, rater_codes] = frame["value"].to_numpy(dtype=float)
    return RatingsCube(
        items=tuple(str(item) for item in items), values=values, rater_names=tuple(str(rater) for rater in raters)
    )


def check_size(items: int, segments: int, raters: int) -> None:
    """Raise `MalformedRatings` ("too_large") for more raters or rater pairs than the bounds above."""
    if raters > MAX_RATERS:
        raise MalformedRatings("too_large", f"There are {raters} raters; at most {MAX_RATERS} can be analysed.")
    if items * segments * raters * raters > MAX_PAIR_CELLS:
        raise MalformedRatings(
            "too_large",
            f"{items} items x {segments} segments x {raters} raters x {raters} raters is more than "
            f"{MAX_PAIR_CELLS:,} pairs of ratings; analyse fewer items or segments at a time.",
        )


def matrix_cube(matrix: ArrayLike) -> np.ndarray:
    """Cube holding one item: a targets x raters matrix (NaN = missing)."""
    values = np.asarray(matrix, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"Expected a 2-D targets x raters matrix, got {values.ndim} dimension(s).")
    return values[np.newaxis]


def pair_differences(ratings: np.ndarray) -> np.ndarray:
    """items x targets x raters x raters: |rating of rater a - rating of rater b| of every pair of
    raters on every target (NaN where either rating is missing; the diagonal compares a rater
    with themselves)."""
    return np.abs(ratings[..., :, np.newaxis] - ratings[..., np.newaxis, :])


def raters_per_item(ratings: np.ndarray) -> np.ndarray:
    """Per item of a cube: the number of raters with at least one rating."""
    return (~np.isnan(ratings)).any(axis=1).sum(axis=1)
