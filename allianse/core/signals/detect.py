"""The signal rules, vectorised over every session of every treatment at once.

`detect_signals` is the only implementation of the rules: `signals_for_latest` (one session, at
submission) runs it on one treatment's series and keeps the last session. Each rule is a small
function returning the rows where it fires; a session can carry several signals, one per rule
(kind and detail) that fires. Thresholds and their tie handling are in `rules.py`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..measures.reliable_change import Basis
from .explain import LANGUAGES, explanations
from .rules import SignalRules, at_least, below, more_than
from .series import last_before, mean_of_first, prepare_series
from .signal import COLUMNS, Detail, Kind, Signal, is_rupture_type, signals_from_table

# The detail of a reported rupture, by 2 * (intensity rated) + (resolution rated).
REPORTED_DETAILS = np.array(
    [Detail.UNRATED.value, Detail.RESOLUTION_ONLY.value, Detail.INTENSITY_ONLY.value, Detail.RATED.value], dtype=object
)
# The detail of an absence, by attended (0/1).
ABSENCE_DETAILS = np.array([Detail.MISSED_SESSION.value, Detail.UNANSWERED_CHECK.value], dtype=object)
# Columns of the series shown in explanations, carried from the session row to its signals.
SHOWN = ("session", "alliance", "previous", "therapist_alliance", "rupture_intensity", "rupture_resolution")
# The detail of a fall from the previous session, by where the reliable change comes from.
FALL_DETAILS = {
    Basis.NORMS: Detail.RELIABLE_CHANGE,
    Basis.CLINIC: Detail.RELIABLE_CHANGE_CLINIC,
    Basis.FIXED: Detail.FALL,
}


def detect_signals(frame: pd.DataFrame, rules: SignalRules) -> pd.DataFrame:
    """All signals of a series of many treatments (see `series_input` for the columns).

    One row per signal, ordered by treatment (first appearance), session and kind, with the columns
    `treatment, session, kind, value, threshold, detail, explanation_en, explanation_nb`.
    """
    return signal_table(prepare_series(frame, rules.scales), rules)


def signals_for_latest(series: pd.DataFrame, rules: SignalRules) -> list[Signal]:
    """The signals of the last session of ONE treatment's series (used at submission)."""
    if series["treatment"].nunique() > 1:
        raise ValueError("signals_for_latest takes the series of one treatment.")
    table = detect_signals(series, rules)
    return signals_from_table(table[table["session"] == pd.to_numeric(series["session"]).max()])


def signal_table(series: pd.DataFrame, rules: SignalRules, *, explained: bool = True) -> pd.DataFrame:
    """The signals of a prepared series (see `series.prepare_series`). Where not `explained`,
    without the explanation columns and with what `with_explanations` writes them from: writing
    the sentences is most of the work, wasted on signals only compared with what is stored."""
    hits = pd.concat(_session_hits(series, rules), ignore_index=True)
    hits = pd.concat([hits, _absence(series, hits, rules)], ignore_index=True)
    hits["order"] = pd.Categorical(hits["kind"], categories=list(Kind)).codes
    hits = hits.sort_values(["row", "order"], kind="stable", ignore_index=True)
    rows = hits["row"].to_numpy()
    table = hits.assign(**{name: series[name].to_numpy()[rows] for name in ("treatment", *SHOWN)})
    return with_explanations(table, rules) if explained else table


def _session_hits(series: pd.DataFrame, rules: SignalRules) -> list[pd.DataFrame]:
    return [
        _reported(series, rules),
        _hits(Kind.HELD_BACK, Detail.HELD_BACK, series["held_back"].to_numpy() == 1),
        *_drop(series, rules),
        *_discrepancy(series, rules),
        *_observer_discrepancy(series),
        _low(series, rules),
        *_early(series, rules),
    ]


def _hits(kind: Kind, detail: Detail | np.ndarray, mask: np.ndarray, **columns: np.ndarray | float) -> pd.DataFrame:
    """The rows where `mask` holds; `detail` and array `columns` are per series row."""
    rows = np.flatnonzero(mask)
    data: dict[str, np.ndarray | str | float] = {
        "row": rows,
        "kind": kind.value,
        "detail": detail.value if isinstance(detail, Detail) else detail[rows],
    }
    data.update({name: values[rows] if isinstance(values, np.ndarray) else values for name, values in columns.items()})
    return pd.DataFrame(data)


def _reported(series: pd.DataFrame, rules: SignalRules) -> pd.DataFrame:
    """The patient reported tension or a misunderstanding (PSQ occurrence item, Muran et al. 2009;
    docs/methods.md#reported-rupture), with intensity >= `intensity_threshold`; an unrated intensity still counts,
    since a reported rupture must never be hidden for a missing follow-up answer."""
    intensity = series["rupture_intensity"].to_numpy()
    resolution = series["rupture_resolution"].to_numpy()
    rated, resolved = ~np.isnan(intensity), ~np.isnan(resolution)
    detail = REPORTED_DETAILS[2 * rated + resolved]
    return _hits(
        Kind.REPORTED,
        detail,
        _reported_mask(series, rules),
        value=intensity,
        threshold=float(rules.intensity_threshold),
    )


def _reported_mask(series: pd.DataFrame, rules: SignalRules) -> np.ndarray:
    """The sessions whose reported rupture counts: intensity at least `intensity_threshold`, or unrated."""
    intensity = series["rupture_intensity"].to_numpy()
    counted = np.isnan(intensity) | at_least(intensity, rules.intensity_threshold)
    return (series["rupture"].to_numpy() == 1) & counted


def _drop(series: pd.DataFrame, rules: SignalRules) -> list[pd.DataFrame]:
    """A deflection below the patient's own earlier level by z SDs (adapted from Stiles et al.
    2004, who used the whole series; z = 1 after Strauss et al. 2006), once
    `min_reference_sessions` earlier scores exist; or a fall from the previous scored session by
    more than the reliable change index (Jacobson & Truax 1991; Tang & DeRubeis 1999 criterion 1)
    or, without one, by at least the definition's plain number of points; it needs only one
    earlier score. An SD below `min_sd` is raised to it, and the explanation says so."""
    alliance = series["alliance"].to_numpy()
    reference = series["ref_mean"].to_numpy()
    raw_sd = series["ref_sd"].to_numpy()
    floored = below(raw_sd, rules.min_sd)  # an SD at the floor but for float noise is not raised
    sd = np.where(floored, rules.min_sd, raw_sd)
    z = (reference - alliance) / sd
    dropped = (series["n_ref"].to_numpy() >= rules.min_reference_sessions) & at_least(z, rules.z)
    fall = series["previous"].to_numpy() - alliance
    basis = rules.change_basis.basis if rules.change_basis else Basis.FIXED
    fell = at_least(fall, rules.reliable_change) if basis == Basis.FIXED else more_than(fall, rules.reliable_change)
    z_columns = {"value": z, "threshold": rules.z, "reference": reference, "sd": sd, "raw_sd": raw_sd}
    return [
        _hits(Kind.DROP, Detail.Z, dropped & ~floored, **z_columns),
        _hits(Kind.DROP, Detail.Z_FLOORED, dropped & floored, **z_columns),
        _hits(Kind.DROP, FALL_DETAILS[basis], fell, value=fall, threshold=rules.reliable_change),
    ]


def _discrepancy(series: pd.DataFrame, rules: SignalRules) -> list[pd.DataFrame]:
    """Therapist and patient disagree: an alliance gap of at least `discrepancy` points, or a
    rupture reported by one and not the other (patients report fewer ruptures than therapists,
    therapists notice few of the feelings patients hold back: Muran et al. 2009; Regan & Hill 1992;
    docs/methods.md#discrepancy)."""
    gap = series["therapist_alliance"].to_numpy() - series["alliance"].to_numpy()
    patient = series["rupture"].to_numpy()
    therapist = series["therapist_rupture"].to_numpy()
    return [
        _hits(
            Kind.DISCREPANCY,
            Detail.THERAPIST_HIGHER,
            at_least(gap, rules.discrepancy),
            value=gap,
            threshold=rules.discrepancy,
        ),
        _hits(
            Kind.DISCREPANCY,
            Detail.PATIENT_HIGHER,
            at_least(-gap, rules.discrepancy),
            value=-gap,
            threshold=rules.discrepancy,
        ),
        # Only a report that counts (at least `intensity_threshold`) is the patient's side of it.
        _hits(Kind.DISCREPANCY, Detail.RUPTURE_ONLY_PATIENT, _reported_mask(series, rules) & (therapist == 0)),
        _hits(Kind.DISCREPANCY, Detail.RUPTURE_ONLY_THERAPIST, (patient == 0) & (therapist == 1)),
    ]


def _observer_discrepancy(series: pd.DataFrame) -> list[pd.DataFrame]:
    """The third perspective: an observer rating the session's recording coded a rupture that
    neither the patient nor the therapist reported, or coded none where one of them reported one
    (observers find ruptures in far more sessions than patients report them: 41-100% against
    19-42% of treatments, Safran, Muran & Eubanks-Carter 2011; docs/methods.md#discrepancy)."""
    observer = series["observer_rupture"].to_numpy()
    reported = (series["rupture"].to_numpy() == 1) | (series["therapist_rupture"].to_numpy() == 1)
    return [
        _hits(Kind.DISCREPANCY, Detail.OBSERVER_ONLY, (observer == 1) & ~reported),
        _hits(Kind.DISCREPANCY, Detail.OBSERVER_NONE, (observer == 0) & reported),
    ]


def _low(series: pd.DataFrame, rules: SignalRules) -> pd.DataFrame:
    """Alliance in the instrument's concern band (below `low_threshold`, the bands' boundary rule)."""
    alliance = series["alliance"].to_numpy()
    return _hits(
        Kind.LOW, Detail.LOW, below(alliance, rules.low_threshold), value=alliance, threshold=rules.low_threshold
    )


def _early(series: pd.DataFrame, rules: SignalRules) -> list[pd.DataFrame]:
    """A weak early alliance: the mean of the first `early_sessions` scored sessions below
    `early_threshold`, for the patient's and the therapist's alliance, at the session that
    completes them (Horvath & Symonds 1991; Sharf et al. 2010; docs/methods.md#early-alliance)."""
    return [
        _hits(Kind.EARLY, detail, below(mean, rules.early_threshold), value=mean, threshold=rules.early_threshold)
        for detail, mean in (
            (Detail.EARLY_PATIENT, mean_of_first(series, "alliance", rules.early_sessions)),
            (Detail.EARLY_THERAPIST, mean_of_first(series, "therapist_alliance", rules.early_sessions)),
        )
    ]


def _absence(series: pd.DataFrame, hits: pd.DataFrame, rules: SignalRules) -> pd.DataFrame:
    """A missed session or an unanswered check within `absence_window` sessions after a
    rupture-type signal: unrepaired ruptures lead to dropout (Muran et al. 2009;
    docs/methods.md#absence-after-rupture)."""
    ruptured = np.zeros(len(series), dtype=bool)
    ruptured[hits.loc[is_rupture_type(hits["kind"], hits["detail"]), "row"].to_numpy()] = True
    before = last_before(ruptured, series["start"].to_numpy())
    since = np.arange(len(series)) - before
    soon = (before >= 0) & (since <= rules.absence_window)
    attended = series["attended"].to_numpy() == 1
    unanswered = attended & np.isnan(series["alliance"].to_numpy())
    detail = ABSENCE_DETAILS[attended.astype(int)]
    rupture_session = series["session"].to_numpy()[before]
    return _hits(
        Kind.ABSENCE,
        detail,
        soon & (~attended | unanswered),
        value=since.astype(float),
        threshold=float(rules.absence_window),
        rupture_session=rupture_session,
    )


def with_explanations(table: pd.DataFrame, rules: SignalRules) -> pd.DataFrame:
    """The signal table's columns (`COLUMNS`) of rows of a table `signal_table` gave unexplained,
    with their explanations."""
    table = table.assign(
        intensity_max=rules.scales.rupture_intensity[1],
        early_sessions=rules.early_sessions,
        resolution_max=rules.scales.rupture_resolution[1],
    )
    for language in LANGUAGES:
        table[f"explanation_{language}"] = explanations(table, language)
    return table.loc[:, list(COLUMNS)]
