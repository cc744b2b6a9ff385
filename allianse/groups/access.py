"""One access helper per object type: a therapist reaches only the groups they lead.

A therapist of another group gets 404, exactly as for an unknown id, never a hint of what the
group holds nor that it exists (allianse.accounts.access).
"""

from __future__ import annotations

from allianse.accounts.access import get_visible_or_404

from .models import GroupSession, Membership, SessionSummary, TherapyGroup


def _leads(user, group: TherapyGroup) -> bool:
    return group.therapists.filter(pk=user.pk).exists()


def get_group_for_user(user, public_id) -> TherapyGroup:
    return get_visible_or_404(TherapyGroup.objects, lambda group: _leads(user, group), public_id=public_id)


def get_membership_for_user(user, public_id) -> Membership:
    return get_visible_or_404(
        Membership.objects.select_related("group", "patient"),
        lambda membership: _leads(user, membership.group),
        public_id=public_id,
    )


def get_group_session_for_user(user, public_id) -> GroupSession:
    return get_visible_or_404(
        GroupSession.objects.select_related("group"),
        lambda session: _leads(user, session.group),
        public_id=public_id,
    )


def get_summary_for_user(user, public_id) -> SessionSummary:
    return get_visible_or_404(
        SessionSummary.objects.select_related("session__group"),
        lambda summary: _leads(user, summary.session.group),
        public_id=public_id,
    )


def supervises(user, group: TherapyGroup) -> bool:
    return group.supervisors.filter(user=user).exists()


def get_group_for_supervision(user, public_id) -> TherapyGroup:
    """The group for its therapists and its supervisors (the supervision page)."""
    return get_visible_or_404(
        TherapyGroup.objects, lambda group: _leads(user, group) or supervises(user, group), public_id=public_id
    )


def get_signed_summary_for_supervision(user, public_id) -> SessionSummary:
    """A signed summary for the group's therapists and supervisors; a draft is the therapists' alone."""
    return get_visible_or_404(
        SessionSummary.objects.select_related("session__group", "signed_by"),
        lambda summary: (
            summary.is_signed and (_leads(user, summary.session.group) or supervises(user, summary.session.group))
        ),
        public_id=public_id,
    )
