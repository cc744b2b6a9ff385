"""Access to episodes and signals: a therapist reaches only those of treatments they are part of
and of the members of groups they lead; administrators see the clinic's aggregates, never an episode."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from allianse.accounts.access import get_visible_or_404

from .models import RuptureEpisode


def get_episode_for_user(user, public_id) -> RuptureEpisode:
    """An episode of the user's treatments, or of a member of a group the user leads; another's is 404."""
    return get_visible_or_404(
        RuptureEpisode.objects.select_related(
            "treatment__patient",
            "membership__patient",
            "membership__group",
            "first_session",
            "last_session",
            "first_group_session",
            "last_group_session",
            "recovery_session",
            "opened_by",
            "closed_by",
        ),
        lambda episode: episode.therapists.filter(pk=user.pk).exists(),
        public_id=public_id,
    )


def require_administrator(user) -> None:
    if not user.is_administrator:
        raise PermissionDenied
