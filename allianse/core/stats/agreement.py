"""Percent agreement: the share of rater pairs per segment that agree exactly or within one point.

Descriptive, not chance-corrected (see e.g. Gisev, Bell & Chen 2013, Research in Social and
Administrative Pharmacy 9(3), 330-338, on percent agreement next to ICC and kappa). Per segment,
all pairs of raters who both rated it count; the shares are averaged over the segments with at
least one pair, so missing ratings only remove pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .cube import matrix_cube, pair_differences, raters_per_item
from .errors import first_problem, raise_for_problem

WITHIN_ONE = 1.0  # "agreement within one point": ratings at most one scale point apart


@dataclass(frozen=True)
class Agreement:
    exact: float
    within_one: float


@dataclass(frozen=True)
class AgreementBatch:
    """Exact and within-one agreement of every item (NaN where `problem` is not empty)."""

    exact: np.ndarray
    within_one: np.ndarray
    problem: np.ndarray


def agreement(matrix: ArrayLike) -> Agreement:
    """Exact and within-one agreement of a targets x raters matrix (NaN = missing)."""
    batch = agreement_batch(matrix_cube(matrix))
    raise_for_problem(str(batch.problem[0]))
    return Agreement(exact=float(batch.exact[0]), within_one=float(batch.within_one[0]))


def agreement_batch(ratings: np.ndarray) -> AgreementBatch:
    """Exact and within-one agreement of every item of an items x targets x raters cube, worked
    out item by item: one item's pairs of raters fit in the processor's cache, a whole
    instrument's (items x targets x raters^2) do not, and take several times as long."""
    if ratings.shape[0] < 2:
        return _agreement_of_items(ratings)
    parts = [_agreement_of_items(ratings[item : item + 1]) for item in range(ratings.shape[0])]
    return AgreementBatch(
        exact=np.concatenate([part.exact for part in parts]),
        within_one=np.concatenate([part.within_one for part in parts]),
        problem=np.concatenate([part.problem for part in parts]),
    )


def _agreement_of_items(ratings: np.ndarray) -> AgreementBatch:
    differences = pair_differences(ratings)
    pairs = ~np.isnan(differences) & ~np.eye(ratings.shape[2], dtype=bool)
    pairs_per_target = pairs.sum(axis=(2, 3))
    targets_with_pairs = (pairs_per_target > 0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        exact, within_one = (
            np.nansum(((differences <= tolerance) & pairs).sum(axis=(2, 3)) / pairs_per_target, axis=1)
            / targets_with_pairs
            for tolerance in (0, WITHIN_ONE)
        )
    problem = first_problem(
        {"too_few_raters": raters_per_item(ratings) < 2, "no_pairable_units": targets_with_pairs == 0}
    )
    return AgreementBatch(exact=exact, within_one=within_one, problem=problem)
