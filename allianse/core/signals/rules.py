"""The thresholds of the rupture signal rules: data, not code, overridable per clinic.

Every field names its source next to its definition. Scores are on the instrument's scale (our
alliance check: the mean of items on 1-7).

Ties at a threshold are decided once, here, by `at_least` and `at_most` (inclusive) and `more_than` (strict),
with a tolerance of `TIE_TOLERANCE` so that float noise (4.6 - 3.6 = 0.9999999999999996) never
decides a tie. Which rule is inclusive and which is strict follows the wording of its source:

- drop below the own reference by z SDs: inclusive (Stiles et al. 2004: a_t <= mu - z*sigma);
- drop from the previous session: strict ("more than the reliable-change threshold");
- therapist-patient gap: inclusive ("a gap of at least");
- low: inclusive (alliance <= the upper bound of the concern band);
- reported rupture intensity: inclusive (PSQ alert on intensity >= a threshold, INSTRUMENTS §4);
- repair: inclusive (the score "returns to" the reference level);
- absence and repair windows: inclusive (within this many sessions).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from numbers import Real
from typing import Any, cast

import numpy as np

TIE_TOLERANCE = 1e-9


def at_least(values: np.ndarray, threshold: float | np.ndarray) -> np.ndarray:
    """values >= threshold, ties included; NaN is never at least anything."""
    return values >= threshold - TIE_TOLERANCE


def at_most(values: np.ndarray, threshold: float | np.ndarray) -> np.ndarray:
    """values <= threshold, ties included; NaN is never at most anything."""
    return values <= threshold + TIE_TOLERANCE


def more_than(values: np.ndarray, threshold: float | np.ndarray) -> np.ndarray:
    """values > threshold, ties excluded; NaN is never more than anything."""
    return values > threshold + TIE_TOLERANCE


class InvalidRules(ValueError):
    """A clinic's rule override that names an unknown threshold or a value out of its range."""


def _threshold(default: float, *, low: float | None = None, low_open: bool = False, high: float | None = None):
    """A dataclass field with its permitted range (`low_open`: the lower bound itself is invalid)."""
    return field(default=default, metadata={"low": low, "low_open": low_open, "high": high})


@dataclass(frozen=True)
class SignalRules:
    """The thresholds of every signal rule, with their defaults and sources."""

    # Drop below the patient's own reference by `z` SDs. z = 2 is Stiles et al. (2004, V-shaped
    # rupture-repair sequences, "2 within-client SDs"); Strauss et al. (2006) used the lenient z = 1
    # (both ad hoc, per PMC3320522; INSTRUMENTS §7a). The reference is the mean and SD of the
    # patient's EARLIER scored sessions only (online detection, no look-ahead).
    z: float = _threshold(2.0, low=0.0, low_open=True)
    # The z rule stays silent until the patient has this many earlier scored sessions: an SD of one
    # or two scores says nothing about a patient's typical variation, and early sessions are when
    # the alliance is still forming. Project choice; at least 2 because an SD needs two scores.
    min_reference_sessions: int = _threshold(3, low=2)
    # SD floor: a very stable patient (SD 0.05) would otherwise trigger on a dip of 0.1 scale
    # points. Project choice: 0.25 points on the 1-7 scale, a quarter of the reliable change.
    min_sd: float = _threshold(0.25, low=0.0, low_open=True)
    # A fall from the previous scored session by more than the instrument's reliable-change
    # threshold (Jacobson & Truax 1991; used as a sudden-loss criterion after Tang & DeRubeis
    # 1999; INSTRUMENTS §7a/§7b). 1.0 point is our instrument's default.
    reliable_change: float = _threshold(1.0, low=0.0, low_open=True)
    # Therapist minus patient alliance, either direction. Patients tend to rate the alliance higher
    # than therapists and therapists notice few of the feelings patients hold back (seed 001,
    # Regan & Hill 1992); 1.5 points is a project choice.
    discrepancy: float = _threshold(1.5, low=0.0, low_open=True)
    # The concern band: alliance at or below this. In the product it is the upper bound of the
    # instrument's concern band; 3.5 (below the neutral midpoint 4 of the 1-7 scale) by default.
    low_threshold: float = _threshold(3.5)
    # A missed session or an unanswered check within this many sessions after a rupture signal:
    # unrepaired ruptures lead to dropout (seed 001; Muran et al. 2009). Project choice.
    absence_window: int = _threshold(2, low=1)
    # V-shaped repair: the score returns to the reference level within m sessions (Stiles et al.
    # 2004; m = 1-3 in INSTRUMENTS §7a step 3; McLaughlin et al. 2014 repaired vs unrepaired).
    repair_window: int = _threshold(3, low=1)
    # Report a patient-reported rupture (PSQ occurrence item, Muran et al. 2009) when its
    # intensity (1-5) is at least this; 1 means any reported rupture (INSTRUMENTS §4).
    intensity_threshold: int = _threshold(1, low=1, high=5)

    def __post_init__(self) -> None:
        for spec in fields(self):
            kind = int if type(spec.default) is int else float
            value = getattr(self, spec.name)
            _check(spec.name, value, kind, spec.metadata)
            object.__setattr__(self, spec.name, kind(value))

    @classmethod
    def from_dict(cls, values: Mapping[str, object]) -> SignalRules:
        """Rules from a clinic's overrides; unknown keys and values out of range raise InvalidRules."""
        names = [spec.name for spec in fields(cls)]
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise InvalidRules(f"Unknown signal rule(s) {', '.join(unknown)}; known: {', '.join(names)}.")
        # Values of any type: __post_init__ checks each one and raises InvalidRules.
        return cls(**cast(Mapping[str, Any], values))


def _check(name: str, value: object, kind: type, limits: Mapping[str, Any]) -> None:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise InvalidRules(f"Signal rule {name} must be a finite number, not {value!r}.")
    if kind is int and value != math.trunc(value):
        raise InvalidRules(f"Signal rule {name} must be a whole number, not {value!r}.")
    low, high = limits["low"], limits["high"]
    too_low = low is not None and (value <= low if limits["low_open"] else value < low)
    if too_low or (high is not None and value > high):
        raise InvalidRules(f"Signal rule {name} must be {_describe_range(limits)}, not {value!r}.")


def _describe_range(limits: Mapping[str, object]) -> str:
    low, high = limits["low"], limits["high"]
    lower = f"{'more than' if limits['low_open'] else 'at least'} {low:g}" if low is not None else ""
    upper = f"at most {high:g}" if high is not None else ""
    return " and ".join(part for part in (lower, upper) if part)


DEFAULT_RULES = SignalRules()
