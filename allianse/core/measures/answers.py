"""Checking one respondent's answers against the definition, item by item.

Errors are returned as stable codes (e.g. "required", "out_of_range"); the web layer turns them
into sentences in the respondent's language.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .definition import Instrument, Item

Answers = dict[str, Any]


@dataclass(frozen=True)
class CheckedAnswers:
    answers: Answers
    missing_reasons: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def is_shown(item: Item, answers: Answers) -> bool:
    """An item with `shown_when` is asked only when the earlier answer has the given value."""
    if item.shown_when is None:
        return True
    return answers.get(item.shown_when.item) == item.shown_when.equals


def check_answers(
    instrument: Instrument, answers: Answers, missing_reasons: dict[str, str] | None = None
) -> CheckedAnswers:
    """Keep the valid answers to shown items; report a code per invalid or missing required item."""
    clean: Answers = {}
    reasons: dict[str, str] = {}
    errors: dict[str, str] = {}
    for item in instrument.items:
        if not is_shown(item, clean):
            continue
        value = answers.get(item.id)
        if is_missing(value):
            reason = (missing_reasons or {}).get(item.id)
            if reason is not None and reason in instrument.missing_reasons:
                reasons[item.id] = reason
            elif reason is not None:
                errors[item.id] = "unknown_reason"
            elif item.required:
                errors[item.id] = "required"
            continue
        value, error = read_answer(item, value)
        if error:
            errors[item.id] = error
        else:
            clean[item.id] = value
    return CheckedAnswers(answers=clean, missing_reasons=reasons, errors=errors)


def is_missing(value: Any) -> bool:
    """No answer: None, NaN (an empty cell of a batch), blank text or an empty selection."""
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not value
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def read_answer(item: Item, value: Any) -> tuple[Any, str | None]:
    """The answer as stored (an int, a bool, an option value or a list of them, a text) or an error code.

    The one rule for one response and for a batch (docs/instrument-format.md, "Answers").
    """
    return _READERS[item.type](item, value)


# A number written out: digits, optionally a sign and decimals ("5", "+5", "5.0"; not "1e0" or "5_0").
_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]*)?")


def _whole_number(value: Any) -> int | None:
    """An int, a float with no fraction (5.0, as batch files and JSON give them) or a text of one."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not _DECIMAL.fullmatch(text):
            return None
        value = float(text)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and float(value).is_integer():  # inf and NaN are not
        return int(float(value))
    return None


def _read_scale(item: Item, value: Any) -> tuple[Any, str | None]:
    number = _whole_number(value)
    if number is None:
        return None, "not_a_number"
    low, high = item.bounds
    if not low <= number <= high:
        return None, "out_of_range"
    return number, None


_YES_NO_WORDS = {"yes": True, "true": True, "no": False, "false": False}


def _read_yes_no(item: Item, value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool | np.bool_):
        return bool(value), None
    word = _YES_NO_WORDS.get(value.strip().lower()) if isinstance(value, str) else None
    if word is not None:
        return word, None
    number = _whole_number(value)
    return (number == 1, None) if number in (0, 1) else (None, "not_yes_no")


def _read_choice(item: Item, value: Any) -> tuple[Any, str | None]:
    return (value, None) if value in item.option_values else (None, "not_a_choice")


def _read_multi_choice(item: Item, value: Any) -> tuple[Any, str | None]:
    values = [value] if isinstance(value, str) else list(value)
    if any(choice not in item.option_values for choice in values):
        return None, "not_a_choice"
    return [choice for choice in item.option_values if choice in values], None


def _read_text(item: Item, value: Any) -> tuple[Any, str | None]:
    text = str(value).strip()
    return (None, "too_long") if len(text) > item.max_length else (text, None)


_READERS = {
    "scale": _read_scale,
    "yes_no": _read_yes_no,
    "choice": _read_choice,
    "multi_choice": _read_multi_choice,
    "text": _read_text,
}
