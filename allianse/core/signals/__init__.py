"""Rupture signals: session series in, explained signals and rupture episodes out (no Django).

One implementation for one session and for a million: `detect_signals` runs every rule vectorised
over a whole data set, `signals_for_latest` runs the same function on one treatment's series.
"""

from .detect import detect_signals, signal_table, signals_for_latest, with_explanations
from .episodes import episode_table, find_episodes
from .outcome import Progress, outcome_progress
from .report import signals_report
from .rules import InvalidRules, Limits, Scales, SignalRules
from .series import prepare_series
from .series_input import MalformedSeries, read_series_csv, validate_series
from .signal import Detail, Kind, Signal

__all__ = [
    "Detail",
    "InvalidRules",
    "Kind",
    "Limits",
    "MalformedSeries",
    "Progress",
    "Scales",
    "Signal",
    "SignalRules",
    "detect_signals",
    "episode_table",
    "find_episodes",
    "outcome_progress",
    "prepare_series",
    "read_series_csv",
    "signals_for_latest",
    "signal_table",
    "with_explanations",
    "signals_report",
    "validate_series",
]
