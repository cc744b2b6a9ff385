"""What the feedback app does on the clinic's announcements (allianse.clinic.events)."""

from __future__ import annotations

from django.utils import timezone

from .models import Administration


def treatment_ended(sender, *, treatment, **kwargs) -> None:
    """An ended treatment's unanswered check links stop working, so no reminder goes for them.

    The links are found first and revoked by their ids: PostgreSQL plans an UPDATE whose condition
    is a subquery joining the responses badly on tables without fresh statistics (seconds per
    treatment), while the lookup alone uses the indexes."""
    unanswered = Administration.objects.filter(
        session__treatment=treatment, revoked_at__isnull=True, responses__isnull=True
    ).values_list("pk", flat=True)
    Administration.objects.filter(pk__in=list(unanswered)).update(revoked_at=timezone.now())
