"""Krippendorff's alpha for nominal, ordinal, interval and ratio data, with missing values.

Sources: Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Working paper,
https://repository.upenn.edu/asc_papers/43; Hayes, A. F., & Krippendorff, K. (2007). Answering the
call for a standard reliability measure for coding data. Communication Methods and Measures, 1,
77-89. alpha = 1 - D_o / D_e from the coincidence matrix of the pairable values (units with at
least two values): D_o / D_e = (n - 1) * sum(o_ck * delta_ck) / sum(n_c * n_k * delta_ck).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .cube import raters_per_item
from .errors import NO_PROBLEM, first_problem, raise_for_problem

LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class AlphaBatch:
    """Alpha of every item (NaN where `problem` is not empty)."""

    value: np.ndarray
    problem: np.ndarray


def krippendorff_alpha(reliability_data: ArrayLike, level: str = "interval") -> float:
    """Alpha of a raters x units matrix (NaN = missing), as in Krippendorff (2011)."""
    data = np.asarray(reliability_data, dtype=float)
    if data.ndim != 2:
        raise ValueError(f"Expected a 2-D raters x units matrix, got {data.ndim} dimension(s).")
    batch = alpha_batch(data.T[np.newaxis], level)
    raise_for_problem(str(batch.problem[0]))
    return float(batch.value[0])


def alpha_batch(ratings: np.ndarray, level: str = "interval") -> AlphaBatch:
    """Alpha of every item of an items x units x raters cube, vectorised over items."""
    if level not in LEVELS:
        raise ValueError(f"Unknown level of measurement {level!r}; expected one of {', '.join(LEVELS)}.")
    domain, counts = _value_counts(ratings)
    coincidences = _coincidences(counts)
    totals = coincidences.sum(axis=2)
    n = totals.sum(axis=1)
    delta = _differences(domain, totals, level)
    observed = (coincidences * delta).sum(axis=(1, 2))
    expected = (totals[:, :, np.newaxis] * delta * totals[:, np.newaxis, :]).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 1 - (n - 1) * observed / expected
    problem = first_problem(
        {
            "too_few_raters": raters_per_item(ratings) < 2,
            "no_pairable_units": n == 0,
            "no_variance": expected == 0,
        }
    )
    return AlphaBatch(value=np.where(problem == NO_PROBLEM, value, np.nan), problem=problem)


BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 2004  # fixed: the same ratings always give the same interval
CHUNK_CELLS = 4_000_000  # bounds the memory of one step of the bootstrap (floats)


def alpha_interval_batch(
    ratings: np.ndarray, level: str = "interval", resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """95% percentile bootstrap interval of every item's alpha (lower, upper; NaN where undefined).

    The units (segments) are resampled with replacement, the same draws for every item. A unit
    contributes its observed disagreement and its pairable values, so a resample is a weighted sum
    over the units (one matrix product), not a recomputation from the ratings. The distances are
    those of the whole sample (for ordinal data: the ranks of the observed values).
    """
    if level not in LEVELS:
        raise ValueError(f"Unknown level of measurement {level!r}; expected one of {', '.join(LEVELS)}.")
    items, units = ratings.shape[:2]
    lower, upper = np.full(items, np.nan), np.full(items, np.nan)
    defined = np.flatnonzero(alpha_batch(ratings, level).problem == NO_PROBLEM)
    if defined.size == 0:
        return lower, upper
    domain, counts = _value_counts(ratings[defined])
    per_unit = counts.sum(axis=2, keepdims=True)
    with np.errstate(divide="ignore"):
        weights = np.where(per_unit >= 2, 1 / (per_unit - 1), 0.0)
    pairable = counts * (per_unit >= 2)
    delta = _differences(domain, pairable.sum(axis=1), level)
    if delta.ndim == 2:
        observed = ((counts * weights) * (counts @ delta)).sum(axis=2)
    else:  # ordinal: one distance matrix per item
        observed = ((counts * weights) * np.matmul(counts, delta)).sum(axis=2)
    per_unit_sums = np.concatenate([observed[..., np.newaxis], pairable], axis=2)
    draws = np.random.default_rng(seed).integers(0, units, size=(resamples, units))
    alphas = np.concatenate(
        [_resampled_alphas(per_unit_sums, delta, chunk) for chunk in _chunks(draws, per_unit_sums.shape)], axis=1
    )
    with np.errstate(all="ignore"):
        lower[defined], upper[defined] = _quantile(alphas, 0.025), _quantile(alphas, 0.975)
    return lower, upper


def _chunks(draws: np.ndarray, shape: tuple[int, ...]) -> list[np.ndarray]:
    items, units, width = shape
    size = max(1, CHUNK_CELLS // max(units, items * width))
    return [draws[start : start + size] for start in range(0, len(draws), size)]


def _resampled_alphas(per_unit_sums: np.ndarray, delta: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """Alpha of each item (rows) in each resample (columns) of `draws` (resamples x units)."""
    items, units, width = per_unit_sums.shape
    rows = np.repeat(np.arange(len(draws)), units) * units
    multiplicity = np.bincount(rows + draws.ravel(), minlength=len(draws) * units).reshape(len(draws), units)
    summed = multiplicity.astype(float) @ per_unit_sums.transpose(1, 0, 2).reshape(units, items * width)
    summed = summed.reshape(len(draws), items, width).transpose(1, 0, 2)
    observed, totals = summed[..., 0], summed[..., 1:]
    n = totals.sum(axis=2)
    item_delta = delta if delta.ndim == 2 else delta[:, np.newaxis]
    expected = (np.matmul(totals[..., np.newaxis, :], item_delta) @ totals[..., np.newaxis])[..., 0, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((n > 0) & (expected > 0), 1 - (n - 1) * observed / expected, np.nan)


def _quantile(alphas: np.ndarray, share: float) -> np.ndarray:
    """Per item, the quantile over the resamples that have an alpha (NaN if none has)."""
    missing = np.isnan(alphas)
    if not missing.any():
        return np.quantile(alphas, share, axis=1)
    usable = ~missing.all(axis=1)
    result = np.full(alphas.shape[0], np.nan)
    result[usable] = np.nanquantile(alphas[usable], share, axis=1)
    return result


def _value_counts(ratings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values, and per item and unit how often each occurs (items x units x values)."""
    observed = ~np.isnan(ratings)
    domain = np.unique(ratings[observed])
    item, unit, _ = np.nonzero(observed)
    codes = np.searchsorted(domain, ratings[observed])
    items, units = ratings.shape[:2]
    flat = (item * units + unit) * domain.size + codes
    counts = np.bincount(flat, minlength=items * units * domain.size)
    return domain, counts.reshape(items, units, domain.size).astype(float)


def _coincidences(counts: np.ndarray) -> np.ndarray:
    """Coincidence matrices o_ck (items x values x values): value pairs within units, each over m_u - 1."""
    per_unit = counts.sum(axis=2, keepdims=True)
    with np.errstate(divide="ignore"):
        weights = np.where(per_unit >= 2, 1 / (per_unit - 1), 0.0)
    weighted = counts * weights
    pairs = np.matmul(weighted.transpose(0, 2, 1), counts)
    self_pairs = weighted.sum(axis=1)
    return pairs - self_pairs[:, :, np.newaxis] * np.eye(counts.shape[2])


def _differences(domain: np.ndarray, totals: np.ndarray, level: str) -> np.ndarray:
    """Squared difference delta^2_ck (broadcastable to items x values x values)."""
    if level == "nominal":
        return 1 - np.eye(domain.size)
    if level == "ordinal":
        # Krippendorff's (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2 is the squared distance of mid-ranks.
        return _squared_distances(np.cumsum(totals, axis=1) - totals / 2)
    if level == "interval":
        return _squared_distances(domain)
    sums = domain[:, np.newaxis] + domain[np.newaxis, :]
    ratios = np.divide(domain[:, np.newaxis] - domain[np.newaxis, :], sums, out=np.zeros_like(sums), where=sums != 0)
    return ratios**2


def _squared_distances(positions: np.ndarray) -> np.ndarray:
    return (positions[..., :, np.newaxis] - positions[..., np.newaxis, :]) ** 2
