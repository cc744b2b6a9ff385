"""The third perspective in the signal rules: an observer's coding against the patient's and the
therapist's reports, per session."""

import pytest

from allianse.core.signals import MalformedSeries, detect_signals

from .builders import NA, RULES, fired, series

OBSERVER_DETAILS = {"observer_only", "observer_none"}


def observer_signals(frame):
    return [hit for hit in fired(frame, "discrepancy") if hit[1] in OBSERVER_DETAILS]


def test_an_observer_coding_a_rupture_nobody_reported_is_a_discrepancy():
    frame = series([5.5, 5.6, 5.5], therapist_rupture=[0, 0, NA], observer_rupture=[1, 0, 1])
    assert observer_signals(frame) == [(1, "observer_only"), (3, "observer_only")]


def test_a_reported_rupture_the_observer_did_not_code_is_the_reverse_discrepancy():
    frame = series([5.5, 5.6, 5.5], rupture=[1, 0, 0], therapist_rupture=[0, 1, 1], observer_rupture=[0, 0, 1])
    assert observer_signals(frame) == [(1, "observer_none"), (2, "observer_none")]


def test_sessions_no_observer_rated_and_series_without_observers_raise_nothing():
    assert observer_signals(series([5.5, 5.6], rupture=[1, 0], observer_rupture=[NA, NA])) == []
    assert observer_signals(series([5.5, 5.6], rupture=[1, 0])) == []


def test_the_observer_signals_explain_themselves_in_both_languages():
    table = detect_signals(series([5.5], observer_rupture=[1]), RULES)
    row = table[table["detail"] == "observer_only"].iloc[0]
    assert row["explanation_en"].startswith("In session 1 an observer who rated the recording coded a rupture marker")
    assert row["explanation_nb"].startswith("I time 1 kodet en observatør")


def test_an_observer_flag_other_than_0_or_1_is_refused():
    with pytest.raises(MalformedSeries, match="observer_rupture"):
        detect_signals(series([5.5], observer_rupture=[2]), RULES)
