"""Long-format rating input (one row per segment, rater and item) read and checked before analysis."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..tables import UnreadableTable, read_csv_table
from .errors import MalformedRatings

COLUMNS = ("segment", "rater", "item", "value")
IDENTIFIERS = ("segment", "rater", "item")
SHOWN_ROWS = 5  # rows quoted in an error message


def read_ratings_csv(path: str | Path) -> pd.DataFrame:
    """Read and check a ratings CSV (comma or Excel's semicolon kind, see `read_csv_table`); rows are
    labelled by their line number in the file.

    An empty `value` cell is a missing rating. Raises `MalformedRatings`.
    """
    try:
        frame = read_csv_table(path, skipinitialspace=True)
    except UnreadableTable as error:
        raise MalformedRatings("unreadable_file", str(error)) from error
    frame.index = frame.index + 2  # line 1 is the header
    return validate_ratings(frame.rename(columns=str.strip))


def validate_ratings(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns segment, rater, item and value (as floats) of a checked long-format frame.

    Raises `MalformedRatings` for missing columns, missing identifiers, values that are not finite
    numbers, and more than one rating of the same item of the same segment by the same rater.
    """
    missing = [column for column in COLUMNS if column not in frame.columns]
    if missing:
        raise MalformedRatings(
            "missing_columns",
            f"The ratings lack the column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}.",
        )
    if frame.empty:
        raise MalformedRatings("no_ratings", "There are no ratings.")
    _refuse(frame[list(IDENTIFIERS)].isna().any(axis=1), "missing_identifiers", "lack a segment, rater or item")
    values = pd.to_numeric(frame["value"], errors="coerce")
    _refuse(
        (values.isna() & frame["value"].notna()) | np.isinf(values),
        "non_numeric",
        "hold a value that is not a finite number",
    )
    _refuse(
        frame.duplicated(list(IDENTIFIERS), keep=False),
        "duplicates",
        "rate the same item of the same segment by the same rater more than once",
    )
    return frame.loc[:, list(IDENTIFIERS)].assign(value=values.astype(float))


def _refuse(bad_rows: pd.Series, code: str, problem: str) -> None:
    if bad_rows.any():
        shown = ", ".join(str(label) for label in bad_rows.index[bad_rows][:SHOWN_ROWS])
        more = " and more" if bad_rows.sum() > SHOWN_ROWS else ""
        raise MalformedRatings(code, f"Row(s) {shown}{more} {problem}.")
