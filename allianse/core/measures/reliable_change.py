"""How much a score must change to be more than measurement error: the reliable change.

Jacobson & Truax (1991): the reliable change index of a change x2 - x1 is (x2 - x1) / S_diff with
S_diff = sqrt(2 * SE^2) and SE = SD * sqrt(1 - r); a change is reliable when |RCI| > 1.96, i.e.
when it exceeds 1.96 * SD * sqrt(2 * (1 - r)). SD and r come, in this order of preference, from
the score's published norms in its definition, from the clinic's own first scores once at least a
set number of treatments have one (SD of the first scores, Cronbach's alpha of their items), or
there are none: then the rule is the definition's plain `reliable_change` of N points, which cites
nothing (`Basis.FIXED`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .definition import Instrument, Score
from .scoring import score_matrix, scored_items, scored_values

# The two-tailed 5% point of the normal distribution (Jacobson & Truax 1991).
Z_95 = 1.96


class Basis(StrEnum):
    """Where a reliable-change threshold comes from."""

    NORMS = "norms"  # the definition's published SD and reliability
    CLINIC = "clinic"  # the clinic's own first scores
    FIXED = "fixed"  # the definition's plain number of points; no index


@dataclass(frozen=True)
class ReliableChange:
    threshold: float
    basis: Basis
    sd: float | None = None
    reliability: float | None = None
    treatments: int | None = None  # how many first scores the clinic's figures rest on
    source: str | None = None  # the published norms' source


def rci_threshold(sd: float | np.ndarray, reliability: float | np.ndarray) -> float | np.ndarray:
    """1.96 * SD * sqrt(2 * (1 - r)): the smallest change that is reliable (Jacobson & Truax 1991)."""
    return Z_95 * np.asarray(sd) * np.sqrt(2.0 * (1.0 - np.asarray(reliability)))


def cronbach_alpha(items: np.ndarray) -> float:
    """Cronbach's alpha of a respondents x items matrix, complete rows only (listwise deletion):
    k / (k - 1) * (1 - sum of item variances / variance of the total), variances with n - 1."""
    complete = items[~np.isnan(items).any(axis=1)]
    k = complete.shape[1]
    if k < 2 or len(complete) < 2:
        return float("nan")
    total = complete.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - complete.var(axis=0, ddof=1).sum() / total))


def reliable_change(
    instrument: Instrument, score: Score, first_items: np.ndarray | None = None, min_treatments: int = 50
) -> ReliableChange:
    """The reliable change of `score`: from its norms; else from `first_items` (one row per
    treatment, the answers of its first response to the instrument's scored items, in
    `scored_items` order, NaN where unanswered) once at least `min_treatments` rows score; else
    the definition's fixed number of points. ValueError if the definition has none of these."""
    if score.norms is not None:
        norms = score.norms
        threshold = float(rci_threshold(norms.sd, norms.reliability))
        return ReliableChange(threshold, Basis.NORMS, norms.sd, norms.reliability, source=norms.source)
    clinic = _from_first_scores(instrument, score, first_items, min_treatments)
    if clinic is not None:
        return clinic
    if score.reliable_change is None:
        raise ValueError(f"Instrument '{instrument.key}': score '{score.id}' has neither norms nor reliable_change.")
    return ReliableChange(score.reliable_change, Basis.FIXED)


def _from_first_scores(
    instrument: Instrument, score: Score, first_items: np.ndarray | None, min_treatments: int
) -> ReliableChange | None:
    if first_items is None or len(first_items) < min_treatments:
        return None
    scores, _ = score_matrix(instrument, first_items)
    firsts = scores[score.id][~np.isnan(scores[score.id])]
    if len(firsts) < min_treatments:
        return None
    columns = [index for index, item in enumerate(scored_items(instrument)) if item.id in score.items]
    alpha = cronbach_alpha(scored_values(instrument, first_items)[:, columns])
    sd = float(firsts.std(ddof=1))
    if not (0.0 < alpha < 1.0) or sd == 0.0:
        return None
    return ReliableChange(float(rci_threshold(sd, alpha)), Basis.CLINIC, sd, alpha, treatments=len(firsts))
