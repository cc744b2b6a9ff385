"""Benchmark: the agreement report of a full MBT-G-AQS rating round against pingouin's ICCs.

19 items x 2 dimensions (adherence, quality) x 200 segments x 5 raters, seeded. Run from the
project root: `python -m bench bench_agreement`.
"""

from __future__ import annotations

import statistics
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pingouin

from allianse.core.stats import icc_batch, ratings_cube, reliability_report
from bench.support import timings

ITEMS, DIMENSIONS, SEGMENTS, RATERS = 19, ("adherence", "quality"), 200, 5
SEED = 20170901


def ratings(seed: int = SEED) -> pd.DataFrame:
    """Long-format ratings 1-7: segment effect + rater effect + noise, rounded and clipped."""
    rng = np.random.default_rng(seed)
    shape = (ITEMS * len(DIMENSIONS), SEGMENTS, RATERS)
    raw = 4 + rng.normal(0, 1.2, shape[:2])[:, :, None] + rng.normal(0, 0.4, (shape[0], 1, RATERS))
    values = np.clip(np.rint(raw + rng.normal(0, 0.8, shape)), 1, 7)
    names = [f"{item:02d}.{dimension}" for item in range(1, ITEMS + 1) for dimension in DIMENSIONS]
    item, segment, rater = np.indices(shape).reshape(3, -1)
    return pd.DataFrame({"segment": segment, "rater": rater, "item": np.array(names)[item], "value": values.ravel()})


def pingouin_iccs(frame: pd.DataFrame) -> list[pd.DataFrame]:
    with warnings.catch_warnings():  # pingouin 0.7 uses pandas features that pandas 3.1 deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        return [
            pingouin.intraclass_corr(group, targets="segment", raters="rater", ratings="value")
            for _, group in frame.groupby("item")
        ]


def median_seconds(work: Callable[[], object], runs: int) -> float:
    return statistics.median(timings(work, runs))


def run(runs: int = 7, baseline_runs: int = 3) -> list[dict[str, object]]:
    frame = ratings()
    cube = ratings_cube(frame).values
    baseline = median_seconds(lambda: pingouin_iccs(frame), baseline_runs)
    measured = {
        "reliability_report": (
            median_seconds(lambda: reliability_report(frame), runs),
            "whole report from the long frame: six ICCs, G- and D-study, alpha, agreement",
        ),
        "icc_batch": (
            median_seconds(lambda: icc_batch(cube), runs),
            "the six ICCs alone, cube already built",
        ),
    }
    note = f"baseline: pingouin.intraclass_corr per item ({len(DIMENSIONS) * ITEMS} calls); "
    return [
        {
            "name": name,
            "seconds": seconds,
            "baseline_seconds": baseline,
            "ratio": baseline / seconds,
            "note": note + what,
        }
        for name, (seconds, what) in measured.items()
    ]
