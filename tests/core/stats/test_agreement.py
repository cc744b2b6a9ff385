import numpy as np
import pytest

from allianse.core.stats import InsufficientData, agreement

NA = np.nan


def test_shares_of_agreeing_pairs_are_averaged_over_segments():
    # Pairs per segment: (1,1,2) exact 1/3, within one 3/3; (3,3) 1 and 1; (1,4) 0 and 0.
    result = agreement([[1, 1, 2], [3, NA, 3], [1, 4, NA], [NA, NA, 2]])
    assert (result.exact, result.within_one) == pytest.approx((4 / 9, 2 / 3))


def test_constant_ratings_agree_fully():
    result = agreement([[4, 4], [4, 4]])
    assert (result.exact, result.within_one) == (1, 1)


@pytest.mark.parametrize(
    ("matrix", "code"),
    [([[1.0], [2.0]], "too_few_raters"), ([[1.0, NA], [NA, 2.0]], "no_pairable_units")],
)
def test_insufficient_data_is_refused(matrix, code):
    with pytest.raises(InsufficientData) as refused:
        agreement(matrix)
    assert refused.value.code == code
