"""One access helper per object type: a therapist reaches only the groups they lead.

A therapist of another group gets PermissionDenied, never a hint of what the group holds.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import GroupSession, Membership, SessionSummary, TherapyGroup


def _require_therapist(group: TherapyGroup, user) -> None:
    if not group.therapists.filter(pk=user.pk).exists():
        raise PermissionDenied


def get_group_for_user(user, public_id) -> TherapyGroup:
    group = get_object_or_404(TherapyGroup, public_id=public_id)
    _require_therapist(group, user)
    return group


def get_membership_for_user(user, public_id) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("group", "patient"), public_id=public_id)
    _require_therapist(membership.group, user)
    return membership


def get_group_session_for_user(user, public_id) -> GroupSession:
    session = get_object_or_404(GroupSession.objects.select_related("group"), public_id=public_id)
    _require_therapist(session.group, user)
    return session


def get_summary_for_user(user, public_id) -> SessionSummary:
    summary = get_object_or_404(SessionSummary.objects.select_related("session__group"), public_id=public_id)
    _require_therapist(summary.session.group, user)
    return summary
