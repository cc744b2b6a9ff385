"""What a signal is: its kinds, its detail keys, and the `Signal` record the web layer stores."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd


class Kind(StrEnum):
    """The signal kinds, in the order signals of one session are listed."""

    REPORTED = "reported"
    HELD_BACK = "held_back"
    DROP = "drop"
    DISCREPANCY = "discrepancy"
    LOW = "low"
    EARLY = "early"
    ABSENCE = "absence"


class Detail(StrEnum):
    """Which rule of a kind fired; one explanation template per detail and language."""

    RATED = "rated"  # reported, with intensity and resolution
    INTENSITY_ONLY = "intensity_only"
    RESOLUTION_ONLY = "resolution_only"
    UNRATED = "unrated"
    HELD_BACK = "held_back"
    Z = "z"
    Z_FLOORED = "z_floored"  # the patient's earlier SD was below the floor, which was used instead
    RELIABLE_CHANGE = "reliable_change"  # more than the reliable change index from published norms
    RELIABLE_CHANGE_CLINIC = "reliable_change_clinic"  # ... from the clinic's own first scores
    FALL = "fall"  # at least the definition's plain number of points (no index)
    THERAPIST_HIGHER = "therapist_higher"
    PATIENT_HIGHER = "patient_higher"
    RUPTURE_ONLY_PATIENT = "rupture_only_patient"
    RUPTURE_ONLY_THERAPIST = "rupture_only_therapist"
    OBSERVER_ONLY = "observer_only"  # an observer coded a rupture neither patient nor therapist reported
    OBSERVER_NONE = "observer_none"  # patient or therapist reported a rupture the observers did not code
    LOW = "low"
    EARLY_PATIENT = "early_patient"  # the patient's early alliance
    EARLY_THERAPIST = "early_therapist"  # the therapist's early alliance
    MISSED_SESSION = "missed_session"
    UNANSWERED_CHECK = "unanswered_check"


# Rupture-type signals open or join an episode, and an absence counts only after one of them.
RUPTURE_KINDS = frozenset({Kind.REPORTED, Kind.DROP, Kind.LOW})
RUPTURE_DISCREPANCIES = frozenset({Detail.RUPTURE_ONLY_PATIENT, Detail.RUPTURE_ONLY_THERAPIST, Detail.OBSERVER_ONLY})

COLUMNS = ("treatment", "session", "kind", "value", "threshold", "detail", "explanation_en", "explanation_nb")


@dataclass(frozen=True)
class Signal:
    treatment: str
    session: int
    kind: str
    value: float | None
    threshold: float | None
    detail: str
    explanation_en: str
    explanation_nb: str


def is_rupture_type(kinds: pd.Series, details: pd.Series) -> pd.Series:
    """Which signals are rupture-type: reported, drop, low, or a discrepancy about a rupture."""
    return kinds.isin(RUPTURE_KINDS) | details.isin(RUPTURE_DISCREPANCIES)


def signals_from_table(table: pd.DataFrame) -> list[Signal]:
    """The rows of a `detect_signals` table as `Signal` records (NaN becomes None)."""
    return [
        Signal(
            treatment=row["treatment"],
            session=int(row["session"]),
            kind=row["kind"],
            value=_number_or_none(row["value"]),
            threshold=_number_or_none(row["threshold"]),
            detail=row["detail"],
            explanation_en=row["explanation_en"],
            explanation_nb=row["explanation_nb"],
        )
        for row in table.loc[:, list(COLUMNS)].to_dict("records")
    ]


def _number_or_none(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)
