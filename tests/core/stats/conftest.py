"""Published test data (docs/methods.md#test-values), typed from the publications."""

import numpy as np
import pytest

NA = np.nan


@pytest.fixture
def shrout_fleiss() -> np.ndarray:
    """Shrout & Fleiss (1979), Table 2: 6 targets x 4 judges."""
    return np.array(
        [
            [9, 2, 5, 8],
            [6, 1, 3, 2],
            [8, 4, 6, 8],
            [7, 1, 2, 6],
            [10, 5, 6, 9],
            [6, 2, 4, 7],
        ],
        dtype=float,
    )


@pytest.fixture
def krippendorff_vector_a() -> np.ndarray:
    """Krippendorff (2011): 4 observers x 12 units, NaN = missing."""
    return np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
            [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
        ]
    )
