"""The observer's view of a session: the third perspective beside the patient's and the therapist's.

Observers rate recordings of sessions in the rating app, which sits above this one; it supplies
what they coded through `extensions.observer_sources` (see docs/architecture.md), so the pages,
the signals and the clinic overview read the observers without importing the rating app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from . import extensions


@dataclass(frozen=True)
class ObserverView:
    """What the current observer ratings of one session's recording coded."""

    ratings: int
    ruptures: int  # ratings that coded at least one rupture marker
    significance: float | None = None  # the highest strain on the collaboration rated
    markers: tuple[str, ...] = ()

    @property
    def rupture(self) -> bool:
        return self.ruptures > 0

    @property
    def flag(self) -> float:
        """The signal engine's `observer_rupture` (allianse.core.signals): 1 or 0."""
        return 1.0 if self.rupture else 0.0


def observer_views(sessions) -> dict[int, ObserverView]:
    """The observers' view per session id, for those of `sessions` (a queryset of clinic sessions)
    observers rated; one query per source."""
    views: dict[int, ObserverView] = {}
    for source in extensions.observer_sources:
        views |= source.views(sessions)
    return views


def rated_sessions(*, rupture: bool = False) -> Q:
    """A filter on clinic sessions: those observers rated (`rupture`: and coded a rupture in), as
    subqueries, never a list of ids."""
    found = Q(pk__in=[])
    for source in extensions.observer_sources:
        found |= Q(pk__in=source.rated_sessions(rupture=rupture))
    return found


def with_observers(frame, views: dict[int, ObserverView], session_ids: list[int]):
    """The series frame (one row per session, in `session_ids` order) with the signal engine's
    `observer_rupture` column: 1 or 0 where observers rated the session, NaN where none did."""
    flags = [views[pk].flag if pk in views else float("nan") for pk in session_ids]
    return frame.assign(observer_rupture=flags) if len(frame) else frame
