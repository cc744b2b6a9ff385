"""Storing the group signals computed by the core (allianse.core.signals.group).

Signals are derived data: when a session's attendance or answers change, the signals of that
session and the later ones are computed again and replace the stored ones; `refresh_group_signals`
does every session of a group (e.g. after an import, or for the demo). Both run the core's one
implementation over the group's frame. Pages read the stored rows; they never recompute. A member's
withdrawal then opens or widens a rupture episode with the member (allianse.groups.member_ruptures).
"""

from __future__ import annotations

from django.db import transaction

from allianse.core.signals import group as core
from allianse.instruments import registry as instruments

from .member_ruptures import update_member_episodes
from .models import GroupSession, GroupSignal, TherapyGroup
from .series import CLIMATE, load_group_data, signal_input


def refresh_session_signals(*, session: GroupSession) -> list[GroupSignal]:
    """Replace the stored signals of `session` and of every later session of its group: the rules
    read a session and the ones before it, so a late answer or corrected attendance can change what
    the later sessions show."""
    return _refresh(session.group, since=session.number)


def refresh_group_signals(*, group: TherapyGroup) -> list[GroupSignal]:
    return _refresh(group, since=1)


def _refresh(group: TherapyGroup, *, since: int) -> list[GroupSignal]:
    """Replace the stored signals, then let a member's withdrawal open or widen a rupture episode
    with them (allianse.groups.member_ruptures): the repair guide supports the therapists from there."""
    frame = signal_input(group, load_group_data(group).frame)
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
