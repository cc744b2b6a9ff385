import math

import pytest

from allianse.core.stats import alpha_band, icc_band, icc_range, interval_band
from allianse.core.stats.interpretation import ALPHA_BANDS, ICC_BANDS


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (-0.2, "poor"),
        (0.399, "poor"),
        (0.40, "fair"),
        (0.599, "fair"),
        (0.60, "good"),
        (0.749, "good"),
        (0.75, "excellent"),
        (1.0, "excellent"),
        (None, None),
        (math.nan, None),
    ],
)
def test_icc_bands_follow_cicchetti(value, band):
    assert icc_band(value) == band


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.5, "unacceptable"),
        (0.666, "unacceptable"),
        (0.667, "tentative"),
        (0.799, "tentative"),
        (0.800, "acceptable"),
        (None, None),
    ],
)
def test_alpha_bands_follow_krippendorff(value, band):
    assert alpha_band(value) == band


@pytest.mark.parametrize(
    ("value", "interval", "reading"),
    [
        (0.80, (0.76, 0.90), "excellent"),  # the whole interval in one band
        (0.65, (0.61, 0.74), "good"),
        (0.20, (-0.10, 0.39), "poor"),
        (0.80, (0.55, 0.95), "uncertain"),  # fair to excellent
        (0.76, (0.74, 0.80), "uncertain"),  # just reaches into good
        (0.80, (None, None), "uncertain"),  # no interval: no band can be supported
        (0.80, None, "uncertain"),
        (None, (0.1, 0.2), None),
        (math.nan, (0.1, 0.2), None),
    ],
)
def test_a_band_is_read_only_where_the_interval_supports_it(value, interval, reading):
    assert interval_band(value, interval, ICC_BANDS, icc_range(3, average=False)) == reading


@pytest.mark.parametrize(
    ("value", "raters", "average", "reading"),
    [
        (1.7, 4, True, "undefined"),  # ICC(A,k) above 1: a negative denominator, not excellent agreement
        (1.0000001, 4, False, "undefined"),
        (-0.6, 3, False, "undefined"),  # below -1/(k - 1) = -0.5
        (-0.49, 3, False, "poor"),
        (-5.0, 3, True, "poor"),  # an average-measure form has no lower bound
    ],
)
def test_a_coefficient_outside_its_possible_range_is_undefined(value, raters, average, reading):
    interval = (value - 0.01, min(value + 0.01, 1.0)) if value <= 1 else (0.9, 2.0)
    assert interval_band(value, interval, ICC_BANDS, icc_range(raters, average=average)) == reading


def test_interval_ends_beyond_the_possible_range_are_read_at_its_edge():
    assert icc_range(2, average=False) == (-1.0, 1.0)
    assert interval_band(-0.95, (-1.4, -0.6), ICC_BANDS, icc_range(2, average=False)) == "poor"
    assert interval_band(0.9, (0.85, 0.95), ALPHA_BANDS, (-math.inf, 1.0)) == "acceptable"
    assert interval_band(0.75, (0.70, 0.79), ALPHA_BANDS, (-math.inf, 1.0)) == "tentative"
