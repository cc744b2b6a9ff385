"""How each rater departs from the others and from the reference (pure pandas; no Django here).

Descriptive differences that sit beside the agreement statistics of `allianse.core.stats`: the
rater-against-others comparison (each rating against the mean of the other raters of the same
segment and item) and calibration (each rating against the reference rating of the same segment
and item, over time, to show drift; cf. the rater training of Folmo et al. 2017). Input frames
are long-format: segment, rater, item, value (NaN-free).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

WITHIN = 1.0  # "within one point", as in the agreement report


def against_others(frame: pd.DataFrame) -> pd.DataFrame:
    """Every rating with `others` (mean of the other raters' ratings of the segment and item) and
    `difference` (rating - others); ratings no other rater can be compared with are left out."""
    grouped = frame.groupby(["segment", "item"])["value"]
    total, count = grouped.transform("sum"), grouped.transform("count")
    compared = frame.assign(others=(total - frame["value"]) / (count - 1))[count > 1]
    return compared.assign(difference=compared["value"] - compared["others"])


def rater_summary(compared: pd.DataFrame) -> pd.DataFrame:
    """Per rater: ratings compared, mean difference (a rater's leniency), mean absolute difference
    and the share of ratings within one point of the others' mean."""
    if compared.empty:
        return pd.DataFrame(columns=["rater", "ratings", "mean_difference", "mean_absolute", "within_one"])
    return (
        compared.assign(absolute=compared["difference"].abs(), near=compared["difference"].abs() <= WITHIN)
        .groupby("rater")
        .agg(
            ratings=("value", "size"),
            mean_difference=("difference", "mean"),
            mean_absolute=("absolute", "mean"),
            within_one=("near", "mean"),
        )
        .reset_index()
    )


def largest_pair_differences(frame: pd.DataFrame, limit: int = 5) -> pd.DataFrame:
    """The item and rater pairs that differ most: mean absolute difference over shared segments."""
    pairs = frame.merge(frame, on=["segment", "item"], suffixes=("_a", "_b"))
    pairs = pairs[pairs["rater_a"].astype(str) < pairs["rater_b"].astype(str)]
    if pairs.empty:
        return pd.DataFrame(columns=["item", "rater_a", "rater_b", "segments", "mean_absolute"])
    pairs = pairs.assign(absolute=(pairs["value_a"] - pairs["value_b"]).abs())
    table = (
        pairs.groupby(["item", "rater_a", "rater_b"])
        .agg(segments=("segment", "nunique"), mean_absolute=("absolute", "mean"))
        .reset_index()
    )
    return table.sort_values(["mean_absolute", "segments"], ascending=[False, False]).head(limit)


def against_reference(ratings: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Calibration per submitted rating, in time order: `ratings` has segment, rater, item, value,
    rating (an identifier) and submitted_at; `reference` has segment, item, value.

    Returns per rating: rater, rating, segment, submitted_at, items compared, mean difference,
    mean absolute difference and share within one point of the reference.
    """
    columns = ["rater", "rating", "segment", "submitted_at", "items", "mean_difference", "mean_absolute", "within_one"]
    joined = ratings.merge(reference, on=["segment", "item"], suffixes=("", "_reference"))
    if joined.empty:
        return pd.DataFrame(columns=columns)
    difference = joined["value"] - joined["value_reference"]
    joined = joined.assign(difference=difference, absolute=difference.abs(), near=difference.abs() <= WITHIN)
    table = (
        joined.groupby(["rater", "rating", "segment", "submitted_at"])
        .agg(
            items=("item", "size"),
            mean_difference=("difference", "mean"),
            mean_absolute=("absolute", "mean"),
            within_one=("near", "mean"),
        )
        .reset_index()
        .sort_values("submitted_at")
    )
    return table[columns]


def drift(calibration: pd.DataFrame) -> float:
    """Change in mean absolute difference from the reference per rating (least-squares slope over
    the rater's ratings in time order; negative = coming closer). NaN with fewer than 3 ratings."""
    if len(calibration) < 3:
        return float("nan")
    order = np.arange(len(calibration), dtype=float)
    return float(np.polyfit(order, calibration["mean_absolute"].to_numpy(dtype=float), 1)[0])
