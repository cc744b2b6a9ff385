"""Scoring 1,000,000 alliance-patient responses: the batch scorer and the per-response path, against plain Python.

The baseline is what a researcher would write without the product: plain Python over one dict per
response, reversing the reversed items and averaging each subscale (`_naive_scores` below). Both the
batch scorer (`score_frame`, one call on a DataFrame) and the product's per-response path
(`score_response`, the one used at submission, in a Python loop) are reported against it. The run
first checks, on a sample, that all three give the same scores and bands. Every timing is the best
of RUNS runs. The batch scorer and the baseline score all N responses (the baseline's dicts are made
from the frame beforehand, not timed); `score_response` runs over the first LOOP_SAMPLE of the same
dicts and is extrapolated linearly to N, since over a million responses it would take minutes.
Run from the project root: `python -m bench bench_scoring`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from allianse.core.measures import load_instrument, score_frame, score_response
from bench.support import ROOT, timings

INSTRUMENT = load_instrument(ROOT / "allianse/instruments/alliance-patient.yaml")
ITEMS = ["goal_1", "goal_2", "task_1", "task_2", "bond_1", "bond_2"]
N = 1_000_000
LOOP_SAMPLE = 20_000
RUNS = 3

# The instrument's definition as plain Python data, read once.
REVERSED = {item.id: item.min + item.max for item in INSTRUMENT.items if item.reversed}
SUBSCALES = [(score.id, score.items, score.method == "sum", score.min_answered) for score in INSTRUMENT.scores]
BANDS = {key: sorted((band.min, band.max, band.id) for band in ranges) for key, ranges in INSTRUMENT.bands.items()}


def _responses(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(rng.integers(1, 8, size=(n, len(ITEMS))).astype(float), columns=ITEMS)
    frame = frame.mask(rng.random(frame.shape) < 0.03)  # a few unanswered items
    frame["rupture"] = rng.random(n) < 0.15
    frame["held_back"] = rng.random(n) < 0.1
    return frame


def _naive_scores(answers: dict) -> tuple[dict[str, float | None], dict[str, str | None]]:
    """One response's subscale scores (mean, or prorated sum, of the answered items when enough
    are answered) and bands (lower bound included, upper bound excluded but for the top band)."""
    scores: dict[str, float | None] = {}
    for score_id, items, is_sum, min_answered in SUBSCALES:
        values = [REVERSED[i] - answers[i] if i in REVERSED else answers[i] for i in items if i in answers]
        mean = sum(values) / len(values) if len(values) >= min_answered else None
        scores[score_id] = mean * len(items) if is_sum and mean is not None else mean
    bands: dict[str, str | None] = {}
    for score_id, ranges in BANDS.items():
        value, bands[score_id] = scores[score_id], None
        for position, (low, high, band_id) in enumerate(ranges):
            top = position == len(ranges) - 1
            if value is not None and low <= value and (value <= high if top else value < high):
                bands[score_id] = band_id
                break
    return scores, bands


def run() -> list[dict]:
    frame = _responses(N)
    answers = [
        {k: v for k, v in record.items() if not (isinstance(v, float) and np.isnan(v))}
        for record in frame.to_dict("records")
    ]
    sample = answers[:LOOP_SAMPLE]
    _check(score_frame(INSTRUMENT, frame.head(LOOP_SAMPLE)), sample)
    batch = _best(lambda: score_frame(INSTRUMENT, frame))
    per_response = _best(lambda: [score_response(INSTRUMENT, one) for one in sample]) * N / LOOP_SAMPLE
    naive = _best(lambda: [_naive_scores(one) for one in answers])
    timed = f"best of {RUNS} runs"
    baseline = f"baseline: plain Python over {N:,} response dicts ({timed})"
    looped = f"{timed} over the first {LOOP_SAMPLE:,} dicts, extrapolated to {N:,}"
    return [
        _row(f"score_frame (batch), {N:,} alliance-patient responses", batch, naive, f"{timed}; {baseline}"),
        _row(f"score_response in a Python loop, {N:,} responses", per_response, naive, f"{looped}; {baseline}"),
        _row(
            "score_frame (batch) against score_response in a loop",
            batch,
            per_response,
            "the two product paths of the rows above; baseline: score_response",
        ),
    ]


def _best(work) -> float:
    return min(timings(work, RUNS))


def _row(name: str, product: float, baseline: float, note: str) -> dict:
    """ratio = baseline / product: above 1, the product is faster."""
    return {"name": name, "seconds": product, "baseline_seconds": baseline, "ratio": baseline / product, "note": note}


def _check(batch: pd.DataFrame, answers: list[dict]) -> None:
    """The three give the same scores (up to float noise) and bands for every response of the sample."""
    for position, one in enumerate(answers):
        product = score_response(INSTRUMENT, one)
        scores, bands = _naive_scores(one)
        from_batch = batch.iloc[position]
        for key, value in scores.items():
            others = (product.scores[key], from_batch[key])
            if not all(_same(value, other) for other in others):
                raise RuntimeError(f"Response {position}, score {key}: plain Python {value}, product {others}")
        for key, band in bands.items():
            if not band == product.bands[key] == from_batch[f"{key}_band"]:
                raise RuntimeError(f"Response {position}, band of {key}: plain Python {band}, product {product.bands}")


def _same(naive: float | None, product: float | None) -> bool:
    if naive is None or product is None or math.isnan(product):
        return naive is None and (product is None or math.isnan(product))
    return math.isclose(naive, product, rel_tol=1e-12, abs_tol=1e-12)
