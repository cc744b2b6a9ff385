"""The one reminder of something sent and not yet answered, when the core's rule says it is due
(`allianse.core.reminders`, with the clinic's `DeliverySettings`). The apps above say which of
their links are still unanswered, whose they are and what the reminder says."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TypeVar

from django.utils import timezone

from allianse.core.reminders import reminder_due

from . import services
from .models import DeliverySettings, Message

Link = TypeVar("Link")


def due_reminders(
    expiring: Mapping[str, datetime | None], *, sent: Mapping[str, datetime], purpose: str, now: datetime
) -> list[str]:
    """The references (each unanswered, with its expiry) whose one reminder for `purpose` is due at
    `now`, counted from `sent`. Any earlier attempt to remind, failed or not, counts: a reminder is
    never tried twice."""
    clinic = DeliverySettings.get()
    reminded = set(
        Message.objects.filter(reference__in=list(expiring), purpose=purpose).values_list("reference", flat=True)
    )
    local_now = timezone.localtime(now)
    return [
        reference
        for reference, expires_at in expiring.items()
        if reference in sent
        and reminder_due(
            sent_at=sent[reference],
            now=local_now,
            expires_at=expires_at,
            answered=False,
            reminded=reference in reminded,
            after=timedelta(hours=clinic.reminder_after_hours),
            quiet_start=clinic.quiet_hours_start,
            quiet_end=clinic.quiet_hours_end,
        )
    ]


def remind_unanswered(
    links: Mapping[str, Link],
    *,
    link_purpose: str,
    purpose: str,
    now: datetime,
    owner: Callable[[Link], str],
    expires_at: Callable[[Link], datetime],
    texts: Callable[[Link], tuple[str, str]],
) -> list[tuple[Link, Message]]:
    """Remind once of each unanswered link (by reference) that was sent for `link_purpose`: by the
    channel it was last sent by, to the address kept for its `owner` (none kept: no reminder)."""
    sent = services.latest_sent(links, link_purpose)
    due = due_reminders(
        {reference: expires_at(links[reference]) for reference in sent},
        sent={reference: message.sent_at for reference, message in sent.items()},
        purpose=purpose,
        now=now,
    )
    reminded = []
    for reference in due:
        link, channel = links[reference], sent[reference].channel
        address = services.kept_address(owner(link), channel)
        if address is None:
            continue
        subject, body = texts(link)
        reminded.append((link, services.send(channel, address, subject, body, purpose=purpose, reference=reference)))
    return reminded
