"""What the therapists' pages of a group show: read from stored rows in a fixed number of queries
(whatever the number of members and sessions), figures from the core, charts cached by their data."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from allianse.charts import CACHE_SECONDS, cached_svg
from allianse.core.groups import Eligibility, certification_eligibility, factor_profile, session_means
from allianse.core.measures import roles
from allianse.instruments import registry as instruments
from allianse.instruments.templatetags.instrument_text import range_text
from allianse.ruptures.models import RuptureEpisode

from .charts import heatmap_spec, trajectory_spec
from .models import Attendance, GroupSession, GroupSignal, Membership, TherapyGroup
from .series import ALLIANCE, CLIMATE, FACTORS, factor_ids, group_scores, load_group_data

RECENT_SESSIONS = 24  # sessions shown unless all are asked for
SIGNAL_SESSIONS = 6  # the group page lists the signals of the latest sessions; older ones are in the history
MARKS = {
    Attendance.Status.ABSENT_NOTICE: "○",
    Attendance.Status.ABSENT_NO_NOTICE: "×",
    Attendance.Status.PRESENT: "–",  # present, no answer
}


@dataclass
class MemberRow:
    """A member shown on the group page: their row of the heatmap and their signals."""

    membership: Membership
    label: str
    signals: list[GroupSignal] = field(default_factory=list)
    episode: RuptureEpisode | None = None  # the newest open rupture episode with the member
    more_episodes: int = 0  # other open episodes, listed on the member's page


class CachedTable:
    """A table the page caches as rendered HTML under `key`, a fingerprint of all it shows.

    Rendering a hundred sessions (1,200 heatmap cells, a hundred session rows) was most of the
    group page's time; like the charts (charts.cached_svg), it is done again only when the data
    change. The rows are built only when the template asks for them, i.e. when the cache misses.
    """

    def __init__(self, parts: Iterable, build: Callable[[], list]) -> None:
        digest = hashlib.sha256()
        for part in parts:
            digest.update(part if isinstance(part, bytes) else repr(part).encode())
        self.key = digest.hexdigest()
        self._build = build

    @cached_property
    def rows(self) -> list:
        return self._build()


def default_measure() -> str:
    """The measure the group page shows first: group-climate's score with role cohesion."""
    return group_scores().cohesion


def measure_choices(language: str) -> list[tuple[str, str]]:
    """The group-climate scores with role climate, with their titles in `language`."""
    scores = instruments.get(CLIMATE).scores_with_role(roles.CLIMATE)
    return [(score.id, score.title.get(language) or score.title["nb"]) for score in scores]


def score_range(instrument_key: str, score_id: str) -> tuple[float, float]:
    instrument = instruments.get(instrument_key)
    return instrument.score_range(instrument.score(score_id))


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


def eligibility_reason(eligibility: Eligibility) -> str:
    """The sentence about eligibility, for the group page and the API alike."""
    if not eligibility.members:
        return _("The group has no current members, so it does not meet the rule yet.")
    numbers = {"borderline": eligibility.borderline, "members": eligibility.members}
    if eligibility.eligible:
        sentence = ngettext(
            "%(borderline)s of %(members)s current member has a borderline diagnosis: eligible.",
            "%(borderline)s of %(members)s current members have a borderline diagnosis: eligible.",
            eligibility.members,
        )
    else:
        sentence = ngettext(
            "%(borderline)s of %(members)s current member has a borderline diagnosis: not eligible, since more "
            "than half is needed.",
            "%(borderline)s of %(members)s current members have a borderline diagnosis: not eligible, since more "
            "than half is needed.",
            eligibility.members,
        )
    return sentence % numbers


def group_context(group: TherapyGroup, *, measure: str, show_all: bool, shown: list[str], language: str) -> dict:
    """The group page: frame, members, eligibility, heatmap, trajectory, signals and factor profile."""
    data = load_group_data(group)
    memberships = list(group.memberships.select_related("patient").prefetch_related("patient__diagnoses"))
    sessions = list(group.sessions.select_related("summary").order_by("number"))
    window = sessions if show_all else sessions[-RECENT_SESSIONS:]
    numbers = [session.number for session in window]
    labels = member_labels(memberships)
    measure_names = dict(measure_choices(language))
    in_window = data.frame[data.frame["session"].isin(numbers)]
    rows = _member_rows(memberships, labels, in_window)
    shown_ids = {membership.pk for membership in memberships if str(membership.public_id) in shown}
    group_signals = latest_signals(rows, group, numbers)
    _attach_episodes(rows, group)
    eligibility = eligibility_of(memberships)
    return {
        "therapist_names": ", ".join(therapist.display_name for therapist in group.therapists.all()),
        "current": [membership for membership in memberships if membership.is_current],
        "former": [membership for membership in memberships if not membership.is_current],
        "eligibility": eligibility,
        "eligibility_reason": eligibility_reason(eligibility),
        "measure": measure,
        "measure_name": measure_names[measure],
        "measure_choices": list(measure_names.items()),
        "show_all": show_all,
        "hidden_sessions": len(sessions) - len(window),
        "session_numbers": numbers,
        "rows": rows,
        "measure_range": score_range(CLIMATE, measure),
        "heatmap_table": _heatmap_table(rows, in_window, numbers, measure, language),
        "heatmap_svg": _heatmap(rows, in_window, measure, measure_names[measure]) if numbers else None,
        "trajectory_svg": _trajectory(data.frame, measure, measure_names[measure], shown_ids, labels),
        "shown": shown_ids,
        "group_signals": group_signals,
        "has_signals": bool(group_signals) or any(row.signals or row.episode for row in rows),
        "signal_sessions": min(SIGNAL_SESSIONS, len(numbers)),
        "sessions": session_table(window, data.frame, language),
        "cache_seconds": CACHE_SECONDS,
        **factor_context(data.factors, language),
    }


def member_context(membership: Membership, *, language: str) -> dict:
    """A member's page: their membership history, diagnoses, series, signals and factor profile."""
    group = membership.group
    data = load_group_data(group)
    mine = data.frame[data.frame["member"] == membership.pk]
    measure_names = dict(measure_choices(language))
    scores = group_scores()
    means = session_means(data.frame, list(scores.climate)).set_index("session")
    series = [
        {
            "session": int(row["session"]),
            "status": row["status"],
            "scores": [(_number(row[name]), _number(means.at[row["session"], name])) for name in scores.climate],
            "alliance": _number(row[scores.alliance]),
        }
        for row in mine.to_dict("records")
    ]
    cohesion = scores.cohesion
    points = pd.concat(
        [
            pd.DataFrame({"session": means.index, "line": _("Group mean"), "value": means[cohesion].to_numpy()}),
            pd.DataFrame({"session": mine["session"], "line": membership.patient.code, "value": mine[cohesion]}),
        ],
        ignore_index=True,
    )
    cohesion_range = score_range(CLIMATE, cohesion)
    trajectory = (
        _trajectory_svg(points, measure_names[cohesion], cohesion_range) if mine[cohesion].notna().any() else None
    )
    return {
        "history": list(group.memberships.filter(patient=membership.patient).order_by("started_on")),
        "diagnoses": list(membership.patient.diagnoses.select_related("recorded_by")),
        "measure_names": [measure_names[name] for name in scores.climate],
        "cohesion_range": cohesion_range,
        "alliance_range": score_range(ALLIANCE, scores.alliance),
        "series": series,
        "trajectory_svg": trajectory,
        "signals": list(membership.signals.select_related("session").order_by("-session__number", "kind")),
        "episodes": list(
            membership.rupture_episodes.select_related("first_group_session", "last_group_session").order_by(
                "-opened_at"
            )
        ),
        **factor_context(data.factors[data.factors["member"] == membership.pk], language),
    }


def factor_context(factors: pd.DataFrame, language: str) -> dict:
    """The therapeutic-factors profile over time: mean per factor and wave, a chart and a table."""
    instrument = instruments.get(FACTORS)
    profiled = instrument.score_with_role(roles.FACTOR_PROFILE)
    names = {
        item.id: (item.label or item.text).get(language) or item.text["nb"]
        for item in map(instrument.item, factor_ids())
    }
    if factors.empty:
        return {"factor_svg": None, "factor_rows": [], "factor_waves": [], "factor_top": []}
    profile = factor_profile(factors, list(names))
    columns = (profile[name].tolist() for name in ("factor", "session", "mean", "n"))
    found = {(factor, wave): (_number(mean), int(n)) for factor, wave, mean, n in zip(*columns, strict=True)}
    waves = sorted({wave for _factor, wave in found})
    factor_rows = [(names[factor], [found[factor, wave] for wave in waves]) for factor in names]
    latest = profile[profile["session"] == waves[-1]]
    cells = profile.assign(row=profile["factor"].map(names), column=profile["session"], value=profile["mean"], mark="")
    domain = instrument.score_range(profiled)
    labels = {"column": pgettext("group", "Session"), "value": _("Mean (%(range)s)") % {"range": range_text(domain)}}
    svg = cached_svg(
        cells[["row", "column", "value", "mark"]],
        labels,
        lambda: heatmap_spec(cells, rows=list(names.values()), domain=domain, labels=labels),
    )
    return {
        "factor_svg": svg,
        "factor_rows": factor_rows,
        "factor_waves": waves,
        "factor_top": [names[factor] for factor in latest["factor"].head(3)],
    }


def _member_rows(memberships: list[Membership], labels: dict[int, str], shown: pd.DataFrame) -> list[MemberRow]:
    """One row per member who is current or was a member during the shown sessions (`shown`: the
    frame's rows of those sessions)."""
    members = set(shown["member"].tolist())
    return [MemberRow(m, labels[m.pk]) for m in memberships if m.pk in members or m.is_current]


def _heatmap_table(
    rows: list[MemberRow], shown: pd.DataFrame, numbers: list[int], measure: str, language: str
) -> CachedTable:
    """The heatmap's numbers as a table: per member, (shown, spoken) per session, `spoken` set when
    `shown` is a symbol or empty (not a member then), for screen readers. Formatted here rather
    than with a template filter per cell."""
    data = shown.loc[:, ["member", "session", "status", measure]]

    def build() -> list[tuple[MemberRow, list[tuple[str, str]]]]:
        spoken = {
            None: _("not a member"),
            Attendance.Status.PRESENT: _("present, no answer"),
            Attendance.Status.ABSENT_NOTICE: _("absent with notice"),
            Attendance.Status.ABSENT_NO_NOTICE: _("absent without notice"),
        }
        marks = {status: (MARKS.get(status, ""), text) for status, text in spoken.items()}
        decimal = get_format("DECIMAL_SEPARATOR")
        columns = (data[name].tolist() for name in data.columns)
        found = {(member, session): (status, value) for member, session, status, value in zip(*columns, strict=True)}

        def cell(member: int, session: int) -> tuple[str, str]:
            status, value = found.get((member, session), (None, math.nan))
            return marks[status] if math.isnan(value) else (f"{value:.1f}".replace(".", decimal), "")

        return [(row, [cell(row.membership.pk, number) for number in numbers]) for row in rows]

    members = [(str(row.membership.public_id), row.label) for row in rows]
    frame = pd.util.hash_pandas_object(data, index=False).to_numpy().tobytes()
    return CachedTable(("heatmap", language, measure, numbers, members, frame), build)


def latest_signals(rows: list[MemberRow], group: TherapyGroup, numbers: list[int]) -> list[GroupSignal]:
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


def _attach_episodes(rows: list[MemberRow], group: TherapyGroup) -> None:
    """Each shown member's newest open rupture episode and how many are open (one query)."""
    by_member = {row.membership.pk: row for row in rows}
    newest_first = [F("opened_at").desc(), F("id").desc()]
    episodes = (
        RuptureEpisode.objects.filter(membership__group=group, status=RuptureEpisode.Status.OPEN)
        .annotate(
            rank=Window(RowNumber(), partition_by=F("membership"), order_by=newest_first),
            open_count=Window(Count("id"), partition_by=F("membership")),
        )
        .filter(rank=1)
        .select_related("first_group_session")
    )
    for episode in episodes:
        row = by_member.get(episode.membership_id)
        if row is not None:
            row.episode, row.more_episodes = episode, episode.open_count - 1


def session_table(window: list[GroupSession], frame: pd.DataFrame, language: str) -> CachedTable:
    """The sessions newest first, with how many of the members were present and the summary."""
    counts = frame.groupby("session")["attended"].agg(["sum", "count"])
    present = dict(zip(counts.index.tolist(), counts["sum"].astype(int).tolist(), strict=True))
    members = dict(zip(counts.index.tolist(), counts["count"].tolist(), strict=True))
    rows = [
        {
            "session": session,
            "present": present.get(session.number, 0),
            "members": members.get(session.number, 0),
            "summary": getattr(session, "summary", None),
        }
        for session in reversed(window)
    ]
    shown = [
        (str(row["session"].public_id), row["session"].starts_at, row["present"], row["members"], _summary_state(row))
        for row in rows
    ]
    return CachedTable(("sessions", language, shown), lambda: rows)


def _summary_state(row: dict) -> str:
    summary = row["summary"]
    return "none" if summary is None else "signed" if summary.is_signed else "draft"


def _heatmap(rows: list[MemberRow], shown: pd.DataFrame, measure: str, measure_name: str) -> str:
    """The heatmap of the shown sessions (`shown`: the frame's rows of those sessions), a row per
    member in the table's order; absences and missing answers marked as in the table."""
    labels = {row.membership.pk: row.label for row in rows}
    missing = shown[measure].isna().to_numpy()
    cells = pd.DataFrame(
        {
            "row": shown["member"].map(labels),
            "column": shown["session"],
            "value": shown[measure],
            "mark": np.where(missing, shown["status"].map(MARKS).fillna(""), ""),
        }
    )
    names = {"column": pgettext("group", "Session"), "value": measure_name}
    order = list(labels.values())
    return cached_svg(
        cells.assign(order=cells["row"].map({label: i for i, label in enumerate(order)})),
        names,
        lambda: heatmap_spec(cells, rows=order, domain=score_range(CLIMATE, measure), labels=names),
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
    return _trajectory_svg(pd.concat(parts, ignore_index=True), measure_name, score_range(CLIMATE, measure))


def _trajectory_svg(points: pd.DataFrame, measure_name: str, domain: tuple[float, float]) -> str:
    labels = {"session": pgettext("group", "Session"), "value": measure_name, "mean": _("Group mean")}
    return cached_svg(
        points,
        labels,
        lambda: trajectory_spec(points, mean_line=labels["mean"], domain=domain, labels=labels),
    )


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
