"""Intraclass correlations in the six forms of Shrout & Fleiss (1979), for many items at once.

Sources: Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater
reliability. Psychological Bulletin, 86(2), 420-428 (point estimates, F tests, intervals);
McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass correlation
coefficients. Psychological Methods, 1(1), 30-46 (names ICC(1), ICC(A,1), ICC(C,1); the interval of
ICC(A,1) with Satterthwaite's df, as in R psych::ICC).

Shrout-Fleiss name = McGraw-Wong name: ICC1 = ICC(1), ICC2 = ICC(A,1), ICC3 = ICC(C,1), and the
average-measure forms ICC1k, ICC2k = ICC(A,k), ICC3k = ICC(C,k).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import f as f_distribution

from .anova import TwoWayAnova, two_way_anova
from .cube import matrix_cube
from .errors import raise_for_problem

FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
UPPER_QUANTILE = 0.975  # two-sided 95% intervals


@dataclass(frozen=True)
class IccResult:
    """One ICC form of one item; NaN where undefined (e.g. an interval when raters agree perfectly)."""

    value: float
    F: float
    df1: int
    df2: int
    p: float
    ci95: tuple[float, float]


@dataclass(frozen=True)
class IccTable:
    n_targets: int
    n_raters: int
    dropped_targets: int
    forms: dict[str, IccResult]


@dataclass(frozen=True)
class IccEstimates:
    """One ICC form for every item (arrays over items)."""

    value: np.ndarray
    F: np.ndarray
    df1: np.ndarray
    df2: np.ndarray
    p: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray

    def result(self, index: int) -> IccResult:
        return IccResult(
            value=float(self.value[index]),
            F=float(self.F[index]),
            df1=int(self.df1[index]),
            df2=int(self.df2[index]),
            p=float(self.p[index]),
            ci95=(float(self.ci_lower[index]), float(self.ci_upper[index])),
        )


@dataclass(frozen=True)
class IccBatch:
    """All six forms for every item; `anova.problem` says which items cannot be analysed."""

    anova: TwoWayAnova
    forms: dict[str, IccEstimates]

    def table(self, index: int) -> IccTable:
        return IccTable(
            n_targets=int(self.anova.n_targets[index]),
            n_raters=int(self.anova.n_raters[index]),
            dropped_targets=int(self.anova.dropped_targets[index]),
            forms={name: estimates.result(index) for name, estimates in self.forms.items()},
        )


def icc(matrix: ArrayLike) -> IccTable:
    """All six ICC forms of a targets x raters matrix (NaN = missing; incomplete targets are dropped).

    Raises `InsufficientData` with fewer than two raters or complete targets, or identical ratings.
    """
    batch = icc_batch(matrix_cube(matrix))
    raise_for_problem(str(batch.anova.problem[0]))
    return batch.table(0)


def icc_batch(ratings: np.ndarray) -> IccBatch:
    """All six ICC forms of every item of an items x targets x raters cube, vectorised over items."""
    return icc_from_anova(two_way_anova(ratings))


def icc_from_anova(anova: TwoWayAnova) -> IccBatch:
    """All six ICC forms from the mean squares of `two_way_anova` (shared with the G-study)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        icc1, icc1k = _f_test_forms(anova, anova.wms, anova.n_targets * (anova.n_raters - 1))
        icc3, icc3k = _f_test_forms(anova, anova.ems, (anova.n_targets - 1) * (anova.n_raters - 1))
        icc2, icc2k = _absolute_agreement_forms(anova, icc3)
    forms = dict(zip(FORMS, (icc1, icc2, icc3, icc1k, icc2k, icc3k), strict=True))
    return IccBatch(anova=anova, forms=forms)


def _f_test_forms(anova: TwoWayAnova, error_ms: np.ndarray, df2: np.ndarray) -> tuple[IccEstimates, IccEstimates]:
    """ICC(1) (error = WMS) or ICC(C) (error = EMS), single and average, with exact F intervals."""
    k = anova.n_raters
    df1 = anova.n_targets - 1
    f_value = anova.bms / error_ms
    f_lower = f_value / f_distribution.ppf(UPPER_QUANTILE, df1, df2)
    f_upper = f_value * f_distribution.ppf(UPPER_QUANTILE, df2, df1)
    test = {"F": f_value, "df1": df1, "df2": df2, "p": f_distribution.sf(f_value, df1, df2)}
    # (F - 1) / (F + k - 1) written as 1 - k / (F + k - 1), so that F = infinity gives 1.
    single = IccEstimates(
        value=(anova.bms - error_ms) / (anova.bms + (k - 1) * error_ms),
        ci_lower=1 - k / (f_lower + k - 1),
        ci_upper=1 - k / (f_upper + k - 1),
        **test,
    )
    average = IccEstimates(
        value=(anova.bms - error_ms) / anova.bms, ci_lower=1 - 1 / f_lower, ci_upper=1 - 1 / f_upper, **test
    )
    return single, average


def _absolute_agreement_forms(anova: TwoWayAnova, consistency: IccEstimates) -> tuple[IccEstimates, IccEstimates]:
    """ICC(A,1) and ICC(A,k); F test as ICC(C), interval with Satterthwaite's df (McGraw & Wong 1996)."""
    n, k = anova.n_targets, anova.n_raters
    bms, jms, ems = anova.bms, anova.jms, anova.ems
    scale = bms + jms + ems
    single = _ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n, scale)
    fj = jms / ems
    spread = n * (1 + (k - 1) * single) - k * single
    df = (k - 1) * (n - 1) * (k * single * fj + spread) ** 2 / ((n - 1) * k**2 * single**2 * fj**2 + spread**2)
    f_upper = f_distribution.ppf(UPPER_QUANTILE, n - 1, df)
    f_lower = f_distribution.ppf(UPPER_QUANTILE, df, n - 1)
    rater_term = k * jms + (k * n - k - n) * ems
    lower = n * (bms - f_upper * ems) / (f_upper * rater_term + n * bms)
    upper = n * (f_lower * bms - ems) / (rater_term + n * f_lower * bms)
    test = {"F": consistency.F, "df1": consistency.df1, "df2": consistency.df2, "p": consistency.p}
    return (
        IccEstimates(value=single, ci_lower=lower, ci_upper=upper, **test),
        IccEstimates(
            value=_ratio(bms - ems, bms + (jms - ems) / n, scale),
            ci_lower=_spearman_brown(lower, k),
            ci_upper=_spearman_brown(upper, k),
            **test,
        ),
    )


def _ratio(numerator: np.ndarray, denominator: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """numerator / denominator, undefined (NaN) where the denominator is rounding residue of zero:
    there ICC(A) has no value, and the quotient would be an arbitrary ~1e15."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.abs(denominator) <= 1e-9 * scale, np.nan, numerator / denominator)


def _spearman_brown(single: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Reliability of the mean of k raters from that of one rater (Spearman-Brown prophecy)."""
    return single * k / (1 + single * (k - 1))
