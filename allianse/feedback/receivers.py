"""What the feedback app does on the clinic's announcements (allianse.clinic.events)."""

from __future__ import annotations

from django.utils import timezone

from .models import Administration


def treatment_ended(sender, *, treatment, **kwargs) -> None:
    """An ended treatment's unanswered check links stop working, so no reminder goes for them."""
    Administration.objects.filter(session__treatment=treatment, revoked_at__isnull=True, responses__isnull=True).update(
        revoked_at=timezone.now()
    )
