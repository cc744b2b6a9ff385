"""Every rule and its edges. Ties are decided as documented in `rules.py`."""

import pandas as pd
import pytest

from allianse.core.signals import Signal, SignalRules, detect_signals, signals_for_latest
from allianse.core.signals.signal import COLUMNS

from .builders import NA, PATIENT, RULES, fired, only, series


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


def test_no_answer_to_the_rupture_question_is_not_a_rupture():
    assert fired(series([5.5, 5.4], rupture=[NA, 0]), "reported") == []


def test_held_back_fires_on_its_session():
    assert fired(series([5.5, 5.4, 5.6], held_back=[0, 1, NA]), "held_back") == [(2, "held_back")]


# drop -------------------------------------------------------------------------------------------


def test_the_z_rule_is_silent_until_enough_earlier_scored_sessions():
    # sessions 1-2 are the only earlier scores before session 3: too few for the default of 3
    assert fired(series([6.0, 6.0, 4.5]), "drop", reliable_change=5) == []
    assert fired(series([6.0, 6.0, 4.5]), "drop", reliable_change=5, min_reference_sessions=2) == [(3, "z")]


def test_unanswered_checks_do_not_count_as_reference_sessions():
    frame = series([6.0, NA, 6.0, NA, 4.5])
    assert fired(frame, "drop", reliable_change=5) == []
    assert fired(series([6.0, NA, 6.0, 6.0, 4.5]), "drop", reliable_change=5) == [(5, "z")]


def test_the_sd_floor_keeps_a_very_stable_patient_from_triggering_on_a_tiny_dip():
    # earlier SD 0: the floor of 0.25 makes a dip of 0.4 a z of 1.6
    assert fired(series([5.0, 5.0, 5.0, 4.6]), "drop") == []
    assert fired(series([5.0, 5.0, 5.0, 4.6]), "drop", min_sd=0.2) == [(4, "z")]


def test_the_z_threshold_is_inclusive():
    # earlier mean 5.0, SD 0 floored to 0.25: a dip to 4.5 is exactly 2 SDs
    table = only(series([5.0, 5.0, 5.0, 4.5]), "drop")
    assert list(table["detail"]) == ["z"]
    assert table.loc[0, "value"] == pytest.approx(2.0) and table.loc[0, "threshold"] == 2.0


def test_the_z_reference_is_the_mean_and_sd_of_earlier_sessions_only():
    frame = series([5.0, 6.0, 7.0, 4.0])  # mean 6, SD 1 before session 4
    table = only(frame, "drop", reliable_change=5)
    assert list(table["session"]) == [4]
    assert table.loc[0, "value"] == pytest.approx(2.0)
    assert "earlier mean of 6.0 (SD 1.0)" in table.loc[0, "explanation_en"]


def test_a_drop_from_the_previous_session_is_strictly_more_than_the_reliable_change():
    assert fired(series([5.6, 4.6]), "drop") == []  # 0.9999999999999996: a tie, not more
    assert fired(series([4.4, 3.4]), "drop", low_threshold=1) == []  # 1.0000000000000004: a tie too
    assert fired(series([5.6, 4.5]), "drop") == [(2, "reliable_change")]


def test_the_reliable_change_compares_with_the_previous_scored_session():
    table = only(series([5.8, NA, 3.9]), "drop")
    assert list(table["detail"]) == ["reliable_change"]
    assert table.loc[0, "value"] == pytest.approx(1.9)
    assert "fell from 5.8 to 3.9" in table.loc[0, "explanation_en"]


def test_both_drop_rules_can_fire_on_one_session():
    assert fired(series([5.8, 5.6, 6.0, 5.9, 3.9]), "drop") == [(5, "z"), (5, "reliable_change")]


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


def test_low_is_at_or_below_the_concern_threshold():
    assert fired(series([3.6, 3.5, 3.0, NA]), "low") == [(2, "low"), (3, "low")]
    assert fired(series([3.6, 3.5, 3.0]), "low", low_threshold=3.0) == [(3, "low")]


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
        ("a", 4, "drop", "z"),
        ("a", 4, "drop", "reliable_change"),
    ]


def test_signals_for_latest_gives_the_last_sessions_signals_as_records():
    signals = signals_for_latest(series([5.8, 5.6, 6.0, 5.9, 3.9], held_back=[1, 0, 0, 0, 0]), RULES)
    assert [(signal.kind, signal.detail) for signal in signals] == [("drop", "z"), ("drop", "reliable_change")]
    assert all(isinstance(signal, Signal) and signal.session == 5 for signal in signals)
    assert signals_for_latest(series([5.8, 5.9]), RULES)[:] == []


def test_signals_for_latest_takes_one_treatment():
    frame = pd.concat([series([5.0], treatment="a"), series([5.0], treatment="b")])
    with pytest.raises(ValueError, match="one treatment"):
        signals_for_latest(frame, RULES)
