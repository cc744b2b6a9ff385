"""The clinic overview's figures from plain facts about treatments and episodes (no Django).

They mirror the figures of the rupture literature (docs/methods.md#overview-figures): how many
treatments have ruptures, how many ruptures are resolved and how long that takes, and dropout
among treatments whose ruptures were resolved against those whose ruptures were not (repair
predicted lower dropout: Muran et al. 2009).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

# Groups smaller than this are not shown: a filter on one therapist with few patients would
# otherwise let an administrator read single patients' courses from the aggregates (Normen:
# need-to-know access; GDPR art. 5 data minimisation). Project choice: the smallest cell size
# commonly published in health statistics.
MIN_GROUP = 3

RESOLVED = ("resolved", "partly_resolved")
UNRESOLVED = ("unresolved", "dropout")


@dataclass(frozen=True)
class TreatmentFact:
    id: int
    dropout: bool


@dataclass(frozen=True)
class EpisodeFact:
    treatment: int
    status: str  # open, closed
    outcome: str  # one of RESOLVED + UNRESOLVED, or "" while open
    first_session: int
    end_session: int  # where the alliance was back (the recovery session), else the last session
    first_at: datetime
    closed_at: datetime | None
    recovery: str = "pending"  # the V-shape rule on the patient's checks: pending, recovered, not_recovered


@dataclass(frozen=True)
class DropoutGroup:
    """Treatments of one kind and how many of them ended in dropout."""

    key: str  # no_rupture, resolved, unresolved, in_progress
    treatments: int
    dropouts: int

    @property
    def rate(self) -> float | None:
        return self.dropouts / self.treatments if self.treatments else None

    @property
    def shown(self) -> bool:
        return self.treatments >= MIN_GROUP


@dataclass(frozen=True)
class OverviewFigures:
    treatments: int
    with_ruptures: int
    episodes: int
    open_episodes: int
    outcomes: dict[str, int] = field(default_factory=dict)
    median_sessions_to_resolution: float | None = None
    median_days_to_resolution: float | None = None
    dropout_groups: tuple[DropoutGroup, ...] = ()

    minimum: int = MIN_GROUP

    @property
    def suppressed(self) -> bool:
        return self.treatments < self.minimum

    @property
    def share_with_ruptures(self) -> float | None:
        return self.with_ruptures / self.treatments if self.treatments else None

    @property
    def closed_episodes(self) -> int:
        return sum(self.outcomes.values())

    @property
    def resolution_rate(self) -> float | None:
        """Resolved (fully or partly) among closed episodes."""
        closed = self.closed_episodes
        return sum(self.outcomes.get(key, 0) for key in RESOLVED) / closed if closed else None


def overview_figures(treatments: list[TreatmentFact], episodes: list[EpisodeFact]) -> OverviewFigures:
    by_treatment: dict[int, list[EpisodeFact]] = {}
    for episode in episodes:
        by_treatment.setdefault(episode.treatment, []).append(episode)
    closed = [episode for episode in episodes if episode.status == "closed"]
    resolved = [episode for episode in closed if episode.outcome in RESOLVED]
    return OverviewFigures(
        treatments=len(treatments),
        with_ruptures=sum(1 for fact in treatments if fact.id in by_treatment),
        episodes=len(episodes),
        open_episodes=len(episodes) - len(closed),
        outcomes={key: sum(1 for e in closed if e.outcome == key) for key in RESOLVED + UNRESOLVED},
        median_sessions_to_resolution=_median([e.end_session - e.first_session for e in resolved]),
        median_days_to_resolution=_median([(e.closed_at - e.first_at).days for e in resolved if e.closed_at]),
        dropout_groups=_dropout_groups(treatments, by_treatment),
    )


def treatment_group(episodes: list[EpisodeFact]) -> str:
    """Repaired and unrepaired ruptures after McLaughlin et al. (2014): `unresolved` if any rupture
    was closed unresolved or in dropout, or is open with the alliance not back within the repair
    window; `resolved` if every rupture was closed resolved (fully or partly) or is open with the
    alliance back; `in_progress` otherwise; `no_rupture` without episodes."""
    if not episodes:
        return "no_rupture"
    if any(_unrepaired(episode) for episode in episodes):
        return "unresolved"
    if all(_repaired(episode) for episode in episodes):
        return "resolved"
    return "in_progress"


def _repaired(episode: EpisodeFact) -> bool:
    return episode.outcome in RESOLVED if episode.status == "closed" else episode.recovery == "recovered"


def _unrepaired(episode: EpisodeFact) -> bool:
    return episode.outcome in UNRESOLVED if episode.status == "closed" else episode.recovery == "not_recovered"


def _dropout_groups(treatments: list[TreatmentFact], by_treatment: dict[int, list[EpisodeFact]]):
    counts = {key: [0, 0] for key in ("no_rupture", "resolved", "unresolved", "in_progress")}
    for fact in treatments:
        group = counts[treatment_group(by_treatment.get(fact.id, []))]
        group[0] += 1
        group[1] += fact.dropout
    return tuple(DropoutGroup(key, total, dropouts) for key, (total, dropouts) in counts.items())


def _median(values: list[float]) -> float | None:
    return float(median(values)) if values else None
