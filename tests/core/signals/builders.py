"""Small builders for session series in the signal tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from allianse.core.measures import Instrument, build_instrument, load_instrument
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


def with_norms(sd: float, reliability: float) -> Instrument:
    """The patient check with published norms for its alliance score."""
    data = yaml.safe_load((DEFINITIONS / "alliance-patient.yaml").read_text(encoding="utf-8"))
    alliance = next(score for score in data["scores"] if score["id"] == "alliance")
    alliance["norms"] = {"sd": sd, "reliability": reliability, "source": "A test sample"}
    return build_instrument(data, source="with-norms.yaml")


def only(frame: pd.DataFrame, kind: str, instrument: Instrument = PATIENT, **rules: float) -> pd.DataFrame:
    """The signals of one kind, as a table, under the check's rules with `rules` overridden."""
    table = detect_signals(frame, SignalRules.for_instrument(instrument, rules))
    return table[table["kind"] == kind].reset_index(drop=True)


def fired(frame: pd.DataFrame, kind: str, instrument: Instrument = PATIENT, **rules: float) -> list[tuple[int, str]]:
    """(session, detail) of every signal of one kind."""
    table = only(frame, kind, instrument, **rules)
    return list(zip(table["session"], table["detail"], strict=True))
