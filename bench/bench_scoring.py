"""Batch scoring of 1,000,000 alliance-patient responses against scoring them one at a time."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from allianse.core.measures import load_instrument, score_frame, score_response

INSTRUMENT = load_instrument(Path(__file__).resolve().parent.parent / "allianse/instruments/alliance-patient.yaml")
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
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        score_frame(INSTRUMENT, frame)
        timings.append(time.perf_counter() - start)
    batch = float(np.median(timings))
    records = frame.head(LOOP_SAMPLE).to_dict("records")
    start = time.perf_counter()
    for record in records:
        score_response(INSTRUMENT, {k: v for k, v in record.items() if not (isinstance(v, float) and np.isnan(v))})
    loop = (time.perf_counter() - start) * N / LOOP_SAMPLE
    return [{
        "name": "score 1,000,000 alliance-patient responses",
        "seconds": batch,
        "baseline_seconds": loop,
        "ratio": loop / batch,
        "note": f"baseline: score_response in a Python loop over {LOOP_SAMPLE:,} responses, extrapolated to {N:,}",
    }]


if __name__ == "__main__":
    for row in run():
        print(row)
