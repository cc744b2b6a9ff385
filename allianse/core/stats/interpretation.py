"""Interpretation bands as stable keys (the web layer translates them), highest threshold first.

ICC: Cicchetti, D. V. (1994). Guidelines, criteria, and rules of thumb for evaluating normed and
standardized assessment instruments in psychology. Psychological Assessment, 6(4), 284-290:
< .40 poor, .40-.59 fair, .60-.74 good, >= .75 excellent.
Krippendorff's alpha: Krippendorff, K. (2004). Content Analysis (2nd ed.), ch. 11: alpha >= .800
acceptable, >= .667 the lowest level for tentative conclusions, below that unacceptable.

A band is read only where the 95% interval supports it (`interval_band`): an estimate whose
interval reaches into more than one band is "uncertain", and one outside the coefficient's
possible range (`icc_range`) is "undefined", never a band (docs/methods.md#agreement-bands).
"""

from __future__ import annotations

import math

ICC_BANDS = ((0.75, "excellent"), (0.60, "good"), (0.40, "fair"), (-math.inf, "poor"))
ALPHA_BANDS = ((0.800, "acceptable"), (0.667, "tentative"), (-math.inf, "unacceptable"))
UNCERTAIN, UNDEFINED = "uncertain", "undefined"
ALPHA_RANGE = (-math.inf, 1.0)

Bands = tuple[tuple[float, str], ...]


def icc_band(value: float | None) -> str | None:
    """Cicchetti (1994) band of an ICC (or G-coefficient); None if the value is undefined."""
    return _band(value, ICC_BANDS)


def alpha_band(value: float | None) -> str | None:
    """Krippendorff's band of an alpha; None if the value is undefined."""
    return _band(value, ALPHA_BANDS)


def icc_range(raters: int, *, average: bool) -> tuple[float, float]:
    """The values an ICC can take: at most 1; a single-rater form at least -1/(k - 1) (the bound of
    Shrout & Fleiss 1979 for k raters); an average-measure form has no lower bound."""
    if average or raters < 2:
        return (-math.inf, 1.0)
    return (-1 / (raters - 1), 1.0)


def interval_band(
    value: float | None,
    interval: tuple[float | None, float | None] | list[float | None] | None,
    bands: Bands,
    possible: tuple[float, float] = (-math.inf, math.inf),
) -> str | None:
    """The band of an estimate as its 95% interval supports it.

    None when there is no estimate; "undefined" when the estimate lies outside `possible` (e.g.
    ICC(A,k) above 1, which a negative denominator can give); the band when both ends of the
    interval lie in it; otherwise (the interval spans several bands, or is missing) "uncertain".
    Interval ends beyond the possible range are read at the range's edge.
    """
    if not _finite(value):
        return None
    assert value is not None
    low, high = possible
    if not low - 1e-12 <= value <= high + 1e-12:
        return UNDEFINED
    lower, upper = interval if interval is not None else (None, None)
    if not (_finite(lower) and _finite(upper)):
        return UNCERTAIN
    assert lower is not None and upper is not None
    ends = {_band(min(max(bound, low), high), bands) for bound in (lower, upper)}
    if ends != {_band(value, bands)}:
        return UNCERTAIN
    return ends.pop()


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _band(value: float | None, bands: Bands) -> str | None:
    if value is None or math.isnan(value):
        return None
    return next(name for threshold, name in bands if value >= threshold)
