"""A validated series in treatment order, with the per-session features the rules read.

All treatments are handled at once with numpy and pandas: `validate_series` puts the rows in
treatment order, so each treatment is a contiguous block of rows, and every feature is computed
from cumulative sums and running maxima within those blocks. A treatment's features depend only
on its own rows, so one series alone gives bit-for-bit the same features as the same series
inside a million-row data set.

Positions count rows: each row is a planned session, attended or missed, so "within m sessions"
means within the next m rows of the treatment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rules import Scales
from .series_input import validate_series


def prepare_series(frame: pd.DataFrame, scales: Scales) -> pd.DataFrame:
    """The series validated on `scales`, in treatment order, with its features (see `add_features`)."""
    return add_features(validate_series(frame, scales))


def add_features(series: pd.DataFrame) -> pd.DataFrame:
    """Add to a validated series `start` and `end` (the first and last row of the treatment),
    `n_ref`, `ref_mean`, `ref_sd` and `previous`.

    The reference is the mean and SD (n - 1) of the treatment's EARLIER scored sessions only
    (online detection: a session never sees later ones); `previous` is the alliance of the
    latest earlier scored session.
    """
    start, end = _block_bounds(series["treatment"].to_numpy())
    alliance = series["alliance"].to_numpy()
    scored = ~np.isnan(alliance)
    sums = _sums_before(start, scored, np.where(scored, alliance, 0.0))
    before = last_before(scored, start)
    return series.assign(
        start=start,
        end=end,
        n_ref=sums["n"],
        ref_mean=sums["mean"],
        ref_sd=sums["sd"],
        previous=np.where(before >= 0, alliance[before], np.nan),
    )


def mean_of_first(series: pd.DataFrame, column: str, count: int) -> np.ndarray:
    """At the row holding a treatment's `count`-th scored value of `column`, the mean of its first
    `count` scored values; NaN in every other row."""
    values = series[column].to_numpy()
    scored = ~np.isnan(values)
    parts = pd.DataFrame({"n": scored.astype(float), "s": np.where(scored, values, 0.0)})
    n, total = parts.groupby(series["start"].to_numpy(), sort=False).cumsum().to_numpy().T
    return np.where(scored & (n == count), total / count, np.nan)


def last_before(mask: np.ndarray, start: np.ndarray) -> np.ndarray:
    """For each row, the index of the latest earlier row of its treatment where `mask` holds; -1 if none."""
    latest = np.maximum.accumulate(np.where(mask, np.arange(len(mask)), -1))
    before = np.concatenate(([-1], latest[:-1]))
    return np.where(before >= start, before, -1)


def _block_bounds(treatment: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first and last row index of each row's treatment block."""
    opens_block = np.ones(len(treatment), dtype=bool)
    opens_block[1:] = treatment[1:] != treatment[:-1]
    firsts = np.flatnonzero(opens_block)
    sizes = np.diff(np.append(firsts, len(treatment)))
    return np.repeat(firsts, sizes), np.repeat(firsts + sizes - 1, sizes)


def _sums_before(start: np.ndarray, scored: np.ndarray, values: np.ndarray) -> dict[str, np.ndarray]:
    """Count, mean and SD of the scored values in earlier rows of each treatment."""
    parts = pd.DataFrame({"n": scored.astype(float), "s": values, "q": values * values})
    running = parts.groupby(start, sort=False).cumsum().to_numpy() - parts.to_numpy()
    n, total, squares = running.T
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / n, np.nan)
        variance = np.where(n > 1, (squares - total * mean) / (n - 1), np.nan)
    return {"n": n.astype(int), "mean": mean, "sd": np.sqrt(np.clip(variance, 0.0, None))}
