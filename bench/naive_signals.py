"""The rupture signal rules and episodes in plain Python, one session at a time: bench_signals' baseline.

What one would write without numpy or pandas: each treatment's sessions are read in order, keeping
running sums for the patient's earlier mean and SD, the previous scored session and the latest
session with a rupture-type signal. It follows the rules as `allianse/core/signals` documents them
(detect.py, rules.py, episodes.py), with the same tie tolerance, and words its explanations with
the product's templates, so that bench_signals can check that it gives the product's signals and
episodes and then time the same work.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from string import Formatter

import pandas as pd

from allianse.core.measures.reliable_change import Basis
from allianse.core.signals import Detail, Kind, SignalRules
from allianse.core.signals.detect import FALL_DETAILS
from allianse.core.signals.explain import DECIMAL_MARK, LANGUAGES, TEMPLATES, WHOLE_PLACEHOLDERS
from allianse.core.signals.rules import TIE_TOLERANCE
from allianse.core.signals.signal import RUPTURE_DISCREPANCIES, RUPTURE_KINDS

Session = dict[str, object]
# treatment, session, kind, value, threshold, detail, explanation_en, explanation_nb
SignalRow = tuple[str, int, str, float | None, float | None, str, str, str]
# treatment, first_session, last_session, status, reference, kinds
EpisodeRow = tuple[str, int, int, str, float | None, tuple[str, ...]]

PLACEHOLDERS = {
    detail: list(dict.fromkeys(name for _, name, _, _ in Formatter().parse(TEMPLATES[detail]["en"]) if name))
    for detail in Detail
}
RUPTURE_TYPES = {kind.value for kind in RUPTURE_KINDS} | {detail.value for detail in RUPTURE_DISCREPANCIES}
COLUMNS = (
    "session",
    "alliance",
    "therapist_alliance",
    "rupture",
    "rupture_intensity",
    "rupture_resolution",
    "held_back",
    "therapist_rupture",
    "attended",
)


def sessions_by_treatment(frame: pd.DataFrame) -> dict[str, list[Session]]:
    """A series frame as plain dicts per treatment (None = not answered), each sorted by session."""
    treatments: dict[str, list[Session]] = {}
    present = [name for name in COLUMNS if name in frame.columns]
    for treatment, *values in zip(frame["treatment"], *(frame[name] for name in present), strict=True):
        row: Session = dict.fromkeys(COLUMNS)
        row.update((name, None if value != value else value) for name, value in zip(present, values, strict=True))
        treatments.setdefault(str(treatment), []).append(row)
    for sessions in treatments.values():
        sessions.sort(key=lambda row: row["session"])
    return treatments


def naive_signals(treatments: dict[str, list[Session]], rules: SignalRules) -> list[SignalRow]:
    """Every signal, ordered by treatment, session and kind, as `detect_signals` orders them."""
    signals: list[SignalRow] = []
    for treatment, sessions in treatments.items():
        count = total = squares = 0.0  # over the earlier scored sessions
        rated = rated_total = 0.0  # over the earlier sessions the therapist rated
        previous = None
        rupture_position = rupture_session = None
        for position, row in enumerate(sessions):
            alliance, therapist = row["alliance"], row["therapist_alliance"]
            early = []  # (detail, mean) where this session completes the first `early_sessions` scored
            if alliance is not None and count + 1 == rules.early_sessions:
                early.append((Detail.EARLY_PATIENT, (total + alliance) / rules.early_sessions))
            if therapist is not None and rated + 1 == rules.early_sessions:
                early.append((Detail.EARLY_THERAPIST, (rated_total + therapist) / rules.early_sessions))
            found = _session_signals(row, rules, count, total, squares, previous, early)
            since = None if rupture_position is None else position - rupture_position
            if since is not None and since <= rules.absence_window:
                detail = None
                if row["attended"] != 1:
                    detail = Detail.MISSED_SESSION
                elif row["alliance"] is None:
                    detail = Detail.UNANSWERED_CHECK
                if detail is not None:
                    facts = {"rupture_session": rupture_session}
                    found.append((Kind.ABSENCE, detail, float(since), float(rules.absence_window), facts))
            if any(kind in RUPTURE_TYPES or detail in RUPTURE_TYPES for kind, detail, *_ in found):
                rupture_position, rupture_session = position, row["session"]
            for kind, detail, value, threshold, facts in found:
                facts.update(
                    row,
                    value=value,
                    threshold=threshold,
                    window=threshold,
                    therapist=row["therapist_alliance"],
                    intensity=row["rupture_intensity"],
                    resolution=row["rupture_resolution"],
                    intensity_max=rules.scales.rupture_intensity[1],
                    resolution_max=rules.scales.rupture_resolution[1],
                )
                texts = [_explain(detail, language, facts) for language in LANGUAGES]
                signals.append((treatment, row["session"], kind.value, value, threshold, detail.value, *texts))
            if alliance is not None:
                count, total, squares, previous = count + 1, total + alliance, squares + alliance * alliance, alliance
            if therapist is not None:
                rated, rated_total = rated + 1, rated_total + therapist
    return signals


def _session_signals(
    row: Session,
    rules: SignalRules,
    count: float,
    total: float,
    squares: float,
    previous: float | None,
    early: list[tuple[Detail, float]],
) -> list[tuple]:
    """(kind, detail, value, threshold, facts) of every rule but absence that fires in one session;
    `early` holds the means of the first `early_sessions` scores this session completes."""
    found = []
    alliance, therapist = row["alliance"], row["therapist_alliance"]
    intensity, resolution = row["rupture_intensity"], row["rupture_resolution"]
    # A report counts with an intensity at least the threshold, or unrated.
    reported = row["rupture"] == 1 and (intensity is None or intensity >= rules.intensity_threshold - TIE_TOLERANCE)
    if reported:
        detail = _reported_detail(intensity is not None, resolution is not None)
        found.append((Kind.REPORTED, detail, intensity, float(rules.intensity_threshold), {}))
    if row["held_back"] == 1:
        found.append((Kind.HELD_BACK, Detail.HELD_BACK, None, None, {}))
    if alliance is not None and count >= rules.min_reference_sessions:
        mean = total / count
        raw_sd = math.sqrt(max((squares - total * mean) / (count - 1), 0.0))
        sd = max(raw_sd, rules.min_sd)
        z = (mean - alliance) / sd
        if z >= rules.z - TIE_TOLERANCE:
            detail = Detail.Z_FLOORED if raw_sd < rules.min_sd - TIE_TOLERANCE else Detail.Z
            found.append((Kind.DROP, detail, z, rules.z, {"reference": mean, "sd": sd, "raw_sd": raw_sd}))
    if alliance is not None and previous is not None:
        fall, change = previous - alliance, rules.reliable_change
        basis = rules.change_basis.basis if rules.change_basis else Basis.FIXED
        # A fall of a plain number of points counts from that number on, the reliable change index only past it.
        if fall >= change - TIE_TOLERANCE if basis == Basis.FIXED else fall > change + TIE_TOLERANCE:
            found.append((Kind.DROP, FALL_DETAILS[basis], fall, change, {"previous": previous}))
    if alliance is not None and therapist is not None:
        gap = therapist - alliance
        if gap >= rules.discrepancy - TIE_TOLERANCE:
            found.append((Kind.DISCREPANCY, Detail.THERAPIST_HIGHER, gap, rules.discrepancy, {}))
        if -gap >= rules.discrepancy - TIE_TOLERANCE:
            found.append((Kind.DISCREPANCY, Detail.PATIENT_HIGHER, -gap, rules.discrepancy, {}))
    if reported and row["therapist_rupture"] == 0:
        found.append((Kind.DISCREPANCY, Detail.RUPTURE_ONLY_PATIENT, None, None, {}))
    if row["rupture"] == 0 and row["therapist_rupture"] == 1:
        found.append((Kind.DISCREPANCY, Detail.RUPTURE_ONLY_THERAPIST, None, None, {}))
    if alliance is not None and alliance < rules.low_threshold - TIE_TOLERANCE:  # strictly below the concern level
        found.append((Kind.LOW, Detail.LOW, alliance, rules.low_threshold, {}))
    for detail, mean in early:
        if mean < rules.early_threshold - TIE_TOLERANCE:
            found.append((Kind.EARLY, detail, mean, rules.early_threshold, {"count": rules.early_sessions}))
    return found


def _reported_detail(rated: bool, resolved: bool) -> Detail:
    if rated:
        return Detail.RATED if resolved else Detail.INTENSITY_ONLY
    return Detail.RESOLUTION_ONLY if resolved else Detail.UNRATED


def _explain(detail: Detail, language: str, facts: dict[str, object]) -> str:
    shown = {
        name: str(int(facts[name])) if name in WHOLE_PLACEHOLDERS else _score(facts[name], language)
        for name in PLACEHOLDERS[detail]
    }
    return TEMPLATES[detail][language].format(**shown)


def _score(value: float, language: str) -> str:
    text = f"{value:.2f}"
    return (text[:-1] if text.endswith("0") else text).replace(".", DECIMAL_MARK[language])


def naive_episodes(
    treatments: dict[str, list[Session]], signals: Iterable[SignalRow], rules: SignalRules
) -> list[EpisodeRow]:
    """The episodes of every treatment, reading its sessions in order (the rule in episodes.py)."""
    kinds_at: dict[tuple[str, int], set[str]] = {}
    for treatment, session, kind, _, _, detail, _, _ in signals:
        if kind in RUPTURE_TYPES or detail in RUPTURE_TYPES:
            kinds_at.setdefault((treatment, session), set()).add(kind)
    episodes: list[EpisodeRow] = []
    for treatment, sessions in treatments.items():
        count = total = 0.0
        current = None
        for position, row in enumerate(sessions):
            alliance, kinds = row["alliance"], kinds_at.get((treatment, row["session"]))
            if kinds is not None:
                if current is None:
                    # The patient's established level, else the concern level: never the rupture's own score.
                    reference = total / count if count >= rules.min_reference_sessions else rules.low_threshold
                    current = {"first": row["session"], "reference": reference, "kinds": set()}
                current["signal"] = position
                current["kinds"] |= kinds
            elif current is not None:
                reference = current["reference"]
                repaired = alliance is not None and alliance >= reference - TIE_TOLERANCE
                if repaired or position - current["signal"] == rules.repair_window:
                    episodes.append(
                        _episode(treatment, current, row["session"], "repaired" if repaired else "unrepaired")
                    )
                    current = None
            if alliance is not None:
                count, total = count + 1, total + alliance
        if current is not None:
            episodes.append(_episode(treatment, current, sessions[-1]["session"], "open"))
    return episodes


def _episode(treatment: str, episode: dict, last_session: int, status: str) -> EpisodeRow:
    kinds = tuple(kind.value for kind in Kind if kind.value in episode["kinds"])
    return (treatment, episode["first"], last_session, status, episode["reference"], kinds)
