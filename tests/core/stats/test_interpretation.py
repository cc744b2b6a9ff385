import math

import pytest

from allianse.core.stats import alpha_band, icc_band


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
