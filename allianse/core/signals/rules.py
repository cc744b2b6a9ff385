"""The thresholds of the rupture signal rules: data, not code, overridable per clinic.

Every field names its source next to its definition. Scores are on the instrument's scale; the
thresholds that are clinical facts of the instrument come from its definition (`for_instrument`).

Ties at a threshold are decided once, here, by `at_least` and `at_most` (inclusive) and `more_than` (strict),
with a tolerance of `TIE_TOLERANCE` so that float noise (4.6 - 3.6 = 0.9999999999999996) never
decides a tie. Which rule is inclusive and which is strict follows the wording of its source:

- drop below the own reference by z SDs: inclusive (Stiles et al. 2004: a_t <= mu - z*sigma);
- drop from the previous session: strict ("more than the reliable change index", Jacobson & Truax
  1991) when the threshold is an index; inclusive ("a fall of at least N points") when it is the
  definition's plain number of points (`ReliableChange.basis` FIXED);
- therapist-patient gap: inclusive ("a gap of at least");
- low and early alliance: strict (alliance < the concern level), the bands' own boundary rule
  (`measures.scoring.below_upper`: a band excludes its upper bound, so 3.5 is "moderate", not low);
- reported rupture intensity: inclusive (PSQ alert on intensity >= a threshold);
- repair: inclusive (the score "returns to" the reference level);
- absence and repair windows: inclusive (within this many sessions).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from numbers import Real
from typing import Any

import numpy as np

from ..measures import Instrument, roles
from ..measures.reliable_change import Basis, ReliableChange, reliable_change
from ..measures.scoring import below_upper

TIE_TOLERANCE = 1e-9


def at_least(values: np.ndarray, threshold: float | np.ndarray) -> np.ndarray:
    """values >= threshold, ties included; NaN is never at least anything."""
    return values >= threshold - TIE_TOLERANCE


def at_most(values: np.ndarray, threshold: float | np.ndarray) -> np.ndarray:
    """values <= threshold, ties included; NaN is never at most anything."""
    return values <= threshold + TIE_TOLERANCE


def below(values: np.ndarray, threshold: float | np.ndarray) -> np.ndarray:
    """values < threshold: the bands' boundary rule (`below_upper`), float noise aside."""
    return below_upper(values, threshold - TIE_TOLERANCE)


def more_than(values: np.ndarray, threshold: float | np.ndarray) -> np.ndarray:
    """values > threshold, ties excluded; NaN is never more than anything."""
    return values > threshold + TIE_TOLERANCE


class InvalidRules(ValueError):
    """A clinic's rule override that names an unknown threshold or a value out of its range, or a
    definition that lacks what the rules take from it."""


@dataclass(frozen=True)
class Scales:
    """The ranges of the measures in a session series, from the patient check's definition: the
    score with role `alliance` and the items with roles `rupture_intensity` and `rupture_resolution`."""

    alliance: tuple[float, float]
    rupture_intensity: tuple[int, int]
    rupture_resolution: tuple[int, int]

    @classmethod
    def for_instrument(cls, instrument: Instrument) -> Scales:
        """MissingRole if the definition lacks one of the roles."""
        return cls(
            alliance=instrument.score_range(instrument.score_with_role(roles.ALLIANCE)),
            rupture_intensity=instrument.item_with_role(roles.RUPTURE_INTENSITY).bounds,
            rupture_resolution=instrument.item_with_role(roles.RUPTURE_RESOLUTION).bounds,
        )


@dataclass(frozen=True)
class Limits:
    """The values a threshold may take: `kind` (int or float), at least `low` (more than `low`
    if `low_open`), at most `high`; None where there is no bound."""

    kind: type
    low: float | None = None
    low_open: bool = False
    high: float | None = None


def _threshold(kind: type, default: float | None = None, *, scale: str | None = None, **limits: Any) -> Any:
    """A threshold field: its kind, its default (None: the instrument gives it) and its permitted
    range, fixed (`limits`) or the range of one of the `Scales` (`scale`)."""
    metadata = {"limits": Limits(kind, **limits), "scale": scale}
    return field(metadata=metadata) if default is None else field(default=default, metadata=metadata)


@dataclass(frozen=True, kw_only=True)
class SignalRules:
    """The thresholds of every signal rule, with their sources, and the scales of the series.

    Build them with `for_instrument`: the reliable change, the concern level and the range of the
    rupture intensity are the patient check's (docs/instrument-format.md); the other thresholds are
    the project's defaults below. A clinic may override any threshold.
    """

    scales: Scales
    # Where `reliable_change` comes from (published norms, the clinic's first scores, or a plain
    # number of points); a clinic's own `reliable_change` is a plain number of points.
    change_basis: ReliableChange | None = field(default=None, compare=False)
    # Drop below the patient's own reference by `z` SDs, adapted from Stiles et al. (2004, V-shaped
    # rupture-repair sequences, "2 within-client SDs" of the whole series); Strauss et al. (2006)
    # used the lenient z = 1 (both ad hoc: Gumz et al. 2012; docs/methods.md#drop-z). Unlike
    # Stiles et al., the reference is the mean and SD of the patient's EARLIER scored sessions
    # only (online detection, no look-ahead).
    z: float = _threshold(float, 2.0, low=0.0, low_open=True)
    # The z rule stays silent until the patient has this many earlier scored sessions: an SD of one
    # or two scores says nothing about a patient's typical variation, and early sessions are when
    # the alliance is still forming. Project choice; at least 2 because an SD needs two scores.
    min_reference_sessions: int = _threshold(int, 3, low=2)
    # SD floor: a very stable patient (SD 0.05) would otherwise trigger on a dip of 0.1 scale
    # points. Project choice: 0.25 points on the 1-7 scale, a quarter of the reliable change.
    min_sd: float = _threshold(float, 0.25, low=0.0, low_open=True)
    # A fall from the previous scored session by more than the reliable change index (Jacobson &
    # Truax 1991; used as a sudden-loss criterion after Tang & DeRubeis 1999) of the score with
    # role `alliance` (`measures.reliable_change`: its norms, or the clinic's first scores), or,
    # without either, by at least the definition's plain `reliable_change` of N points.
    reliable_change: float = _threshold(float, low=0.0, low_open=True)
    # The clinic's own first scores give the reliable change index once at least this many
    # treatments have one (an SD and an alpha from fewer say little). Project choice.
    norms_min_treatments: int = _threshold(int, 50, low=10)
    # Therapist minus patient alliance, either direction. Patients tend to rate the alliance higher
    # than therapists and therapists notice few of the feelings patients hold back (Regan & Hill
    # 1992); 1.5 points is a project choice.
    discrepancy: float = _threshold(float, 1.5, low=0.0, low_open=True)
    # The concern level: alliance below the upper bound of the concern band at the bottom of the
    # alliance score's bands (`Instrument.concern_below`), the bands' own boundary rule.
    low_threshold: float = _threshold(float)
    # Early alliance: the mean of the first `early_sessions` scored sessions below
    # `early_threshold` (by default the concern level), for the patient's and for the therapist's
    # alliance. Early alliance predicts dropout better than later alliance (Horvath & Symonds
    # 1991; Sharf et al. 2010; docs/methods.md#early-alliance). Project choice: 3 sessions.
    early_sessions: int = _threshold(int, 3, low=1)
    early_threshold: float = _threshold(float, scale="alliance")
    # A missed session or an unanswered check within this many sessions after a rupture signal:
    # unrepaired ruptures lead to dropout (Muran et al. 2009). Project choice.
    absence_window: int = _threshold(int, 2, low=1)
    # V-shaped repair: the score returns to the reference level within m sessions (Stiles et al.
    # 2004, m = 1-3; McLaughlin et al. 2014 repaired vs unrepaired).
    repair_window: int = _threshold(int, 3, low=1)
    # Report a patient-reported rupture (PSQ occurrence item, Muran et al. 2009) when its
    # intensity is at least this; by default the intensity item's lowest answer: any reported rupture.
    intensity_threshold: int = _threshold(int, scale="rupture_intensity")

    def __post_init__(self) -> None:
        for name in self.thresholds():
            value = getattr(self, name)
            limits = self.limits(name)
            _check(name, value, limits)
            object.__setattr__(self, name, limits.kind(value))

    @classmethod
    def thresholds(cls) -> tuple[str, ...]:
        """The names of the thresholds, in order (every field but `scales`)."""
        return tuple(spec.name for spec in fields(cls) if "limits" in spec.metadata)

    def limits(self, name: str) -> Limits:
        """The values threshold `name` may take under these scales."""
        spec = next(spec for spec in fields(self) if spec.name == name)
        limits: Limits = spec.metadata["limits"]
        if spec.metadata["scale"] is None:
            return limits
        low, high = getattr(self.scales, spec.metadata["scale"])
        return Limits(limits.kind, low=low, high=high)

    @classmethod
    def for_instrument(
        cls,
        instrument: Instrument,
        overrides: Mapping[str, object] | None = None,
        *,
        first_items: np.ndarray | None = None,
    ) -> SignalRules:
        """The rules for series of `instrument` (the patient check), with a clinic's `overrides`;
        `first_items` are the answers of the clinic's first responses (one row per treatment, see
        `measures.reliable_change`), from which the reliable change index may be computed.

        Unknown names and values out of range raise InvalidRules, as does a definition whose
        alliance score has neither norms nor a reliable change, or no concern band at its bottom;
        a missing role raises MissingRole.
        """
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(cls.thresholds()))
        if unknown:
            raise InvalidRules(f"Unknown signal rule(s) {', '.join(unknown)}; known: {', '.join(cls.thresholds())}.")
        scales = Scales.for_instrument(instrument)
        alliance = instrument.score_with_role(roles.ALLIANCE)
        concern = instrument.concern_below(alliance)
        if (alliance.reliable_change is None and alliance.norms is None) or concern is None:
            lacking = "concern band at its bottom" if concern is None else "reliable_change"
            raise InvalidRules(f"Instrument '{instrument.key}': score '{alliance.id}' has no {lacking}.")
        minimum = overrides.get("norms_min_treatments", cls.norms_min_treatments)
        change = reliable_change(instrument, alliance, first_items, _whole(minimum))
        if "reliable_change" in overrides:
            change = ReliableChange(overrides["reliable_change"], Basis.FIXED)  # type: ignore[arg-type]
        values: dict[str, Any] = {
            "reliable_change": change.threshold,
            "low_threshold": concern,
            "early_threshold": overrides.get("low_threshold", concern),
            "intensity_threshold": scales.rupture_intensity[0],
        }
        # Values of any type: __post_init__ checks each one and raises InvalidRules.
        return cls(scales=scales, change_basis=change, **(values | overrides))


def _whole(value: object) -> int:
    """A setting's value as a whole number for use before the checks (they report a bad one)."""
    return int(float(value)) if isinstance(value, Real) and math.isfinite(value) else 0


def _check(name: str, value: object, limits: Limits) -> None:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise InvalidRules(f"Signal rule {name} must be a finite number, not {value!r}.")
    if limits.kind is int and value != math.trunc(value):
        raise InvalidRules(f"Signal rule {name} must be a whole number, not {value!r}.")
    number, low, high = float(value), limits.low, limits.high
    too_low = low is not None and (number <= low if limits.low_open else number < low)
    if too_low or (high is not None and number > high):
        raise InvalidRules(f"Signal rule {name} must be {_describe_range(limits)}, not {value!r}.")


def _describe_range(limits: Limits) -> str:
    low, high = limits.low, limits.high
    lower = f"{'more than' if limits.low_open else 'at least'} {low:g}" if low is not None else ""
    upper = f"at most {high:g}" if high is not None else ""
    return " and ".join(part for part in (lower, upper) if part)
