"""Rupture episodes and their repair: the V-shape rule (Stiles et al. 2004).

The rule, per treatment, reading sessions (rows, attended or missed) in order:

1. A session with a rupture-type signal (reported, drop, low, or a discrepancy about a rupture)
   opens an episode, or joins the open one. The episode's `reference` (its repair level) is fixed
   at the session that opened it: the patient's established baseline, the mean of their earlier
   scored sessions when there are at least `min_reference_sessions` of them; without one, the
   concern level (`low_threshold`): the score must leave the concern band. Never the rupture
   session's own score, which would count any small rise from a low point as a repair.
2. The episode is **repaired** at the first later session without a rupture-type signal whose
   alliance is at least the reference (the score returns to the patient's level, or out of the
   concern band: a V-shape), if that comes within `repair_window` (m) sessions of the episode's
   latest rupture-type signal.
3. It is **unrepaired** when m sessions have passed since its latest rupture-type signal without
   a repair or a new signal (McLaughlin et al. 2014 separate repaired and unrepaired ruptures).
4. It is **open** while fewer than m sessions have followed its latest signal and it is not
   repaired: a treatment that ends in this state is open, not unrepaired.

`last_session` is the session where the episode closed (the repair, or the m-th session after its
latest signal), or, for an open episode, the latest session of the treatment. Missed sessions
and unanswered checks count as sessions that passed without repair.

Vectorised without a loop over sessions: whether a gap between two signals of a treatment ends
the episode depends on the episode's reference, which depends on where the episode began. The
breaks are found by fixed-point iteration over all signals at once; iteration i settles the i-th
signal of every treatment, so it ends after at most (signals in the longest treatment) rounds,
usually two or three.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rules import SignalRules, at_least
from .series import prepare_series
from .signal import Kind, is_rupture_type

COLUMNS = ("treatment", "first_session", "last_session", "status", "reference", "kinds")


def find_episodes(frame: pd.DataFrame, signals: pd.DataFrame, rules: SignalRules) -> pd.DataFrame:
    """The rupture episodes of a series given its `detect_signals` table, one row per episode.

    Columns: `treatment, first_session, last_session, status, reference, kinds` (a tuple of the
    kinds of the rupture-type signals that opened or joined the episode).
    """
    return episode_table(prepare_series(frame, rules.scales), signals, rules)


def episode_table(series: pd.DataFrame, signals: pd.DataFrame, rules: SignalRules) -> pd.DataFrame:
    """The episodes of a prepared series (see `series.prepare_series`) given its signals."""
    rows, kind_bits = _rupture_rows(series, signals)
    if len(rows) == 0:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in COLUMNS})
    gaps = _Gaps(series, rows, rules)
    return _table(series, gaps, gaps.breaks(), kind_bits)


def _rupture_rows(series: pd.DataFrame, signals: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The series rows with a rupture-type signal, ascending, and a bit per signal kind they carry."""
    ruptures = signals.loc[is_rupture_type(signals["kind"], signals["detail"]), ["treatment", "session", "kind"]]
    keys = series[["treatment", "session"]].reset_index(names="row")
    located = ruptures.merge(keys, on=["treatment", "session"], how="left")
    if located["row"].isna().any():
        raise ValueError("The signals name sessions that are not in the series.")
    row = located["row"].to_numpy().astype(np.int64)
    bits = np.left_shift(1, pd.Categorical(located["kind"], categories=list(Kind)).codes.astype(np.int64))
    if len(row) == 0:
        return row, bits
    order = np.argsort(row, kind="stable")
    rows, starts = np.unique(row[order], return_index=True)
    return rows, np.bitwise_or.reduceat(bits[order], starts)


class _Gaps:
    """Each rupture-type row with the scores of the up to m sessions after it that come before the
    next rupture-type row of its treatment (the sessions that can repair its episode)."""

    def __init__(self, series: pd.DataFrame, rows: np.ndarray, rules: SignalRules) -> None:
        self.rows, self.window = rows, rules.repair_window
        window = rules.repair_window
        self.end = series["end"].to_numpy()[rows]
        alliance = series["alliance"].to_numpy()
        following = np.append(rows[1:], np.iinfo(np.int64).max)
        following = np.where(following <= self.end, following, np.iinfo(np.int64).max)
        self.joins = following - rows <= window
        later = rows[:, None] + np.arange(1, window + 1)
        inside = (later <= self.end[:, None]) & (later < following[:, None])
        self.later = np.where(inside, alliance[np.minimum(later, len(alliance) - 1)], np.nan)
        established = series["n_ref"].to_numpy()[rows] >= rules.min_reference_sessions
        self.reference = np.where(established, series["ref_mean"].to_numpy()[rows], rules.low_threshold)

    def repairs(self, breaks: np.ndarray) -> np.ndarray:
        """Per signal and later session: does the score return to its episode's reference (the
        repair level of the signal that opened the episode)?"""
        opens = _opens(breaks)
        levels = self.reference[np.flatnonzero(opens)][np.cumsum(opens) - 1]
        return at_least(self.later, levels[:, None])

    def breaks(self) -> np.ndarray:
        """Which signals end their episode (the fixed point described in the module docstring)."""
        breaks = ~self.joins
        while True:
            settled = ~self.joins | self.repairs(breaks).any(axis=1)
            if np.array_equal(settled, breaks):
                return breaks
            breaks = settled


def _opens(breaks: np.ndarray) -> np.ndarray:
    """A signal opens an episode when it is the first, or the one before it ended its episode."""
    return np.concatenate(([True], breaks[:-1]))


def _table(series: pd.DataFrame, gaps: _Gaps, breaks: np.ndarray, kind_bits: np.ndarray) -> pd.DataFrame:
    firsts, lasts = np.flatnonzero(_opens(breaks)), np.flatnonzero(breaks)
    repairs = gaps.repairs(breaks)[lasts]
    repaired = repairs.any(axis=1)
    last_rows = gaps.rows[lasts]
    expired = last_rows + gaps.window <= gaps.end[lasts]
    closing = np.select(
        [repaired, expired], [last_rows + 1 + repairs.argmax(axis=1), last_rows + gaps.window], gaps.end[lasts]
    )
    sessions = series["session"].to_numpy()
    return pd.DataFrame(
        {
            "treatment": series["treatment"].to_numpy()[gaps.rows[firsts]],
            "first_session": sessions[gaps.rows[firsts]],
            "last_session": sessions[closing],
            "status": np.select([repaired, expired], ["repaired", "unrepaired"], "open"),
            "reference": gaps.reference[firsts],
            "kinds": _kind_names(np.bitwise_or.reduceat(kind_bits, firsts)),
        }
    )


def _kind_names(bits: np.ndarray) -> list[tuple[str, ...]]:
    """Kind bit sets as tuples of kind names, in the order of `Kind`."""
    names = {
        pattern: tuple(kind.value for code, kind in enumerate(Kind) if pattern >> code & 1) for pattern in set(bits)
    }
    return [names[pattern] for pattern in bits]
