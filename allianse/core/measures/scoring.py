"""Scoring: one implementation for one response and for a million.

Everything runs on a float matrix (responses x scored items, NaN = not answered), so scoring one
response at submission and a DataFrame in batch go through exactly the same arithmetic.

Rules (CamCOPS-style explicit completeness): a score needs at least `min_answered` of its items;
a `mean` is the mean of the answered items; a `sum` is prorated (mean of answered items times the
number of items), so a missing item does not silently lower a sum. Reversed items count as
min + max - value; yes/no items count 1/0. A band includes its lower bound and excludes its upper
bound, except the highest band, which includes both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .answers import Answers, is_shown
from .definition import Instrument, Item, Score


class ScoringInputError(ValueError):
    """Batch input that does not fit the instrument (unknown values, out-of-range numbers)."""


@dataclass(frozen=True)
class ScoreResult:
    scores: dict[str, float | None]
    bands: dict[str, str | None]


def scored_items(instrument: Instrument) -> tuple[Item, ...]:
    wanted = {item_id for score in instrument.scores for item_id in score.items}
    return tuple(item for item in instrument.items if item.id in wanted)


def score_response(instrument: Instrument, answers: Answers) -> ScoreResult:
    """Scores of one checked response (see `check_answers`)."""
    row = [
        _numeric(item, answers.get(item.id)) if is_shown(item, answers) else np.nan for item in scored_items(instrument)
    ]
    scores, bands = score_matrix(instrument, np.array([row], dtype=float))
    return ScoreResult(
        scores={key: None if np.isnan(values[0]) else float(values[0]) for key, values in scores.items()},
        bands={key: values[0] for key, values in bands.items()},
    )


def score_frame(instrument: Instrument, frame: pd.DataFrame) -> pd.DataFrame:
    """Scores of many responses: one row per response, one column per item id.

    Returns a frame with one column per score and a `<score>_band` column per banded score.
    """
    scores, bands = score_matrix(instrument, frame_matrix(instrument, frame))
    columns: dict[str, np.ndarray | pd.Series] = dict(scores)
    columns.update({f"{key}_band": pd.Series(values, dtype=object, index=frame.index) for key, values in bands.items()})
    return pd.DataFrame(columns, index=frame.index)


def score_matrix(instrument: Instrument, matrix: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The arithmetic: a responses x scored-items float matrix in, score and band arrays out."""
    items = scored_items(instrument)
    column = {item.id: index for index, item in enumerate(items)}
    values = matrix.copy()
    for index, item in enumerate(items):
        if item.reversed:
            low, high = item.bounds
            values[:, index] = low + high - values[:, index]
    scores = {score.id: _score(score, values[:, [column[i] for i in score.items]]) for score in instrument.scores}
    bands = {key: _bands(instrument, key, scores[key]) for key in instrument.bands}
    return scores, bands


def frame_matrix(instrument: Instrument, frame: pd.DataFrame) -> np.ndarray:
    """Turn raw batch answers into the scoring matrix, applying `shown_when` like a single response."""
    items = scored_items(instrument)
    matrix = np.full((len(frame), len(items)), np.nan)
    for index, item in enumerate(items):
        if item.id not in frame.columns:
            continue
        values = _numeric_column(item, frame[item.id])
        if item.shown_when is not None and item.shown_when.item in frame.columns:
            condition = instrument.item(item.shown_when.item)
            shown = (
                _numeric_column(condition, frame[condition.id]) == float(item.shown_when.equals)
                if condition.type != "choice"
                else frame[condition.id].to_numpy() == item.shown_when.equals
            )
            values = np.where(shown, values, np.nan)
        matrix[:, index] = values
    return matrix


def _score(score: Score, values: np.ndarray) -> np.ndarray:
    answered = np.count_nonzero(~np.isnan(values), axis=1)
    total = np.nansum(values, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / answered
    result = mean * len(score.items) if score.method == "sum" else mean
    return np.where(answered >= score.min_answered, result, np.nan)


def _bands(instrument: Instrument, score_id: str, values: np.ndarray) -> np.ndarray:
    ranges = sorted(instrument.bands[score_id], key=lambda band: band.min)
    result = np.full(values.shape, None, dtype=object)
    for position, band in enumerate(ranges):
        upper = values <= band.max if position == len(ranges) - 1 else values < band.max
        result[(values >= band.min) & upper] = band.id
    return result


def _numeric(item: Item, value: int | None) -> float:
    """A checked answer to a scored item (a scale's int or a yes/no bool, itself an int) as a float."""
    if value is None:
        return np.nan
    if item.type == "yes_no":
        return 1.0 if value else 0.0
    return float(value)


_YES_NO = {"1": 1.0, "0": 0.0, "true": 1.0, "false": 0.0, "yes": 1.0, "no": 0.0, "1.0": 1.0, "0.0": 0.0}


def _numeric_column(item: Item, column: pd.Series) -> np.ndarray:
    """A column of raw answers as floats; numeric columns skip the (slow) text parsing."""
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        values = column.astype(float)
        bad = pd.Series(False, index=column.index)
    elif item.type == "yes_no":
        text = column.astype("string").str.strip().str.lower()
        values = text.map(_YES_NO, na_action="ignore").astype(float)
        bad = text.notna() & text.ne("") & values.isna()
    else:
        values = pd.to_numeric(column, errors="coerce").astype(float)
        bad = column.notna() & values.isna() & column.astype("string").str.strip().ne("")
    low, high = item.scored_range
    bad |= values.notna() & ((values < low) | (values > high) | (values % 1 != 0))
    if bad.any():
        row = bad.to_numpy().nonzero()[0][0]
        raise ScoringInputError(
            f"column '{item.id}', row {row + 1}: '{column.iloc[row]}' is not a valid answer "
            f"({_expected(item)}); {int(bad.sum())} invalid value(s) in this column"
        )
    return values.to_numpy(dtype=float)


def _expected(item: Item) -> str:
    return "yes/no, 1/0" if item.type == "yes_no" else f"a whole number from {item.min} to {item.max}"
