"""The daily rupture update over every running treatment, on the core's batch path.

Treatments are read in chunks, each as one frame from a few queries (`feedback.series.series_frames`
and the observers' views), and the signal and episode rules run once over the whole chunk. What
the rules find is compared with what is stored (two more queries): only a treatment whose signals
or whose open episodes' recovery would change is updated. A changed treatment with nothing stored
yet (the first run after an import or an upgrade) is written in bulk with the chunk's others
(`first_run`); one with stored signals or open episodes is updated in its own transaction by
`updates.update_for_treatment`. On unchanged data a chunk thus costs a few queries and no write.
The database reads the next chunks (`read_stored`) while the rules examine this one (`examine`).

One treatment's failure never stops the rest: an update that fails is rolled back and reported,
a chunk whose bulk write fails is rolled back and its treatments updated one by one, and so is a
chunk whose batch read fails (data the rules cannot take).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

import pandas as pd
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from allianse.clinic.models import Session, Treatment
from allianse.core.signals import SignalRules, episode_table, prepare_series, signal_table, with_explanations
from allianse.core.signals.signal import RUPTURE_DISCREPANCIES, RUPTURE_KINDS
from allianse.feedback.series import series_frames

from . import first_run
from .models import EpisodeEvent, Recovery, RuptureEpisode, Signal
from .observers import observer_views, with_observers
from .rules import current_rules
from .updates import RECOVERY, Span, span_holding, update_for_treatment

logger = logging.getLogger(__name__)

ANALYZE_AFTER = 10_000  # new signals in one run that make it a bulk import of its own
CHUNK = 2000  # treatments per batch read: a few tens of thousands of sessions
READERS = 2  # chunks read ahead at once, each in a thread of its own
STATE_COLUMNS = ["session_id", "starts_at", "answered", "links", "link_expires_at"]


@dataclass
class DailyResult:
    treatments: int = 0
    updated: int = 0
    new_signals: int = 0
    opened: int = 0
    failed: list[str] = field(default_factory=list)  # public ids of the treatments not updated


def update_running(*, notify: bool = True, now: datetime | None = None, chunk: int = CHUNK) -> DailyResult:
    """Bring every running treatment's signals and episodes up to date (see the module's docstring)."""
    now = now or timezone.now()
    ids = list(Treatment.objects.filter(ended_on__isnull=True).order_by("pk").values_list("pk", flat=True))
    result = DailyResult(treatments=len(ids))
    parts = [ids[start : start + chunk] for start in range(0, len(ids), chunk)]
    with _reader() as read:
        upcoming = deque(read(part, now) for part in parts[:READERS])
        rules = current_rules(keep=True)  # while the first chunks are read
        for index, part in enumerate(parts):
            pending = upcoming.popleft()
            if index + READERS < len(parts):
                upcoming.append(read(parts[index + READERS], now))
            try:
                examined = examine(pending.result(), rules)
            except Exception:
                logger.exception("Batch rupture update failed for %d treatments; updating them one by one", len(part))
                _update_each(part, result, notify=notify, now=now)
                continue
            if examined is not None:
                written = _write_first_runs(examined, result, notify=notify, now=now)
                _update_each(examined.changed - written, result, notify=notify, now=now)
    if result.new_signals >= ANALYZE_AFTER:
        _analyze()
    return result


@contextmanager
def _reader() -> Iterator[Callable[[list[int], datetime], Future]]:
    """`read_stored` as a future: in `READERS` threads, each with a database connection of its
    own, so that the database reads the next chunks while this one is examined and written (reading
    takes the longer: the database's part and the driver's overlap across two readers); in the
    caller's thread inside a transaction, which another connection would not see."""
    if connection.in_atomic_block:
        yield _read_here
        return
    with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="daily-read") as pool:
        yield lambda treatment_ids, now: pool.submit(_read_apart, treatment_ids, now)


def _read_apart(treatment_ids: list[int], now: datetime) -> Stored | None:
    """`read_stored` in a reader thread, whose connection is closed when done: no thread of the
    pool is left holding one."""
    try:
        return read_stored(treatment_ids, now)
    finally:
        connections.close_all()


def _read_here(treatment_ids: list[int], now: datetime) -> Future:
    done: Future = Future()
    try:
        done.set_result(read_stored(treatment_ids, now))
    except Exception as error:
        done.set_exception(error)
    return done


def _analyze() -> None:
    """Fresh planner statistics for the tables a first run filled: until autovacuum gets to them,
    PostgreSQL would plan the pages' queries as if they were still empty."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(model._meta.db_table for model in (Signal, RuptureEpisode, EpisodeEvent))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _write_first_runs(read: Chunk, result: DailyResult, *, notify: bool, now: datetime) -> set[int]:
    """Write the changed treatments with nothing stored in bulk (`first_run`); those written."""
    fresh = read.fresh()
    if not fresh:
        return set()
    try:
        with transaction.atomic():
            done = first_run.store(read, fresh, notify=notify, now=now)
    except Exception:
        logger.exception("Bulk rupture update failed for %d treatments; updating them one by one", len(fresh))
        return set()
    for each in done.values():
        _count(result, each)
    return set(done)


def _update_each(treatment_ids: Iterable[int], result: DailyResult, *, notify: bool, now: datetime) -> None:
    for treatment in Treatment.objects.filter(pk__in=list(treatment_ids)).select_related("patient").order_by("pk"):
        try:
            with transaction.atomic():
                done = update_for_treatment(treatment=treatment, notify=notify, now=now)
        except Exception:
            logger.exception("Rupture update failed for treatment %s", treatment.public_id)
            result.failed.append(str(treatment.public_id))
            continue
        _count(result, done)


def _count(result: DailyResult, done) -> None:
    result.updated += 1
    result.new_signals += len(done.new_signals)
    result.opened += len(done.opened)


@dataclass
class Chunk:
    """One chunk's batch read: its due series (`frame`, with `session_id`), the signals the rules
    find in it (`table`, without explanations), what is stored of its treatments, and which of
    them an update would change."""

    frame: pd.DataFrame
    series: pd.DataFrame
    table: pd.DataFrame
    rules: SignalRules
    stored: list[tuple]  # signals: treatment id, session number, kind, detail, retracted_at, episode id
    changed: set[int] = field(default_factory=set)
    with_open_episodes: set[int] = field(default_factory=set)

    @cached_property
    def spans(self) -> dict[str, list[Span]]:
        """The core's episodes of the chunk (`episode_table`) by treatment (its id as text), in order."""
        table = episode_table(self.series, self.table, self.rules)
        spans: dict[str, list[Span]] = {}
        columns = (table[name].tolist() for name in ("treatment", "first_session", "last_session", "status"))
        for treatment, first, last, status in zip(*columns, strict=True):
            spans.setdefault(treatment, []).append((int(first), int(last), str(status)))
        return spans

    def explained(self, keys: set[str]) -> pd.DataFrame:
        """The signal table of the treatments `keys` (ids as text), with explanations: `table` has
        none, since most of a daily run's signals are only compared with what is stored."""
        return with_explanations(self.table[self.table["treatment"].isin(keys)], self.rules)

    def fresh(self) -> set[int]:
        """The changed treatments with no stored signal and no open episode."""
        return self.changed - {row[0] for row in self.stored} - self.with_open_episodes


@dataclass(frozen=True)
class Stored:
    """What the database holds of a chunk's treatments: their due series (`series_frames` with
    the observers' column), their stored signals and their open episodes."""

    frame: pd.DataFrame
    signals: list[tuple]  # treatment id, session number, kind, detail, retracted_at, episode id
    episodes: list[tuple]  # open: id, treatment id, recovery, recovery session number


def read_stored(treatment_ids: list[int], now: datetime) -> Stored | None:
    """The database's part of a chunk's read (a few queries, no rules, in no order: sorting them is
    work the database would do for nothing); None when no session is due."""
    frame = series_frames(treatment_ids)
    frame = frame[due(frame, now)]
    if frame.empty:
        return None
    views = observer_views(Session.objects.filter(treatment_id__in=treatment_ids))
    stored = (
        Signal.objects.filter(treatment_id__in=treatment_ids)
        .order_by()
        .values_list("treatment_id", "session__number", "kind", "detail", "retracted_at", "episode_id")
    )
    episodes = (
        RuptureEpisode.objects.filter(treatment_id__in=treatment_ids, status=RuptureEpisode.Status.OPEN)
        .order_by()
        .values_list("id", "treatment_id", "recovery", "recovery_session__number")
    )
    return Stored(with_observers(frame, views, frame["session_id"].tolist()), list(stored), list(episodes))


def examine(read: Stored | None, rules: SignalRules) -> Chunk | None:
    """The rules over a chunk's due series, and the treatments that `update_for_treatment` would
    change: a signal to store, retract or restore, or an open episode whose recovery the rules
    now see otherwise."""
    if read is None:
        return None
    frame, stored, episodes = read.frame, read.signals, read.episodes
    series = prepare_series(frame.drop(columns=STATE_COLUMNS), rules.scales)
    table = signal_table(series, rules, explained=False)
    chunk = Chunk(frame, series, table, rules, stored, with_open_episodes={row[1] for row in episodes})
    fresh = set(zip(*_lists(table, "treatment", "session", "kind", "detail"), strict=True))
    due_sessions = set(zip(*_lists(series, "treatment", "session"), strict=True))
    seen = set()
    for treatment, number, kind, detail, retracted_at, _ in stored:
        key = (str(treatment), number, kind, detail)
        if key in fresh:
            seen.add(key)
            if retracted_at is not None:
                chunk.changed.add(treatment)
        elif retracted_at is None and key[:2] in due_sessions:
            chunk.changed.add(treatment)
    chunk.changed |= {int(key[0]) for key in fresh - seen}
    chunk.changed |= _recovery_changed(chunk, [row for row in episodes if row[1] not in chunk.changed])
    return chunk


def _lists(frame: pd.DataFrame, *names: str) -> list[list]:
    """Columns as Python lists (`session` as whole numbers), converted at once: walking a column of
    pandas' string type value by value costs microseconds a value."""
    return [(frame[name].astype(int) if name == "session" else frame[name]).tolist() for name in names]


def _recovery_changed(read: Chunk, episodes: list[tuple]) -> set[int]:
    """The treatments of open `episodes` (id, treatment id, recovery, recovery session number) whose
    recovery the core's V-shape rule now sees otherwise."""
    if not episodes:
        return set()
    latest: dict[int, int] = {}
    for _, number, kind, detail, retracted_at, episode_id in read.stored:
        if (
            episode_id is not None
            and retracted_at is None
            and (kind in RUPTURE_KINDS or detail in RUPTURE_DISCREPANCIES)
        ):
            latest[episode_id] = max(number, latest.get(episode_id, number))
    found = set()
    for episode_id, treatment, recovery, recovery_number in episodes:
        number = latest.get(episode_id)
        spans = read.spans.get(str(treatment), [])
        span = span_holding(spans, number) if number is not None else None
        if span is None:
            continue
        _first, last, status = spans[span]
        seen = RECOVERY[status]
        if (seen, None if seen == Recovery.PENDING else last) != (recovery, recovery_number):
            found.add(treatment)
    return found


def due(frame: pd.DataFrame, now: datetime):
    """`updates._is_due` over a frame of `series_frames`: answered or missed sessions, and checks
    that can no longer be answered (the newest live link expired, or none sent once the session
    is older than a link lives)."""
    expires = pd.to_datetime(frame["link_expires_at"], utc=True)
    sent = frame["links"] & (expires > now)
    recent = pd.to_datetime(frame["starts_at"], utc=True) > now - timedelta(hours=settings.CHECK_LINK_HOURS)
    not_sent = ~frame["links"]
    return frame["answered"] | (frame["attended"] == 0) | ~(sent | (not_sent & recent))
