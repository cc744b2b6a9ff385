"""Session series as input: the columns, their permitted values, and reading them from CSV.

A series has one row per planned session of a treatment. `validate_series` checks a DataFrame and
returns a normalised copy (every optional column present, numbers as floats, `session` as int,
`treatment` as str); `read_series_csv` reads a file and validates it the same way, reporting the
file's line numbers.
"""

from __future__ import annotations

from numbers import Real
from os import PathLike

import numpy as np
import pandas as pd

REQUIRED = ("treatment", "session", "alliance", "rupture", "held_back", "attended")
OPTIONAL = ("therapist_alliance", "rupture_intensity", "rupture_resolution", "therapist_rupture")
SCORES = ("alliance", "therapist_alliance")
FLAGS = ("rupture", "held_back", "attended", "therapist_rupture")  # 0/1, NaN = not answered
RATINGS = ("rupture_intensity", "rupture_resolution")  # PSQ 5-point items (INSTRUMENTS §4)
ANSWER_REQUIRED = ("treatment", "session", "attended")  # every other column may be NaN
DEFAULT_SCALE = (1.0, 7.0)  # our alliance check: the mean of items on a 1-7 scale


class MalformedSeries(ValueError):
    """A session series that cannot be analysed as given; the message says what and where."""


def validate_series(
    frame: pd.DataFrame, scale: tuple[float, float] | None = None, row_label: str = "row"
) -> pd.DataFrame:
    """A checked, normalised copy of `frame`; `scale` (low, high) bounds both alliance columns.

    Problems are reported with the frame's index label, called `row_label` in messages.
    """
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        raise MalformedSeries(f"Missing column(s): {', '.join(missing)}.")
    series = pd.DataFrame(index=frame.index)
    series["treatment"] = _treatments(frame["treatment"], row_label)
    for name in REQUIRED[1:] + OPTIONAL:
        series[name] = _numbers(frame[name], name, row_label) if name in frame.columns else np.nan
    _check_values(series, scale, row_label)
    series["session"] = series["session"].astype("int64")
    _check_unique_sessions(series, row_label)
    return series


def read_series_csv(path: str | PathLike[str], scale: tuple[float, float] = DEFAULT_SCALE) -> pd.DataFrame:
    """Read and validate a series CSV (see `validate_series`); problems name the file's line."""
    try:
        frame = pd.read_csv(path, dtype={"treatment": str}, skipinitialspace=True)
    except FileNotFoundError as error:
        raise MalformedSeries(f"No such file: {path}.") from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise MalformedSeries(f"{path} is not a readable CSV file: {error}") from error
    frame.index = frame.index + 2  # line 1 is the header
    return validate_series(frame, scale, row_label="line").reset_index(drop=True)


def _treatments(column: pd.Series, row_label: str) -> pd.Series:
    _reject(column.isna(), column, "treatment", "a treatment is required", row_label)
    return column.astype(str)


def _numbers(column: pd.Series, name: str, row_label: str) -> pd.Series:
    numbers = pd.to_numeric(column, errors="coerce").astype(float)
    _reject(numbers.isna() & column.notna(), column, name, "{value} is not a number", row_label)
    return numbers


def _check_values(series: pd.DataFrame, scale: tuple[float, float] | None, row_label: str) -> None:
    for name in ANSWER_REQUIRED[1:]:
        _reject(series[name].isna(), series[name], name, "a value is required", row_label)
    session = series["session"]
    _reject(session != session.round(), session, "session", "{value} is not a whole number", row_label)
    for name in FLAGS:
        _reject_outside(series[name], name, [0, 1], "{value} is not 0 or 1", row_label)
    for name in RATINGS:
        _reject_outside(series[name], name, [1, 2, 3, 4, 5], "{value} is not a whole number from 1 to 5", row_label)
    if scale is not None:
        for name in SCORES:
            outside = (series[name] < scale[0]) | (series[name] > scale[1])
            problem = f"{{value}} is outside the scale {scale[0]:g}-{scale[1]:g}"
            _reject(outside, series[name], name, problem, row_label)


def _reject_outside(column: pd.Series, name: str, permitted: list[int], problem: str, row_label: str) -> None:
    _reject(~column.isin(permitted) & column.notna(), column, name, problem, row_label)


def _check_unique_sessions(series: pd.DataFrame, row_label: str) -> None:
    duplicated = series.duplicated(["treatment", "session"])
    if duplicated.any():
        first = duplicated.idxmax()
        treatment, session = series.at[first, "treatment"], series.at[first, "session"]
        raise MalformedSeries(f"Session {session} of treatment {treatment} occurs twice ({row_label} {first}).")


def _reject(bad: pd.Series, column: pd.Series, name: str, problem: str, row_label: str) -> None:
    """Raise for the first offending row, if any; `problem` may name the offending {value}."""
    if bad.any():
        first = bad.idxmax()
        value = column.at[first]
        shown = f"{value:g}" if isinstance(value, Real) else repr(value)
        raise MalformedSeries(f"Column {name}, {row_label} {first}: {problem.format(value=shown)}.")
