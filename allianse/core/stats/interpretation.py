"""Interpretation bands as stable keys (the web layer translates them), highest threshold first.

ICC: Cicchetti, D. V. (1994). Guidelines, criteria, and rules of thumb for evaluating normed and
standardized assessment instruments in psychology. Psychological Assessment, 6(4), 284-290:
< .40 poor, .40-.59 fair, .60-.74 good, >= .75 excellent.
Krippendorff's alpha: Krippendorff, K. (2004). Content Analysis (2nd ed.), ch. 11: alpha >= .800
acceptable, >= .667 the lowest level for tentative conclusions, below that unacceptable.
"""

from __future__ import annotations

import math

ICC_BANDS = ((0.75, "excellent"), (0.60, "good"), (0.40, "fair"), (-math.inf, "poor"))
ALPHA_BANDS = ((0.800, "acceptable"), (0.667, "tentative"), (-math.inf, "unacceptable"))


def icc_band(value: float | None) -> str | None:
    """Cicchetti (1994) band of an ICC (or G-coefficient); None if the value is undefined."""
    return _band(value, ICC_BANDS)


def alpha_band(value: float | None) -> str | None:
    """Krippendorff's band of an alpha; None if the value is undefined."""
    return _band(value, ALPHA_BANDS)


def _band(value: float | None, bands: tuple[tuple[float, str], ...]) -> str | None:
    if value is None or math.isnan(value):
        return None
    return next(name for threshold, name in bands if value >= threshold)
