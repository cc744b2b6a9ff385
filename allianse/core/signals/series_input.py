"""Session series as input: the columns, their permitted values, and reading them from CSV.

A series has one row per planned session of a treatment. `validate_series` checks a DataFrame and
returns a normalised copy (every optional column present, numbers as floats, `session` as int,
`treatment` as str) in treatment order: treatments in order of first appearance, each a contiguous
block of rows ascending by session. `read_series_csv` reads a file and validates it the same way,
reporting the file's line numbers.
"""

from __future__ import annotations

from numbers import Real
from os import PathLike

import numpy as np
import pandas as pd

from ..tables import UnreadableTable, read_csv_table
from .rules import Scales

REQUIRED = ("treatment", "session", "alliance", "rupture", "held_back", "attended")
OPTIONAL = ("therapist_alliance", "rupture_intensity", "rupture_resolution", "therapist_rupture", "observer_rupture")
SCORES = ("alliance", "therapist_alliance")
# 0/1, NaN = not answered; observer_rupture: an observer rating the session's recording coded a rupture
FLAGS = ("rupture", "held_back", "attended", "therapist_rupture", "observer_rupture")
RATINGS = ("rupture_intensity", "rupture_resolution")  # whole numbers on their item's scale
ANSWER_REQUIRED = ("treatment", "session", "attended")  # every other column may be NaN
# Session numbers count from 1; far more sessions than any treatment has is a mistake in the file.
MAX_SESSION = 10_000


class MalformedSeries(ValueError):
    """A session series that cannot be analysed as given; the message says what and where."""


def validate_series(frame: pd.DataFrame, scales: Scales, row_label: str = "row") -> pd.DataFrame:
    """A checked, normalised copy of `frame` in treatment order, with a fresh 0..n-1 index.

    `scales` bound both alliance columns and the rupture ratings. Problems are reported with the
    frame's index label, called `row_label` in messages.
    """
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        raise MalformedSeries(f"Missing column(s): {', '.join(missing)}.")
    series = pd.DataFrame(index=frame.index)
    series["treatment"] = _treatments(frame["treatment"], row_label)
    for name in REQUIRED[1:] + OPTIONAL:
        series[name] = _numbers(frame[name], row_label) if name in frame.columns else np.nan
    _check_values(series, scales, row_label)
    series["session"] = series["session"].astype("int64")
    return _in_treatment_order(series, row_label).reset_index(drop=True)


def read_series_csv(path: str | PathLike[str], scales: Scales) -> pd.DataFrame:
    """Read and validate a series CSV (see `validate_series`, `read_csv_table`); problems name the
    file's line."""
    try:
        frame = read_csv_table(path, dtype={"treatment": str}, skipinitialspace=True)
    except UnreadableTable as error:
        raise MalformedSeries(str(error)) from error
    frame.index = frame.index + 2  # line 1 is the header
    return validate_series(frame, scales, row_label="line")


def _treatments(column: pd.Series, row_label: str) -> pd.Series:
    _reject(column.isna().to_numpy(), column, "a treatment is required", row_label)
    return column.astype(str)


def _numbers(column: pd.Series, row_label: str) -> pd.Series:
    numbers = pd.to_numeric(column, errors="coerce").astype(float)
    _reject((numbers.isna() & column.notna()).to_numpy(), column, "{value} is not a number", row_label)
    return numbers


def _check_values(series: pd.DataFrame, scales: Scales, row_label: str) -> None:
    columns = {name: series[name].to_numpy() for name in series.columns[1:]}
    for name in ANSWER_REQUIRED[1:]:
        _reject(np.isnan(columns[name]), series[name], "a value is required", row_label)
    session = columns["session"]
    bad_session = (session != np.round(session)) | (session < 1) | (session > MAX_SESSION)
    _reject(bad_session, series["session"], f"{{value}} is not a whole number from 1 to {MAX_SESSION}", row_label)
    for name in FLAGS:
        values = columns[name]
        bad = (values != 0) & (values != 1) & ~np.isnan(values)
        _reject(bad, series[name], "{value} is not 0 or 1", row_label)
    for name in RATINGS:
        values = columns[name]
        low, high = getattr(scales, name)
        bad = ((values < low) | (values > high) | (values != np.round(values))) & ~np.isnan(values)
        _reject(bad, series[name], f"{{value}} is not a whole number from {low} to {high}", row_label)
    low, high = scales.alliance
    for name in SCORES:
        outside = (columns[name] < low) | (columns[name] > high)
        _reject(outside, series[name], f"{{value}} is outside the scale {low:g}-{high:g}", row_label)


def _in_treatment_order(series: pd.DataFrame, row_label: str) -> pd.DataFrame:
    """Sort by treatment (first appearance) and session unless already so; reject a session twice."""
    group = pd.factorize(series["treatment"])[0]
    session = series["session"].to_numpy()
    within = np.diff(group) == 0
    if not (np.all(np.diff(group) >= 0) and np.all(np.diff(session)[within] >= 0)):
        order = np.lexsort((session, group))
        series, group, session = series.iloc[order], group[order], session[order]
        within = np.diff(group) == 0
    twice = np.flatnonzero(within & (np.diff(session) == 0))
    if len(twice):
        first, second = series.index[twice[0]], series.index[twice[0] + 1]
        treatment = series["treatment"].iat[twice[0]]
        raise MalformedSeries(
            f"Session {session[twice[0]]} of treatment {treatment} occurs twice ({row_label}s {first} and {second})."
        )
    return series


def _reject(bad: np.ndarray, column: pd.Series, problem: str, row_label: str) -> None:
    """Raise for the first offending row, if any; `problem` may name the offending {value}."""
    if bad.any():
        position = int(np.argmax(bad))
        value = column.iat[position]
        shown = f"{value:g}" if isinstance(value, Real) else repr(value)
        raise MalformedSeries(
            f"Column {column.name}, {row_label} {column.index[position]}: {problem.format(value=shown)}."
        )
