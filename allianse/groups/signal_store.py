"""Storing the group signals computed by the core (allianse.core.signals.group).

Signals are derived data: when a session's attendance changes, the signals of that session and the
later ones are computed again and replace the stored ones; `refresh_group_signals` does every
session of a group (e.g. after an import, or for the demo). A member's answers change fewer of
them, and `refresh_member_signals` reads only what those need, so that its cost does not grow with
the group's history. All run the core's one implementation over (part of) the group's frame. Pages
read the stored rows; they never recompute. A member's withdrawal then opens or widens a rupture
episode with the member (allianse.groups.member_ruptures).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from allianse.core.signals import group as core
from allianse.instruments import registry as instruments

from .member_ruptures import update_member_episodes
from .models import Attendance, GroupSession, GroupSignal, TherapyGroup
from .series import CLIMATE, load_group_frame, signal_input

OWN_LEVEL = (core.GroupDetail.COHESION_OWN_LEVEL.value, core.GroupDetail.ALLIANCE_OWN_LEVEL.value)
BELOW_GROUP = core.GroupDetail.COHESION_BELOW_GROUP.value
CONFLICT = core.GroupKind.CONFLICT.value


def refresh_session_signals(*, session: GroupSession) -> list[GroupSignal]:
    """Replace the stored signals of `session` and of every later session of its group: the rules
    read a session and the ones before it, so corrected attendance can change what the later
    sessions show."""
    return _refresh(session.group, since=session.number)


def refresh_group_signals(*, group: TherapyGroup) -> list[GroupSignal]:
    return _refresh(group, since=1)


def refresh_member_signals(*, session: GroupSession, membership_id: int) -> list[GroupSignal]:
    """Replace the stored signals that a member's answers to `session` can change, and return them.

    Their scores count in the member's own level (their own-level signals from this session on),
    in the other members' mean of this session (everyone's below-the-group signals there) and in
    the group's mean conflict (conflict in this session and in the `conflict_window` sessions after,
    whose reference it enters); attendance and the other members' own levels stay as they were. So
    the core reads the member's own series and everyone's rows of the sessions from
    `conflict_window` before this one to `conflict_window` after it: the same signals as a refresh
    of the whole group, from a frame that does not grow with the group's history.
    """
    group, number, rules = session.group, session.number, group_rules()
    first, last = _around(group, number, rules.conflict_window)
    window = GroupSession.objects.filter(group=group, number__range=(first, last)).values("pk")
    frame = signal_input(group, load_group_frame(group, Q(membership_id=membership_id) | Q(session__in=window)))
    table = core.detect_group_signals(frame, rules)
    member, at, kind, detail = (table[name] for name in ("member", "session", "kind", "detail"))
    changed = (
        ((member == str(membership_id)) & detail.isin(OWN_LEVEL) & (at >= number))
        | ((detail == BELOW_GROUP) & (at == number))
        | ((kind == CONFLICT) & at.between(number, last))
    )
    found = core.signals_from_group_table(table[changed])
    replaced = (
        Q(membership_id=membership_id, detail__in=OWN_LEVEL, session__number__gte=number)
        | Q(detail=BELOW_GROUP, session__number=number)
        | Q(kind=CONFLICT, session__number__range=(number, last))
    )
    sessions = {s.number: s for s in group.sessions.filter(number__in={signal.session for signal in found})}
    with transaction.atomic():
        GroupSignal.objects.filter(replaced, group=group).delete()
        stored = GroupSignal.objects.bulk_create(_rows(group, sessions, found))
        # As after a refresh of the session: every stored signal from it on, changed or not.
        since = GroupSignal.objects.filter(group=group, session__number__gte=number, membership__isnull=False)
        update_member_episodes(
            group=group, signals=list(since.select_related("session").order_by("session__number", "pk"))
        )
    return stored


def _around(group: TherapyGroup, number: int, sessions: int) -> tuple[int, int]:
    """The numbers of the `sessions`-th session with attendance before session `number` and after
    it (the first or last session if there are fewer): the frame's sessions are those with
    attendance, and the rules count sessions in it."""
    held = GroupSession.objects.filter(Exists(Attendance.objects.filter(session=OuterRef("pk"))), group=group)
    before = held.filter(number__lt=number).order_by("-number").values_list("number", flat=True)[:sessions]
    after = held.filter(number__gt=number).order_by("number").values_list("number", flat=True)[:sessions]
    return min(before, default=number), max(after, default=number)


def _refresh(group: TherapyGroup, *, since: int) -> list[GroupSignal]:
    """Replace the stored signals, then let a member's withdrawal open or widen a rupture episode
    with them (allianse.groups.member_ruptures): the repair guide supports the therapists from there."""
    frame = signal_input(group, load_group_frame(group))
    table = core.detect_group_signals(frame, group_rules()) if len(frame) else None
    found = [] if table is None else core.signals_from_group_table(table[table["session"] >= since])
    sessions = {session.number: session for session in group.sessions.filter(number__gte=since)}
    with transaction.atomic():
        GroupSignal.objects.filter(group=group, session__number__gte=since).delete()
        stored = GroupSignal.objects.bulk_create(_rows(group, sessions, found))
        update_member_episodes(group=group, signals=stored)
    return stored


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
