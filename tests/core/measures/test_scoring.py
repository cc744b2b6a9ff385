"""Scoring: worked examples, completeness rules, and one response == the same row in batch."""

import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allianse.core.measures import (
    ScoringInputError,
    build_instrument,
    check_answers,
    load_instrument,
    score_frame,
    score_response,
)

from .test_definition import VALID

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


@pytest.mark.parametrize(
    ("value", "read"),
    [(5, 5), (5.0, 5), ("5", 5), (" 5 ", 5), ("5.0", 5), ("+5", 5), (np.int64(5), 5), (np.float64(5.0), 5)],
)
def test_a_whole_number_is_a_scale_answer_however_it_is_written(value, read):
    assert check_answers(PATIENT, dict.fromkeys(ALLIANCE_ITEMS, value)).answers["goal_1"] == read
    assert score_frame(PATIENT, pd.DataFrame({"goal_1": [value]}))["goal"].isna().all()  # read, not refused


@pytest.mark.parametrize("value", [4.5, "4.5", "five", "1e0", "5_0", True, float("inf"), "٥"])
def test_anything_else_is_not_a_scale_answer_in_either_path(value):
    assert check_answers(PATIENT, {"goal_1": value}).errors["goal_1"] == "not_a_number"
    with pytest.raises(ScoringInputError, match=r"column 'goal_1', row 1: .* is not a valid answer"):
        score_frame(PATIENT, pd.DataFrame({"goal_1": [value]}, dtype=object))


def test_an_integral_float_from_json_and_its_text_from_csv_score_alike():
    single = score_response(PATIENT, check_answers(PATIENT, dict.fromkeys(ALLIANCE_ITEMS, 5.0)).answers)
    csv = score_frame(PATIENT, pd.DataFrame({item: ["5.0"] for item in ALLIANCE_ITEMS}, dtype=str))
    assert single.scores["alliance"] == csv["alliance"].iloc[0] == pytest.approx(28 / 6)  # task_2 reversed: 3


# A definition with every kind of scored item: scales (one reversed), yes/no, and a scale asked
# only after a yes.
SCORED = copy.deepcopy(VALID)
SCORED["scores"] = [
    {"id": "total", "title": VALID["title"], "items": ["a", "b", "c", "d"], "method": "mean", "min_answered": 1}
]
MIXED = build_instrument(SCORED, source="mixed.yaml")
RAW = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1, 7),
    st.sampled_from([1.0, 3.0, 5.0, 2.5, -0.0, float("nan"), float("inf"), 1e300]),
    st.sampled_from(["1", " 3 ", "5.0", "+2", "2.5", "", "  ", "x", "yes", "No", "TRUE", "0", "1.0", "1e0"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.fixed_dictionaries(dict.fromkeys("abcd", RAW)), min_size=1, max_size=8))
def test_one_response_and_a_batch_agree_on_validity_and_scores_for_any_raw_value(responses):
    checked = [check_answers(MIXED, answers) for answers in responses]
    invalid = any(code != "required" for result in checked for code in result.errors.values())
    frame = pd.DataFrame(responses, columns=list("abcd"))
    if invalid:
        with pytest.raises(ScoringInputError):
            score_frame(MIXED, frame)
        return
    batch = score_frame(MIXED, frame)
    for position, result in enumerate(checked):
        single = score_response(MIXED, result.answers).scores["total"]
        assert (single is None and math.isnan(batch["total"].iloc[position])) or single == batch["total"].iloc[position]
