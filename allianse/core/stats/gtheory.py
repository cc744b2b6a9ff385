"""Generalizability theory, crossed persons x raters (p x r) design: G-study and D-study.

Sources: Brennan, R. L. (2001). Generalizability Theory. Springer; Shavelson, R. J., & Webb, N. M.
(1991). Generalizability Theory: A Primer. Variance components from the two-way ANOVA:
var_p = (MS_p - MS_pr,e) / n_r, var_r = (MS_r - MS_pr,e) / n_p, var_pr = MS_pr,e; negative
estimates are set to 0 (Cronbach's convention) and reported. D-study with n'_r raters: relative
G-coefficient var_p / (var_p + var_pr / n'_r) and absolute one (dependability, as reported by
Folmo et al. 2017) var_p / (var_p + (var_r + var_pr) / n'_r).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .anova import TwoWayAnova, two_way_anova
from .cube import matrix_cube
from .errors import raise_for_problem

COMPONENTS = ("var_p", "var_r", "var_pr")


@dataclass(frozen=True)
class DStudyRow:
    raters: int
    relative: float
    absolute: float


@dataclass(frozen=True)
class GStudy:
    var_p: float
    var_r: float
    var_pr: float
    zeroed: tuple[str, ...]
    n_targets: int
    n_raters: int
    dropped_targets: int

    def d_study(self, max_raters: int | None = None) -> list[DStudyRow]:
        """G-coefficients for 1 .. max_raters raters (default: the raters of the G-study)."""
        raters = np.arange(1, (max_raters or self.n_raters) + 1)
        relative, absolute = g_coefficients(np.array([self.var_p, self.var_r, self.var_pr]), raters)
        return [
            DStudyRow(raters=int(count), relative=float(rel), absolute=float(abs_))
            for count, rel, abs_ in zip(raters, relative, absolute, strict=True)
        ]


@dataclass(frozen=True)
class GStudyBatch:
    """Variance components of every item: `components[:, j]` is COMPONENTS[j]."""

    anova: TwoWayAnova
    components: np.ndarray
    zeroed: np.ndarray

    def d_study(self, max_raters: int) -> tuple[np.ndarray, np.ndarray]:
        """Relative and absolute G-coefficients, items x (1 .. max_raters raters)."""
        return g_coefficients(self.components, np.arange(1, max_raters + 1))

    def study(self, index: int) -> GStudy:
        var_p, var_r, var_pr = (float(value) for value in self.components[index])
        return GStudy(
            var_p=var_p,
            var_r=var_r,
            var_pr=var_pr,
            zeroed=tuple(name for name, zero in zip(COMPONENTS, self.zeroed[index], strict=True) if zero),
            n_targets=int(self.anova.n_targets[index]),
            n_raters=int(self.anova.n_raters[index]),
            dropped_targets=int(self.anova.dropped_targets[index]),
        )


def g_study(matrix: ArrayLike) -> GStudy:
    """p x r G-study of a targets x raters matrix (NaN = missing; incomplete targets are dropped)."""
    batch = g_study_batch(matrix_cube(matrix))
    raise_for_problem(str(batch.anova.problem[0]))
    return batch.study(0)


def g_study_batch(ratings: np.ndarray) -> GStudyBatch:
    """p x r G-study of every item of an items x targets x raters cube, vectorised over items."""
    return g_study_from_anova(two_way_anova(ratings))


def g_study_from_anova(anova: TwoWayAnova) -> GStudyBatch:
    """p x r G-study from the mean squares of `two_way_anova` (shared with the ICCs)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        estimates = np.stack(
            [
                (anova.bms - anova.ems) / anova.n_raters,
                (anova.jms - anova.ems) / anova.n_targets,
                anova.ems,
            ],
            axis=1,
        )
    return GStudyBatch(anova=anova, components=np.maximum(estimates, 0.0), zeroed=estimates < 0)


def g_coefficients(components: np.ndarray, raters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relative and absolute G-coefficients for each count in `raters` (last axis of the result).

    `components` holds var_p, var_r, var_pr on its last axis.
    """
    var_p, var_r, var_pr = (components[..., j, np.newaxis] for j in range(len(COMPONENTS)))
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = var_p / (var_p + var_pr / raters)
        absolute = var_p / (var_p + (var_r + var_pr) / raters)
    return relative, absolute
