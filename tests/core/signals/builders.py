"""Small builders for session series in the signal tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from allianse.core.measures import load_instrument
from allianse.core.signals import SignalRules, detect_signals

NA = np.nan
DEFINITIONS = Path(__file__).resolve().parents[3] / "allianse" / "instruments"
PATIENT = load_instrument(DEFINITIONS / "alliance-patient.yaml")
RULES = SignalRules.for_instrument(PATIENT)  # the shipped patient check's rules


def series(alliance: list[float], treatment: str = "t1", **columns: object) -> pd.DataFrame:
    """One treatment, sessions 1..n, every session attended and nothing reported unless given."""
    data: dict[str, object] = {
        "treatment": treatment,
        "session": np.arange(1, len(alliance) + 1),
        "alliance": alliance,
        "rupture": 0,
        "held_back": 0,
        "attended": 1,
    }
    data.update(columns)
    return pd.DataFrame(data)


def only(frame: pd.DataFrame, kind: str, **rules: float) -> pd.DataFrame:
    """The signals of one kind, as a table, under the patient check's rules with `rules` overridden."""
    table = detect_signals(frame, SignalRules.for_instrument(PATIENT, rules))
    return table[table["kind"] == kind].reset_index(drop=True)


def fired(frame: pd.DataFrame, kind: str, **rules: float) -> list[tuple[int, str]]:
    """(session, detail) of every signal of one kind."""
    table = only(frame, kind, **rules)
    return list(zip(table["session"], table["detail"], strict=True))
