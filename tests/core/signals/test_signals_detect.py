"""Every rule and its edges. Ties are decided as documented in `rules.py`."""

import pandas as pd
import pytest

from allianse.core.measures import score_frame
from allianse.core.signals import Signal, SignalRules, detect_signals, find_episodes, signals_for_latest
from allianse.core.signals.signal import COLUMNS

from .builders import NA, PATIENT, RULES, fired, only, series, with_norms


def test_a_calm_series_gives_no_signals_and_the_documented_columns():
    table = detect_signals(series([5.8, 5.9, 6.0, 5.8, 6.1]), RULES)
    assert table.empty
    assert tuple(table.columns) == COLUMNS


# reported ---------------------------------------------------------------------------------------


def test_a_reported_rupture_carries_its_intensity_and_resolution():
    frame = series([5.5, 5.4], rupture=[0, 1], rupture_intensity=[NA, 4], rupture_resolution=[NA, 2])
    signal = only(frame, "reported").iloc[0]
    assert (signal["session"], signal["detail"], signal["value"], signal["threshold"]) == (2, "rated", 4.0, 1.0)
    assert "intensity 4 of 5, resolution 2 of 5" in signal["explanation_en"]


@pytest.mark.parametrize(
    ("intensity", "resolution", "detail"),
    [(3, NA, "intensity_only"), (NA, 5, "resolution_only"), (NA, NA, "unrated")],
)
def test_a_reported_rupture_says_which_ratings_are_missing(intensity, resolution, detail):
    frame = series([5.5], rupture=[1], rupture_intensity=[intensity], rupture_resolution=[resolution])
    assert fired(frame, "reported") == [(1, detail)]


def test_intensity_threshold_is_inclusive_and_an_unrated_intensity_still_counts():
    frame = series([5.5, 5.4, 5.6], rupture=[1, 1, 1], rupture_intensity=[2, 3, NA])
    assert [session for session, _ in fired(frame, "reported", intensity_threshold=3)] == [2, 3]


def test_a_report_below_the_intensity_threshold_opens_no_episode_through_the_discrepancy_path():
    # intensity 1, threshold 3, and the therapist's "no": neither a reported rupture nor a discrepancy
    frame = series([5.5, 5.5, 5.6, 5.5], rupture=[0, 1, 0, 0], rupture_intensity=[NA, 1, NA, NA], therapist_rupture=0)
    rules = SignalRules.for_instrument(PATIENT, {"intensity_threshold": 3})
    table = detect_signals(frame, rules)
    assert table.empty
    assert find_episodes(frame, table, rules).empty
    # at the threshold the same report is both, and opens an episode
    counted = frame.assign(rupture_intensity=[NA, 3, NA, NA])
    table = detect_signals(counted, rules)
    assert list(zip(table["kind"], table["detail"], strict=True)) == [
        ("reported", "intensity_only"),
        ("discrepancy", "rupture_only_patient"),
    ]
    assert len(find_episodes(counted, table, rules)) == 1


def test_no_answer_to_the_rupture_question_is_not_a_rupture():
    assert fired(series([5.5, 5.4], rupture=[NA, 0]), "reported") == []


def test_held_back_fires_on_its_session():
    assert fired(series([5.5, 5.4, 5.6], held_back=[0, 1, NA]), "held_back") == [(2, "held_back")]


# drop -------------------------------------------------------------------------------------------


def test_the_z_rule_is_silent_until_enough_earlier_scored_sessions():
    # sessions 1-2 are the only earlier scores before session 3: too few for the default of 3
    assert fired(series([6.0, 6.0, 4.5]), "drop", reliable_change=5) == []
    assert fired(series([6.0, 6.0, 4.5]), "drop", reliable_change=5, min_reference_sessions=2) == [(3, "z_floored")]


def test_unanswered_checks_do_not_count_as_reference_sessions():
    frame = series([6.0, NA, 6.0, NA, 4.5])
    assert fired(frame, "drop", reliable_change=5) == []
    assert fired(series([6.0, NA, 6.0, 6.0, 4.5]), "drop", reliable_change=5) == [(5, "z_floored")]


def test_the_sd_floor_keeps_a_very_stable_patient_from_triggering_on_a_tiny_dip():
    # earlier SD 0: the floor of 0.25 makes a dip of 0.4 a z of 1.6
    assert fired(series([5.0, 5.0, 5.0, 4.6]), "drop") == []
    assert fired(series([5.0, 5.0, 5.0, 4.6]), "drop", min_sd=0.2) == [(4, "z_floored")]


def test_a_floored_sd_is_explained_as_raised_to_the_floor_not_as_the_patients_sd():
    table = only(series([5.0, 5.0, 5.0, 4.4]), "drop", reliable_change=5)
    assert list(table["detail"]) == ["z_floored"]
    assert "earlier SD was 0.0, so it was raised to the floor of 0.25 points" in table.loc[0, "explanation_en"]
    assert "(SD 0.25)" not in table.loc[0, "explanation_en"]
    assert "tidligere SD var 0,0, så den ble hevet til minsteverdien på 0,25 poeng" in table.loc[0, "explanation_nb"]
    # an SD above the floor is the patient's own and is shown as such
    unfloored = only(series([5.0, 6.0, 7.0, 4.0]), "drop", reliable_change=5)
    assert list(unfloored["detail"]) == ["z"] and "(SD 1.0)" in unfloored.loc[0, "explanation_en"]


def test_an_earlier_sd_at_the_floor_but_for_float_noise_is_the_patients_own():
    # item means in twelfths of a point: their SD is 0.25, which the running sums make 0.2499999999999929
    table = only(series([53 / 12, 50 / 12, 47 / 12, 50 / 12 - 0.6]), "drop", reliable_change=5)
    assert list(table["detail"]) == ["z"]
    assert "(SD 0.25)" in table.loc[0, "explanation_en"] and "raised to the floor" not in table.loc[0, "explanation_en"]


def test_the_z_threshold_is_inclusive():
    # earlier mean 5.0, SD 0 floored to 0.25: a dip to 4.5 is exactly 2 SDs
    table = only(series([5.0, 5.0, 5.0, 4.5]), "drop")
    assert list(table["detail"]) == ["z_floored"]
    assert table.loc[0, "value"] == pytest.approx(2.0) and table.loc[0, "threshold"] == 2.0


def test_the_z_reference_is_the_mean_and_sd_of_earlier_sessions_only():
    frame = series([5.0, 6.0, 7.0, 4.0])  # mean 6, SD 1 before session 4
    table = only(frame, "drop", reliable_change=5)
    assert list(table["session"]) == [4]
    assert table.loc[0, "value"] == pytest.approx(2.0)
    assert "earlier mean of 6.0 (SD 1.0)" in table.loc[0, "explanation_en"]


def test_without_norms_a_fall_of_at_least_the_definitions_points_counts_ties_included():
    # the shipped check has no norms: the rule is a plain fall of at least 1 point, citing nothing
    assert fired(series([5.6, 4.7]), "drop") == []
    assert fired(series([5.6, 4.6]), "drop") == [(2, "fall")]  # 0.9999999999999996: a tie, counted
    table = only(series([5.6, 4.5]), "drop")
    assert "the rule is a fall of at least 1.0 points" in table.loc[0, "explanation_en"]
    assert "Jacobson" not in table.loc[0, "explanation_en"] and "Jacobson" not in table.loc[0, "explanation_nb"]


def test_with_norms_a_fall_must_be_strictly_more_than_the_reliable_change_index():
    # SD 0.51, r 0.5: 1.96 * 0.51 * sqrt(2 * 0.5) = 0.9996, just under 1 point
    rules = SignalRules.for_instrument(with_norms(0.51, 0.5))
    assert rules.reliable_change == pytest.approx(0.9996)
    assert fired(series([5.6, 4.6005]), "drop", instrument=with_norms(0.51, 0.5)) == []
    table = only(series([5.6, 4.5]), "drop", instrument=with_norms(0.51, 0.5))
    assert list(table["detail"]) == ["reliable_change"]
    assert "more than the reliable change index of 1.0 (Jacobson & Truax 1991" in table.loc[0, "explanation_en"]


def test_the_reliable_change_compares_with_the_previous_scored_session():
    table = only(series([5.8, NA, 3.9]), "drop")
    assert list(table["detail"]) == ["fall"]
    assert table.loc[0, "value"] == pytest.approx(1.9)
    assert "fell from 5.8 to 3.9" in table.loc[0, "explanation_en"]


def test_both_drop_rules_can_fire_on_one_session():
    assert fired(series([5.8, 5.6, 6.0, 5.9, 3.9]), "drop") == [(5, "z_floored"), (5, "fall")]


# discrepancy ------------------------------------------------------------------------------------


def test_an_alliance_gap_of_exactly_the_threshold_counts_in_either_direction():
    frame = series([4.6, 6.1, 5.0], therapist_alliance=[6.1, 4.6, 6.4])
    assert fired(frame, "discrepancy") == [(1, "therapist_higher"), (2, "patient_higher")]
    assert list(only(frame, "discrepancy")["value"]) == pytest.approx([1.5, 1.5])


def test_a_rupture_reported_by_only_one_side_is_a_discrepancy():
    frame = series([5, 5, 5, 5], rupture=[1, 0, 1, NA], therapist_rupture=[0, 1, 1, 1])
    assert fired(frame, "discrepancy") == [(1, "rupture_only_patient"), (2, "rupture_only_therapist")]


def test_a_missing_therapist_rating_is_no_discrepancy():
    frame = series([3.0, 5.0], therapist_alliance=[NA, 5.5], rupture=[1, 0])
    assert fired(frame, "discrepancy") == []


# low --------------------------------------------------------------------------------------------


def test_low_follows_the_bands_boundary_so_3_5_is_moderate_and_not_low():
    assert fired(series([3.6, 3.5, 3.4, 3.0, NA]), "low") == [(3, "low"), (4, "low")]
    assert fired(series([3.6, 3.0, 2.9]), "low", low_threshold=3.0) == [(3, "low")]
    bands = score_frame(
        PATIENT, pd.DataFrame([{"goal_1": 4, "goal_2": 4, "task_1": 3, "task_2": 5, "bond_1": 4, "bond_2": 3}])
    )
    assert bands.loc[0, "alliance"] == 3.5 and bands.loc[0, "alliance_band"] == "moderate"
    explanation = only(series([3.4]), "low").loc[0, "explanation_en"]
    assert explanation == "Alliance was 3.4 in session 1, below the concern level of 3.5."


# early alliance ---------------------------------------------------------------------------------


def test_a_weak_early_alliance_is_flagged_at_the_session_that_completes_it_with_its_source():
    # patient: mean of the first 3 answered sessions (4.0, 3.0, 3.2) = 3.4 < 3.5; an unanswered check is skipped
    frame = series([4.0, NA, 3.0, 3.2, 6.0], therapist_alliance=[4.0, 3.0, 3.5, 4.5, 4.0])
    assert fired(frame, "early") == [(4, "early_patient")]
    table = only(frame, "early")
    assert table.loc[0, "value"] == pytest.approx(3.4) and table.loc[0, "threshold"] == 3.5
    assert "first 3 answered sessions averaged 3.4, below 3.5" in table.loc[0, "explanation_en"]
    assert "Horvath & Symonds 1991" in table.loc[0, "explanation_nb"]
    # therapist: 4.0, 3.0, 3.5 = 3.5 at session 3, not below 3.5; below 3.6
    assert fired(frame, "early", early_threshold=3.6) == [(3, "early_therapist"), (4, "early_patient")]
    assert fired(series([3.5, 3.5, 3.5]), "early") == []


def test_the_early_window_and_level_are_settings():
    frame = series([3.0, 5.0, 5.0])
    assert fired(frame, "early") == []  # mean 4.33
    assert fired(frame, "early", early_sessions=1) == [(1, "early_patient")]
    assert fired(frame, "early", early_threshold=4.5) == [(3, "early_patient")]


def test_the_early_signal_is_not_a_rupture_and_opens_no_episode():
    frame = series([3.6, 3.5, 3.5, 3.9])  # mean 3.53: no; now lower the level to the weak band's edge
    rules = SignalRules.for_instrument(PATIENT, {"early_threshold": 3.6})
    table = detect_signals(frame, rules)
    assert list(table["kind"]) == ["early"]
    assert find_episodes(frame, table, rules).empty


# absence ----------------------------------------------------------------------------------------


def test_a_missed_session_or_unanswered_check_soon_after_a_rupture_is_an_absence():
    frame = series([5.5, 5.4, NA, NA, NA], rupture=[0, 1, NA, NA, NA], attended=[1, 1, 0, 1, 0])
    assert fired(frame, "absence") == [(3, "missed_session"), (4, "unanswered_check")]
    table = only(frame, "absence")
    assert list(table["value"]) == [1.0, 2.0]
    assert list(table["threshold"]) == [2.0, 2.0]


def test_absence_without_a_rupture_signal_before_it_is_silent():
    frame = series([5.5, 5.4, NA], held_back=[0, 1, NA], attended=[1, 1, 0])
    assert fired(frame, "absence") == []


def test_the_absence_window_is_inclusive():
    frame = series([5.5, 3.0, 5.5, NA], attended=[1, 1, 1, 0])
    assert fired(frame, "absence") == [(4, "missed_session")]
    assert fired(frame, "absence", absence_window=1) == []


# several treatments, order, the per-session path --------------------------------------------------


def test_treatments_are_independent_and_listed_in_order_of_first_appearance():
    first = series([6.0, 6.0, 6.0, 4.5], treatment="a")
    second = series([2.0, 2.0, 2.0, 2.0, 2.0], treatment="b", rupture=[0, 0, 0, 0, 1])
    shuffled = pd.concat([second.iloc[2:], first.iloc[::-1], second.iloc[:2]])
    table = detect_signals(shuffled, SignalRules.for_instrument(PATIENT, {"low_threshold": 1.0}))
    assert list(zip(table["treatment"], table["session"], table["kind"], table["detail"], strict=True)) == [
        ("b", 5, "reported", "unrated"),
        ("a", 4, "drop", "z_floored"),
        ("a", 4, "drop", "fall"),
    ]


def test_signals_for_latest_gives_the_last_sessions_signals_as_records():
    signals = signals_for_latest(series([5.8, 5.6, 6.0, 5.9, 3.9], held_back=[1, 0, 0, 0, 0]), RULES)
    assert [(signal.kind, signal.detail) for signal in signals] == [("drop", "z_floored"), ("drop", "fall")]
    assert all(isinstance(signal, Signal) and signal.session == 5 for signal in signals)
    assert signals_for_latest(series([5.8, 5.9]), RULES)[:] == []


def test_signals_for_latest_takes_one_treatment():
    frame = pd.concat([series([5.0], treatment="a"), series([5.0], treatment="b")])
    with pytest.raises(ValueError, match="one treatment"):
        signals_for_latest(frame, RULES)
