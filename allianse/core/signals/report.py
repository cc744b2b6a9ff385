"""The signals and episodes of a series as plain JSON-ready data (no NaN: None)."""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import asdict
from typing import Any

import pandas as pd

from .detect import signal_table
from .episodes import episode_table
from .rules import SignalRules
from .series import prepare_series
from .signal import signals_from_table


def signals_report(frame: pd.DataFrame, rules: SignalRules) -> dict[str, list[dict[str, object]]]:
    """`{"signals": [...], "episodes": [...]}`; a signal's `explanation` is the English one."""
    series = prepare_series(frame, rules.scales)  # validated once for both tables
    signals = signal_table(series, rules)
    episodes = episode_table(series, signals, rules)
    return {
        "signals": [_signal_record(asdict(signal)) for signal in signals_from_table(signals)],
        "episodes": [_episode_record(episode) for episode in episodes.to_dict("records")],
    }


def _signal_record(signal: dict[str, object]) -> dict[str, object]:
    explanations = {"explanation": signal.pop("explanation_en"), "explanation_nb": signal.pop("explanation_nb")}
    return signal | explanations


def _episode_record(episode: dict[Hashable, Any]) -> dict[str, object]:
    """One row of `episode_table` as `DataFrame.to_dict("records")` gives it (Python scalars, a tuple of kinds)."""
    reference = float(episode["reference"])
    return {
        "treatment": episode["treatment"],
        "first_session": int(episode["first_session"]),
        "last_session": int(episode["last_session"]),
        "status": episode["status"],
        "reference": None if math.isnan(reference) else reference,
        "kinds": list(episode["kinds"]),
    }
