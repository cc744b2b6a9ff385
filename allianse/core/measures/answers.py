"""Checking one respondent's answers against the definition, item by item.

Errors are returned as stable codes (e.g. "required", "out_of_range"); the web layer turns them
into sentences in the respondent's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
        if value is None or value == "" or value == []:
            reason = (missing_reasons or {}).get(item.id)
            if reason is not None and reason in instrument.missing_reasons:
                reasons[item.id] = reason
            elif reason is not None:
                errors[item.id] = "unknown_reason"
            elif item.required:
                errors[item.id] = "required"
            continue
        value, error = _check_value(item, value)
        if error:
            errors[item.id] = error
        else:
            clean[item.id] = value
    return CheckedAnswers(answers=clean, missing_reasons=reasons, errors=errors)


def _check_value(item: Item, value: Any) -> tuple[Any, str | None]:
    return _CHECKERS[item.type](item, value)


def _check_scale(item: Item, value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool):
        return None, "not_a_number"
    try:
        number = int(str(value).strip())
    except ValueError:
        return None, "not_a_number"
    low, high = item.bounds
    if not low <= number <= high:
        return None, "out_of_range"
    return number, None


_YES = {True, "true", "yes", "1"}
_NO = {False, "false", "no", "0"}


def _check_yes_no(item: Item, value: Any) -> tuple[Any, str | None]:
    token = value.strip().lower() if isinstance(value, str) else value
    if token in _YES:
        return True, None
    if token in _NO:
        return False, None
    return None, "not_yes_no"


def _check_choice(item: Item, value: Any) -> tuple[Any, str | None]:
    return (value, None) if value in item.option_values else (None, "not_a_choice")


def _check_multi_choice(item: Item, value: Any) -> tuple[Any, str | None]:
    values = [value] if isinstance(value, str) else list(value)
    if any(choice not in item.option_values for choice in values):
        return None, "not_a_choice"
    return [choice for choice in item.option_values if choice in values], None


def _check_text(item: Item, value: Any) -> tuple[Any, str | None]:
    text = str(value).strip()
    return (None, "too_long") if len(text) > item.max_length else (text, None)


_CHECKERS = {
    "scale": _check_scale,
    "yes_no": _check_yes_no,
    "choice": _check_choice,
    "multi_choice": _check_multi_choice,
    "text": _check_text,
}
