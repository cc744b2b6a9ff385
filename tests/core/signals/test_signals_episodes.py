"""Rupture episodes: the V-shape rule of `episodes.py` on hand-made series."""

import pandas as pd
import pytest

from allianse.core.signals import SignalRules, detect_signals, find_episodes

from .builders import NA, PATIENT, RULES, series


def episodes(frame: pd.DataFrame, **rules: float) -> list[tuple]:
    chosen = SignalRules.for_instrument(PATIENT, rules)
    table = find_episodes(frame, detect_signals(frame, chosen), chosen)
    return list(zip(table["first_session"], table["last_session"], table["status"], strict=True))


def test_a_v_shaped_dip_that_recovers_within_the_window_is_repaired():
    frame = series([5.8, 5.6, 6.0, 5.9, 3.9, 4.8, 5.9])  # reference 5.825 at session 5
    assert episodes(frame) == [(5, 7, "repaired")]
    table = find_episodes(frame, detect_signals(frame, RULES), RULES)
    assert table.loc[0, "reference"] == pytest.approx(5.825)
    assert table.loc[0, "kinds"] == ("drop",)


def test_returning_exactly_to_the_reference_is_a_repair():
    assert episodes(series([5.0, 5.0, 5.0, 4.5, 5.0])) == [(4, 5, "repaired")]


def test_no_recovery_within_the_window_is_unrepaired():
    frame = series([5.8, 5.6, 6.0, 5.9, 3.9, 4.8, 5.0, 5.2, 6.0])
    assert episodes(frame) == [(5, 8, "unrepaired")]
    assert episodes(frame, repair_window=4) == [(5, 9, "repaired")]


def test_a_treatment_that_ends_before_the_window_has_passed_leaves_the_episode_open():
    frame = series([5.8, 5.6, 6.0, 5.9, 3.9, 4.8])
    assert episodes(frame) == [(5, 6, "open")]


def test_missed_sessions_count_as_sessions_that_passed_without_repair():
    frame = series([5.8, 5.6, 6.0, 5.9, 3.9, NA, NA, NA, 6.0], attended=[1, 1, 1, 1, 1, 0, 0, 1, 1])
    assert episodes(frame) == [(5, 8, "unrepaired")]


def test_a_new_rupture_signal_within_the_window_joins_the_open_episode():
    # session 6 reports a rupture: it joins, and the window restarts from it
    frame = series([5.8, 5.6, 6.0, 5.9, 3.9, 5.0, 5.2, 5.4, 5.9], rupture=[0, 0, 0, 0, 0, 1, 0, 0, 0])
    table = find_episodes(frame, detect_signals(frame, RULES), RULES)
    assert episodes(frame) == [(5, 9, "repaired")]
    assert table.loc[0, "kinds"] == ("reported", "drop")


def test_the_reference_stays_the_one_at_the_opening_signal():
    # the rupture reported in session 5 joins the episode opened by the dip in session 4 (reference
    # 6.0); alone it would have had the reference 5.0 (the dip is in its earlier mean), which the
    # scores of 5.0 after it would have reached
    frame = series([6.0, 6.0, 6.0, 2.0, 4.6, 5.0, 5.0, 5.0], rupture=[0, 0, 0, 0, 1, 0, 0, 0])
    assert episodes(frame) == [(4, 8, "unrepaired")]


def test_after_a_repair_a_later_signal_opens_a_new_episode():
    frame = series([5.0, 5.0, 5.0, 4.5, 5.0, 5.0, 3.9, 4.4, 4.4, 4.4])
    assert episodes(frame) == [(4, 5, "repaired"), (7, 10, "unrepaired")]


def test_without_an_established_baseline_repair_means_leaving_the_concern_band_not_the_own_low_score():
    # 3.0, 3.4 are in the concern band (below 3.5) and 3.6 has left it; the reference is the
    # concern level 3.5, never the rupture session's own 3.0 (which 3.4 would have "reached")
    frame = series([3.0, 3.4, 3.6])
    table = find_episodes(frame, detect_signals(frame, RULES), RULES)
    assert episodes(frame) == [(1, 3, "repaired")]
    assert table.loc[0, "reference"] == 3.5
    # a clinic's own concern level is the level to reach
    assert episodes(series([3.0, 3.2]), low_threshold=3.2) == [(1, 2, "repaired")]


def test_a_rupture_before_a_baseline_exists_is_repaired_at_the_concern_level_not_its_own_score():
    # a rupture reported in session 1 at 6.0: a return to 6.0 is not needed, leaving 3.5 is enough
    frame = series([6.0, 5.2, 5.3], rupture=[1, 0, 0])
    table = find_episodes(frame, detect_signals(frame, RULES), RULES)
    assert episodes(frame) == [(1, 2, "repaired")]
    assert table.loc[0, "reference"] == 3.5


def test_with_an_established_baseline_repair_means_returning_to_it():
    # three earlier scores (min_reference_sessions): the reference is their mean 5.0
    frame = series([5.0, 5.0, 5.0, 3.0, 4.0, 4.9, 5.0])
    table = find_episodes(frame, detect_signals(frame, RULES), RULES)
    assert episodes(frame) == [(4, 7, "repaired")]
    assert table.loc[0, "reference"] == 5.0
    # with two earlier scores the baseline is not established yet: the concern level applies
    assert episodes(series([5.0, 5.0, 3.0, 4.0])) == [(3, 4, "repaired")]


def test_with_no_score_at_all_a_later_scored_session_out_of_the_concern_band_is_the_repair():
    frame = series([NA, NA, 3.4, 4.0], rupture=[0, 0, 0, 0], therapist_rupture=[1, NA, NA, NA])
    table = find_episodes(frame, detect_signals(frame, RULES), RULES)
    assert episodes(frame) == [(1, 4, "repaired")]
    assert table.loc[0, "reference"] == 3.5


def test_held_back_and_alliance_gaps_do_not_open_episodes_but_a_one_sided_rupture_does():
    assert episodes(series([5.0, 5.0], held_back=[1, 1], therapist_alliance=[3.0, 3.0])) == []
    assert episodes(series([5.0, 5.0, 5.0], rupture=[0, 0, 0], therapist_rupture=[0, 1, 0])) == [(2, 3, "repaired")]


def test_treatments_have_their_own_episodes():
    frame = pd.concat([series([5.0, 5.0, 5.0, 4.5, 5.0], treatment="a"), series([5.0, 3.0], treatment="b")])
    table = find_episodes(frame, detect_signals(frame, RULES), RULES)
    assert list(zip(table["treatment"], table["status"], strict=True)) == [("a", "repaired"), ("b", "open")]


def test_no_signals_no_episodes():
    frame = series([5.0, 5.1])
    table = find_episodes(frame, detect_signals(frame, RULES), RULES)
    assert table.empty
    assert list(table.columns) == ["treatment", "first_session", "last_session", "status", "reference", "kinds"]


def test_signals_of_another_series_are_refused():
    signals = detect_signals(series([5.0, 3.0], treatment="elsewhere"), RULES)
    with pytest.raises(ValueError, match="not in the series"):
        find_episodes(series([5.0, 5.0]), signals, RULES)
