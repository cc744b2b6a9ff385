"""Two-way ANOVA mean squares (targets x raters, one rating per cell) for many items at once.

The mean squares of Shrout & Fleiss (1979), Psychological Bulletin 86(2), 420-428, which are also
the inputs of the p x r G-study (Brennan 2001, Generalizability Theory). Missing values are handled
listwise per item: raters without any rating of the item are not counted, and a segment missing a
rating of a counted rater is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import first_problem


@dataclass(frozen=True)
class TwoWayAnova:
    """Arrays over items: sizes, mean squares and a problem code ("" if the item can be analysed)."""

    n_targets: np.ndarray
    n_raters: np.ndarray
    dropped_targets: np.ndarray
    bms: np.ndarray
    wms: np.ndarray
    jms: np.ndarray
    ems: np.ndarray
    problem: np.ndarray


def two_way_anova(ratings: np.ndarray) -> TwoWayAnova:
    """Mean squares BMS, WMS, JMS, EMS of every item of an items x targets x raters cube."""
    observed = ~np.isnan(ratings)
    counted_raters = observed.any(axis=1)
    rated = observed.any(axis=2)
    complete = rated & (observed | ~counted_raters[:, np.newaxis, :]).all(axis=2)
    used = complete[:, :, np.newaxis] & counted_raters[:, np.newaxis, :]
    n = complete.sum(axis=1).astype(float)
    k = counted_raters.sum(axis=1).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(used, ratings, 0.0)
        grand_mean = (values.sum(axis=(1, 2)) / (n * k))[:, np.newaxis]
        row_means = values.sum(axis=2) / k[:, np.newaxis]
        column_effects = values.sum(axis=1) / n[:, np.newaxis] - grand_mean
        within = values - row_means[:, :, np.newaxis]
        residuals = within - column_effects[:, np.newaxis, :]
        highest = np.where(used, ratings, -np.inf).max(axis=(1, 2))
        lowest = np.where(used, ratings, np.inf).min(axis=(1, 2))
        noise = _ROUNDING * (highest - lowest) ** 2
        return TwoWayAnova(
            n_targets=n.astype(int),
            n_raters=k.astype(int),
            dropped_targets=(rated & ~complete).sum(axis=1),
            bms=_snap(k * _squares(row_means - grand_mean, complete) / (n - 1), noise),
            wms=_snap(_squares(within, used) / (n * (k - 1)), noise),
            jms=_snap(n * _squares(column_effects, counted_raters) / (k - 1), noise),
            ems=_snap(_squares(residuals, used) / ((n - 1) * (k - 1)), noise),
            problem=first_problem(
                {"too_few_raters": k < 2, "too_few_targets": n < 2, "no_variance": highest == lowest}
            ),
        )


# A mean square this small against the squared range of the ratings is floating-point residue of
# an exact zero (e.g. raters who differ only by a constant); left in, it turns F into ~1e15 and
# makes the result depend on the order of summation.
_ROUNDING = 1e-12


def _snap(mean_squares: np.ndarray, noise: np.ndarray) -> np.ndarray:
    return np.where(np.abs(mean_squares) <= noise, 0.0, mean_squares)


def _squares(deviations: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per item, the sum of squared deviations where `mask` holds (deviations computed directly,
    not as differences of sums of squares, so that perfect agreement gives exactly zero)."""
    return np.where(mask, deviations**2, 0.0).reshape(len(deviations), -1).sum(axis=1)
