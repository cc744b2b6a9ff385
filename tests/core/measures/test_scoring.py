"""Scoring: worked examples, completeness rules, and one response == the same row in batch."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allianse.core.measures import (
    ScoringInputError,
    check_answers,
    load_instrument,
    score_frame,
    score_response,
)

PATIENT = load_instrument(Path(__file__).resolve().parents[3] / "allianse/instruments/alliance-patient.yaml")
ALLIANCE_ITEMS = ["goal_1", "goal_2", "task_1", "task_2", "bond_1", "bond_2"]


def test_reversed_item_counts_from_the_other_end_and_subscales_are_means():
    answers = {
        "goal_1": 6,
        "goal_2": 5,
        "task_1": 7,
        "task_2": 2,
        "bond_1": 4,
        "bond_2": 5,
        "rupture": False,
        "held_back": False,
    }
    result = score_response(PATIENT, check_answers(PATIENT, answers).answers)
    assert result.scores["goal"] == 5.5
    assert result.scores["task"] == 6.5  # task_2 = 2 counts as 8 - 2 = 6
    assert result.scores["bond"] == 4.5
    assert result.scores["alliance"] == pytest.approx(33 / 6)
    assert result.bands["alliance"] == "strong"  # 5.5 opens the strong band


def test_too_few_answers_give_no_score_rather_than_a_low_one():
    result = score_response(PATIENT, {"goal_1": 6, "task_1": 5, "task_2": 3, "rupture": False})
    assert result.scores["goal"] is None and result.scores["alliance"] is None
    assert result.bands["alliance"] is None


def test_band_edges_include_the_lower_bound():
    below = score_response(PATIENT, dict.fromkeys(ALLIANCE_ITEMS, 5) | {"task_2": 3, "bond_2": 6})
    at_edge = score_response(PATIENT, dict.fromkeys(ALLIANCE_ITEMS, 5) | {"task_2": 3, "goal_1": 7, "goal_2": 6})
    assert below.scores["alliance"] == pytest.approx(31 / 6) and below.bands["alliance"] == "moderate"
    assert at_edge.scores["alliance"] == 5.5 and at_edge.bands["alliance"] == "strong"


def test_follow_up_answers_count_only_when_the_question_applies():
    checked = check_answers(
        PATIENT, dict.fromkeys(ALLIANCE_ITEMS, 4) | {"rupture": "no", "rupture_intensity": 5, "held_back": "no"}
    )
    assert checked.is_valid and "rupture_intensity" not in checked.answers


def test_answers_are_checked_item_by_item_with_codes():
    checked = check_answers(PATIENT, {"goal_1": 9, "goal_2": "x", "rupture": "yes", "held_back": "maybe"})
    assert checked.errors["goal_1"] == "out_of_range"
    assert checked.errors["goal_2"] == "not_a_number"
    assert checked.errors["task_1"] == "required"
    assert checked.errors["rupture_intensity"] == "required"  # asked because rupture = yes
    assert checked.errors["held_back"] == "not_yes_no"
    assert "comment" not in checked.errors


def test_batch_input_with_an_impossible_value_is_refused_with_its_place():
    frame = pd.DataFrame({item: [4, 4] for item in ALLIANCE_ITEMS} | {"goal_1": [4, 12]})
    with pytest.raises(ScoringInputError, match=r"column 'goal_1', row 2: '12'"):
        score_frame(PATIENT, frame)


answer = st.one_of(st.none(), st.integers(min_value=1, max_value=7))
response = st.fixed_dictionaries(
    {item: answer for item in ALLIANCE_ITEMS}
    | {
        "rupture": st.one_of(st.none(), st.booleans()),
        "rupture_intensity": st.one_of(st.none(), st.integers(1, 5)),
        "rupture_resolution": st.one_of(st.none(), st.integers(1, 5)),
        "held_back": st.one_of(st.none(), st.booleans()),
    }
)


@settings(max_examples=60, deadline=None)
@given(st.lists(response, min_size=1, max_size=40))
def test_one_response_scores_exactly_like_its_row_in_batch(responses):
    batch = score_frame(PATIENT, pd.DataFrame(responses, columns=list(responses[0])))
    for position, answers in enumerate(responses):
        single = score_response(PATIENT, {key: value for key, value in answers.items() if value is not None})
        for key, value in single.scores.items():
            batch_value = batch[key].iloc[position]
            assert (value is None and math.isnan(batch_value)) or value == batch_value
        for key, band in single.bands.items():
            assert band == batch[f"{key}_band"].iloc[position]


def test_a_million_responses_score_in_one_call():
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.integers(1, 8, size=(1_000_000, 6)), columns=ALLIANCE_ITEMS)
    scores = score_frame(PATIENT, frame)
    assert len(scores) == 1_000_000 and scores["alliance"].between(1, 7).all()
