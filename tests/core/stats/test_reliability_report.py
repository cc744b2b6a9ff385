import json

import numpy as np
import pandas as pd
import pytest

from allianse.core.stats import FORMS, MalformedRatings, g_study, icc, krippendorff_alpha, reliability_report


def _long(matrix: np.ndarray, item: object) -> pd.DataFrame:
    segments, raters = np.indices(matrix.shape)
    return pd.DataFrame({"segment": segments.ravel(), "rater": raters.ravel(), "item": item, "value": matrix.ravel()})


@pytest.fixture
def ratings(shrout_fleiss) -> pd.DataFrame:
    """Item 2: the Shrout-Fleiss data with one incomplete segment; item 10: constant; item 3: one rater."""
    with_gap = np.vstack([shrout_fleiss, [np.nan, 1, 2, 3]])
    return pd.concat([_long(with_gap, 2), _long(np.full((3, 2), 4.0), 10), _long(np.array([[1.0], [2.0], [3.0]]), 3)])


def test_an_item_gets_every_statistic_of_its_ratings(ratings, shrout_fleiss):
    report = reliability_report(ratings)
    entry = report["items"]["2"]
    assert (entry["n_segments"], entry["n_raters"], entry["dropped_segments"]) == (7, 4, 1)
    table = icc(shrout_fleiss)
    for form in FORMS:
        result = table.forms[form]
        assert {key: value for key, value in entry[form].items() if key != "band"} == {
            "value": result.value,
            "F": result.F,
            "df1": result.df1,
            "df2": result.df2,
            "p": result.p,
            "ci95": list(result.ci95),
        }
    # ICC(3,4) = .91, but its interval (.68 to .99) reaches from good into excellent
    assert entry["ICC3k"]["band"] == "uncertain"
    assert (entry["n_used"], entry["dropped_segments"]) == (6, 1)
    study = g_study(shrout_fleiss)
    assert entry["g_study"] == {
        "var_p": study.var_p,
        "var_r": study.var_r,
        "var_pr": study.var_pr,
        "zeroed": [],
    }
    assert [row["absolute"] for row in entry["d_study"]] == [row.absolute for row in study.d_study()]
    assert entry["alpha"] == pytest.approx(krippendorff_alpha(np.vstack([shrout_fleiss, [np.nan, 1, 2, 3]]).T))
    lower, upper = entry["alpha_ci95"]
    assert lower < entry["alpha"] < upper
    assert entry["alpha_band"] == ("unacceptable" if upper < 0.667 else "uncertain")
    assert 0 < entry["exact_agreement"] < entry["within_one"] < 1
    assert (report["method"], report["level"]) == ("all", "interval")


def test_items_are_keyed_by_text_in_natural_order(ratings):
    assert list(reliability_report(ratings)["items"]) == ["2", "3", "10"]


def test_an_item_with_insufficient_data_gets_an_error_and_the_rest_is_reported(ratings):
    items = reliability_report(ratings)["items"]
    assert items["10"] == {
        "error": {
            "code": "no_variance",
            "message": "All ratings are identical, so agreement beyond chance cannot be estimated.",
        }
    }
    assert items["3"]["error"]["code"] == "too_few_raters"
    assert "ICC1" in items["2"]


@pytest.mark.parametrize(
    ("method", "present", "absent"),
    [
        ("icc", {"ICC1", "ICC3k", "dropped_segments"}, {"g_study", "alpha"}),
        ("g", {"g_study", "d_study", "dropped_segments"}, {"ICC1", "alpha"}),
        ("alpha", {"alpha", "alpha_ci95", "alpha_band"}, {"ICC1", "g_study", "dropped_segments"}),
    ],
)
def test_the_method_selects_the_statistics(ratings, method, present, absent):
    entry = reliability_report(ratings, method=method)["items"]["2"]
    assert present <= entry.keys() and not absent & entry.keys()
    assert {"n_segments", "n_raters", "exact_agreement", "within_one"} <= entry.keys()


def test_the_level_applies_to_alpha(ratings, shrout_fleiss):
    entry = reliability_report(ratings, method="alpha", level="ordinal")["items"]["2"]
    assert entry["alpha"] == pytest.approx(
        krippendorff_alpha(np.vstack([shrout_fleiss, [np.nan, 1, 2, 3]]).T, "ordinal")
    )


def test_the_d_study_goes_up_to_the_requested_raters(ratings):
    d_study = reliability_report(ratings, method="g", raters=8)["items"]["2"]["d_study"]
    assert [row["raters"] for row in d_study] == list(range(1, 9))


def test_undefined_numbers_become_null_in_json():
    perfect = _long(np.array([[1.0, 1.0, 1.0], [2.0, 2.0, 2.0], [4.0, 4.0, 4.0]]), "global")
    report = reliability_report(perfect)
    entry = json.loads(json.dumps(report, allow_nan=False))["items"]["global"]
    assert entry["ICC1"]["F"] is None and entry["ICC1"]["ci95"] == [1.0, 1.0]
    assert entry["ICC2"]["ci95"] == [None, None]


def test_duplicate_ratings_are_refused(ratings):
    with pytest.raises(MalformedRatings) as refused:
        reliability_report(pd.concat([ratings, ratings.head(1)]))
    assert refused.value.code == "duplicates"


@pytest.mark.parametrize(
    "options", [{"method": "kappa"}, {"level": "circular"}, {"raters": 0}], ids=["method", "level", "raters"]
)
def test_unknown_options_are_refused(ratings, options):
    with pytest.raises(ValueError):
        reliability_report(ratings, **options)
