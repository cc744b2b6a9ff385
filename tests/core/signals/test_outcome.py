"""Is the patient improving: the outcome score against the patient's own start."""

import numpy as np
import pandas as pd
import pytest

from allianse.core.measures import Basis, ReliableChange
from allianse.core.signals import outcome_progress

NA = np.nan
FIXED = ReliableChange(1.5, Basis.FIXED)


def progress(scores: list[float], change: ReliableChange = FIXED, **options) -> pd.Series:
    frame = pd.DataFrame({"treatment": "t", "session": range(1, len(scores) + 1), "outcome": scores})
    return outcome_progress(frame, change, **options).iloc[0]


def test_fewer_than_four_answered_sessions_is_too_early_to_say():
    row = progress([3.0, NA, 3.0, 3.0])
    assert (row["status"], row["sessions"]) == ("too_early", 3)
    assert row["explanation_en"] == "3 answered so far; whether the patient is improving is said from 4 on."


def test_a_flat_course_is_not_improving_and_says_its_numbers_and_rule():
    row = progress([4.0, 4.5, 3.5, 4.75])
    assert (row["status"], row["first"], row["latest"], row["change"]) == ("not_improving", 4.0, 4.75, 0.75)
    assert row["explanation_en"] == (
        "Not improving: from 4.0 at the start to 4.75 now after 4 answered sessions, a change of 0.75; "
        "the rule is a change of at least 1.5 points."
    )
    assert row["explanation_nb"].startswith("Blir ikke bedre: fra 4,0 ved start til 4,75 nå etter 4 besvarte timer")
    assert "Jacobson" not in row["explanation_en"]


def test_the_plain_rule_counts_a_change_of_exactly_n_points_and_the_index_does_not():
    assert progress([4.0, 4.0, 4.0, 5.5])["status"] == "improved"
    assert progress([4.0, 4.0, 4.0, 2.5])["status"] == "deteriorated"
    index = ReliableChange(1.5, Basis.CLINIC, sd=1.0, reliability=0.7, treatments=80)
    row = progress([4.0, 4.0, 4.0, 5.5], index)
    assert row["status"] == "not_improving"
    assert "more than 1.5 (Jacobson & Truax 1991, from this clinic's first scores)" in row["explanation_en"]
    assert progress([4.0, 4.0, 4.0, 5.6], index)["status"] == "improved"


def test_a_score_where_lower_is_better_improves_downwards():
    assert (
        progress([20.0, 18.0, 15.0, 12.0], ReliableChange(5.0, Basis.FIXED), higher_is_better=False)["status"]
        == "improved"
    )


def test_many_treatments_at_once_each_against_its_own_start():
    frame = pd.DataFrame(
        {
            "treatment": ["b"] * 4 + ["a"] * 5,
            "session": [4, 3, 2, 1, 1, 2, 3, 4, 5],
            "outcome": [7.0, 6.0, 5.0, 3.0, 5.0, 5.0, NA, 5.5, 5.0],
        }
    )
    table = outcome_progress(frame, FIXED)
    assert list(table["treatment"]) == ["b", "a"]
    assert list(table["status"]) == ["improved", "not_improving"]
    assert list(table["first"]) == [3.0, 5.0] and list(table["latest"]) == [7.0, 5.0]
    assert list(table["change"]) == pytest.approx([4.0, 0.0])
