"""The clinic overview's figures from counts (no Django): each rate with its N, its 95% Wilson
interval and the published figure it is read beside.

The counts come from SQL aggregates (allianse.ruptures.overview); this module only turns them into
rates, intervals and medians. The published figures are those of the rupture literature as the
thesis behind Allianse reports them (docs/methods.md#overview-figures): how many treatments have
ruptures in the eyes of patients, therapists and observers, how few held-back negative feelings
therapists notice, and dropout by approach; repair went with lower dropout (Muran et al. 2009).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from statistics import median
from typing import Any

from ..response_rates import wilson_interval as wilson_arrays

# Groups smaller than this are not shown: a filter on one therapist with few patients would
# otherwise let an administrator read single patients' courses from the aggregates (Normen:
# need-to-know access; GDPR art. 5 data minimisation). Project choice: the smallest cell size
# commonly published in health statistics.
MIN_GROUP = 3

RESOLVED = ("resolved", "partly_resolved")
UNRESOLVED = ("unresolved", "dropout")
OUTCOMES = RESOLVED + UNRESOLVED

# Repair status of a treatment's ruptures after McLaughlin et al. (2014), in the order shown:
# `unresolved` if any rupture was closed unresolved or in dropout, or is open with the alliance not
# back within the repair window; `resolved` if every rupture was closed resolved (fully or partly)
# or is open with the alliance back; `in_progress` otherwise; `no_rupture` without episodes.
REPAIR_GROUPS = ("no_rupture", "resolved", "unresolved", "in_progress")

# Share of treatments with at least one rupture, by who saw it (Safran, Muran & Eubanks-Carter
# 2011, as the thesis reports them).
PERSPECTIVES = ("patient", "therapist", "observer")
RUPTURE_SHARE_PUBLISHED: dict[str, tuple[float, float]] = {
    "patient": (0.19, 0.42),
    "therapist": (0.43, 0.56),
    "observer": (0.41, 1.0),
}
# Therapists were aware of 17% of the negative feelings their patients held back (Regan & Hill 1992).
HELD_BACK_NOTICED_PUBLISHED = (0.17, 0.17)
# Dropout by approach (Safran et al. 2001): relational 20%, CBT 37%, psychodynamic 46%; by the key
# of the clinic's default approaches (allianse.clinic.models.Approach).
DROPOUT_PUBLISHED: dict[str, tuple[float, float]] = {
    "relational": (0.20, 0.20),
    "cbt": (0.37, 0.37),
    "psychodynamic": (0.46, 0.46),
}


def wilson_interval(count: int, n: int) -> tuple[float, float] | None:
    """The 95% Wilson score interval of count / n (the response rates' interval,
    allianse.core.response_rates); None for n = 0."""
    if n <= 0:
        return None
    if not 0 <= count <= n:
        raise ValueError(f"count {count} is not between 0 and n = {n}")
    low, high = wilson_arrays(count, n)
    return float(low), float(high)


@dataclass(frozen=True)
class Rate:
    """`count` of `n` with its interval, beside the published figure (a range, or one value twice)."""

    key: str
    count: int
    n: int
    published: tuple[float, float] | None = None
    label: str = ""  # what the key names, where it is not a fixed key (an approach's name)

    @property
    def rate(self) -> float | None:
        return self.count / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson_interval(self.count, self.n)

    @property
    def shown(self) -> bool:
        return self.n >= MIN_GROUP


@dataclass(frozen=True)
class OverviewFigures:
    treatments: int  # individual treatments and group memberships in the selection
    with_ruptures: int
    episodes: int
    open_episodes: int
    outcomes: dict[str, int] = field(default_factory=dict)
    median_sessions_to_resolution: float | None = None
    median_days_to_resolution: float | None = None
    dropout_groups: tuple[Rate, ...] = ()  # by repair status, among those that ended
    perspectives: tuple[Rate, ...] = ()  # treatments with a rupture among those each perspective rated
    held_back_noticed: Rate | None = None
    dropout_by_approach: tuple[Rate, ...] = ()

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


def dropout_groups(counts: dict[str, tuple[int, int]]) -> tuple[Rate, ...]:
    """Dropout per repair status from {status: (ended, of them in dropout)}; every status listed."""
    return tuple(Rate(key, counts.get(key, (0, 0))[1], counts.get(key, (0, 0))[0]) for key in REPAIR_GROUPS)


def perspective_rates(counts: dict[str, tuple[int, int]]) -> tuple[Rate, ...]:
    """Treatments with a rupture per perspective from {perspective: (rated, with a rupture)}."""
    return tuple(
        Rate(key, counts.get(key, (0, 0))[1], counts.get(key, (0, 0))[0], RUPTURE_SHARE_PUBLISHED[key])
        for key in PERSPECTIVES
    )


def median_or_none(values: list[float]) -> float | None:
    return float(median(values)) if values else None


def figures_to_json(figures: OverviewFigures) -> dict[str, Any]:
    """The figures as plain JSON values, to be kept and read back by `figures_from_json`."""
    return asdict(figures)


def figures_from_json(data: dict[str, Any]) -> OverviewFigures:
    def rate(value: dict[str, Any]) -> Rate:
        published = value.get("published")
        return Rate(**{**value, "published": tuple(published) if published is not None else None})

    held_back = data.get("held_back_noticed")
    return OverviewFigures(
        **{
            **data,
            "dropout_groups": tuple(rate(value) for value in data.get("dropout_groups", ())),
            "perspectives": tuple(rate(value) for value in data.get("perspectives", ())),
            "held_back_noticed": rate(held_back) if held_back is not None else None,
            "dropout_by_approach": tuple(rate(value) for value in data.get("dropout_by_approach", ())),
        }
    )


def relabelled(figures: OverviewFigures, labels: dict[str, str]) -> OverviewFigures:
    """The figures with the dropout rates by approach named by `labels` ({rate key: name}), e.g. in
    the reader's language rather than the one they were counted in."""
    rates = tuple(replace(rate, label=labels.get(rate.key, rate.label)) for rate in figures.dropout_by_approach)
    return replace(figures, dropout_by_approach=rates)
