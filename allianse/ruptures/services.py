"""The therapist's work on a rupture episode: open it (by hand or from loose signals), notes per
stage of the repair guide, stage and kind, closing. Every change is kept in the episode's history."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from allianse.clinic.models import Session, Treatment
from allianse.core.measures import Instrument, roles
from allianse.feedback.services import THERAPIST_CHECK
from allianse.instruments import registry as instruments

from . import guide
from .models import (
    EpisodeEvent,
    EpisodeKind,
    EpisodeStageNote,
    Outcome,
    RuptureEpisode,
    Signal,
)

Action = EpisodeEvent.Action
# The roles of the therapist check's marker items -> the kind of rupture they mark (Safran & Muran 2000).
MARKER_ROLES = {
    roles.WITHDRAWAL_MARKERS: EpisodeKind.WITHDRAWAL,
    roles.CONFRONTATION_MARKERS: EpisodeKind.CONFRONTATION,
}


def log_event(episode: RuptureEpisode, action: str, actor, at: datetime, **data) -> EpisodeEvent:
    return EpisodeEvent.objects.create(episode=episode, action=action, actor=actor, at=at, data=data)


# --- the therapist's work on an episode ------------------------------------------------------


class EpisodeClosed(Exception):
    """A closed episode is a record: it takes no more notes, stage or kind changes."""


class NoLooseSignals(Exception):
    """Every signal of the treatment already belongs to an episode or has been acknowledged."""


def marker_items_of(therapist_check: Instrument) -> dict[str, str]:
    """The ids of the therapist check's marker items -> the episode kind each marks."""
    return {therapist_check.item_with_role(role).id: kind for role, kind in MARKER_ROLES.items()}


def marker_options() -> list[tuple[str, str, dict[str, str]]]:
    """(episode kind, marker key, text) for every marker the therapist's check offers."""
    instrument = instruments.get(THERAPIST_CHECK)
    return [
        (kind, option.value, option.text)
        for item_id, kind in marker_items_of(instrument).items()
        for option in instrument.item(item_id).options
    ]


def stage_count(kind: str) -> int:
    return len(guide.get().for_kind(kind).path.stages)


def open_episode(
    *,
    session: Session,
    by,
    kind: str = EpisodeKind.UNCLEAR,
    markers: list[str] | None = None,
    intensity: int | None = None,
    note: str = "",
    at: datetime | None = None,
) -> RuptureEpisode:
    """A therapist opens an episode by hand from a session: "I noticed a marker"."""
    at = at or timezone.now()
    with transaction.atomic():
        episode = RuptureEpisode.objects.create(
            treatment=session.treatment,
            kind=kind,
            markers=sorted(set(markers or [])),
            intensity=intensity,
            first_session=session,
            last_session=session,
            opened_by=by,
            opened_at=at,
        )
        log_event(episode, Action.OPENED, by, at, session=session.number, kind=kind, markers=episode.markers)
        if note:
            _note(episode, by, at, stage=1, strategies=[], text=note)
    return episode


def open_from_signals(*, treatment: Treatment, by, at: datetime | None = None) -> RuptureEpisode:
    """Open an episode from the treatment's signals that belong to no episode yet (for example a
    patient who held something back): the therapist judges it to be a rupture."""
    at = at or timezone.now()
    with transaction.atomic():
        loose = list(_loose_signals(treatment).select_related("session").order_by("session__number", "id"))
        if not loose:
            raise NoLooseSignals
        episode = RuptureEpisode.objects.create(
            treatment=treatment,
            first_session=loose[0].session,
            last_session=loose[-1].session,
            opened_by_signal=loose[-1],
            opened_by=by,
            opened_at=at,
        )
        Signal.objects.filter(pk__in=[s.pk for s in loose]).update(episode=episode, seen_at=at)
        log_event(episode, Action.OPENED, by, at, session=loose[0].session.number, signals=len(loose))
    return episode


def acknowledge_signals(*, treatment: Treatment, by, at: datetime | None = None) -> int:
    """The therapist has read the treatment's loose signals and decided no episode is needed."""
    at = at or timezone.now()
    return _loose_signals(treatment).update(acknowledged_at=at, acknowledged_by=by, seen_at=at)


def _loose_signals(treatment: Treatment):
    return Signal.objects.loose().filter(treatment=treatment)


def mark_seen(*, episode: RuptureEpisode, at: datetime | None = None) -> None:
    """The therapist has opened the episode: its signals are no longer new."""
    episode.signals.filter(seen_at__isnull=True).update(seen_at=at or timezone.now())


def add_note(
    *,
    episode: RuptureEpisode,
    by,
    stage: int,
    strategies: list[str],
    text: str,
    advance: bool = False,
    at: datetime | None = None,
) -> EpisodeStageNote:
    """Write what was tried at a stage; optionally move on to the next stage in the same step."""
    at = at or timezone.now()
    with transaction.atomic():
        episode = _locked(episode)
        note = _note(episode, by, at, stage=stage, strategies=strategies, text=text)
        if advance and episode.stage < stage_count(episode.kind):
            _set_stage(episode, by, at, episode.stage + 1)
    return note


def set_stage(*, episode: RuptureEpisode, by, stage: int, at: datetime | None = None) -> RuptureEpisode:
    with transaction.atomic():
        episode = _locked(episode)
        _set_stage(episode, by, at or timezone.now(), stage)
    return episode


def change_kind(
    *,
    episode: RuptureEpisode,
    by,
    kind: str,
    markers: list[str],
    intensity: int | None,
    at: datetime | None = None,
) -> RuptureEpisode:
    """Set kind, markers and intensity; a shorter path keeps the stage within it."""
    at = at or timezone.now()
    with transaction.atomic():
        episode = _locked(episode)
        before = {"kind": episode.kind, "markers": episode.markers, "intensity": episode.intensity}
        episode.kind, episode.markers, episode.intensity = kind, sorted(set(markers)), intensity
        episode.stage = min(episode.stage, stage_count(kind))
        episode.save(update_fields=["kind", "markers", "intensity", "stage"])
        after = {"kind": episode.kind, "markers": episode.markers, "intensity": episode.intensity}
        if after != before:
            log_event(episode, Action.KIND_CHANGED, by, at, before=before, after=after)
    return episode


def close_episode(
    *, episode: RuptureEpisode, by, outcome: str, note: str = "", at: datetime | None = None
) -> RuptureEpisode:
    """Close with the therapist's judgement of the outcome (the recovery rule only suggests)."""
    at = at or timezone.now()
    with transaction.atomic():
        episode = _locked(episode)
        if note:
            _note(episode, by, at, stage=episode.stage, strategies=[], text=note)
        episode.status, episode.outcome = RuptureEpisode.Status.CLOSED, Outcome(outcome)
        episode.closed_at, episode.closed_by = at, by
        episode.save(update_fields=["status", "outcome", "closed_at", "closed_by"])
        log_event(episode, Action.CLOSED, by, at, outcome=outcome, stage=episode.stage, recovery=episode.recovery)
    return episode


def _locked(episode: RuptureEpisode) -> RuptureEpisode:
    locked = RuptureEpisode.objects.select_for_update(of=("self",)).select_related("treatment").get(pk=episode.pk)
    if not locked.is_open:
        raise EpisodeClosed
    return locked


def _set_stage(episode: RuptureEpisode, by, at: datetime, stage: int) -> None:
    if not 1 <= stage <= stage_count(episode.kind):
        raise ValueError(f"stage {stage} is not on the {episode.kind} path")
    if stage != episode.stage:
        log_event(episode, Action.STAGE_CHANGED, by, at, before=episode.stage, after=stage)
        episode.stage = stage
        episode.save(update_fields=["stage"])


def _note(episode: RuptureEpisode, by, at: datetime, *, stage: int, strategies: list[str], text: str):
    known = guide.get().strategies
    unknown = sorted(set(strategies) - set(known))
    if unknown:
        raise ValueError(f"unknown strategies: {', '.join(unknown)}")
    note = EpisodeStageNote.objects.create(
        episode=episode, stage=stage, strategies=list(strategies), text=text, author=by, at=at
    )
    log_event(episode, Action.NOTE_ADDED, by, at, stage=stage, strategies=list(strategies))
    return note
