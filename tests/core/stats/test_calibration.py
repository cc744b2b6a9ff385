"""Raters against the others and against the reference, checked against values worked out by hand."""

import math

import pandas as pd
import pytest

from allianse.core.stats import (
    against_others,
    against_reference,
    largest_pair_differences,
    rater_summary,
    reference_drift,
)

COLUMNS = ["segment", "item", "rater", "value"]


@pytest.fixture
def ratings() -> pd.DataFrame:
    """Segment s1 item a rated 4, 6, 5; s1 item b 2, 5; s2 item a 3, 3; s3 item a by one rater only."""
    rows = [
        ("s1", "a", "r1", 4),
        ("s1", "a", "r2", 6),
        ("s1", "a", "r3", 5),
        ("s1", "b", "r1", 2),
        ("s1", "b", "r2", 5),
        ("s2", "a", "r1", 3),
        ("s2", "a", "r2", 3),
        ("s3", "a", "r1", 7),
    ]
    return pd.DataFrame(rows, columns=COLUMNS).astype({"value": float})


def test_each_rating_is_set_against_the_mean_of_the_other_raters(ratings):
    compared = against_others(ratings)
    # s1 a: r1 4 vs (6+5)/2, r2 6 vs (4+5)/2, r3 5 vs (4+6)/2; s1 b: 2 vs 5, 5 vs 2; s2 a: 3 vs 3.
    # s3 a has no other rater, so it is left out.
    assert compared[["segment", "item", "rater"]].values.tolist() == [
        ["s1", "a", "r1"],
        ["s1", "a", "r2"],
        ["s1", "a", "r3"],
        ["s1", "b", "r1"],
        ["s1", "b", "r2"],
        ["s2", "a", "r1"],
        ["s2", "a", "r2"],
    ]
    assert compared["others"].tolist() == [5.5, 4.5, 5.0, 5.0, 2.0, 3.0, 3.0]
    assert compared["difference"].tolist() == [-1.5, 1.5, 0.0, -3.0, 3.0, 0.0, 0.0]


def test_the_summary_gives_each_raters_leniency_distance_and_share_within_one_point(ratings):
    summary = rater_summary(against_others(ratings)).set_index("rater")
    # r1: differences -1.5, -3, 0; r2: 1.5, 3, 0; r3: 0 (|d| <= 1 counts as within one point).
    assert summary["ratings"].to_dict() == {"r1": 3, "r2": 3, "r3": 1}
    assert summary["mean_difference"].to_dict() == {"r1": -1.5, "r2": 1.5, "r3": 0.0}
    assert summary["mean_absolute"].to_dict() == {"r1": 1.5, "r2": 1.5, "r3": 0.0}
    assert summary["within_one"].to_dict() == pytest.approx({"r1": 1 / 3, "r2": 1 / 3, "r3": 1.0})


def test_the_pairs_that_differ_most_come_first_then_those_with_more_segments(ratings):
    pairs = largest_pair_differences(ratings, limit=3)
    # b r1-r2: |2-5| on s1 = 3; a r1-r2: |4-6| on s1 and |3-3| on s2, mean 1 over 2 segments;
    # a r1-r3: |4-5| = 1 and a r2-r3: |6-5| = 1 over 1 segment each (the last one is cut by the limit).
    assert pairs.values.tolist() == [
        ["b", "r1", "r2", 1, 3.0],
        ["a", "r1", "r2", 2, 1.0],
        ["a", "r1", "r3", 1, 1.0],
    ]


def test_ratings_no_one_else_rated_give_empty_tables(ratings):
    alone = ratings[ratings["rater"] == "r1"]
    assert against_others(alone).empty
    assert rater_summary(against_others(alone)).empty
    assert largest_pair_differences(alone).empty


def test_each_submitted_rating_is_set_against_the_reference_in_time_order():
    own = pd.DataFrame(
        [
            ("s1", "a", "r1", 4.0, "second", "2026-03-08"),
            ("s1", "b", "r1", 2.0, "second", "2026-03-08"),
            ("s1", "c", "r1", 6.0, "second", "2026-03-08"),
            ("s2", "a", "r1", 3.0, "first", "2026-03-01"),
        ],
        columns=[*COLUMNS, "rating", "submitted_at"],
    ).astype({"submitted_at": "datetime64[ns]"})
    reference = pd.DataFrame(
        [("s1", "a", 5.0), ("s1", "b", 2.0), ("s2", "a", 5.0), ("s3", "a", 7.0)], columns=["segment", "item", "value"]
    )
    table = against_reference(own, reference)
    # first: 3 - 5 = -2; second: 4 - 5 = -1 and 2 - 2 = 0 (item c has no reference value).
    assert table[["rating", "segment", "items"]].values.tolist() == [["first", "s2", 1], ["second", "s1", 2]]
    assert table["mean_difference"].tolist() == [-2.0, -0.5]
    assert table["mean_absolute"].tolist() == [2.0, 0.5]
    assert table["within_one"].tolist() == [0.0, 1.0]


@pytest.mark.parametrize(
    ("distances", "slope"),
    [
        # x = 0..3, mean 1.5; y mean 2; sum (x - 1.5)(y - 2) = -3; sum (x - 1.5)^2 = 5.
        ([3.0, 2.0, 2.0, 1.0], -0.6),
        # x = 0..2, mean 1; y mean 1.5; sum (x - 1)(y - 1.5) = 1; sum (x - 1)^2 = 2.
        ([1.0, 1.5, 2.0], 0.5),
    ],
)
def test_drift_is_the_change_in_distance_from_the_reference_per_rating(distances, slope):
    assert reference_drift(pd.DataFrame({"mean_absolute": distances})) == pytest.approx(slope)


def test_drift_is_undefined_with_fewer_than_three_ratings():
    assert math.isnan(reference_drift(pd.DataFrame({"mean_absolute": [2.0, 1.0]})))
