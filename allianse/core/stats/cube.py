"""The ratings cube: one float array items x targets (segments) x raters, NaN = no rating.

Every batch statistic of this package takes such a cube, so one item and a whole instrument go
through the same vectorised arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike


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
    values = np.full((len(items), len(segments), len(raters)), np.nan)
    values[item_codes, segment_codes, rater_codes] = frame["value"].to_numpy(dtype=float)
    return RatingsCube(
        items=tuple(str(item) for item in items), values=values, rater_names=tuple(str(rater) for rater in raters)
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
