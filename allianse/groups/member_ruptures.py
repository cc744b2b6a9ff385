"""Rupture episodes with members of therapy groups, opened and widened by the group signals.

A member whose cohesion or alliance falls markedly below their own level or below the group's is
drifting away from the group: a withdrawal rupture (absence and disengagement are withdrawal
markers, Safran & Muran 2000; docs/methods.md#member-ruptures), worked through with the repair
guide's withdrawal path.
The group signals (allianse.core.signals.group, stored by allianse.groups.signal_store) are derived
rows, replaced whenever a session's data change; the episode is the therapists' record and keeps
its span, notes and history. Conflict belongs to the group as a whole and opens no episode.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from allianse.core.groups import session_means
from allianse.core.measures import roles
from allianse.core.signals.group import GroupKind
from allianse.instruments import registry as instruments
from allianse.ruptures.attention import QUIET, URGENCY
from allianse.ruptures.models import SCORE_WINDOW, EpisodeEvent, EpisodeKind, RuptureEpisode
from allianse.ruptures.pages import latest_start
from allianse.ruptures.rules import current_rules

from .models import GroupSession, GroupSignal, TherapyGroup
from .series import ALLIANCE, CLIMATE, group_scores, load_group_data

Action = EpisodeEvent.Action
WITHDRAWAL, ABSENCE = GroupKind.WITHDRAWAL.value, GroupKind.ABSENCE.value
# Withdrawal opens an episode; repeated absence joins one already open (absence after a rupture is
# a dropout risk: Muran et al. 2009) but on its own stays a signal of the group page.
JOINING = (WITHDRAWAL, ABSENCE)


# --- opening and widening episodes as the group signals change --------------------------------


def update_member_episodes(*, group: TherapyGroup, signals: list[GroupSignal], now: datetime | None = None) -> None:
    """Open or widen the members' episodes from freshly stored group signals (sessions loaded).

    Idempotent: a signal inside the span of one of the member's episodes (open or closed) changes
    nothing. A withdrawal or absence signal within the clinic's repair window of an open episode
    widens it; a withdrawal signal that joins none opens a withdrawal episode.
    """
    found = sorted(
        (s for s in signals if s.membership_id and s.kind in JOINING),
        key=lambda s: (s.session.number, s.kind != WITHDRAWAL),
    )
    if not found:
        return
    now = now or timezone.now()
    window = current_rules().repair_window
    with transaction.atomic():
        TherapyGroup.objects.select_for_update().filter(pk=group.pk).first()
        book = _MemberBook(group, window, found)
        for signal in found:
            book.take(signal, now)
        book.save(now)


class _MemberBook:
    """The group's member episodes during one update, and what changed in them."""

    def __init__(self, group: TherapyGroup, window: int, found: list[GroupSignal]) -> None:
        """Reads the episodes that can hold a signal of `found` (in session order) or lie within
        the repair window of one: the members' episodes ending at most `window` sessions before
        the earliest signal."""
        self.window = window
        self.episodes: dict[int, list[RuptureEpisode]] = {}
        episodes = RuptureEpisode.objects.filter(
            membership__group=group,
            membership_id__in={signal.membership_id for signal in found},
            last_group_session__number__gte=found[0].session.number - window,
        ).select_related("first_group_session", "last_group_session")
        for episode in episodes.order_by("opened_at", "id"):
            self.episodes.setdefault(episode.membership_id, []).append(episode)
        self.changed: dict[int, RuptureEpisode] = {}
        self.opened: dict[int, int] = {}  # episode pk -> the session that opened it
        self.joined: dict[tuple[int, int], set[str]] = {}  # (episode pk, session number) -> signal kinds

    def take(self, signal: GroupSignal, now: datetime) -> None:
        mine = self.episodes.setdefault(signal.membership_id, [])
        number = signal.session.number
        if any(e.first_group_session.number <= number <= e.last_group_session.number for e in mine):
            return
        episode = self._open_near(mine, number)
        if episode is None:
            if signal.kind != WITHDRAWAL:
                return
            episode = RuptureEpisode.objects.create(
                membership_id=signal.membership_id,
                kind=EpisodeKind.WITHDRAWAL,
                first_group_session=signal.session,
                last_group_session=signal.session,
                opened_at=now,
            )
            mine.append(episode)
            self.opened[episode.pk] = number
        elif number < episode.first_group_session.number:
            episode.first_group_session = signal.session
            self.changed[episode.pk] = episode
        else:
            episode.last_group_session = signal.session
            self.changed[episode.pk] = episode
        self.joined.setdefault((episode.pk, number), set()).add(signal.kind)

    def _open_near(self, mine: list[RuptureEpisode], number: int) -> RuptureEpisode | None:
        """The member's open episode whose span lies within the repair window of the session."""
        near = [
            e
            for e in mine
            if e.is_open
            and e.first_group_session.number - self.window <= number <= e.last_group_session.number + self.window
        ]
        return max(near, key=lambda e: e.last_group_session.number, default=None)

    def save(self, now: datetime) -> None:
        RuptureEpisode.objects.bulk_update(self.changed.values(), ["first_group_session", "last_group_session"])
        EpisodeEvent.objects.bulk_create(
            EpisodeEvent(
                episode_id=pk,
                action=Action.OPENED if self.opened.get(pk) == number else Action.SIGNAL_JOINED,
                at=now,
                data={"session": number, "kinds": sorted(kinds)},
            )
            for (pk, number), kinds in self.joined.items()
        )


# --- the episode page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberScoreRow:
    """One group session around a member's episode: attendance, the member's scores, the group's."""

    phase: str  # before, during, after
    session: GroupSession
    status: str
    cohesion: float | None
    group_cohesion: float | None
    alliance: float | None


def episode_context(episode: RuptureEpisode) -> dict:
    """The member, their group, the signals within the episode and the scores around it."""
    membership = episode.membership
    span = (episode.first_group_session.number, episode.last_group_session.number)
    signals = GroupSignal.objects.filter(membership=membership, session__number__range=span)
    return {
        "membership": membership,
        "group": membership.group,
        "signals": list(signals.select_related("session").order_by("session__number", "kind")),
        "scores": member_scores(episode),
        **score_ranges(),
    }


def score_ranges() -> dict[str, tuple[float, float]]:
    """The ranges of a member's cohesion and alliance scores, for the column heads."""
    climate, alliance = instruments.get(CLIMATE), instruments.get(ALLIANCE)
    return {
        "cohesion_range": climate.score_range(climate.score_with_role(roles.COHESION)),
        "alliance_range": alliance.score_range(alliance.score_with_role(roles.ALLIANCE)),
    }


def member_scores(episode: RuptureEpisode) -> list[MemberScoreRow]:
    """The member's attendance, cohesion and alliance before, during and after the episode, with
    the group's mean cohesion (4 queries)."""
    group = episode.membership.group
    scores = group_scores()
    frame = load_group_data(group).frame
    means = session_means(frame, [scores.cohesion]).set_index("session")[scores.cohesion]
    mine = frame[frame["member"] == episode.membership_id].set_index("session")
    first, last = episode.first_group_session.number, episode.last_group_session.number
    around = group.sessions.filter(
        number__range=(first - SCORE_WINDOW, last + SCORE_WINDOW), number__in=mine.index.tolist()
    )
    return [
        MemberScoreRow(
            phase=episode.phase_of(session.number),
            session=session,
            status=mine.at[session.number, "status"],
            cohesion=_number(mine.at[session.number, scores.cohesion]),
            group_cohesion=_number(means.get(session.number)),
            alliance=_number(mine.at[session.number, scores.alliance]),
        )
        for session in around.order_by("number")
    ]


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


# --- needs attention ----------------------------------------------------------------------------


@dataclass
class GroupAttentionItem:
    """A member's open episode, or what the group's latest session signals outside any episode."""

    group: TherapyGroup
    latest_session: int  # the number of the group's latest session
    episode: RuptureEpisode | None = None
    signals: list[GroupSignal] = field(default_factory=list)

    @property
    def patient(self):
        return self.episode.patient if self.episode is not None else None

    @property
    def patients(self) -> list:
        """The patients the item names (for the audit log)."""
        if self.episode is not None:
            return [self.patient]
        return [signal.membership.patient for signal in self.signals if signal.membership_id]

    @property
    def new_signals(self) -> list[GroupSignal]:
        """Group signals are derived rows without a seen mark: those of the latest session are new."""
        return [signal for signal in self.signals if signal.session.number == self.latest_session]

    @property
    def urgency(self) -> int:
        return min([URGENCY.get(signal.kind, QUIET) for signal in self.new_signals] + [QUIET])

    @property
    def latest(self) -> datetime:
        return latest_start(self.signals, self.episode)

    @property
    def shown_signals(self) -> list[GroupSignal]:
        """The newest signals first, at most three, as for a patient's item."""
        return sorted(self.signals, key=lambda signal: (-signal.session.number, signal.kind))[:3]


def attention_items(therapist) -> list[GroupAttentionItem]:
    """Open member episodes of the therapist's groups, and each running group's latest-session
    signals that belong to no open episode, e.g. conflict in the group (2 queries)."""
    episodes = list(
        RuptureEpisode.objects.filter(membership__group__therapists=therapist, status=RuptureEpisode.Status.OPEN)
        .select_related(
            "membership__patient", "membership__group", "first_group_session", "last_group_session", "opened_by"
        )
        .order_by("opened_at", "id")
    )
    latest = GroupSession.objects.filter(group=OuterRef("group")).order_by("-number").values("number")[:1]
    signals = (
        GroupSignal.objects.filter(group__therapists=therapist)
        .annotate(latest=Subquery(latest))
        .filter(
            Q(session__number=F("latest"), group__ended_on__isnull=True)
            | Q(membership__in=[episode.membership_id for episode in episodes])
        )
        .select_related("session", "group", "membership__patient")
        .order_by("session__number", "kind")
    )
    items = {
        episode.pk: GroupAttentionItem(group=episode.membership.group, latest_session=0, episode=episode)
        for episode in episodes
    }
    by_member = {episode.membership_id: items[episode.pk] for episode in episodes}
    loose: dict[int, GroupAttentionItem] = {}
    latest_of: dict[int, int] = {}
    for signal in signals:
        latest_of[signal.group_id] = max(latest_of.get(signal.group_id, 0), signal.latest or 0)
        item = by_member.get(signal.membership_id)
        if item is not None and _within(item.episode, signal.session.number):
            item.signals.append(signal)
        elif signal.session.number == signal.latest:
            loose.setdefault(signal.group_id, GroupAttentionItem(group=signal.group, latest_session=0))
            loose[signal.group_id].signals.append(signal)
    found = [*items.values(), *loose.values()]
    for item in found:
        item.latest_session = latest_of.get(item.group.pk, 0)
    return found


def _within(episode: RuptureEpisode, number: int) -> bool:
    return episode.first_group_session.number <= number <= episode.last_group_session.number
