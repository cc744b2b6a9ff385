"""Properties over random series: one implementation for one session and for a whole data set.

Scores move in quarter points so that ties at thresholds are common.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from allianse.core.signals import (
    SignalRules,
    detect_signals,
    find_episodes,
    prepare_series,
    signal_table,
    signals_for_latest,
    with_explanations,
)
from allianse.core.signals.signal import Kind, is_rupture_type, signals_from_table

from .builders import NA, PATIENT

SCORES = st.one_of(st.just(NA), st.integers(4, 28).map(lambda quarters: quarters / 4))
FLAGS = st.sampled_from([0.0, 0.0, 1.0, NA])
RATINGS = st.sampled_from([NA, 1.0, 2.0, 3.0, 4.0, 5.0])
RULES = st.builds(
    lambda **overrides: SignalRules.for_instrument(PATIENT, overrides),
    z=st.sampled_from([1.0, 2.0]),
    min_reference_sessions=st.integers(2, 4),
    min_sd=st.sampled_from([0.1, 0.25]),
    reliable_change=st.sampled_from([0.5, 1.0, 1.25]),
    discrepancy=st.sampled_from([1.0, 1.5]),
    low_threshold=st.sampled_from([3.0, 3.5]),
    absence_window=st.integers(1, 3),
    repair_window=st.integers(1, 3),
    intensity_threshold=st.integers(1, 5),
)


@st.composite
def treatment_series(draw: st.DrawFn, treatment: str = "t", max_sessions: int = 10) -> pd.DataFrame:
    size = draw(st.integers(1, max_sessions))

    def column(values: st.SearchStrategy) -> list:
        return draw(st.lists(values, min_size=size, max_size=size))

    attended = np.array(column(st.sampled_from([1, 1, 1, 1, 0])))
    frame = pd.DataFrame(
        {
            "alliance": column(SCORES),
            "therapist_alliance": column(SCORES),
            "rupture": column(FLAGS),
            "rupture_intensity": column(RATINGS),
            "rupture_resolution": column(RATINGS),
            "held_back": column(FLAGS),
            "therapist_rupture": column(FLAGS),
        }
    )
    frame.loc[attended == 0, :] = NA  # a missed session has no answers
    frame["rupture_intensity"] = frame["rupture_intensity"].where(frame["rupture"] == 1)
    frame.insert(0, "session", np.arange(1, size + 1) * draw(st.sampled_from([1, 2])))
    frame.insert(0, "treatment", treatment)
    return frame.assign(attended=attended)


@st.composite
def data_sets(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One treatment's series, and a shuffled data set that holds it among others."""
    main = draw(treatment_series())
    others = [draw(treatment_series(treatment=name)) for name in ("u", "v")[: draw(st.integers(0, 2))]]
    every = pd.concat([main, *others], ignore_index=True)
    return main, every.iloc[draw(st.permutations(range(len(every))))]


@settings(max_examples=40, deadline=None)
@given(data_sets(), RULES)
def test_the_per_session_path_gives_the_batch_signals_for_every_prefix(data, rules):
    main, data_set = data
    batch = detect_signals(data_set, rules)
    batch = batch[batch["treatment"] == "t"]
    for size in range(1, len(main) + 1):
        prefix = main.iloc[:size]
        session = prefix["session"].iloc[-1]
        assert signals_for_latest(prefix, rules) == signals_from_table(batch[batch["session"] == session])


@settings(max_examples=40, deadline=None)
@given(data_sets(), RULES)
def test_the_table_without_explanations_holds_the_same_signals(data, rules):
    _main, data_set = data
    series = prepare_series(data_set, rules.scales)
    explained = signal_table(series, rules)
    bare = signal_table(series, rules, explained=False)
    assert not any(name.startswith("explanation_") for name in bare.columns)
    pd.testing.assert_frame_equal(with_explanations(bare, rules), explained)
    some = bare[bare["treatment"] == "t"]
    part = explained[explained["treatment"] == "t"]  # an empty part's sentences have no text type to infer
    pd.testing.assert_frame_equal(with_explanations(some, rules), part, check_dtype=not part.empty)


@settings(max_examples=100, deadline=None)
@given(treatment_series(max_sessions=14), RULES)
def test_the_z_rule_matches_a_direct_computation_from_earlier_scores(frame, rules):
    table = detect_signals(frame, rules)
    found = table.loc[table["detail"].isin(["z", "z_floored"]), "session"].tolist()
    expected = []
    scores = frame["alliance"].to_numpy()
    for position, score in enumerate(scores):
        earlier = scores[:position][~np.isnan(scores[:position])]
        if np.isnan(score) or len(earlier) < rules.min_reference_sessions:
            continue
        z = (earlier.mean() - score) / max(earlier.std(ddof=1), rules.min_sd)
        if z >= rules.z - 1e-9:
            expected.append(frame["session"].iloc[position])
    assert found == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(treatment_series(max_sessions=14), min_size=1, max_size=3), RULES)
def test_episodes_match_a_session_by_session_reading_of_the_rule(parts, rules):
    frame = pd.concat([part.assign(treatment=f"t{index}") for index, part in enumerate(parts)], ignore_index=True)
    signals = detect_signals(frame, rules)
    table = find_episodes(frame, signals, rules)
    expected = [episode for part in frame.groupby("treatment") for episode in _read_episodes(*part, signals, rules)]
    assert list(table.drop(columns="reference").itertuples(index=False, name=None)) == [row[:5] for row in expected]
    assert table["reference"].tolist() == pytest.approx([row[5] for row in expected], nan_ok=True)


def _read_episodes(treatment: str, part: pd.DataFrame, signals: pd.DataFrame, rules: SignalRules) -> list[tuple]:
    """The rule of `episodes.py`, read one session at a time (a test oracle, not product code)."""
    ruptures = signals[(signals["treatment"] == treatment) & is_rupture_type(signals["kind"], signals["detail"])]
    kinds_at = ruptures.groupby("session")["kind"].agg(set).to_dict()
    sessions, scores = part["session"].tolist(), part["alliance"].to_numpy()
    episodes, current = [], None
    for position, session in enumerate(sessions):
        if session in kinds_at:
            if current is None:
                earlier = scores[:position][~np.isnan(scores[:position])]
                established = len(earlier) >= rules.min_reference_sessions
                reference = earlier.mean() if established else rules.low_threshold
                current = {"first": session, "reference": reference, "signal": position, "kinds": set()}
            current["signal"] = position
            current["kinds"] |= kinds_at[session]
        elif current is not None:
            repaired = scores[position] >= current["reference"] - 1e-9
            if repaired or position - current["signal"] == rules.repair_window:
                episodes.append(_closed(treatment, current, session, "repaired" if repaired else "unrepaired"))
                current = None
    if current is not None:
        episodes.append(_closed(treatment, current, sessions[-1], "open"))
    return episodes


def _closed(treatment: str, episode: dict, session: int, status: str) -> tuple:
    kinds = tuple(kind.value for kind in Kind if kind.value in episode["kinds"])
    return (treatment, episode["first"], session, status, kinds, episode["reference"])
