"""Storing the group signals computed by the core (allianse.core.signals.group).

Signals are derived data: when a session's attendance changes, the signals of that session and the
later ones are computed again and replace the stored ones; `refresh_group_signals` does every
session of a group (e.g. after an import, or for the demo). A member's answers change fewer of
them, and `compute_member_signals` reads only what those need, so that its cost does not grow with
the group's history. All run the core's one implementation over (part of) the group's frame. Pages
read the stored rows; they never recompute. A member's withdrawal then opens or widens a rupture
episode with the member (allianse.groups.member_ruptures).

One refresh of a group at a time: each locks the group's row and stores what the data read under
the lock give. Two members answering at once would otherwise each store signals computed without
the other's answers, or both their rows. A member's signals are computed before the transaction
that stores them (`compute_member_signals`, `store_member_signals`): on SQLite, whose transactions
take the database's write lock at their start, every other writer would otherwise wait for the
pandas work. Under the lock they are computed again only if the data read changed in between.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from allianse.core.signals import group as core
from allianse.instruments import registry as instruments

from .member_ruptures import update_member_episodes
from .models import Attendance, GroupSession, GroupSignal, TherapyGroup
from .series import CLIMATE, group_scores, load_group_frame, signal_input

OWN_LEVEL = (core.GroupDetail.COHESION_OWN_LEVEL.value, core.GroupDetail.ALLIANCE_OWN_LEVEL.value)
BELOW_GROUP = core.GroupDetail.COHESION_BELOW_GROUP.value
CONFLICT = core.GroupKind.CONFLICT.value


def refresh_session_signals(*, session: GroupSession) -> list[GroupSignal]:
    """Replace the stored signals of `session` and of every later session of its group: the rules
    read a session and the ones before it, so corrected attendance can change what the later
    sessions show."""
    return _store(_Since(session.group, session.number))


def refresh_group_signals(*, group: TherapyGroup) -> list[GroupSignal]:
    return _store(_Since(group, 1))


@dataclass(frozen=True)
class Computed:
    """Signals computed ahead of the transaction that stores them, with what they were computed from."""

    scope: _Since
    data: _Input
    found: list[core.GroupSignal]


def compute_member_signals(*, session: GroupSession, membership_id: int, scores: dict) -> Computed:
    """The signals a member's response to `session` with `scores` can change (`_MemberAnswers`),
    computed before the response is stored; `store_member_signals` stores them with it."""
    scope = _MemberAnswers(session.group, session.number, membership_id)
    data = scope.read(answered=scores)
    return Computed(scope, data, _found(scope, data))


def store_member_signals(computed: Computed) -> list[GroupSignal]:
    """Store `computed` in the transaction that stores the member's response, after that response."""
    return _store(computed.scope, computed)


@dataclass(frozen=True, eq=False)
class _Input:
    """What the core's rules are given, and for a member's answers the first and last session of
    the window read around theirs."""

    frame: pd.DataFrame
    window: tuple[int, int] | None = None

    def same(self, other: _Input) -> bool:
        return self.window == other.window and self.frame.equals(other.frame)


@dataclass(frozen=True)
class _Since:
    """Every signal of the group from session `since` on."""

    group: TherapyGroup
    since: int

    def read(self) -> _Input:
        return _Input(signal_input(self.group, load_group_frame(self.group)))

    def changed(self, table: pd.DataFrame, data: _Input) -> pd.Series:
        return table["session"] >= self.since

    def replaced(self, data: _Input) -> Q:
        return Q(session__number__gte=self.since)

    def episode_signals(self, stored: list[GroupSignal]) -> list[GroupSignal]:
        return stored


@dataclass(frozen=True)
class _MemberAnswers(_Since):
    """The signals a member's answers to session `since` can change.

    Their scores count in the member's own level (their own-level signals from this session on),
    in the other members' mean of this session (everyone's below-the-group signals there) and in
    the group's mean conflict (conflict in this session and in the `conflict_window` sessions after,
    whose reference it enters); attendance and the other members' own levels stay as they were. So
    the core reads the member's own series and everyone's rows of the sessions from
    `conflict_window` before this one to `conflict_window` after it: the same signals as a refresh
    of the whole group, from a frame that does not grow with the group's history.
    """

    member: int

    def read(self, answered: dict | None = None) -> _Input:
        """With `answered`, the scores of the member's response to the session, as once it is stored."""
        window = _around(self.group, self.since, group_rules().conflict_window)
        sessions = GroupSession.objects.filter(group=self.group, number__range=window).values("pk")
        frame = load_group_frame(self.group, Q(membership_id=self.member) | Q(session__in=sessions))
        if answered:
            frame = _with_scores(frame, self.member, self.since, answered)
        return _Input(signal_input(self.group, frame), window)

    def changed(self, table: pd.DataFrame, data: _Input) -> pd.Series:
        member, at, kind, detail = (table[name] for name in ("member", "session", "kind", "detail"))
        number, last = self.since, data.window[1]
        return (
            ((member == str(self.member)) & detail.isin(OWN_LEVEL) & (at >= number))
            | ((detail == BELOW_GROUP) & (at == number))
            | ((kind == CONFLICT) & at.between(number, last))
        )

    def replaced(self, data: _Input) -> Q:
        number, last = self.since, data.window[1]
        return (
            Q(membership_id=self.member, detail__in=OWN_LEVEL, session__number__gte=number)
            | Q(detail=BELOW_GROUP, session__number=number)
            | Q(kind=CONFLICT, session__number__range=(number, last))
        )

    def episode_signals(self, stored: list[GroupSignal]) -> list[GroupSignal]:
        """As after a refresh of the session: every stored signal from it on, changed or not."""
        since = GroupSignal.objects.filter(group=self.group, session__number__gte=self.since, membership__isnull=False)
        return list(since.select_related("session").order_by("session__number", "pk"))


def _store(scope: _Since, computed: Computed | None = None) -> list[GroupSignal]:
    """Replace the scope's stored signals with those of the data read under the group's lock
    (`computed`'s if it was computed from the same), then let a member's withdrawal open or widen a
    rupture episode with them (allianse.groups.member_ruptures): the repair guide supports the
    therapists from there."""
    group = scope.group
    with transaction.atomic():
        TherapyGroup.objects.select_for_update().filter(pk=group.pk).first()
        data = scope.read()
        found = computed.found if computed and computed.data.same(data) else _found(scope, data)
        sessions = {session.number: session for session in group.sessions.filter(number__gte=scope.since)}
        GroupSignal.objects.filter(scope.replaced(data), group=group).delete()
        stored = GroupSignal.objects.bulk_create(_rows(group, sessions, found))
        update_member_episodes(group=group, signals=scope.episode_signals(stored))
    return stored


def _found(scope: _Since, data: _Input) -> list[core.GroupSignal]:
    if not len(data.frame):
        return []
    table = core.detect_group_signals(data.frame, group_rules())
    return core.signals_from_group_table(table[scope.changed(table, data)])


def _with_scores(frame: pd.DataFrame, member: int, number: int, scores: dict) -> pd.DataFrame:
    """`frame` (of `load_group_frame`) with a response's scores in the member's row of session
    `number`; a member without attendance there has no row, as in the frame read."""
    frame = frame.copy()
    row = (frame["member"] == member) & (frame["session"] == number)
    for column in group_scores().columns:
        if scores.get(column) is not None:
            frame.loc[row, column] = float(scores[column])
    return frame


def _around(group: TherapyGroup, number: int, sessions: int) -> tuple[int, int]:
    """The numbers of the `sessions`-th session with attendance before session `number` and after
    it (the first or last session if there are fewer): the frame's sessions are those with
    attendance, and the rules count sessions in it."""
    held = GroupSession.objects.filter(Exists(Attendance.objects.filter(session=OuterRef("pk"))), group=group)
    before = held.filter(number__lt=number).order_by("-number").values_list("number", flat=True)[:sessions]
    after = held.filter(number__gt=number).order_by("number").values_list("number", flat=True)[:sessions]
    return min(before, default=number), max(after, default=number)


def group_rules() -> core.GroupSignalRules:
    """The group signal rules for group-climate's scores (its high-conflict level)."""
    return core.GroupSignalRules.for_instrument(instruments.get(CLIMATE))


def _rows(group: TherapyGroup, sessions: dict[int, GroupSession], found: list[core.GroupSignal]) -> list[GroupSignal]:
    return [
        GroupSignal(
            group=group,
            session=sessions[signal.session],
            membership_id=None if signal.member == core.GROUP_WIDE else int(signal.member),
            kind=signal.kind,
            detail=signal.detail,
            value=signal.value,
            threshold=signal.threshold,
            explanation_en=signal.explanation_en,
            explanation_nb=signal.explanation_nb,
        )
        for signal in found
    ]
