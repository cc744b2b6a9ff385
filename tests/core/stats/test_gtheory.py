import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from allianse.core.stats import DStudyRow, InsufficientData, g_study, g_study_batch, icc

# docs/methods.md#test-values (G-study of the Shrout & Fleiss data): raters -> (relative, absolute)
PUBLISHED_D_STUDY = {
    1: (0.7148, 0.2898),
    2: (0.8337, 0.4493),
    3: (0.8826, 0.5503),
    4: (0.9093, 0.6201),
    5: (0.9261, 0.6710),
}


def test_the_variance_components_match_the_published_vector(shrout_fleiss):
    study = g_study(shrout_fleiss)
    assert (study.var_p, study.var_r, study.var_pr) == pytest.approx((2.555556, 5.244444, 1.019444), abs=1e-6)
    assert study.zeroed == ()


def test_the_d_study_matches_the_published_vector(shrout_fleiss):
    rows = g_study(shrout_fleiss).d_study(5)
    assert [row.raters for row in rows] == [1, 2, 3, 4, 5]
    assert [(row.relative, row.absolute) for row in rows] == [
        pytest.approx(published, abs=1e-4) for published in PUBLISHED_D_STUDY.values()
    ]


def test_the_d_study_goes_up_to_the_raters_of_the_g_study_by_default(shrout_fleiss):
    assert len(g_study(shrout_fleiss).d_study()) == 4


def test_a_negative_component_is_set_to_zero_and_reported():
    # The segments differ less than the raters disagree about them: MS_p < MS_pr,e.
    study = g_study([[1, 7], [5, 6], [3, 7], [4, 5]])
    assert study.var_p == 0 and study.zeroed == ("var_p",)
    assert study.d_study(2) == [DStudyRow(1, 0.0, 0.0), DStudyRow(2, 0.0, 0.0)]


@st.composite
def segment_and_rater_effects(draw: st.DrawFn) -> np.ndarray:
    """Segment effect + rater effect + noise, so that most draws have positive variance components."""
    n = draw(st.integers(3, 10))
    parts = [(n, 1), (1, 3), (n, 3)]
    return sum(draw(arrays(float, shape, elements=st.integers(0, 4).map(float))) for shape in parts)


@settings(max_examples=30, deadline=None)
@given(matrix=segment_and_rater_effects())
def test_the_d_study_equals_the_consistency_and_absolute_iccs(matrix):
    batch = g_study_batch(matrix[np.newaxis])
    assume(batch.anova.problem[0] == "" and not batch.zeroed.any())
    forms = icc(matrix).forms
    relative, absolute = batch.d_study(3)
    assert (relative[0, 0], absolute[0, 0]) == pytest.approx((forms["ICC3"].value, forms["ICC2"].value))
    assert (relative[0, 2], absolute[0, 2]) == pytest.approx((forms["ICC3k"].value, forms["ICC2k"].value))


def test_incomplete_segments_are_dropped_and_counted(shrout_fleiss):
    study = g_study(np.vstack([shrout_fleiss, [np.nan, 1, 2, 3]]))
    assert (study.n_targets, study.n_raters, study.dropped_targets) == (6, 4, 1)
    assert study.var_p == g_study(shrout_fleiss).var_p


@pytest.mark.parametrize(
    ("matrix", "code"),
    [
        ([[1.0], [2.0]], "too_few_raters"),
        ([[1.0, 2.0]], "too_few_targets"),
        ([[3.0, 3.0], [3.0, 3.0]], "no_variance"),
    ],
)
def test_insufficient_data_is_refused(matrix, code):
    with pytest.raises(InsufficientData) as refused:
        g_study(matrix)
    assert refused.value.code == code
