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
        return not _UNPRINTABLE.sub("", value).strip()
    if isinstance(value, list | tuple):
        return not value
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def read_answer(item: Item, value: Any) -> tuple[Any, str | None]:
    """The answer as stored (an int, a bool, an option value or a list of them, a text) or an error code.

    The one rule for one response and for a batch (docs/instrument-format.md, "Answers"). A
    value that is not a single text, number or yes/no (a list, an object; for a multiple choice
    a list of such values) gets the item type's error code, never an exception.
    """
    values = value if item.type == "multi_choice" and isinstance(value, list | tuple) else [value]
    if not all(isinstance(one, _SCALARS) for one in values):
        return None, _NOT_READABLE[item.type]
    return _READERS[item.type](item, value)


_SCALARS = (str, numbers.Number, np.bool_)
_NOT_READABLE = {
    "scale": "not_a_number",
    "yes_no": "not_yes_no",
    "choice": "not_a_choice",
    "multi_choice": "not_a_choice",
    "text": "not_text",
}


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


# Control characters other than tab and line breaks, and lone UTF-16 surrogates: nobody types
# them, PostgreSQL refuses NUL in text and no database stores a lone surrogate as UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def printable(value: Any) -> Any:
    """A JSON-like value with the characters that `read_answer` drops from texts dropped from every
    text in it, for answers kept unchecked (a draft)."""
    if isinstance(value, str):
        return _UNPRINTABLE.sub("", value)
    if isinstance(value, dict):
        return {printable(key): printable(one) for key, one in value.items()}
    if isinstance(value, list | tuple):
        return [printable(one) for one in value]
    return value


def _read_text(item: Item, value: Any) -> tuple[Any, str | None]:
    text = _UNPRINTABLE.sub("", str(value)).strip()
    return (None, "too_long") if len(text) > item.max_length else (text, None)


_READERS = {
    "scale": _read_scale,
    "yes_no": _read_yes_no,
    "choice": _read_choice,
    "multi_choice": _read_multi_choice,
    "text": _read_text,
}
