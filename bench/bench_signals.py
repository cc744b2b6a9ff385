"""Benchmark of the rupture signal engine: a million sessions in batch against a per-treatment loop.

50,000 treatments x 20 sessions, seeded. The baseline calls the same function once per treatment
in a Python loop over a sample of 500 treatments and extrapolates linearly to 50,000. Run from the
project root: `python -m bench bench_signals`.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

import numpy as np
import pandas as pd

from allianse.core.signals import detect_signals, find_episodes, signals_for_latest
from bench.support import timings

TREATMENTS = 50_000
SESSIONS = 20
LOOP_SAMPLE = 500
ITEMS = 12  # alliance = the mean of 12 items on 1-7


def make_series(treatments: int = TREATMENTS, sessions: int = SESSIONS, seed: int = 2026) -> pd.DataFrame:
    """Seeded, realistic series: patient levels around 5.3 that improve slowly, session noise, 5% of
    sessions start a V-shaped dip of 1-2.5 points (half of it carried into the next session), 7%
    missed sessions, 5% unanswered checks, ruptures reported mostly in dips (40% of dip sessions, 2% of
    others), therapists noticing half of the reported ones."""
    rng = np.random.default_rng(seed)
    size = treatments * sessions
    session = np.tile(np.arange(1, sessions + 1), treatments)
    level = np.repeat(rng.normal(5.3, 0.7, treatments), sessions)
    trend = np.repeat(rng.normal(0.02, 0.02, treatments), sessions) * session
    dip = np.where(rng.random(size) < 0.05, rng.uniform(1.0, 2.5, size), 0.0)
    carried = np.where(session > 1, np.concatenate(([0.0], dip[:-1])) / 2, 0.0)
    true_alliance = level + trend - dip - carried
    attended = rng.random(size) > 0.07
    answered = attended & (rng.random(size) > 0.05)
    in_dip = (dip + carried) > 0
    rupture = rng.random(size) < np.where(in_dip, 0.4, 0.02)
    noticed = np.where(rupture, rng.random(size) < 0.5, rng.random(size) < np.where(in_dip, 0.2, 0.02))
    return pd.DataFrame(
        {
            "treatment": np.repeat(np.char.add("T", np.arange(treatments).astype(str)), sessions),
            "session": session,
            "alliance": _answers(true_alliance + rng.normal(0, 0.3, size), answered),
            "therapist_alliance": _answers(true_alliance - 0.3 + rng.normal(0, 0.5, size), attended),
            "rupture": _flags(rupture, answered),
            "rupture_intensity": _ratings(rng, rupture & answered),
            "rupture_resolution": _ratings(rng, rupture & answered),
            "held_back": _flags(rng.random(size) < 0.04, answered),
            "therapist_rupture": _flags(noticed, attended),
            "attended": attended.astype(int),
        }
    )


def _answers(scores: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """Item means on 1-7 (multiples of 1/12), NaN where the check was not answered."""
    return np.where(answered, np.round(scores.clip(1, 7) * ITEMS) / ITEMS, np.nan)


def _ratings(rng: np.random.Generator, rated: np.ndarray) -> np.ndarray:
    """PSQ 1-5 ratings where a rupture was reported, a tenth of them left unanswered."""
    return np.where(rated & (rng.random(len(rated)) > 0.1), rng.integers(1, 6, len(rated)), np.nan)


def _flags(flags: np.ndarray, answered: np.ndarray) -> np.ndarray:
    return np.where(answered, flags.astype(float), np.nan)


def _seconds(work: Callable[[], object], repeat: int = 1) -> float:
    """The best of `repeat` runs."""
    return min(timings(work, repeat))


def run() -> list[dict[str, object]]:
    frame = make_series()
    signals = detect_signals(frame)
    sample = [part for _, part in frame.head(LOOP_SAMPLE * SESSIONS).groupby("treatment", sort=False)]
    sample_signals = [detect_signals(part) for part in sample]
    latest = statistics.median(_seconds(lambda: signals_for_latest(sample[0])) for _ in range(50))
    episodes = find_episodes(frame, signals)
    return [
        _against_loop(
            f"detect_signals, {len(frame):,} sessions ({TREATMENTS:,} x {SESSIONS})",
            lambda: detect_signals(frame),
            lambda: [detect_signals(part) for part in sample],
            f"{len(signals):,} signals, both explanations; signals_for_latest on one series: {latest * 1000:.0f} ms",
        ),
        _against_loop(
            "find_episodes, same sessions",
            lambda: find_episodes(frame, signals),
            lambda: [find_episodes(*pair) for pair in zip(sample, sample_signals, strict=True)],
            f"{len(episodes):,} episodes",
        ),
    ]


def _against_loop(name: str, batch: Callable[[], object], loop: Callable[[], object], note: str) -> dict[str, object]:
    """Time `batch` (best of 3) against `loop` over the sample, extrapolated to every treatment."""
    seconds = _seconds(batch, repeat=3)
    baseline = _seconds(loop) * TREATMENTS / LOOP_SAMPLE
    return {
        "name": name,
        "seconds": seconds,
        "baseline_seconds": baseline,
        "ratio": baseline / seconds,
        "note": f"{note}; baseline: one call per treatment in a Python loop over {LOOP_SAMPLE} treatments, "
        f"extrapolated linearly to {TREATMENTS:,}",
    }
