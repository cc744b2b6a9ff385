"""Sending by e-mail or SMS now, and the log of what was sent; the apps above say what and to whom.

`send` never raises on a failed delivery: the failure is recorded on the `Message` (with a
description that holds no contact details) for the caller to report.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail

from . import contacts, sms
from .models import Channel, DeliverySettings, Message

logger = logging.getLogger(__name__)


def send(channel: str, to: str, subject: str, body: str, *, purpose: str, reference: str, by=None) -> Message:
    """Send `body` to `to` (an address or number as `contacts.normalise` gives it) now, and record
    the outcome. E-mail goes through Django's mail backend with `subject`; SMS through
    `settings.SMS_BACKEND` (the body alone)."""
    error = ""
    try:
        if channel == Channel.EMAIL:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
        else:
            sms.get_backend().send(to, body)
    except sms.SmsError as failure:
        error = str(failure)
    except (smtplib.SMTPException, OSError) as failure:
        error = f"the mail server refused or could not be reached ({type(failure).__name__})"
    message = Message.objects.create(
        channel=channel,
        purpose=purpose,
        reference=reference,
        status=Message.Status.FAILED if error else Message.Status.SENT,
        error=error[:200],
        sent_by=by,
        recipient=contacts.mask(channel, to),
    )
    if error:
        logger.warning("delivery %s (%s, %s) failed: %s", message.public_id, purpose, channel, error)
    return message


def send_to_owner(
    owner: str, channel: str, to: str, subject: str, body: str, *, purpose: str, reference: str, by=None
) -> Message:
    """`send` to a typed address or, if `to` is empty, the one kept for `owner`; then keep the typed
    one (encrypted) or delete the owner's contact details, as the clinic's settings say."""
    address = to or kept_address(owner, channel)
    if not address:
        raise ValueError("no address to send to")
    message = send(channel, address, subject, body, purpose=purpose, reference=reference, by=by)
    if not DeliverySettings.get().keep_contact_details:
        contacts.forget(owner)
    elif to:
        contacts.remember(owner, channel, to)
    return message


def kept_address(owner: str, channel: str) -> str | None:
    """The owner's address for `channel` while the clinic keeps contact details (None otherwise,
    even if one is left from before the setting changed)."""
    return contacts.stored(owner, channel) if DeliverySettings.get().keep_contact_details else None


def stored_recipients(owner: str) -> dict[str, str]:
    """The masked form of each address kept for `owner`, by channel."""
    if not DeliverySettings.get().keep_contact_details:
        return {}
    return {
        channel: contacts.mask(channel, address)
        for channel in Channel.values
        if (address := contacts.stored(owner, channel)) is not None
    }


def latest(reference: str, purpose: str) -> Message | None:
    """The latest attempt to send `reference` for `purpose`, whatever its outcome."""
    return Message.objects.filter(reference=reference, purpose=purpose).first()


def latest_sent(references: Iterable[str], purpose: str) -> dict[str, Message]:
    """For each reference that was sent for `purpose`, its latest successful message."""
    found: dict[str, Message] = {}
    sent = Message.objects.filter(reference__in=list(references), purpose=purpose, status=Message.Status.SENT)
    for message in sent.order_by("sent_at"):
        found[message.reference] = message
    return found
