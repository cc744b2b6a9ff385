"""Rupture signals as responses arrive: read a treatment's stored series, ask the core
(allianse.core.signals), store what is new, keep the therapist's episodes in step and tell the
treating therapists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from allianse import background
from allianse.clinic.models import Treatment
from allianse.core.measures import roles
from allianse.core.signals import SignalRules, episode_table, prepare_series, signal_table
from allianse.core.signals.signal import RUPTURE_DISCREPANCIES, RUPTURE_KINDS
from allianse.feedback.models import Administration, CheckStatus, Response
from allianse.feedback.series import SessionRow, series_frame, session_rows
from allianse.feedback.services import PATIENT_CHECK
from allianse.instruments import registry as instruments

from .models import (
    EpisodeEvent,
    EpisodeKind,
    Recovery,
    RuptureEpisode,
    Signal,
)
from .notifications import notify_therapists
from .observers import ObserverView, observer_views, with_observers
from .rules import current_rules
from .services import log_event, marker_items_of

Action = EpisodeEvent.Action
# The therapist's answer about the kind of rupture (the options of the therapist check's item with
# role rupture_kind, alliance-therapist.yaml) -> episode kind.
THERAPIST_KINDS = {
    "withdrawal": EpisodeKind.WITHDRAWAL,
    "confrontation": EpisodeKind.CONFRONTATION,
    "both": EpisodeKind.BOTH,
    "unsure": EpisodeKind.UNCLEAR,
}
# The status of a core episode (allianse.core.signals.episodes) -> the recovery it suggests.
RECOVERY = {"repaired": Recovery.RECOVERED, "unrepaired": Recovery.NOT_RECOVERED, "open": Recovery.PENDING}
Span = tuple[int, int, str]  # a core episode: its first and last session number, its status


@dataclass
class UpdateResult:
    new_signals: list[Signal] = field(default_factory=list)
    opened: list[RuptureEpisode] = field(default_factory=list)
    retracted: int = 0


def update_for_treatment(*, treatment: Treatment, notify: bool = True, now: datetime | None = None) -> UpdateResult:
    """Run the signal rules over the treatment's series and bring signals and episodes up to date;
    with `notify`, new signals enqueue the therapists' e-mail (`notifications.notify_therapists`).

    Idempotent: a second run on the same data stores nothing new. The series is read and the
    core's tables computed before the write transaction (`_Computed`): on SQLite, whose
    transactions take the database's write lock at their start, every other writer (patients
    submitting checks among them) would otherwise wait for the pandas work. Under the lock the
    tables are computed again only if what they rest on changed in between.
    """
    now = now or timezone.now()
    computed = _Computed.read(treatment, now)
    with transaction.atomic():
        # One update per treatment at a time: two checks arriving together would otherwise both
        # store the same new signals. What is stored follows from the data as they are under the
        # lock: tables from before a change another update has stored since would undo its work.
        Treatment.objects.select_for_update().filter(pk=treatment.pk).first()
        if not computed.is_current(treatment):
            computed = _Computed.read(treatment, now)
        if computed.tables is None:
            return UpdateResult()
        book = _EpisodeBook(treatment, computed.rows, computed.tables, now)
        first = not book.stored and not book.open  # nothing stored before: see `announce`
        retracted = book.store_signals()
        book.assign()
        book.update_recovery()
        result = UpdateResult(new_signals=book.new, opened=book.opened, retracted=retracted)
        if notify:
            announce(treatment.pk, result, latest_session_id=computed.rows[-1].session.pk if first else None)
    return result


@dataclass(frozen=True)
class _Tables:
    """The core's signal and episode tables of a treatment's due sessions, with the observers'
    views and the clinic's rules they were computed with."""

    views: dict[int, ObserverView]
    rules: SignalRules
    signals: pd.DataFrame
    episodes: pd.DataFrame


@dataclass(frozen=True)
class _Computed:
    """What an update stores from: the treatment's due session rows and their tables (None when
    no session is due), with the state of the series they were read from (`_series_state`)."""

    state: tuple
    rows: list[SessionRow]
    tables: _Tables | None

    @classmethod
    def read(cls, treatment: Treatment, now: datetime) -> _Computed:
        state = _series_state(treatment)  # first: a change after it shows in `is_current`
        rows = [row for row in session_rows(treatment) if _is_due(row, now)]
        if not rows:
            return cls(state, rows, None)
        views, rules = observer_views(treatment.sessions.all()), current_rules()
        frame = with_observers(series_frame(str(treatment.public_id), rows), views, [row.session.pk for row in rows])
        series = prepare_series(frame, rules.scales)  # once for both tables
        signals = signal_table(series, rules)
        return cls(state, rows, _Tables(views, rules, signals, episode_table(series, signals, rules)))

    def is_current(self, treatment: Treatment) -> bool:
        """Whether the tables still follow from the stored data: the series' state, the observers'
        views and the clinic's rules are as they were read (a few queries, no pandas)."""
        if _series_state(treatment) != self.state:
            return False
        if self.tables is None:
            return True
        rules, read = current_rules(), self.tables.rules
        same_rules = rules == read and rules.change_basis == read.change_basis  # equality leaves the basis out
        return same_rules and observer_views(treatment.sessions.all()) == self.tables.views


def _series_state(treatment: Treatment) -> tuple:
    """What `session_rows` and `_is_due` read, as plain values: the sessions, the ids of their
    responses (never edited: a correction is a new one) and the patient check links. Equal
    states give equal rows, at a fraction of the cost of reading them."""
    sessions = treatment.sessions.order_by("pk").values_list("pk", "number", "attended", "starts_at")
    responses = Response.objects.filter(session__treatment=treatment).order_by("pk").values_list("pk", flat=True)
    links = Administration.objects.filter(session__treatment=treatment, instrument_key=PATIENT_CHECK)
    return tuple(sessions), tuple(responses), tuple(links.order_by("pk").values_list("pk", "revoked_at", "expires_at"))


def announce(treatment_id: int, result: UpdateResult, *, latest_session_id: int | None = None) -> None:
    """Enqueue the therapists' e-mail about the result's new signals, if any, in the current
    transaction: the e-mail is queued if and only if the signals are stored.

    A treatment's first update (nothing stored before it: a treatment imported with its history,
    or the first run of the rules after an upgrade) stores signals from its whole history at once;
    only those of its latest due session (`latest_session_id`) are news, as a check arriving now
    would be. The rest is on the patient's page, without a trust's worth of e-mail."""
    if latest_session_id is not None:
        news = [signal for signal in result.new_signals if signal.session_id == latest_session_id]
        result = UpdateResult(new_signals=news)
    if result.new_signals:
        background.enqueue(notify_therapists, treatment_id=treatment_id, episode_id=_episode_to_show(result))


def _episode_to_show(result: UpdateResult) -> int | None:
    """The episode the therapists' e-mail links to: the first one opened, or the one a new signal joined."""
    episode = result.opened[0] if result.opened else next((s.episode for s in result.new_signals if s.episode), None)
    return episode.pk if episode else None


def _is_due(row: SessionRow, now: datetime) -> bool:
    """A session enters the rules once its patient check is answered or can no longer be: a live
    link, or a session too recent to have been sent one, is not yet an unanswered check."""
    if row.patient is not None or not row.session.attended:
        return True
    if row.status == CheckStatus.SENT:
        return False
    recent = row.session.starts_at > now - timedelta(hours=settings.CHECK_LINK_HOURS)
    return not (row.status == CheckStatus.NOT_SENT and recent)


def is_rupture_type(signal: Signal) -> bool:
    return signal.kind in RUPTURE_KINDS or signal.detail in RUPTURE_DISCREPANCIES


class _EpisodeBook:
    """One treatment's stored signals and open episodes during one update.

    Episodes follow the core's rule (allianse.core.signals.episodes): a signal joins the open
    episode whose latest rupture-type signal lies in the same core episode as the signal's
    session, or a hand-opened episode within the repair window; a rupture-type signal that joins
    none opens a new episode, any other signal stays on its own.
    """

    def __init__(self, treatment: Treatment, rows: list[SessionRow], tables: _Tables, now: datetime) -> None:
        self.treatment, self.now = treatment, now
        self.table, self.core_episodes, self.rules = tables.signals, tables.episodes, tables.rules
        self.rows = {row.session.number: row for row in rows}
        self.stored = list(Signal.objects.filter(treatment=treatment).select_related("session"))
        self.new: list[Signal] = []
        self.opened: list[RuptureEpisode] = []
        self.opened_by: list[Signal] = []
        self.open = list(
            RuptureEpisode.objects.filter(treatment=treatment, status=RuptureEpisode.Status.OPEN)
            .select_related("first_session", "last_session", "recovery_session")
            .order_by("opened_at", "id")
        )

    def store_signals(self) -> int:
        """Store the signals not stored yet; retract those the data no longer support (returned)."""
        fresh = {(int(cast(int, r.session)), r.kind, r.detail): r for r in self.table.itertuples(index=False)}
        known = {(s.session.number, s.kind, s.detail): s for s in self.stored}
        self.new = Signal.objects.bulk_create([self._signal(r) for key, r in fresh.items() if key not in known])
        stale = {s.pk for key, s in known.items() if key not in fresh and key[0] in self.rows and not s.retracted_at}
        back = {s.pk for key, s in known.items() if key in fresh and s.retracted_at}
        retracted = Signal.objects.filter(pk__in=stale).update(retracted_at=self.now)
        Signal.objects.filter(pk__in=back).update(retracted_at=None)
        for signal in self.stored:
            if signal.pk in stale:
                signal.retracted_at = self.now
            elif signal.pk in back:
                signal.retracted_at = None
        return retracted

    def _signal(self, record) -> Signal:
        return signal_of(record, treatment=self.treatment, session=self.rows[int(record.session)].session)

    def _core_of(self, number: int) -> int | None:
        """The core episode whose span holds this session, if any."""
        spans = self.core_episodes
        inside = spans.index[(spans["first_session"] <= number) & (spans["last_session"] >= number)]
        return int(inside[0]) if len(inside) else None

    def _latest_rupture_session(self, episode: RuptureEpisode) -> int | None:
        numbers = [
            s.session.number
            for s in (*self.stored, *self.new)
            if s.episode_id == episode.pk and is_rupture_type(s) and not s.retracted_at
        ]
        return max(numbers) if numbers else None

    def assign(self) -> None:
        changed: dict[int, RuptureEpisode] = {}
        joined: dict[tuple[int, int], list[Signal]] = {}
        for signal in sorted(self.new, key=lambda s: (s.session.number, not is_rupture_type(s))):
            episode = self._episode_for(signal.session.number)
            if episode is None and is_rupture_type(signal):
                episode = self._open(signal)
            if episode is not None:
                signal.episode = episode
                self._extend(episode, signal)
                changed[episode.pk] = episode
                joined.setdefault((episode.pk, signal.session.number), []).append(signal)
        Signal.objects.bulk_update([s for s in self.new if s.episode_id], ["episode"])
        for episode in changed.values():
            episode.save(update_fields=["kind", "markers", "intensity", "last_session"])
        EpisodeEvent.objects.bulk_create(
            EpisodeEvent(
                episode=changed[key[0]],
                action=Action.OPENED if signals[0] in self.opened_by else Action.SIGNAL_JOINED,
                at=self.now,
                data={"session": key[1], "kinds": sorted({s.kind for s in signals})},
            )
            for key, signals in joined.items()
        )

    def _episode_for(self, number: int) -> RuptureEpisode | None:
        if not self.open:
            return None
        core = self._core_of(number)
        for episode in reversed(self.open):
            latest = self._latest_rupture_session(episode)
            if latest is None:
                assert episode.last_session is not None  # a patient's episode spans clinic sessions
                within = 0 <= number - episode.last_session.number <= self.rules.repair_window
                if episode.recovery == Recovery.PENDING and within:
                    return episode
            elif core is not None and self._core_of(latest) == core:
                return episode
        return None

    def _open(self, signal: Signal) -> RuptureEpisode:
        episode = RuptureEpisode.objects.create(
            treatment=self.treatment,
            first_session=signal.session,
            last_session=signal.session,
            opened_by_signal=signal,
            opened_at=self.now,
        )
        self.open.append(episode)
        self.opened.append(episode)
        self.opened_by.append(signal)
        return episode

    def _extend(self, episode: RuptureEpisode, signal: Signal) -> None:
        """Widen the episode to the signal's session and take in what that session's checks say."""
        row = self.rows[signal.session.number]
        assert episode.last_session is not None  # a patient's episode spans clinic sessions
        if signal.session.number > episode.last_session.number:
            episode.last_session = signal.session
        take_in(episode, row.patient, row.therapist)

    def update_recovery(self) -> None:
        """Record what the core's V-shape rule says about each open episode: a suggestion only."""
        for episode in self.open:
            latest = self._latest_rupture_session(episode)
            core = self._core_of(latest) if latest is not None else None
            if core is None:
                continue
            recovery = RECOVERY[str(self.core_episodes.at[core, "status"])]
            last_session = int(cast(int, self.core_episodes.at[core, "last_session"]))  # a session number
            session = None if recovery == Recovery.PENDING else self.rows[last_session].session
            if recovery == episode.recovery and session == episode.recovery_session:
                continue
            episode.recovery, episode.recovery_session = recovery, session
            episode.save(update_fields=["recovery", "recovery_session"])
            number = session.number if session else None
            log_event(episode, Action.RECOVERY_CHANGED, None, self.now, recovery=recovery, session=number)


def span_holding(spans: list[Span], number: int) -> int | None:
    """The index of the first of a treatment's core episodes whose span holds session `number`
    (as `_EpisodeBook._core_of` finds it)."""
    return next((i for i, (first, last, _status) in enumerate(spans) if first <= number <= last), None)


def signal_of(record, **where) -> Signal:
    """The Signal of one row of the core's signal table; `where` names its treatment and session
    (as instances or ids)."""
    return Signal(
        **where,
        kind=record.kind,
        detail=record.detail,
        value=None if pd.isna(record.value) else float(record.value),
        threshold=None if pd.isna(record.threshold) else float(record.threshold),
        explanation_en=record.explanation_en,
        explanation_nb=record.explanation_nb,
    )


def take_in(episode: RuptureEpisode, patient, therapist) -> None:
    """What a session's patient and therapist checks (current responses, or None) add to an
    episode the session's signal joins: the kind and markers the therapist names, the intensity."""
    kind, markers = observed_kind(therapist)
    episode.kind = merged_kind(episode.kind, kind)
    episode.markers = sorted(set(episode.markers) | set(markers))
    reported = [_intensity(r) for r in (patient, therapist) if r is not None]
    episode.intensity = max((i for i in (episode.intensity, *reported) if i is not None), default=None)


def _intensity(response) -> int | None:
    """The rupture intensity a patient's or therapist's check reports, if answered."""
    item = instruments.get(response.instrument_key).item_with_role(roles.RUPTURE_INTENSITY)
    return response.answers.get(item.id)


def observed_kind(response) -> tuple[str, list[str]]:
    """The kind and markers a therapist's check names (unclear when it names none)."""
    if response is None or not response.rupture_reported:
        return EpisodeKind.UNCLEAR, []
    therapist_check = instruments.get(response.instrument_key)
    marker_items = marker_items_of(therapist_check)
    markers = [marker for item in marker_items for marker in response.answers.get(item) or []]
    answered_kind = response.answers.get(therapist_check.item_with_role(roles.RUPTURE_KIND).id)
    kind: str = THERAPIST_KINDS.get(answered_kind, EpisodeKind.UNCLEAR)
    if kind == EpisodeKind.UNCLEAR:
        seen = {kind for item, kind in marker_items.items() if response.answers.get(item)}
        kind = seen.pop() if len(seen) == 1 else EpisodeKind.BOTH if seen else EpisodeKind.UNCLEAR
    return kind, markers


def merged_kind(current: str, observed: str) -> str:
    """Withdrawal and confrontation seen in one episode make it 'both' (Safran & Muran: the two
    kinds can occur together); an unclear observation changes nothing."""
    if observed == EpisodeKind.UNCLEAR or observed == current:
        return current
    if current == EpisodeKind.UNCLEAR:
        return observed
    return EpisodeKind.BOTH
