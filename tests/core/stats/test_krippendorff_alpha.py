import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from allianse.core.stats import LEVELS, InsufficientData, alpha_batch, alpha_interval_batch, krippendorff_alpha

# Krippendorff (2011), unrounded; docs/methods.md#test-values
PUBLISHED = {"nominal": 0.743421, "ordinal": 0.815388, "interval": 0.849107, "ratio": 0.797403}


@pytest.mark.parametrize("level", LEVELS)
def test_vector_a_matches_the_published_value(krippendorff_vector_a, level):
    assert krippendorff_alpha(krippendorff_vector_a, level) == pytest.approx(PUBLISHED[level], abs=1e-5)


@st.composite
def reliability_data(draw: st.DrawFn) -> np.ndarray:
    """Raters x units, values 0..6 (0 exercises the ratio metric's 0/0), about a quarter missing."""
    shape = (draw(st.integers(2, 6)), draw(st.integers(2, 15)))
    data = draw(arrays(float, shape, elements=st.integers(0, 6).map(float)))
    data[draw(arrays(bool, shape, elements=st.sampled_from((False, False, False, True))))] = np.nan
    return data


@settings(max_examples=40, deadline=None)
@given(data=reliability_data(), level=st.sampled_from(LEVELS))
def test_alpha_agrees_with_the_krippendorff_package(data, level):
    batch = alpha_batch(data.T[np.newaxis], level)
    assume(batch.problem[0] == "")
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=20, deadline=None)
@given(items=st.lists(reliability_data(), min_size=2, max_size=4), level=st.sampled_from(LEVELS))
def test_the_batch_gives_each_item_what_it_gives_the_item_alone(items, level):
    units = max(data.shape[1] for data in items)
    raters = max(data.shape[0] for data in items)
    cube = np.full((len(items), units, raters), np.nan)
    for index, data in enumerate(items):
        cube[index, : data.shape[1], : data.shape[0]] = data.T
    batch = alpha_batch(cube, level)
    for index, data in enumerate(items):
        single = alpha_batch(data.T[np.newaxis], level)
        assert batch.problem[index] == single.problem[0]
        assert batch.value[index] == pytest.approx(single.value[0], nan_ok=True)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ([[1.0, 2.0, 3.0], [np.nan] * 3], "too_few_raters"),
        ([[1.0, np.nan], [np.nan, 2.0]], "no_pairable_units"),
        ([[2.0, 2.0, np.nan], [2.0, 2.0, 5.0]], "no_variance"),
    ],
)
def test_insufficient_data_is_refused(data, code):
    with pytest.raises(InsufficientData) as refused:
        krippendorff_alpha(data)
    assert refused.value.code == code


def test_an_unknown_level_is_refused(krippendorff_vector_a):
    with pytest.raises(ValueError, match="circular"):
        krippendorff_alpha(krippendorff_vector_a, "circular")


@pytest.mark.parametrize("level", ["nominal", "interval", "ratio"])
def test_the_bootstrap_interval_matches_alpha_of_each_resample_computed_independently(level):
    """Every resample of the units, recomputed with the `krippendorff` package: same percentiles."""
    rng = np.random.default_rng(5)
    cube = np.clip(np.round(rng.normal(4, 1.2, (2, 25, 1)) + rng.normal(0, 0.9, (2, 25, 3))), 1, 7)
    cube[rng.random(cube.shape) < 0.1] = np.nan
    resamples, seed = 150, 11
    lower, upper = alpha_interval_batch(cube, level, resamples=resamples, seed=seed)
    draws = np.random.default_rng(seed).integers(0, cube.shape[1], size=(resamples, cube.shape[1]))
    for item in range(cube.shape[0]):
        alphas = [
            krippendorff.alpha(reliability_data=cube[item][units].T, level_of_measurement=level) for units in draws
        ]
        assert (lower[item], upper[item]) == pytest.approx(tuple(np.nanquantile(alphas, [0.025, 0.975])))


def test_the_bootstrap_interval_is_undefined_where_alpha_is():
    cube = np.array([[[3.0, 3.0], [3.0, 3.0], [3.0, 3.0]]])
    lower, upper = alpha_interval_batch(cube)
    assert np.isnan(lower[0]) and np.isnan(upper[0])
