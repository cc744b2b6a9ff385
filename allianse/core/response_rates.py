"""Response rates: how many of the checks asked for were answered (no Django).

A check is one request to one respondent about one session: a patient's check after a session, a
group member's check after a group session. It counts once a link was made for it and is answered
once any of its links has a response; a new link that replaces an unanswered one is the same
check (the input has one row per link, `check` naming the check). A check belongs to the day its
session took place, so it stays in one period however often its link is renewed.

Small numbers stay honest: every rate comes with its counts ("3 of 4"), and its 95% interval is
Wilson's score interval (docs/methods.md#response-rates), which stays within 0 to 1 and keeps its
coverage for few checks and for rates near 0 or 1, where the usual Wald interval fails.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

Z_95 = 1.959963984540054  # the standard normal quantile for a two-sided 95% interval
COLUMNS = ("check", "day", "answered")  # what every row needs besides the columns grouped by
RESULT = ("checks", "answered", "rate", "low", "high")


@dataclass(frozen=True)
class Period:
    """The days from `start` to `end`, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")


def last_weeks(today: date, weeks: int = 4) -> Period:
    """The `weeks` weeks up to and including `today` (4 weeks: today and the 27 days before)."""
    return Period(today - timedelta(days=7 * weeks - 1), today)


def week_of(day: date) -> Period:
    """The week (Monday to Sunday) that `day` falls in."""
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6))


@dataclass(frozen=True)
class Rate:
    """Answered checks of all checks, with Wilson's 95% interval of the rate."""

    answered: int
    checks: int
    low: float | None = None
    high: float | None = None

    @property
    def rate(self) -> float | None:
        return self.answered / self.checks if self.checks else None

    @property
    def unanswered(self) -> int:
        return self.checks - self.answered

    def at_least(self, minimum: int) -> bool:
        """Whether there are enough checks to show the rate where single people must not be read
        from it (docs/methods.md#small-cells)."""
        return self.checks >= minimum


NO_CHECKS = Rate(answered=0, checks=0)


def wilson_interval(answered, checks, z: float = Z_95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson's score interval for `answered` successes of `checks` trials (arrays or numbers;
    NaN where there are no checks)."""
    x = np.asarray(answered, dtype=float)
    n = np.asarray(checks, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def response_rates(
    links: pd.DataFrame | Iterable[dict[str, Any]], *, by: Sequence[str] = (), period: Period | None = None
) -> pd.DataFrame:
    """Checks, answered checks, rate and its 95% interval per value of the `by` columns (one row
    for all when `by` is empty), over the checks of sessions in `period` (all when None).

    `links`: one row per link (a DataFrame or plain records) with `check` (the same value for
    every link of one check), `day` (the date of its session), `answered` (whether that link has
    a response) and the `by` columns. A check may appear under several `by` values (a treatment
    with two therapists counts for each)."""
    keys = list(by)
    frame = pd.DataFrame(links, columns=[*keys, *COLUMNS]) if not isinstance(links, pd.DataFrame) else links
    if period is not None and len(frame):
        days = pd.to_datetime(frame["day"]).dt.date
        frame = frame[(days >= period.start) & (days <= period.end)]
    grouped = keys or ["_all"]
    checks = (
        frame.assign(_all=0, answered=frame["answered"].astype(bool)).groupby([*grouped, "check"])["answered"].any()
    )
    counts = checks.groupby(level=grouped).agg(["size", "sum"]).astype(int)
    counts.columns = ["checks", "answered"]
    low, high = wilson_interval(counts["answered"], counts["checks"])
    result = counts.assign(rate=counts["answered"] / counts["checks"], low=low, high=high).reset_index()
    if keys or len(result):
        return result[[*keys, *RESULT]]
    return pd.DataFrame({"checks": [0], "answered": [0], "rate": [np.nan], "low": [np.nan], "high": [np.nan]})


def rates_by(table: pd.DataFrame, key: str) -> dict[Any, Rate]:
    """The rows of a `response_rates` table grouped by `key`, as Rates by its values."""
    return {row[key]: _rate(row) for row in table.to_dict("records")}


def total_rate(table: pd.DataFrame) -> Rate:
    """The one row of a `response_rates` table grouped by nothing, as a Rate."""
    return _rate(table.iloc[0].to_dict())


def _rate(row: Mapping[Hashable, Any]) -> Rate:
    if not row["checks"]:
        return NO_CHECKS
    return Rate(answered=int(row["answered"]), checks=int(row["checks"]), low=row["low"], high=row["high"])
