"""How each rater departs from the other raters and from a reference rating.

Descriptive differences that sit beside the agreement statistics of this package, as used in
rater training (Folmo et al. 2017 trained MBT-G raters against expert ratings until they agreed):

- rater against others: each rating against the mean of the other raters' ratings of the same
  segment and item, summarised per rater (leniency = mean difference; distance = mean absolute
  difference; share within one point, as the agreement report's within-one agreement);
- the rater pairs that differ most on an item (mean absolute difference over shared segments);
- calibration: each submitted rating against the reference rating of its segment (an expert's or
  a consensus), in time order, and the drift of that distance over time (least-squares slope).

Input frames are long-format (segment, rater, item, value; no missing values). Everything is
computed with grouped pandas operations or on the ratings cube, never row by row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .agreement import WITHIN_ONE
from .cube import pair_differences, ratings_cube

KEYS = ["segment", "item"]
SUMMARY_COLUMNS = ["rater", "ratings", "mean_difference", "mean_absolute", "within_one"]
PAIR_COLUMNS = ["item", "rater_a", "rater_b", "segments", "mean_absolute"]
CALIBRATION_COLUMNS = [
    "rater", "rating", "segment", "submitted_at", "items", "mean_difference", "mean_absolute", "within_one"
]  # fmt: skip
DRIFT_MIN_RATINGS = 3  # a slope through two points says nothing about a trend


def against_others(frame: pd.DataFrame) -> pd.DataFrame:
    """Every rating with `others` (mean of the other raters' ratings of the segment and item) and
    `difference` (value - others); ratings that no other rater can be compared with are left out.
    Extra columns of `frame` are kept."""
    grouped = frame.groupby(KEYS)["value"]
    total, count = grouped.transform("sum"), grouped.transform("count")
    compared = frame.assign(others=(total - frame["value"]) / (count - 1))[count > 1]
    return compared.assign(difference=compared["value"] - compared["others"])


def rater_summary(compared: pd.DataFrame) -> pd.DataFrame:
    """Per rater of `against_others`: ratings compared, mean difference (leniency), mean absolute
    difference and the share of ratings within one point of the others' mean."""
    return _differences_summary(compared, ["rater"])[SUMMARY_COLUMNS]


def largest_pair_differences(frame: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The `limit` item and rater pairs that differ most: mean absolute difference over the
    segments both rated (ties: more shared segments first, then item and rater order)."""
    cube = ratings_cube(frame)
    items, _segments, count = cube.values.shape
    shared, total = np.zeros((items, count, count), dtype=int), np.zeros((items, count, count))
    for index, values in enumerate(cube.values):  # item by item: a whole cube's pairs do not fit in the cache
        differences = pair_differences(values)  # segments x raters x raters
        shared[index] = (~np.isnan(differences)).sum(axis=0)
        total[index] = np.nansum(differences, axis=0)
    with np.errstate(invalid="ignore"):
        mean_absolute = total / shared
    item, first, second = np.nonzero((shared > 0) & np.triu(np.ones(shared.shape[1:], dtype=bool), k=1))
    raters = np.array(cube.rater_names)
    table = pd.DataFrame(
        {
            "item": np.array(cube.items)[item],
            "rater_a": raters[first],
            "rater_b": raters[second],
            "segments": shared[item, first, second],
            "mean_absolute": mean_absolute[item, first, second],
        },
        columns=PAIR_COLUMNS,
    )
    return table.sort_values(["mean_absolute", "segments"], ascending=False, kind="stable").head(limit)


def against_reference(ratings: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Calibration per submitted rating, in time order. `ratings` has segment, rater, item, value,
    rating (an identifier of the submitted rating) and submitted_at; `reference` has segment,
    item and value. Items without a reference value are left out.

    Per rating: rater, rating, segment, submitted_at, items compared, mean difference from the
    reference, mean absolute difference and the share of items within one point of it.
    """
    joined = ratings.merge(reference[[*KEYS, "value"]], on=KEYS, suffixes=("", "_reference"))
    joined = joined.assign(difference=joined["value"] - joined["value_reference"])
    table = _differences_summary(joined, ["rater", "rating", "segment", "submitted_at"])
    return table.rename(columns={"ratings": "items"}).sort_values("submitted_at", kind="stable")[CALIBRATION_COLUMNS]


def reference_drift(calibration: pd.DataFrame) -> float:
    """Change per rating in the mean absolute difference from the reference (least-squares slope
    over one rater's `against_reference` rows in time order; negative = coming closer). NaN with
    fewer than three ratings."""
    if len(calibration) < DRIFT_MIN_RATINGS:
        return float("nan")
    order = np.arange(len(calibration), dtype=float)
    return float(np.polyfit(order, calibration["mean_absolute"].to_numpy(dtype=float), 1)[0])


def _differences_summary(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group: the number of differences, their mean, their mean absolute value and the share
    of absolute differences of at most one point."""
    absolute = frame["difference"].abs()
    return (
        frame.assign(absolute=absolute, near=absolute <= WITHIN_ONE)
        .groupby(by)
        .agg(
            ratings=("difference", "size"),
            mean_difference=("difference", "mean"),
            mean_absolute=("absolute", "mean"),
            within_one=("near", "mean"),
        )
        .reset_index()
    )
