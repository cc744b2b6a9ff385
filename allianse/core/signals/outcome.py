"""Is the patient improving? Each treatment's outcome score against its own start.

The change is the latest scored session minus the first (signed so that a positive change is an
improvement, whichever way the score runs: `Score.better`). It is compared with the reliable
change of the score (`measures.reliable_change`): with a reliable change index (published norms
or the clinic's first scores) a change counts when it is MORE than the index (Jacobson & Truax
1991); with the definition's plain number of points, when it is AT LEAST that many. Until
`min_sessions` sessions are scored the status is `too_early`; after that, a treatment without a
reliable improvement is `not_improving` (or `deteriorated`, when it has reliably worsened).
Vectorised over every treatment of a data set at once (no loop over treatments).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pandas as pd

from ..measures.reliable_change import Basis, ReliableChange
from .explain import format_score
from .rules import at_least, more_than

# Project choice: four answered sessions before "not improving" is said (with fewer, a flat line
# says little and the treatment has barely begun).
MIN_SESSIONS = 4

COLUMNS = (
    "treatment",
    "sessions",
    "first",
    "latest",
    "change",
    "threshold",
    "status",
    "explanation_en",
    "explanation_nb",
)


class Progress(StrEnum):
    TOO_EARLY = "too_early"
    IMPROVED = "improved"
    NOT_IMPROVING = "not_improving"
    DETERIORATED = "deteriorated"


TEMPLATES = {
    Progress.TOO_EARLY: {
        "en": "{sessions} answered so far; whether the patient is improving is said from {minimum} on.",
        "nb": "{sessions} besvart så langt; om pasienten blir bedre, sies fra {minimum} besvarte.",
    },
    Progress.IMPROVED: {
        "en": "Improved: from {first} at the start to {latest} now, a change of {change}; {rule}",
        "nb": "Bedre: fra {first} ved start til {latest} nå, en endring på {change}; {rule}",
    },
    Progress.NOT_IMPROVING: {
        "en": "Not improving: from {first} at the start to {latest} now after {sessions} answered sessions, "
        "a change of {change}; {rule}",
        "nb": "Blir ikke bedre: fra {first} ved start til {latest} nå etter {sessions} besvarte timer, "
        "en endring på {change}; {rule}",
    },
    Progress.DETERIORATED: {
        "en": "Worse: from {first} at the start to {latest} now, a change of {change}; {rule}",
        "nb": "Verre: fra {first} ved start til {latest} nå, en endring på {change}; {rule}",
    },
}
RULES = {
    Basis.NORMS: {
        "en": "a reliable change is more than {threshold} (Jacobson & Truax 1991, from published norms).",
        "nb": "en pålitelig endring er mer enn {threshold} (Jacobson & Truax 1991, ut fra publiserte normer).",
    },
    Basis.CLINIC: {
        "en": "a reliable change is more than {threshold} (Jacobson & Truax 1991, from this clinic's first scores).",
        "nb": "en pålitelig endring er mer enn {threshold} (Jacobson & Truax 1991, ut fra de første skårene "
        "i denne klinikken).",
    },
    Basis.FIXED: {
        "en": "the rule is a change of at least {threshold} points.",
        "nb": "regelen er en endring på minst {threshold} poeng.",
    },
}


def outcome_progress(
    frame: pd.DataFrame,
    change: ReliableChange,
    *,
    higher_is_better: bool = True,
    min_sessions: int = MIN_SESSIONS,
) -> pd.DataFrame:
    """One row per treatment of `frame` (columns `treatment`, `session`, `outcome`; NaN =
    unanswered), in order of first appearance, with the columns of `COLUMNS`."""
    scored = frame.loc[frame["outcome"].notna(), ["treatment", "session", "outcome"]]
    scored = scored.sort_values(["session"], kind="stable")
    treatments = pd.unique(frame["treatment"])
    groups = scored.groupby("treatment", sort=False)["outcome"]
    table = pd.DataFrame({"treatment": treatments})
    table["sessions"] = groups.size().reindex(treatments, fill_value=0).to_numpy()
    table["first"] = groups.first().reindex(treatments).to_numpy()
    table["latest"] = groups.last().reindex(treatments).to_numpy()
    sign = 1.0 if higher_is_better else -1.0
    gain = sign * (table["latest"].to_numpy() - table["first"].to_numpy())
    reliable = at_least if change.basis == Basis.FIXED else more_than
    table["change"] = table["latest"] - table["first"]
    table["threshold"] = change.threshold
    table["status"] = np.select(
        [
            table["sessions"].to_numpy() < min_sessions,
            reliable(gain, change.threshold),
            reliable(-gain, change.threshold),
        ],
        [Progress.TOO_EARLY.value, Progress.IMPROVED.value, Progress.DETERIORATED.value],
        Progress.NOT_IMPROVING.value,
    )
    for language in ("en", "nb"):
        table[f"explanation_{language}"] = [
            _explained(row, change.basis, language, min_sessions) for row in table.itertuples(index=False)
        ]
    return table.loc[:, list(COLUMNS)]


def _explained(row, basis: Basis, language: str, minimum: int) -> str:
    rule = RULES[basis][language].format(threshold=format_score(row.threshold, language))
    if row.status == Progress.TOO_EARLY:
        return TEMPLATES[Progress.TOO_EARLY][language].format(sessions=row.sessions, minimum=minimum)
    return TEMPLATES[Progress(row.status)][language].format(
        first=format_score(row.first, language),
        latest=format_score(row.latest, language),
        change=format_score(row.change, language),
        sessions=row.sessions,
        rule=rule,
    )
