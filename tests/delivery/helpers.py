"""Reminder tests' moments, in the clinic's time zone whatever time the tests run, and settings."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from allianse.delivery.models import DeliverySettings


def at_local(moment: datetime, hour: int, *, after: timedelta) -> datetime:
    """The first time it is `hour` o'clock (local) at least `after` past `moment`."""
    earliest = timezone.localtime(moment + after)
    candidate = earliest.replace(hour=hour, minute=0, second=0, microsecond=0)
    return candidate if candidate >= earliest else candidate + timedelta(days=1)


def clinic_settings(**fields) -> None:
    """The clinic's delivery settings, changed as given."""
    DeliverySettings.objects.update_or_create(pk=1, defaults=fields)
