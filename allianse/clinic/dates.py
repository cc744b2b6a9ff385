"""The dates a treatment or a session may have: from 1900 to two years ahead. Anything outside is a
typing mistake, and the extremes a date field accepts (year 1, year 9999) break local time."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = date(1900, 1, 1)
AHEAD = timedelta(days=2 * 365)


def plausible_date(value: date | datetime) -> None:
    """A validator for date and date-and-time fields of forms and serializers."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= timezone.now().date() + AHEAD:
        raise ValidationError(
            _("Give a date from %(earliest)s to two years from today."),
            code="implausible_date",
            params={"earliest": EARLIEST.year},
        )
