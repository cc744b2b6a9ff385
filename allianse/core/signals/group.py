"""Group signals: a member drifting away from the group, rising conflict, repeated absence (no Django).

A member withdrawing from the group is a rupture too (withdrawal markers include being absent and
disengaging; Safran & Muran 2000), and group cohesion goes with outcome (Yalom 1995). Sources and
defaults: docs/methods.md#group-signals.

Input: a members x sessions frame in long form, one row per member per group session of their
membership, with the columns

- `group` and `member` (any labels), `session` (the group session number),
- `attended` (1 present, 0 absent),
- `cohesion` and `conflict` (the member's group-climate scores, 0-6; NaN = not answered),
- optionally `alliance` (the member's alliance-patient score about the group's therapists, 1-7).

`detect_group_signals` runs every rule vectorised over all members, sessions and groups at once;
`group_signals_for_session` runs the same function on one group's frame and keeps one session,
so a single session is never judged by a second implementation. Every rule looks only at the
session itself and earlier ones (online detection), so the signals of a session do not change when
later sessions arrive. Ties at a threshold count (inclusive), except where a rule says otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from ..measures import Instrument, roles
from .explain import format_score, placeholders
from .rules import InvalidRules, at_least
from .series import add_features
from .series_input import MalformedSeries

REQUIRED = ("group", "member", "session", "attended", "cohesion", "conflict")
OPTIONAL = ("alliance",)
COLUMNS = ("group", "member", "session", "kind", "detail", "value", "threshold", "explanation_en", "explanation_nb")
GROUP_WIDE = ""  # the `member` of a signal about the whole group


class GroupKind(StrEnum):
    """The kinds of group signal, in the order the signals of one member and session are listed."""

    WITHDRAWAL = "withdrawal"
    ABSENCE = "absence"
    CONFLICT = "conflict"


class GroupDetail(StrEnum):
    COHESION_OWN_LEVEL = "cohesion_own_level"
    COHESION_BELOW_GROUP = "cohesion_below_group"
    ALLIANCE_OWN_LEVEL = "alliance_own_level"
    REPEATED_ABSENCE = "repeated_absence"
    CONFLICT_RISING = "conflict_rising"
    CONFLICT_HIGH = "conflict_high"


@dataclass(frozen=True, kw_only=True)
class GroupSignalRules:
    """The thresholds of the group rules, with their sources. Scores are on the instruments' scales.

    Build them with `for_instrument`: the high-conflict level is group-climate's; the other
    thresholds are the project's defaults below.
    """

    # A member's cohesion (or alliance) at least z SDs below their own EARLIER mean: the V-shaped
    # deflection of Stiles et al. (2004, z = 2; Strauss et al. 2006 used z = 1; docs/methods.md#drop-z),
    # applied to the member's own series as for an individual patient.
    z: float = 2.0
    # The own-level rule waits for this many earlier answers (an SD of one or two says nothing).
    min_reference_sessions: int = 3
    # SD floor, so a very steady member is not flagged for a dip of a third of a point. Project choice.
    min_sd: float = 0.25
    # Cohesion at least this many points (0-6) below the mean of the other members who answered in
    # the same session: the member is apart from the group, whatever their own history. Project choice.
    below_group: float = 1.5
    # ... provided at least this many other members answered (a mean of one is one person's view).
    min_others: int = 2
    # Rising conflict: the group's mean conflict at least `conflict_rise` points (0-6) above its mean
    # over the `conflict_window` sessions before (the Stiles et al. 2004 reference taken over the
    # preceding sessions; docs/methods.md#group-signals).
    conflict_rise: float = 1.0
    conflict_window: int = 3
    # High conflict: the group's mean conflict in the concern band at the top of the bands of the
    # score with role `conflict` (`Instrument.concern_above`).
    conflict_high: float
    # A group mean (conflict) counts only when at least this many members answered. Project choice.
    min_answered: int = 3
    # Repeated absence: absent from at least `absence_count` of the member's last `absence_window`
    # sessions, counted at an absence; absence is a withdrawal marker (Safran & Muran 2000). Project choice.
    absence_count: int = 2
    absence_window: int = 3

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            kind = int if spec.type == "int" else float
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise InvalidRules(f"Group signal rule {spec.name} must be a positive number, not {value!r}.")
            if kind is int and value != int(value):
                raise InvalidRules(f"Group signal rule {spec.name} must be a whole number, not {value!r}.")
            object.__setattr__(self, spec.name, kind(value))
        if self.absence_count > self.absence_window:
            raise InvalidRules("Group signal rule absence_count cannot be more than absence_window.")
        if self.min_reference_sessions < 2:
            raise InvalidRules("Group signal rule min_reference_sessions must be at least 2 (an SD needs two).")

    @classmethod
    def for_instrument(cls, climate: Instrument, overrides: Mapping[str, object] | None = None) -> GroupSignalRules:
        """The rules for the scores of `climate` (group-climate), with `overrides` of any threshold.

        InvalidRules for an unknown name, a value out of range, or a conflict score without a
        concern band at its top; MissingRole if no score carries the role `conflict`.
        """
        overrides = dict(overrides or {})
        names = [spec.name for spec in fields(cls)]
        unknown = sorted(set(overrides) - set(names))
        if unknown:
            raise InvalidRules(f"Unknown group signal rule(s) {', '.join(unknown)}; known: {', '.join(names)}.")
        conflict = climate.score_with_role(roles.CONFLICT)
        high = climate.concern_above(conflict)
        if high is None:
            raise InvalidRules(f"Instrument '{climate.key}': score '{conflict.id}' has no concern band at its top.")
        values: dict[str, Any] = {"conflict_high": high} | overrides  # __post_init__ checks every value
        return cls(**values)


@dataclass(frozen=True)
class GroupSignal:
    group: str
    member: str  # GROUP_WIDE for a signal about the whole group
    session: int
    kind: str
    detail: str
    value: float
    threshold: float
    explanation_en: str
    explanation_nb: str


def detect_group_signals(frame: pd.DataFrame, rules: GroupSignalRules) -> pd.DataFrame:
    """All signals of many members, sessions and groups: one row per signal, with the `COLUMNS`.

    Ordered by group, session, member (group-wide signals first) and kind.
    """
    members = prepare_group_frame(frame)
    hits = pd.concat(
        [
            _own_level(members, "cohesion", GroupDetail.COHESION_OWN_LEVEL, rules),
            _below_group(members, rules),
            _own_level(members, "alliance", GroupDetail.ALLIANCE_OWN_LEVEL, rules),
            _repeated_absence(members, rules),
            *_conflict(members, rules),
        ],
        ignore_index=True,
    )
    hits["order"] = pd.Categorical(hits["kind"], categories=list(GroupKind)).codes
    hits = hits.sort_values(["group", "session", "member", "order"], kind="stable", ignore_index=True)
    for language in ("en", "nb"):
        hits[f"explanation_{language}"] = [_explain(row, language) for row in hits.to_dict("records")]
    return hits.loc[:, list(COLUMNS)]


def group_signals_for_session(frame: pd.DataFrame, session: int, rules: GroupSignalRules) -> list[GroupSignal]:
    """The signals of one session of ONE group (used when a member answers or attendance is saved)."""
    if frame["group"].nunique() > 1:
        raise ValueError("group_signals_for_session takes the frame of one group.")
    table = detect_group_signals(frame, rules)
    return signals_from_group_table(table[table["session"] == session])


def signals_from_group_table(table: pd.DataFrame) -> list[GroupSignal]:
    return [
        GroupSignal(
            **{
                **{str(key): value for key, value in row.items()},
                "session": int(row["session"]),
                "value": float(row["value"]),
            }
        )
        for row in table.loc[:, list(COLUMNS)].to_dict("records")
    ]


def prepare_group_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A checked copy in group, member and session order, with `block` (one per member of a group)
    and `pos` (the row's place in its block)."""
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        raise MalformedSeries(f"Missing column(s): {', '.join(missing)}.")
    members = pd.DataFrame({"group": frame["group"].astype(str), "member": frame["member"].astype(str)})
    for name in (*REQUIRED[2:], *OPTIONAL):
        if name not in frame.columns:
            members[name] = np.nan
            continue
        members[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
        if (members[name].isna() & frame[name].notna()).any():
            raise MalformedSeries(f"Column {name} holds a value that is not a number.")
    if members["session"].isna().any() or (members["session"] != members["session"].round()).any():
        raise MalformedSeries("Column session must hold whole numbers.")
    if not members["attended"].isin((0.0, 1.0)).all():
        raise MalformedSeries("Column attended must hold 0 or 1.")
    members["session"] = members["session"].astype("int64")
    members = members.sort_values(["group", "member", "session"], kind="stable", ignore_index=True)
    if members.duplicated(["group", "member", "session"]).any():
        raise MalformedSeries("A member has the same session twice.")
    members["block"] = members["group"] + "\x1f" + members["member"]
    members["pos"] = members.groupby("block", sort=False).cumcount().to_numpy()
    return members


def _hits(frame: pd.DataFrame, mask: np.ndarray, detail: GroupDetail, **columns: np.ndarray | float) -> pd.DataFrame:
    """The rows of `frame` where `mask` holds, with the signal's detail and shown numbers."""
    rows = np.flatnonzero(mask)
    data: dict[str, np.ndarray | float | str] = {
        name: frame[name].to_numpy()[rows] for name in ("group", "member", "session")
    }
    data.update(kind=_KIND[detail].value, detail=detail.value)
    data.update({name: values[rows] if isinstance(values, np.ndarray) else values for name, values in columns.items()})
    return pd.DataFrame(data)


def _own_level(members: pd.DataFrame, column: str, detail: GroupDetail, rules: GroupSignalRules) -> pd.DataFrame:
    """A score at least z SDs below the member's own earlier mean (Stiles et al. 2004), using the
    signal engine's own online reference (`series.add_features`) with each member as a series."""
    features = add_features(pd.DataFrame({"treatment": members["block"], "alliance": members[column]}))
    score = members[column].to_numpy()
    reference = features["ref_mean"].to_numpy()
    sd = np.maximum(features["ref_sd"].to_numpy(), rules.min_sd)
    z = (reference - score) / sd
    mask = (features["n_ref"].to_numpy() >= rules.min_reference_sessions) & at_least(z, rules.z)
    return _hits(members, mask, detail, value=z, threshold=rules.z, score=score, reference=reference, sd=sd)


def _below_group(members: pd.DataFrame, rules: GroupSignalRules) -> pd.DataFrame:
    """Cohesion at least `below_group` points below the mean of the OTHER members who answered."""
    cohesion = members["cohesion"].to_numpy()
    scored = ~np.isnan(cohesion)
    values = np.where(scored, cohesion, 0.0)
    keys = [members["group"], members["session"]]
    totals = pd.Series(values).groupby(keys).transform("sum").to_numpy()
    answered = pd.Series(scored.astype(int)).groupby(keys).transform("sum").to_numpy()
    others = answered - scored
    with np.errstate(invalid="ignore", divide="ignore"):
        others_mean = np.where(others > 0, (totals - values) / others, np.nan)
    gap = others_mean - cohesion
    mask = scored & (others >= rules.min_others) & at_least(gap, rules.below_group)
    return _hits(
        members,
        mask,
        GroupDetail.COHESION_BELOW_GROUP,
        value=gap,
        threshold=rules.below_group,
        score=cohesion,
        reference=others_mean,
    )


def _repeated_absence(members: pd.DataFrame, rules: GroupSignalRules) -> pd.DataFrame:
    absent = (members["attended"].to_numpy() == 0).astype(float)
    count = _window_sum(absent, members["pos"].to_numpy(), rules.absence_window, include_current=True)
    mask = (absent == 1) & (count >= rules.absence_count)
    return _hits(
        members,
        mask,
        GroupDetail.REPEATED_ABSENCE,
        value=count,
        threshold=float(rules.absence_count),
        window=rules.absence_window,
    )


def _conflict(members: pd.DataFrame, rules: GroupSignalRules) -> list[pd.DataFrame]:
    """The group's mean conflict per session: rising above the preceding sessions, or high."""
    sessions = (
        members.groupby(["group", "session"], sort=True)["conflict"]
        .agg(score="mean", answered="count")
        .reset_index()
        .assign(member=GROUP_WIDE)
    )
    counted = sessions["answered"].to_numpy() >= rules.min_answered
    score = np.where(counted, sessions["score"].to_numpy(), np.nan)
    pos = sessions.groupby("group", sort=False).cumcount().to_numpy()
    earlier_n = _window_sum(counted.astype(float), pos, rules.conflict_window, include_current=False)
    earlier = _window_sum(np.where(counted, score, 0.0), pos, rules.conflict_window, include_current=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        reference = np.where(earlier_n > 0, earlier / earlier_n, np.nan)
    rise = score - reference
    return [
        _hits(
            sessions,
            at_least(rise, rules.conflict_rise),
            GroupDetail.CONFLICT_RISING,
            value=rise,
            threshold=rules.conflict_rise,
            score=score,
            reference=reference,
            window=earlier_n,
        ),
        _hits(
            sessions,
            at_least(score, rules.conflict_high),
            GroupDetail.CONFLICT_HIGH,
            value=score,
            threshold=rules.conflict_high,
            score=score,
        ),
    ]


def _window_sum(values: np.ndarray, pos: np.ndarray, window: int, *, include_current: bool) -> np.ndarray:
    """Per row, the sum of `values` over the `window` rows of its block ending at the row (or just
    before it), never reaching into the previous block (`pos` = the row's place in its block)."""
    cumulative = np.concatenate(([0.0], np.cumsum(values)))
    rows = np.arange(len(values))
    end = rows + 1 if include_current else rows
    begin = np.maximum(rows - pos, end - window)
    return cumulative[end] - cumulative[begin]


_KIND = {
    GroupDetail.COHESION_OWN_LEVEL: GroupKind.WITHDRAWAL,
    GroupDetail.COHESION_BELOW_GROUP: GroupKind.WITHDRAWAL,
    GroupDetail.ALLIANCE_OWN_LEVEL: GroupKind.WITHDRAWAL,
    GroupDetail.REPEATED_ABSENCE: GroupKind.ABSENCE,
    GroupDetail.CONFLICT_RISING: GroupKind.CONFLICT,
    GroupDetail.CONFLICT_HIGH: GroupKind.CONFLICT,
}

# One whole sentence per detail and language. Scores: {score}, {reference}, {sd}, {value},
# {threshold}; whole numbers: {session}, {window}.
TEMPLATES: dict[GroupDetail, dict[str, str]] = {
    GroupDetail.COHESION_OWN_LEVEL: {
        "en": "In session {session} this member's cohesion was {score}, {value} standard deviations below "
        "their own earlier mean of {reference} (SD {sd}); the threshold is {threshold}.",
        "nb": "I gruppemøte {session} var samholdet for dette medlemmet {score}, {value} standardavvik under "
        "medlemmets eget tidligere gjennomsnitt på {reference} (SD {sd}); grensen er {threshold}.",
    },
    GroupDetail.COHESION_BELOW_GROUP: {
        "en": "In session {session} this member's cohesion was {score}, {value} points below the mean of "
        "the other members ({reference}); the threshold is {threshold}.",
        "nb": "I gruppemøte {session} var samholdet for dette medlemmet {score}, {value} poeng under "
        "gjennomsnittet for de andre medlemmene ({reference}); grensen er {threshold}.",
    },
    GroupDetail.ALLIANCE_OWN_LEVEL: {
        "en": "In session {session} this member rated the alliance with the group therapists at {score}, "
        "{value} standard deviations below their own earlier mean of {reference} (SD {sd}); "
        "the threshold is {threshold}.",
        "nb": "I gruppemøte {session} vurderte dette medlemmet alliansen med gruppeterapeutene til {score}, "
        "{value} standardavvik under medlemmets eget tidligere gjennomsnitt på {reference} (SD {sd}); "
        "grensen er {threshold}.",
    },
    GroupDetail.REPEATED_ABSENCE: {
        "en": "This member was absent from session {session}: {value} absences in their last {window} "
        "sessions, at or above the threshold of {threshold}.",
        "nb": "Dette medlemmet var borte fra gruppemøte {session}: {value} fravær i løpet av sine siste {window} "
        "gruppemøter, på eller over grensen på {threshold}.",
    },
    GroupDetail.CONFLICT_RISING: {
        "en": "In session {session} the group's mean conflict rose to {score}, {value} points above its mean "
        "of {reference} over the {window} sessions before; the threshold is {threshold}.",
        "nb": "I gruppemøte {session} steg gruppas gjennomsnittlige konfliktnivå til {score}, {value} poeng over "
        "gjennomsnittet på {reference} for de {window} gruppemøtene før; grensen er {threshold}.",
    },
    GroupDetail.CONFLICT_HIGH: {
        "en": "In session {session} the group's mean conflict was {score}, at or above the concern level "
        "of {threshold}.",
        "nb": "I gruppemøte {session} var gruppas gjennomsnittlige konfliktnivå {score}, på eller over "
        "bekymringsgrensen på {threshold}.",
    },
}
WHOLE = {"session", "window"}
WHOLE_VALUE = {GroupDetail.REPEATED_ABSENCE}  # the value of this rule is a count


def _explain(row: dict, language: str) -> str:
    detail = GroupDetail(row["detail"])
    template = TEMPLATES[detail][language]
    shown = {}
    for name in placeholders(template):
        value = row[name]
        whole = name in WHOLE or (name in ("value", "threshold") and detail in WHOLE_VALUE)
        shown[name] = str(int(value)) if whole else format_score(float(value), language)
    return template.format(**shown)
