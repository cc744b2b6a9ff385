import numpy as np
import pandas as pd
import pingouin
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from allianse.core.stats import FORMS, IccTable, InsufficientData, TwoWayAnova, icc, icc_batch, two_way_anova

# docs/methods.md#test-values (Shrout & Fleiss 1979 data, as R psych::ICC reports it):
# form -> (value, F, df1, df2, p, lower, upper); p of ICC3 as ICC2 (same F test).
PUBLISHED = {
    "ICC1": (0.165742, 1.7947, 5, 18, 0.1648, -0.1329, 0.7226),
    "ICC2": (0.289764, 11.0272, 5, 15, 0.000135, 0.0188, 0.7611),
    "ICC3": (0.714841, 11.0272, 5, 15, 0.000135, 0.3425, 0.9459),
    "ICC1k": (0.442797, 1.7947, 5, 18, 0.1648, -0.8844, 0.9124),
    "ICC2k": (0.620051, 11.0272, 5, 15, 0.000135, 0.0711, 0.9272),
    "ICC3k": (0.909316, 11.0272, 5, 15, 0.000135, 0.6757, 0.9859),
}
# pingouin 0.7 calls DataFrame.dropna(inplace=True), which pandas 3.1 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.dropna")
PINGOUIN_TYPES = dict(zip(FORMS, ("ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"), strict=True))


def test_the_mean_squares_match_shrout_and_fleiss(shrout_fleiss):
    anova = two_way_anova(shrout_fleiss[np.newaxis])
    assert (anova.bms[0], anova.wms[0], anova.jms[0], anova.ems[0]) == pytest.approx(
        (11.241667, 6.263889, 32.486111, 1.019444), abs=1e-6
    )


@pytest.mark.parametrize("form", FORMS)
def test_each_form_matches_the_published_vector(shrout_fleiss, form):
    value, f_value, df1, df2, p, lower, upper = PUBLISHED[form]
    result = icc(shrout_fleiss).forms[form]
    assert (result.df1, result.df2) == (df1, df2)
    assert (result.value, result.F, result.p, *result.ci95) == pytest.approx(
        (value, f_value, p, lower, upper), abs=1e-4
    )


def _long(matrix: np.ndarray) -> pd.DataFrame:
    targets, raters = np.indices(matrix.shape)
    return pd.DataFrame({"target": targets.ravel(), "rater": raters.ravel(), "rating": matrix.ravel()})


@st.composite
def rating_matrices(draw: st.DrawFn, missing: bool) -> np.ndarray:
    shape = (draw(st.integers(3, 12)), draw(st.integers(2, 6)))
    matrix = draw(arrays(float, shape, elements=st.integers(1, 7).map(float)))
    if missing:
        matrix[draw(arrays(bool, shape, elements=st.sampled_from((False, False, False, True))))] = np.nan
    return matrix


def _denominators_away_from_zero(anova: TwoWayAnova) -> bool:
    """Where a mean square or an ICC denominator is 0, the result is rounding noise in both programs."""
    n, bms, jms, ems = anova.n_targets[0], anova.bms[0], anova.jms[0], anova.ems[0]
    return min(abs(bms), abs(bms + (jms - ems) / n), anova.wms[0], ems) > 1e-9


@pytest.fixture(scope="module", autouse=True)
def unrounded_pingouin():
    """Pingouin rounds its intervals to 2 decimals by default; compare at full precision instead."""
    previous = pingouin.options["round.column.CI95"]
    pingouin.options["round.column.CI95"] = None
    yield
    pingouin.options["round.column.CI95"] = previous


@settings(max_examples=40, deadline=None)
@given(matrix=st.one_of(rating_matrices(missing=False), rating_matrices(missing=True)))
def test_all_six_forms_agree_with_pingouin(matrix):
    anova = two_way_anova(matrix[np.newaxis])
    assume(anova.problem[0] == "" and anova.n_targets[0] * anova.n_raters[0] >= 5)  # pingouin's minimum
    assume(_denominators_away_from_zero(anova))
    expected = pingouin.intraclass_corr(_long(matrix), "target", "rater", "rating", nan_policy="omit")
    expected = expected.set_index("Type")
    for form, result in icc(matrix).forms.items():
        row = expected.loc[PINGOUIN_TYPES[form]]
        assert (result.df1, result.df2) == (row["df1"], row["df2"])
        np.testing.assert_allclose(
            (result.value, result.F, result.p, *result.ci95),
            (row["ICC"], row["F"], row["pval"], *row["CI95"]),
            rtol=1e-9,
            atol=1e-12,
        )


@settings(max_examples=25, deadline=None)
@given(matrices=st.lists(rating_matrices(missing=True), min_size=2, max_size=4))
def test_the_batch_gives_each_item_what_it_gives_the_item_alone(matrices):
    targets = max(matrix.shape[0] for matrix in matrices)
    raters = max(matrix.shape[1] for matrix in matrices)
    cube = np.full((len(matrices), targets, raters), np.nan)
    for index, matrix in enumerate(matrices):
        cube[index, : matrix.shape[0], : matrix.shape[1]] = matrix
    batch = icc_batch(cube)
    for index, matrix in enumerate(matrices):
        single = icc_batch(matrix[np.newaxis])
        assert batch.anova.problem[index] == single.anova.problem[0]
        # Perfect agreement is tested below; here rounding could turn F = infinity into 1e16.
        if single.anova.problem[0] == "" and single.anova.ems[0] > 1e-9 and single.anova.wms[0] > 1e-9:
            np.testing.assert_allclose(_numbers(batch.table(index)), _numbers(single.table(0)), atol=1e-12)


def _numbers(table: IccTable) -> np.ndarray:
    sizes = (table.n_targets, table.n_raters, table.dropped_targets)
    forms = [(r.value, r.F, r.df1, r.df2, r.p, *r.ci95) for r in table.forms.values()]
    return np.concatenate([sizes, np.ravel(forms)])


def test_a_target_with_a_missing_rating_is_dropped_and_counted(shrout_fleiss):
    with_gap = np.vstack([shrout_fleiss, [3, np.nan, 4, 5]])
    table = icc(with_gap)
    assert (table.n_targets, table.n_raters, table.dropped_targets) == (6, 4, 1)
    assert table.forms == icc(shrout_fleiss).forms


def test_a_rater_without_any_rating_is_not_counted(shrout_fleiss):
    with_absent_rater = np.hstack([shrout_fleiss, np.full((6, 1), np.nan)])
    table = icc(with_absent_rater)
    assert (table.n_raters, table.dropped_targets) == (4, 0)
    assert table.forms == icc(shrout_fleiss).forms


def test_unbalanced_ratings_keep_only_segments_every_rater_rated():
    unbalanced = np.array([[1, 2, np.nan], [3, 3, 4], [np.nan, 5, 6], [2, 2, 3], [6, 5, 7]])
    table = icc(unbalanced)
    assert (table.n_targets, table.dropped_targets) == (3, 2)
    assert table.forms == icc(unbalanced[[1, 3, 4]]).forms


@pytest.mark.parametrize(
    ("matrix", "code"),
    [
        ([[1.0], [2.0], [3.0]], "too_few_raters"),
        ([[1.0, 2.0], [3.0, np.nan], [np.nan, 4.0]], "too_few_targets"),
        ([[4.0, 4.0], [4.0, 4.0], [4.0, np.nan]], "no_variance"),
    ],
)
def test_insufficient_data_is_refused_with_a_code_and_a_message(matrix, code):
    with pytest.raises(InsufficientData) as refused:
        icc(matrix)
    assert refused.value.code == code
    assert isinstance(refused.value, ValueError)
    assert str(refused.value) == InsufficientData.MESSAGES[code]


def test_perfect_agreement_gives_one_and_defined_exact_intervals():
    forms = icc([[1, 1, 1], [2, 2, 2], [4, 4, 4]]).forms
    assert [result.value for result in forms.values()] == pytest.approx([1] * 6)
    assert np.isposinf(forms["ICC1"].F) and forms["ICC1"].p == 0
    assert forms["ICC3"].ci95 == (1, 1) and forms["ICC1k"].ci95 == (1, 1)
    assert np.isnan(forms["ICC2"].ci95).all()  # Satterthwaite's df is 0 / 0 here


def test_a_matrix_must_be_two_dimensional():
    with pytest.raises(ValueError, match="2-D"):
        icc([1.0, 2.0, 3.0])
