"""Errors of the statistics core: an English message for people, a stable code for the web layer."""

from __future__ import annotations

import numpy as np


class StatsError(ValueError):
    """Base class; `code` is stable and translated by the web layer, `message` is plain English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class InsufficientData(StatsError):
    """The ratings are too few or too uniform for the statistic to be defined."""

    MESSAGES = {
        "too_few_raters": "At least two raters must have rated the item.",
        "too_few_targets": "At least two segments rated by every rater are needed; "
        "segments with a missing rating are left out.",
        "no_pairable_units": "At least one segment must have been rated by two or more raters.",
        "no_variance": "All ratings are identical, so agreement beyond chance cannot be estimated.",
    }

    def __init__(self, code: str) -> None:
        super().__init__(code, self.MESSAGES[code])


class MalformedRatings(StatsError):
    """Rating input that cannot be analysed as given (missing columns, non-numbers, duplicates)."""


NO_PROBLEM = ""


def raise_for_problem(code: str) -> None:
    """Raise `InsufficientData` for a problem code of a batch result (empty string: no problem)."""
    if code != NO_PROBLEM:
        raise InsufficientData(code)


def first_problem(conditions: dict[str, np.ndarray]) -> np.ndarray:
    """Per item, the code of the first condition (in order) that holds, else NO_PROBLEM."""
    return np.select(list(conditions.values()), list(conditions), default=NO_PROBLEM)
