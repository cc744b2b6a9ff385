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
from typing import Any

import numpy as np
import pandas as pd

from .answers import Answers, is_missing, is_shown, read_answer
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
    column = {item.id: index for index, item in enumerate(scored_items(instrument))}
    values = scored_values(instrument, matrix)
    scores = {score.id: _score(score, values[:, [column[i] for i in score.items]]) for score in instrument.scores}
    bands = {key: _bands(instrument, key, scores[key]) for key in instrument.bands}
    return scores, bands


def scored_values(instrument: Instrument, matrix: np.ndarray) -> np.ndarray:
    """A copy of the scoring matrix with reversed items counted as scored (min + max - value)."""
    values = matrix.copy()
    for index, item in enumerate(scored_items(instrument)):
        if item.reversed:
            low, high = item.bounds
            values[:, index] = low + high - values[:, index]
    return values


def below_upper(values: np.ndarray, upper: float | np.ndarray) -> np.ndarray:
    """The one boundary rule of bands and of the signals drawn from them: a band excludes its
    upper bound, so a score is in a band below `upper` only if it is less than `upper` (a score
    of exactly 3.5 is in the band that starts at 3.5). NaN is below nothing."""
    return values < upper


def frame_matrix(instrument: Instrument, frame: pd.DataFrame) -> np.ndarray:
    """Turn raw batch answers into the scoring matrix, reading and showing items like `check_answers`.

    An answer is read by the same `read_answer` as a single response; an invalid answer to an item
    that is shown raises ScoringInputError, one to an item that is not shown is ignored, as it is
    for a single response.
    """
    items = scored_items(instrument)
    matrix = np.full((len(frame), len(items)), np.nan)
    for index, item in enumerate(items):
        if item.id in frame.columns:
            codes, answers = _read_column(item, frame[item.id], _shown(instrument, item, frame))
            matrix[:, index] = np.array([_numeric(item, answer) for answer in answers])[codes]
    return matrix


def _shown(instrument: Instrument, item: Item, frame: pd.DataFrame) -> np.ndarray:
    """The rows where `item` is asked (see `is_shown`): its condition's item is shown and answered with the value."""
    condition = item.shown_when
    if condition is None:
        return np.ones(len(frame), dtype=bool)
    if condition.item not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    target = instrument.item(condition.item)
    codes, answers = _read_column(target, frame[condition.item], _shown(instrument, target, frame))
    return np.array([answer is not None and answer == condition.equals for answer in answers], dtype=bool)[codes]


def _read_column(item: Item, column: pd.Series, shown: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """The column's answers as `read_answer` reads them: codes into a list of distinct answers,
    whose last entry, None, stands for unanswered or not shown.

    Each distinct value is read once: a million rows hold a handful of them.
    """
    codes, distinct = _distinct(column)
    read = [(None, None) if is_missing(value) else read_answer(item, value) for value in distinct]
    read.append((None, None))
    bad = np.array([error is not None for _, error in read], dtype=bool)[codes] & shown
    if bad.any():
        row = int(bad.nonzero()[0][0])
        raise ScoringInputError(
            f"column '{item.id}', row {row + 1}: '{column.iloc[row]}' is not a valid answer "
            f"({_expected(item)}); {int(bad.sum())} invalid value(s) in this column"
        )
    return np.where(shown, codes, -1), [answer for answer, _ in read]


def _distinct(column: pd.Series) -> tuple[np.ndarray, list[object]]:
    """Codes into the distinct values of a column (-1 for NaN and None).

    A column of mixed Python objects is keyed by type and value, since True == 1 and 1 == 1.0
    would otherwise share a code though they are read differently.
    """
    if column.dtype != object or pd.api.types.infer_dtype(column, skipna=True) == "string":
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        return codes, list(uniques)
    keys = [None if is_missing(value) else (type(value), value) for value in column]
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object), use_na_sentinel=True)
    return codes, [value for _, value in uniques]


def _score(score: Score, values: np.ndarray) -> np.ndarray:
    # One NaN test for both counts (what np.nansum would do again): half the time, in batch too.
    cells = ~np.isnan(values)
    answered = cells.sum(axis=1)
    total = np.where(cells, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / answered
    result = mean * len(score.items) if score.method == "sum" else mean
    return np.where(answered >= score.min_answered, result, np.nan)


def _bands(instrument: Instrument, score_id: str, values: np.ndarray) -> np.ndarray:
    ranges = sorted(instrument.bands[score_id], key=lambda band: band.min)
    result = np.full(values.shape, None, dtype=object)
    for position, band in enumerate(ranges):
        upper = values <= band.max if position == len(ranges) - 1 else below_upper(values, band.max)
        result[(values >= band.min) & upper] = band.id
    return result


def _numeric(item: Item, value: int | None) -> float:
    """A checked answer to a scored item (a scale's int or a yes/no bool, itself an int) as a float."""
    if value is None:
        return np.nan
    if item.type == "yes_no":
        return 1.0 if value else 0.0
    return float(value)


def _expected(item: Item) -> str:
    return "yes/no, 1/0" if item.type == "yes_no" else f"a whole number from {item.min} to {item.max}"
