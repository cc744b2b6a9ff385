"""The first update of treatments with nothing stored yet, in bulk: the daily run after an import
or an upgrade, when every treatment is new to the rules.

With no stored signal and no open episode, what `updates.update_for_treatment` stores follows
from the core's tables alone: every signal of the signal table, and an episode per core episode
(`_EpisodeBook.assign` joins a signal to the open episode whose latest rupture-type signal lies in
the same core episode as the signal's session; with no episode but those it opens itself, that is
the episode of the core episode holding the session, opened by its first rupture-type signal).
So this computes it from a chunk's batch read (`daily.Chunk`) for all the chunk's such treatments
at once, and writes it with a few bulk statements: episodes, signals, the episodes' opening
signals, their events.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from allianse.clinic.models import Treatment
from allianse.feedback.models import Response
from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK

from .models import EpisodeEvent, Recovery, RuptureEpisode, Signal
from .updates import RECOVERY, Span, UpdateResult, announce, is_rupture_type, signal_of, span_holding, take_in

if TYPE_CHECKING:
    from .daily import Chunk

Action = EpisodeEvent.Action
BATCH = 1000  # rows per bulk statement


def store(read: Chunk, treatment_ids: set[int], *, notify: bool, now: datetime) -> dict[int, UpdateResult]:
    """Store the signals and episodes of those of `treatment_ids` (changed treatments of `read`)
    that still have nothing stored once their rows are locked, as `update_for_treatment` would,
    in the caller's transaction; with `notify`, enqueue the therapists' e-mails (news of each
    treatment's latest session only: `updates.announce`). Their results."""
    plan = _Plan(read, _still_fresh(treatment_ids), now)
    RuptureEpisode.objects.bulk_create(plan.episodes, batch_size=BATCH)
    Signal.objects.bulk_create(plan.signals, batch_size=BATCH)
    for episode, signal in zip(plan.episodes, plan.openers, strict=True):
        episode.opened_by_signal = signal
    RuptureEpisode.objects.bulk_update(plan.episodes, ["opened_by_signal"], batch_size=BATCH)
    EpisodeEvent.objects.bulk_create(plan.events, batch_size=BATCH)
    if notify:
        for treatment_id, result in plan.results.items():
            announce(treatment_id, result, latest_session_id=plan.latest_session[treatment_id])
    return plan.results


def _still_fresh(treatment_ids: set[int]) -> set[int]:
    """Lock the treatments (as `update_for_treatment` does) and keep those with nothing stored: a
    task may have updated one since the chunk was read."""
    ids = list(Treatment.objects.select_for_update().filter(pk__in=treatment_ids).order_by("pk").values_list("pk"))
    stored = Signal.objects.filter(treatment_id__in=treatment_ids).values_list("treatment_id", flat=True)
    opened = RuptureEpisode.objects.filter(treatment_id__in=treatment_ids, status=RuptureEpisode.Status.OPEN)
    return {pk for (pk,) in ids} - set(stored.distinct()) - set(opened.values_list("treatment_id", flat=True))


class _Plan:
    """What the first update of `treatment_ids` stores, unsaved: episodes (with their opening
    signals, `openers`), signals, events, and each treatment's result."""

    def __init__(self, read: Chunk, treatment_ids: set[int], now: datetime) -> None:
        self.now = now
        self.episodes: list[RuptureEpisode] = []
        self.openers: list[Signal] = []
        self.signals: list[Signal] = []
        self.events: list[EpisodeEvent] = []
        self.results: dict[int, UpdateResult] = {}
        self._joined: list[tuple[RuptureEpisode, int]] = []  # (episode, session id) as signals join
        keys = {str(pk) for pk in treatment_ids}
        frame = read.frame[read.frame["treatment"].isin(keys)]
        numbers = zip(frame["treatment"].tolist(), frame["session"].astype(int).tolist(), strict=True)
        self.session_ids = dict(zip(numbers, frame["session_id"].astype(int).tolist(), strict=True))
        self.latest_session = {int(key): pk for (key, _number), pk in sorted(self.session_ids.items())}
        found: dict[str, list[tuple[int, Signal]]] = {}
        for record in read.explained(keys).itertuples(index=False):
            number = int(record.session)
            session_id = self.session_ids[(record.treatment, number)]
            signal = signal_of(record, treatment_id=int(record.treatment), session_id=session_id)
            found.setdefault(record.treatment, []).append((number, signal))
        for key, signals in found.items():
            self._treatment(key, signals, read.spans.get(key, []))
        self._take_in_checks()

    def _treatment(self, key: str, found: list[tuple[int, Signal]], spans: list[Span]) -> None:
        """One treatment's signals, episodes and events (`_EpisodeBook.assign`, `update_recovery`)."""
        result = self.results[int(key)] = UpdateResult(new_signals=[signal for _, signal in found])
        self.signals += result.new_signals
        episodes: dict[int, RuptureEpisode] = {}  # by the index of the core episode in `spans`
        openers: dict[int, Signal] = {}
        latest: dict[int, int] = {}  # the session number of each episode's last session
        joined: dict[tuple[int, int], list[Signal]] = {}
        for number, signal in sorted(found, key=lambda each: (each[0], not is_rupture_type(each[1]))):
            span = span_holding(spans, number)
            if span is None or (span not in episodes and not is_rupture_type(signal)):
                continue
            if span not in episodes:
                episodes[span], openers[span] = self._open(key, number, signal), signal
                result.opened.append(episodes[span])
            episode = signal.episode = episodes[span]
            latest[span] = max(number, latest.get(span, number))
            episode.last_session_id = self.session_ids[(key, latest[span])]
            self._joined.append((episode, signal.session_id))
            joined.setdefault((span, number), []).append(signal)
        for (span, number), signals in joined.items():
            action = Action.OPENED if signals[0] is openers[span] else Action.SIGNAL_JOINED
            self._event(episodes[span], action, session=number, kinds=sorted({s.kind for s in signals}))
        for span, episode in episodes.items():
            _first, last, status = spans[span]
            if RECOVERY[status] != Recovery.PENDING:
                episode.recovery, episode.recovery_session_id = RECOVERY[status], self.session_ids[(key, last)]
                self._event(episode, Action.RECOVERY_CHANGED, recovery=episode.recovery, session=last)

    def _open(self, key: str, number: int, signal: Signal) -> RuptureEpisode:
        session_id = self.session_ids[(key, number)]
        episode = RuptureEpisode(
            treatment_id=int(key), first_session_id=session_id, last_session_id=session_id, opened_at=self.now
        )
        self.episodes.append(episode)
        self.openers.append(signal)
        return episode

    def _event(self, episode: RuptureEpisode, action: str, **data) -> None:
        self.events.append(EpisodeEvent(episode=episode, action=action, actor=None, at=self.now, data=data))

    def _take_in_checks(self) -> None:
        """What the checks of each session whose signal joined an episode add to it (`take_in`), from
        the sessions' current responses (one query per thousand sessions)."""
        wanted = sorted({session_id for _, session_id in self._joined})
        responses: dict[tuple[int, str], Response] = {}
        for start in range(0, len(wanted), BATCH):
            current = Response.objects.filter(
                session_id__in=wanted[start : start + BATCH],
                superseded_by__isnull=True,
                instrument_key__in=[PATIENT_CHECK, THERAPIST_CHECK],
            ).only("session_id", "instrument_key", "answers")
            responses |= {(response.session_id, response.instrument_key): response for response in current}
        for episode, session_id in self._joined:
            take_in(episode, responses.get((session_id, PATIENT_CHECK)), responses.get((session_id, THERAPIST_CHECK)))
