"""What the therapists' pages of a group show: read from stored rows in a fixed number of queries
(whatever the number of members and sessions), figures from the core, charts cached by their data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from allianse.core.groups import Eligibility, certification_eligibility, factor_profile, session_means
from allianse.feedback import instruments

from .charts import cached_svg, heatmap_spec, trajectory_spec
from .models import Attendance, GroupSession, GroupSignal, Membership, TherapyGroup
from .series import CLIMATE, CLIMATE_SCORES, FACTORS, load_group_data

RECENT_SESSIONS = 24  # sessions shown unless all are asked for
SIGNAL_SESSIONS = 6  # the group page lists the signals of the latest sessions; older ones are in the history
DEFAULT_MEASURE = "cohesion"
MARKS = {
    Attendance.Status.ABSENT_NOTICE: "○",
    Attendance.Status.ABSENT_NO_NOTICE: "×",
    Attendance.Status.PRESENT: "–",  # present, no answer
}


@dataclass(frozen=True)
class Cell:
    """One member's score in one session, with what the table shows and what a screen reader says."""

    session: int
    value: float | None = None
    status: str | None = None  # None: not a member at that session
    shown: str = ""
    spoken: str = ""  # set when `shown` is a symbol

    @property
    def mark(self) -> str:
        return MARKS.get(self.status, "") if self.value is None else ""


@dataclass
class MemberRow:
    membership: Membership
    label: str
    cells: list[Cell] = field(default_factory=list)
    signals: list[GroupSignal] = field(default_factory=list)


def measure_choices(language: str) -> list[tuple[str, str]]:
    scores = {score.id: score.title for score in instruments.get(CLIMATE).scores}
    return [(name, scores[name].get(language) or scores[name]["nb"]) for name in CLIMATE_SCORES]


def member_labels(memberships: list[Membership]) -> dict[int, str]:
    """The patient's code; with the date joined when a patient has been a member more than once."""
    counts = Counter(membership.patient_id for membership in memberships)
    return {
        membership.pk: membership.patient.code
        if counts[membership.patient_id] == 1
        else f"{membership.patient.code} ({membership.started_on:%d.%m.%Y})"
        for membership in memberships
    }


def eligibility_of(memberships: list[Membership]) -> Eligibility:
    """Certification eligibility from the current members' diagnoses (prefetched)."""
    current = [membership for membership in memberships if membership.is_current]
    return certification_eligibility(
        [
            [(diagnosis.system, diagnosis.code) for diagnosis in membership.patient.diagnoses.all()]
            for membership in current
        ]
    )


def group_context(group: TherapyGroup, *, measure: str, show_all: bool, shown: list[str], language: str) -> dict:
    """The group page: frame, members, eligibility, heatmap, trajectory, signals and factor profile."""
    data = load_group_data(group)
    memberships = list(group.memberships.select_related("patient").prefetch_related("patient__diagnoses"))
    sessions = list(group.sessions.select_related("summary").order_by("number"))
    window = sessions if show_all else sessions[-RECENT_SESSIONS:]
    numbers = [session.number for session in window]
    labels = member_labels(memberships)
    measure_names = dict(measure_choices(language))
    rows = _member_rows(memberships, labels, data.frame, numbers, measure)
    shown_ids = {membership.pk for membership in memberships if str(membership.public_id) in shown}
    group_signals = _signals(rows, group, numbers)
    return {
        "therapist_names": ", ".join(therapist.display_name for therapist in group.therapists.all()),
        "current": [membership for membership in memberships if membership.is_current],
        "former": [membership for membership in memberships if not membership.is_current],
        "eligibility": eligibility_of(memberships),
        "measure": measure,
        "measure_name": measure_names[measure],
        "measure_choices": list(measure_names.items()),
        "show_all": show_all,
        "hidden_sessions": len(sessions) - len(window),
        "session_numbers": numbers,
        "rows": rows,
        "heatmap_svg": _heatmap(rows, measure_names[measure]) if numbers else None,
        "trajectory_svg": _trajectory(data.frame, measure, measure_names[measure], shown_ids, labels),
        "shown": shown_ids,
        "group_signals": group_signals,
        "has_signals": bool(group_signals) or any(row.signals for row in rows),
        "signal_sessions": min(SIGNAL_SESSIONS, len(numbers)),
        "sessions": _session_rows(window, data.frame),
        **factor_context(data.factors, language),
    }


def member_context(membership: Membership, *, language: str) -> dict:
    """A member's page: their membership history, diagnoses, series, signals and factor profile."""
    group = membership.group
    data = load_group_data(group)
    mine = data.frame[data.frame["member"] == membership.pk]
    measure_names = dict(measure_choices(language))
    means = session_means(data.frame, CLIMATE_SCORES).set_index("session")
    series = [
        {
            "session": int(row["session"]),
            "status": row["status"],
            "scores": [(_number(row[name]), _number(means.at[row["session"], name])) for name in CLIMATE_SCORES],
            "alliance": _number(row["alliance"]),
        }
        for row in mine.to_dict("records")
    ]
    points = pd.concat(
        [
            pd.DataFrame({"session": means.index, "line": _("Group mean"), "value": means["cohesion"].to_numpy()}),
            pd.DataFrame({"session": mine["session"], "line": membership.patient.code, "value": mine["cohesion"]}),
        ],
        ignore_index=True,
    )
    trajectory = _trajectory_svg(points, measure_names["cohesion"]) if mine["cohesion"].notna().any() else None
    return {
        "history": list(group.memberships.filter(patient=membership.patient).order_by("started_on")),
        "diagnoses": list(membership.patient.diagnoses.select_related("recorded_by")),
        "measure_names": [measure_names[name] for name in CLIMATE_SCORES],
        "series": series,
        "trajectory_svg": trajectory,
        "signals": list(membership.signals.select_related("session").order_by("-session__number", "kind")),
        **factor_context(data.factors[data.factors["member"] == membership.pk], language),
    }


def factor_context(factors: pd.DataFrame, language: str) -> dict:
    """The therapeutic-factors profile over time: mean per factor and wave, a chart and a table."""
    instrument = instruments.get(FACTORS)
    names = {item.id: (item.label or item.text).get(language) or item.text["nb"] for item in instrument.items}
    if factors.empty:
        return {"factor_svg": None, "factor_rows": [], "factor_waves": [], "factor_top": []}
    profile = factor_profile(factors, list(names))
    waves = sorted(profile["session"].unique().tolist())
    means = profile.pivot(index="factor", columns="session", values="mean").to_dict("index")
    counts = profile.pivot(index="factor", columns="session", values="n").to_dict("index")
    factor_rows = [
        (names[factor], [(_number(means[factor][wave]), int(counts[factor][wave])) for wave in waves])
        for factor in names
    ]
    latest = profile[profile["session"] == waves[-1]]
    cells = profile.assign(row=profile["factor"].map(names), column=profile["session"], value=profile["mean"], mark="")
    labels = {"column": pgettext("group", "Session"), "value": _("Mean (1–5)")}
    svg = cached_svg(
        cells[["row", "column", "value", "mark"]],
        labels,
        lambda: heatmap_spec(cells, rows=list(names.values()), domain=(1, 5), labels=labels),
    )
    return {
        "factor_svg": svg,
        "factor_rows": factor_rows,
        "factor_waves": waves,
        "factor_top": [names[factor] for factor in latest["factor"].head(3)],
    }


def _member_rows(
    memberships: list[Membership], labels: dict[int, str], frame: pd.DataFrame, numbers: list[int], measure: str
) -> list[MemberRow]:
    """One row per member who is current or was a member during the shown sessions."""
    shown = frame[frame["session"].isin(numbers)]
    by_member = {member: part for member, part in shown.groupby("member")}
    spoken = {
        None: _("not a member"),
        Attendance.Status.PRESENT: _("present, no answer"),
        Attendance.Status.ABSENT_NOTICE: _("absent with notice"),
        Attendance.Status.ABSENT_NO_NOTICE: _("absent without notice"),
    }
    decimal = get_format("DECIMAL_SEPARATOR")
    rows = []
    for membership in memberships:
        part = by_member.get(membership.pk)
        if part is None and not membership.is_current:
            continue
        found = (
            {}
            if part is None
            else dict(zip(part["session"], zip(part["status"], part[measure], strict=True), strict=True))
        )
        cells = [
            _cell(number, *found[number], spoken, decimal)
            if number in found
            else _cell(number, None, None, spoken, decimal)
            for number in numbers
        ]
        rows.append(MemberRow(membership=membership, label=labels[membership.pk], cells=cells))
    return rows


def _cell(session: int, status: str | None, value: float, spoken: dict, decimal: str) -> Cell:
    """A table cell: the score with one decimal in the language's style, or a symbol and its words.
    Formatted here rather than with a template filter per cell: a hundred sessions are 1,200 cells."""
    if status is None or pd.isna(value):
        return Cell(session, None, status, MARKS.get(status, ""), spoken[status])
    return Cell(session, float(value), status, f"{value:.1f}".replace(".", decimal))


def _signals(rows: list[MemberRow], group: TherapyGroup, numbers: list[int]) -> list[GroupSignal]:
    """The signals of the latest sessions, newest first: each member's attached to their row, the
    group-wide ones returned (one query)."""
    if not numbers:
        return []
    by_member = {row.membership.pk: row for row in rows}
    group_wide = []
    since = numbers[-SIGNAL_SESSIONS:][0]
    signals = GroupSignal.objects.filter(group=group, session__number__gte=since).select_related("session")
    for signal in signals.order_by("-session__number", "kind"):
        if signal.membership_id is None:
            group_wide.append(signal)
        elif signal.membership_id in by_member:
            by_member[signal.membership_id].signals.append(signal)
    return group_wide


def _session_rows(window: list[GroupSession], frame: pd.DataFrame) -> list[dict]:
    present = frame.groupby("session")["attended"].agg(["sum", "count"])
    return [
        {
            "session": session,
            "present": int(present.at[session.number, "sum"]) if session.number in present.index else 0,
            "members": int(present.at[session.number, "count"]) if session.number in present.index else 0,
            "summary": getattr(session, "summary", None),
        }
        for session in reversed(window)
    ]


def _heatmap(rows: list[MemberRow], measure_name: str) -> str:
    cells = pd.DataFrame(
        [
            {
                "row": row.label,
                "column": cell.session,
                "value": np.nan if cell.value is None else cell.value,
                "mark": cell.mark,
            }
            for row in rows
            for cell in row.cells
            if cell.status is not None
        ],
        columns=["row", "column", "value", "mark"],
    )
    labels = {"column": pgettext("group", "Session"), "value": measure_name}
    order = [row.label for row in rows]
    return cached_svg(
        cells.assign(order=cells["row"].map({label: i for i, label in enumerate(order)})),
        labels,
        lambda: heatmap_spec(cells, rows=order, domain=(0, 6), labels=labels),
    )


def _trajectory(
    frame: pd.DataFrame, measure: str, measure_name: str, shown: set[int], labels: dict[int, str]
) -> str | None:
    if frame.empty or not frame[measure].notna().any():
        return None
    means = session_means(frame, [measure])
    parts = [pd.DataFrame({"session": means["session"], "line": _("Group mean"), "value": means[measure]})]
    for member in sorted(shown):
        mine = frame[frame["member"] == member]
        parts.append(pd.DataFrame({"session": mine["session"], "line": labels[member], "value": mine[measure]}))
    return _trajectory_svg(pd.concat(parts, ignore_index=True), measure_name)


def _trajectory_svg(points: pd.DataFrame, measure_name: str) -> str:
    labels = {"session": pgettext("group", "Session"), "value": measure_name, "mean": _("Group mean")}
    return cached_svg(
        points,
        labels,
        lambda: trajectory_spec(points, mean_line=labels["mean"], domain=(0, 6), labels=labels),
    )


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
