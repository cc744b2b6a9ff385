"""The daily rupture update over every running treatment, on the core's batch path.

Treatments are read in chunks, each as one frame from four queries (`feedback.series.series_frames`),
and the signal and episode rules run once over the whole chunk. What the rules find is compared
with what is stored (two more queries): only a treatment whose signals or whose open episodes'
recovery would change is then updated, in its own transaction, by `updates.update_for_treatment`,
which writes what changed. On unchanged data a chunk thus costs six queries and no write.

One treatment's failure never stops the rest: an update that fails is rolled back and reported,
and a chunk whose batch read fails (data the rules cannot take) is updated treatment by treatment.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from allianse.clinic.models import Treatment
from allianse.core.signals import SignalRules, episode_table, prepare_series, signal_table
from allianse.core.signals.signal import RUPTURE_DISCREPANCIES, RUPTURE_KINDS
from allianse.feedback.series import series_frames

from .models import Recovery, RuptureEpisode, Signal
from .rules import current_rules
from .updates import update_for_treatment

logger = logging.getLogger(__name__)

CHUNK = 2000  # treatments per batch read: a few tens of thousands of sessions
STATE_COLUMNS = ["session_id", "starts_at", "answered", "links", "link_expires_at"]
RECOVERY = {"repaired": Recovery.RECOVERED, "unrepaired": Recovery.NOT_RECOVERED, "open": Recovery.PENDING}


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
    rules = current_rules()
    ids = list(Treatment.objects.filter(ended_on__isnull=True).order_by("pk").values_list("pk", flat=True))
    result = DailyResult(treatments=len(ids))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        try:
            changed = changed_treatments(part, rules, now)
        except Exception:
            logger.exception("Batch rupture update failed for %d treatments; updating them one by one", len(part))
            changed = part
        _update_each(changed, result, notify=notify, now=now)
    return result


def _update_each(treatment_ids: Iterable[int], result: DailyResult, *, notify: bool, now: datetime) -> None:
    for treatment in Treatment.objects.filter(pk__in=list(treatment_ids)).select_related("patient").order_by("pk"):
        try:
            with transaction.atomic():
                done = update_for_treatment(treatment=treatment, notify=notify, now=now)
        except Exception:
            logger.exception("Rupture update failed for treatment %s", treatment.public_id)
            result.failed.append(str(treatment.public_id))
            continue
        result.updated += 1
        result.new_signals += len(done.new_signals)
        result.opened += len(done.opened)


def changed_treatments(treatment_ids: list[int], rules: SignalRules, now: datetime) -> set[int]:
    """The treatments among `treatment_ids` that `update_for_treatment` would change: a signal to
    store, retract or restore, or an open episode whose recovery the rules now see otherwise."""
    frame = series_frames(treatment_ids)
    frame = frame[due(frame, now)]
    if frame.empty:
        return set()
    series = prepare_series(frame.drop(columns=STATE_COLUMNS), rules.scales)
    table = signal_table(series, rules)
    fresh = set(zip(table["treatment"], table["session"].astype(int), table["kind"], table["detail"], strict=True))
    due_sessions = set(zip(series["treatment"], series["session"].astype(int), strict=True))
    stored = list(
        Signal.objects.filter(treatment_id__in=treatment_ids).values_list(
            "treatment_id", "session__number", "kind", "detail", "retracted_at", "episode_id"
        )
    )
    changed: set[int] = set()
    seen = set()
    for treatment, number, kind, detail, retracted_at, _ in stored:
        key = (str(treatment), number, kind, detail)
        if key in fresh:
            seen.add(key)
            if retracted_at is not None:
                changed.add(treatment)
        elif retracted_at is None and key[:2] in due_sessions:
            changed.add(treatment)
    changed |= {int(key[0]) for key in fresh - seen}
    return changed | _recovery_changed(treatment_ids, stored, series, table, rules, changed)


def _recovery_changed(treatment_ids, stored, series, table, rules, changed: set[int]) -> set[int]:
    """The treatments with an open episode whose recovery the core's V-shape rule now sees otherwise."""
    episodes = [
        row
        for row in RuptureEpisode.objects.filter(
            treatment_id__in=treatment_ids, status=RuptureEpisode.Status.OPEN
        ).values_list("id", "treatment_id", "recovery", "recovery_session__number")
        if row[1] not in changed
    ]
    if not episodes:
        return set()
    latest: dict[int, int] = {}
    for _, number, kind, detail, retracted_at, episode_id in stored:
        if (
            episode_id is not None
            and retracted_at is None
            and (kind in RUPTURE_KINDS or detail in RUPTURE_DISCREPANCIES)
        ):
            latest[episode_id] = max(number, latest.get(episode_id, number))
    spans = episode_table(series, table, rules)
    by_treatment = {key: group for key, group in spans.groupby("treatment", sort=False)}
    found = set()
    for episode_id, treatment, recovery, recovery_number in episodes:
        number = latest.get(episode_id)
        span = _span_of(by_treatment.get(str(treatment)), number)
        if span is None:
            continue
        seen = RECOVERY[str(span["status"])]
        session = None if seen == Recovery.PENDING else int(span["last_session"])
        if (seen, session) != (recovery, recovery_number):
            found.add(treatment)
    return found


def _span_of(spans: pd.DataFrame | None, number: int | None):
    """The core episode whose span holds session `number`, as `_EpisodeBook._core_of` finds it."""
    if spans is None or number is None:
        return None
    inside = spans[(spans["first_session"] <= number) & (spans["last_session"] >= number)]
    return inside.iloc[0] if len(inside) else None


def due(frame: pd.DataFrame, now: datetime):
    """`updates._is_due` over a frame of `series_frames`: answered or missed sessions, and checks
    that can no longer be answered (the newest live link expired, or none sent once the session
    is older than a link lives)."""
    expires = pd.to_datetime(frame["link_expires_at"], utc=True)
    sent = frame["links"] & (expires > now)
    recent = pd.to_datetime(frame["starts_at"], utc=True) > now - timedelta(hours=settings.CHECK_LINK_HOURS)
    not_sent = ~frame["links"]
    return frame["answered"] | (frame["attended"] == 0) | ~(sent | (not_sent & recent))
