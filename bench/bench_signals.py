"""Benchmark of the rupture signal engine on a million sessions, against plain Python.

50,000 treatments x 20 sessions, seeded. The baseline is bench/naive_signals.py: the same rules
and episodes written in plain Python, one treatment and one session at a time, as one would write
them without numpy or pandas. It is what the vectorised engine has to beat; calling the engine once
per treatment would mostly measure pandas' overhead per call. The run first checks that the
baseline gives the product's signals (with their explanations) and episodes on all the data, then
times both the same way, the best of RUNS runs each. The baseline gets its sessions as dicts made
beforehand (not timed), while the product's time includes checking and sorting its DataFrame, so
the ratio errs in the baseline's favour. An extra row, labelled as such, compares the engine with
itself called once per treatment (the per-session path, as at submission), timed on a sample and
extrapolated linearly. Run from the project root: `python -m bench bench_signals`.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable
from itertools import zip_longest

import numpy as np
import pandas as pd

from allianse.core.measures import load_instrument
from allianse.core.signals import SignalRules, detect_signals, find_episodes, signals_for_latest
from bench.naive_signals import (
    EpisodeRow,
    Session,
    SignalRow,
    naive_episodes,
    naive_signals,
    sessions_by_treatment,
)
from bench.support import ROOT, seconds, timings

TREATMENTS = 50_000
SESSIONS = 20
LOOP_SAMPLE = 500
ITEMS = 12  # alliance = the mean of 12 items on 1-7
RUNS = 3
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


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


def _seconds(work: Callable[[], object], repeat: int = RUNS) -> float:
    """The best of `repeat` runs."""
    return min(timings(work, repeat))


def run() -> list[dict[str, object]]:
    frame = make_series()
    rules = SignalRules.for_instrument(load_instrument(ROOT / "allianse/instruments/alliance-patient.yaml"))
    treatments: dict[str, list[Session]] = {}
    converting = seconds(lambda: treatments.update(sessions_by_treatment(frame)))
    signals = detect_signals(frame, rules)
    plain_signals = naive_signals(treatments, rules)
    _check_signals(signals, plain_signals)
    episodes = find_episodes(frame, signals, rules)
    _check_episodes(episodes, naive_episodes(treatments, plain_signals, rules))
    sample = [part for _, part in frame.head(LOOP_SAMPLE * SESSIONS).groupby("treatment", sort=False)]
    latest = statistics.median(seconds(lambda: signals_for_latest(sample[0], rules)) for _ in range(50))
    batch = _seconds(lambda: detect_signals(frame, rules))
    baseline = _seconds(lambda: naive_signals(treatments, rules))
    per_treatment = _seconds(lambda: [detect_signals(part, rules) for part in sample]) * TREATMENTS / LOOP_SAMPLE
    plain = (
        f"baseline: bench/naive_signals.py, plain Python one session at a time on dicts "
        f"(made from the frame beforehand, {converting:.1f} s, not timed)"
    )
    return [
        _row(
            f"detect_signals, {len(frame):,} sessions ({TREATMENTS:,} x {SESSIONS})",
            batch,
            baseline,
            f"checked: the same {len(signals):,} signals and explanations; {plain}",
        ),
        _row(
            "find_episodes, same sessions",
            _seconds(lambda: find_episodes(frame, signals, rules)),
            _seconds(lambda: naive_episodes(treatments, plain_signals, rules)),
            f"checked: the same {len(episodes):,} episodes; {plain}",
        ),
        _row(
            "(extra) detect_signals against one call per treatment",
            batch,
            per_treatment,
            f"NOT the plain-Python baseline: baseline here = detect_signals called once per treatment, the "
            f"per-session path (signals_for_latest on one series: {latest * 1000:.0f} ms, median of 50), "
            f"mostly pandas' overhead per call; {LOOP_SAMPLE} calls timed, extrapolated linearly to {TREATMENTS:,}",
        ),
    ]


def _row(name: str, product: float, baseline: float, note: str) -> dict[str, object]:
    """Both timed the same way: the best of RUNS runs; ratio = baseline / product (above 1: faster)."""
    return {
        "name": name,
        "seconds": product,
        "baseline_seconds": baseline,
        "ratio": baseline / product,
        "note": f"best of {RUNS} runs each; {note}",
    }


def _check_signals(table: pd.DataFrame, plain: list[SignalRow]) -> None:
    """The baseline gives the product's signals, row for row: values equal up to float noise and
    explanations word for word, their numbers to the last digit shown (a mean exactly halfway
    between two hundredths, such as 5.675, may be rounded either way by float noise)."""
    for product, baseline in zip_longest(table.itertuples(index=False, name=None), plain):
        same = (
            product is not None
            and baseline is not None
            and product[:3] == baseline[:3]
            and product[5] == baseline[5]
            and all(_close(product[i], baseline[i]) for i in (3, 4))
            and all(_same_text(product[i], baseline[i]) for i in (6, 7))
        )
        if not same:
            raise RuntimeError(f"The baseline disagrees with detect_signals: {product} != {baseline}")


def _check_episodes(table: pd.DataFrame, plain: list[EpisodeRow]) -> None:
    for product, baseline in zip_longest(table.itertuples(index=False, name=None), plain):
        same = (
            product is not None
            and baseline is not None
            and product[:4] == baseline[:4]
            and product[5] == baseline[5]
            and _close(product[4], baseline[4])
        )
        if not same:
            raise RuntimeError(f"The baseline disagrees with find_episodes: {product} != {baseline}")


def _close(product: float, baseline: float | None) -> bool:
    if baseline is None:
        return bool(np.isnan(product))
    return math.isclose(product, baseline, rel_tol=1e-9, abs_tol=1e-9)


def _same_text(product: str, baseline: str) -> bool:
    if product == baseline:
        return True
    words, numbers = NUMBER.split(product), NUMBER.findall(product)
    other_words, other_numbers = NUMBER.split(baseline), NUMBER.findall(baseline)
    return (
        words == other_words
        and len(numbers) == len(other_numbers)
        and all(abs(_number(a) - _number(b)) <= 0.01 + 1e-9 for a, b in zip(numbers, other_numbers, strict=True))
    )


def _number(text: str) -> float:
    return float(text.replace(",", "."))
