"""Batch scoring of 1,000,000 alliance-patient responses against scoring them one at a time."""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd

from allianse.core.measures import load_instrument, score_frame, score_response
from bench.support import ROOT, seconds, timings

INSTRUMENT = load_instrument(ROOT / "allianse/instruments/alliance-patient.yaml")
ITEMS = ["goal_1", "goal_2", "task_1", "task_2", "bond_1", "bond_2"]
N = 1_000_000
LOOP_SAMPLE = 20_000


def _responses(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(rng.integers(1, 8, size=(n, len(ITEMS))).astype(float), columns=ITEMS)
    frame = frame.mask(rng.random(frame.shape) < 0.03)  # a few unanswered items
    frame["rupture"] = rng.random(n) < 0.15
    frame["held_back"] = rng.random(n) < 0.1
    return frame


def run() -> list[dict]:
    frame = _responses(N)
    batch = statistics.median(timings(lambda: score_frame(INSTRUMENT, frame), 3))
    answers = [
        {k: v for k, v in record.items() if not (isinstance(v, float) and np.isnan(v))}
        for record in frame.head(LOOP_SAMPLE).to_dict("records")
    ]
    loop = seconds(lambda: [score_response(INSTRUMENT, one) for one in answers]) * N / LOOP_SAMPLE
    return [
        {
            "name": "score 1,000,000 alliance-patient responses",
            "seconds": batch,
            "baseline_seconds": loop,
            "ratio": loop / batch,
            "note": f"baseline: score_response in a Python loop over {LOOP_SAMPLE:,} responses, extrapolated to {N:,}",
        }
    ]
