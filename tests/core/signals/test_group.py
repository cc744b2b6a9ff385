"""Group signals: withdrawal from the group, rising and high conflict, repeated absence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from allianse.core.measures import load_instrument
from allianse.core.signals import InvalidRules, MalformedSeries
from allianse.core.signals.group import (
    GROUP_WIDE,
    GroupSignalRules,
    detect_group_signals,
    group_signals_for_session,
)

from .builders import DEFINITIONS

NA = np.nan
CLIMATE = load_instrument(DEFINITIONS / "group-climate.yaml")
RULES = GroupSignalRules.for_instrument(CLIMATE)


def test_high_conflict_is_the_climate_definitions_concern_level():
    assert RULES.conflict_high == 4.0  # group-climate.yaml: the conflict range 4-6 is the concern
    with pytest.raises(InvalidRules, match=r"Unknown group signal rule\(s\) conflict_hi;"):
        GroupSignalRules.for_instrument(CLIMATE, {"conflict_hi": 3.0})


def group_frame(cohesion: dict[str, list[float]], group: str = "g1", **columns: dict[str, list[float]]) -> pd.DataFrame:
    """Members x sessions: every member present at sessions 1..n with conflict 1 unless given;
    NaN cohesion with attended 0 is an absence."""
    rows = []
    for member, values in cohesion.items():
        for index, value in enumerate(values):
            row = {"group": group, "member": member, "session": index + 1, "cohesion": value, "conflict": 1.0}
            row["attended"] = 0 if np.isnan(value) else 1
            for name, per_member in columns.items():
                row[name] = per_member[member][index]
            rows.append(row)
    return pd.DataFrame(rows)


def fired(frame: pd.DataFrame, **rules) -> list[tuple[str, int, str]]:
    table = detect_group_signals(frame, GroupSignalRules.for_instrument(CLIMATE, rules))
    return list(zip(table["member"], table["session"], table["detail"], strict=True))


STEADY = [5.0, 5.0, 4.67, 5.0, 5.33, 5.0]


def test_a_member_far_below_their_own_level_is_withdrawing():
    frame = group_frame({"A": [5.0, 4.67, 5.33, 5.0, 2.0], "B": [5.0] * 5, "C": [5.0] * 5})
    assert ("A", 5, "cohesion_own_level") in fired(frame)


def test_the_own_level_rule_waits_for_three_earlier_answers():
    frame = group_frame({"A": [5.0, 5.0, 1.0], "B": [1.0, 1.0, 1.0], "C": [1.0, 1.0, 1.0]})
    assert not [hit for hit in fired(frame) if hit[2] == "cohesion_own_level"]


def test_a_member_well_below_the_others_is_withdrawing_whatever_their_history():
    frame = group_frame({"A": [2.0], "B": [4.0], "C": [4.0]})
    table = detect_group_signals(frame, RULES)
    assert table[["member", "detail"]].values.tolist() == [["A", "cohesion_below_group"]]
    assert table["value"].iloc[0] == pytest.approx(2.0)


def test_below_the_group_counts_at_exactly_the_threshold():
    assert ("A", 1, "cohesion_below_group") in fired(group_frame({"A": [2.5], "B": [4.0], "C": [4.0]}))
    assert not fired(group_frame({"A": [2.6], "B": [4.0], "C": [4.0]}))


def test_below_the_group_needs_two_other_members_who_answered():
    assert not fired(group_frame({"A": [1.0], "B": [5.0], "C": [NA]}))


def test_a_drop_in_the_alliance_with_the_therapists_is_withdrawal_too():
    alliance = {"A": [6.0, 6.0, 5.5, 6.0, 3.0], "B": [6.0] * 5, "C": [6.0] * 5}
    frame = group_frame({name: [5.0] * 5 for name in "ABC"}, alliance=alliance)
    assert fired(frame) == [("A", 5, "alliance_own_level")]


def test_repeated_absence_fires_at_the_second_absence_within_three_sessions():
    frame = group_frame({"A": [5.0, NA, 5.0, NA, 5.0, 5.0, NA], "B": [5.0] * 7, "C": [5.0] * 7})
    absences = [hit for hit in fired(frame) if hit[2] == "repeated_absence"]
    assert absences == [("A", 4, "repeated_absence")]


def test_absences_further_apart_than_the_window_do_not_count():
    frame = group_frame({"A": [NA, 5.0, 5.0, NA], "B": [5.0] * 4, "C": [5.0] * 4})
    assert not [hit for hit in fired(frame) if hit[2] == "repeated_absence"]


def test_the_absence_window_starts_with_the_membership():
    frame = group_frame({"A": [NA, NA], "B": [5.0, 5.0], "C": [5.0, 5.0]})
    frame = pd.concat([group_frame({"A": [NA]}, group="other"), frame], ignore_index=True)
    assert [hit for hit in fired(frame) if hit[2] == "repeated_absence"] == [("A", 2, "repeated_absence")]


def test_rising_and_high_conflict_are_signals_about_the_whole_group():
    conflict = {name: [1.0, 1.0, 1.0, 4.5] for name in "ABC"}
    frame = group_frame({name: [5.0] * 4 for name in "ABC"}, conflict=conflict)
    assert fired(frame) == [(GROUP_WIDE, 4, "conflict_rising"), (GROUP_WIDE, 4, "conflict_high")]


def test_a_group_conflict_mean_needs_three_members_who_answered():
    conflict = {"A": [1.0, 1.0, 5.0], "B": [1.0, 1.0, 5.0], "C": [1.0, 1.0, NA]}
    frame = group_frame({"A": [5.0] * 3, "B": [5.0] * 3, "C": [5.0, 5.0, NA]}, conflict=conflict)
    assert not [hit for hit in fired(frame) if hit[0] == GROUP_WIDE]


def test_one_session_gives_what_the_batch_gives():
    rng = np.random.default_rng(7)
    cohesion = {name: list(np.where(rng.random(12) < 0.15, NA, rng.integers(0, 19, 12) / 3)) for name in "ABCDE"}
    conflict = {name: list(rng.integers(0, 19, 12) / 3) for name in "ABCDE"}
    frame = group_frame(cohesion, conflict=conflict)
    batch = detect_group_signals(frame, RULES)
    assert len(batch) > 0
    for session in range(1, 13):
        single = group_signals_for_session(frame, session, RULES)
        expected = batch[batch["session"] == session]
        assert [(s.member, s.detail, s.explanation_en) for s in single] == list(
            zip(expected["member"], expected["detail"], expected["explanation_en"], strict=True)
        )


def test_later_sessions_never_change_the_signals_of_earlier_ones():
    frame = group_frame({"A": [5.0, 5.0, 4.67, 5.0, 1.0, NA, NA, 1.0], "B": STEADY + [5.0, 5.0], "C": [4.0] * 8})
    full = detect_group_signals(frame, RULES)
    early = detect_group_signals(frame[frame["session"] <= 5], RULES)
    pd.testing.assert_frame_equal(full[full["session"] <= 5].reset_index(drop=True), early)


def test_many_groups_at_once_give_each_group_its_own_signals():
    first = group_frame({"A": [5.0, 5.0, 5.0, 1.0], "B": [5.0] * 4, "C": [5.0] * 4}, group="g1")
    second = group_frame({"A": [NA, NA, 5.0, 5.0], "B": [2.0] * 4, "C": [5.0] * 4, "D": [5.0] * 4}, group="g2")
    both = detect_group_signals(pd.concat([second, first], ignore_index=True), RULES)
    for name, frame in (("g1", first), ("g2", second)):
        alone = detect_group_signals(frame, RULES)
        pd.testing.assert_frame_equal(both[both["group"] == name].reset_index(drop=True), alone)


def test_signals_explain_themselves_in_both_languages():
    table = detect_group_signals(group_frame({"A": [2.0], "B": [4.0], "C": [4.5]}), RULES)
    assert table["explanation_en"].iloc[0] == (
        "In session 1 this member's cohesion was 2.0, 2.25 points below the mean of the other members (4.25); "
        "the threshold is 1.5."
    )
    assert "2,25 poeng under" in table["explanation_nb"].iloc[0]


def test_absence_is_explained_with_whole_numbers():
    frame = group_frame({"A": [5.0, NA, NA], "B": [5.0] * 3, "C": [5.0] * 3})
    text = detect_group_signals(frame, RULES)["explanation_en"].iloc[0]
    assert text == (
        "This member was absent from session 3: 2 absences in their last 3 sessions, at or above the threshold of 2."
    )


def test_no_members_no_signals():
    frame = pd.DataFrame(columns=["group", "member", "session", "attended", "cohesion", "conflict"])
    assert detect_group_signals(frame, RULES).empty


@pytest.mark.parametrize(
    "rules", [{"z": 0}, {"absence_count": 4}, {"min_reference_sessions": 1}, {"min_others": 1.5}, {"z": True}]
)
def test_rules_out_of_range_are_refused(rules):
    with pytest.raises(InvalidRules):
        GroupSignalRules.for_instrument(CLIMATE, rules)


def test_malformed_frames_are_refused():
    frame = group_frame({"A": [5.0], "B": [5.0]})
    with pytest.raises(MalformedSeries, match="cohesion"):
        detect_group_signals(frame.drop(columns="cohesion"), RULES)
    with pytest.raises(MalformedSeries, match="attended"):
        detect_group_signals(frame.assign(attended=2), RULES)
    with pytest.raises(MalformedSeries, match="twice"):
        detect_group_signals(pd.concat([frame, frame]), RULES)


def test_one_session_refuses_a_frame_of_several_groups():
    frame = pd.concat([group_frame({"A": [5.0]}, group="g1"), group_frame({"A": [5.0]}, group="g2")])
    with pytest.raises(ValueError, match="one group"):
        group_signals_for_session(frame, 1, RULES)
