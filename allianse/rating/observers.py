"""Observers' ratings of session recordings as the third perspective on a session, for the pages,
signals and overview of the rupture app below (`ruptures.extensions.observer_sources`).

A rating counts when it is current (not corrected since) and made on a scale for observers with
rupture-marker items (the items with roles withdrawal_markers and confrontation_markers, such as
rupture-markers.yaml); it codes a rupture when at least one marker is ticked. Only recordings of
individual sessions count: a group session's recording has no clinic session.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from allianse import background
from allianse.core.measures import roles
from allianse.instruments import registry as instruments
from allianse.ruptures.observers import ObserverView
from allianse.ruptures.tasks import update_treatment

from .models import Rating

SESSION = "assignment__segment__recording__session"
MARKER_ROLES = (roles.WITHDRAWAL_MARKERS, roles.CONFRONTATION_MARKERS)


@dataclass(frozen=True)
class CodingScale:
    markers: tuple[str, ...]  # item ids
    strain: str | None  # the item with role rupture_intensity, if any


def coding_scales() -> dict[str, CodingScale]:
    """The observers' scales that code rupture markers, by key."""
    found = {}
    for instrument in instruments.all_instruments():
        markers = tuple(item.id for role in MARKER_ROLES for item in instrument.items_with_role(role))
        if instrument.respondent == "observer" and markers:
            strain = instrument.items_with_role(roles.RUPTURE_INTENSITY)
            found[instrument.key] = CodingScale(markers, strain[0].id if strain else None)
    return found


def current_codings(scales: dict[str, CodingScale]):
    return Rating.objects.filter(
        superseded_by__isnull=True, instrument_key__in=list(scales), **{f"{SESSION}__isnull": False}
    )


def coded_rupture(scales: dict[str, CodingScale]) -> Q:
    """Ratings with at least one marker ticked (a non-empty list), in SQL."""
    found = Q(pk__in=[])
    for key, scale in scales.items():
        ticked = Q(pk__in=[])
        for item in scale.markers:
            ticked |= Q(**{f"answers__{item}__0__isnull": False})
        found |= Q(instrument_key=key) & ticked
    return found


class RatingObservers:
    """The rating app's observer source (registered in `RatingConfig.ready()`)."""

    def views(self, sessions) -> dict[int, ObserverView]:
        scales = coding_scales()
        rows = current_codings(scales).filter(**{f"{SESSION}__in": sessions})
        gathered: dict[int, list[tuple[list[str], float | None]]] = {}
        for session_id, key, answers in rows.values_list(f"{SESSION}_id", "instrument_key", "answers"):
            scale = scales[key]
            markers = [marker for item in scale.markers for marker in answers.get(item) or []]
            strain = answers.get(scale.strain) if scale.strain else None
            gathered.setdefault(session_id, []).append((markers, strain))
        return {session_id: _view(codings) for session_id, codings in gathered.items()}

    def rated_sessions(self, *, rupture: bool = False):
        scales = coding_scales()
        codings = current_codings(scales)
        if rupture:
            codings = codings.filter(coded_rupture(scales))
        return codings.values(SESSION)


def _view(codings: list[tuple[list[str], float | None]]) -> ObserverView:
    strains = [strain for _markers, strain in codings if strain is not None]
    return ObserverView(
        ratings=len(codings),
        ruptures=sum(1 for markers, _strain in codings if markers),
        significance=max(strains, default=None),
        markers=tuple(sorted({marker for markers, _strain in codings for marker in markers})),
    )


def rating_stored(rating: Rating) -> None:
    """A new observer coding of a session's recording brings the treatment's signals up to date (in
    the transaction that stores it, as a patient's check does)."""
    recording = rating.assignment.segment.recording
    if rating.instrument_key in coding_scales() and recording.session_id is not None:
        background.enqueue(update_treatment, treatment_id=recording.session.treatment_id)
