"""What was sent, to whom only in masked form, and the contact details kept for sending.

A `Message` row records one attempt to send something (a link, a reminder) by e-mail or SMS: the
purpose, the public id of what was sent, the outcome, and the recipient masked (`k…@…no`,
`••••1234`); never the address, never what the message said. `ContactDetail` holds an e-mail
address and a phone number for one owner (e.g. a patient's public id), encrypted (see
`contacts`), only while the clinic's `DeliverySettings` keep them.
"""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")


class Message(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(max_length=10, choices=Channel)
    purpose = models.CharField(max_length=40)
    reference = models.CharField(max_length=100, db_index=True)
    status = models.CharField(max_length=10, choices=Status)
    sent_at = models.DateTimeField(default=timezone.now)
    error = models.CharField(max_length=200, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    recipient = models.CharField(_("recipient"), max_length=40)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["purpose", "reference"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.channel} {self.status}"


class ContactDetail(models.Model):
    owner = models.CharField(max_length=100, unique=True)
    email_encrypted = models.TextField(blank=True)
    phone_encrypted = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"contact of {self.owner}"


class DeliverySettings(models.Model):
    """The clinic's choices for sending (one row, `get()`)."""

    keep_contact_details = models.BooleanField(
        _("keep contact details (encrypted) for reminders and later links"),
        default=True,
        help_text=_("Off: an e-mail address or phone number is deleted as soon as the message is sent; no reminders."),
    )
    reminder_after_hours = models.PositiveSmallIntegerField(_("remind after (hours)"), default=24)
    quiet_hours_start = models.TimeField(_("no messages from"), default=time(21, 0))
    quiet_hours_end = models.TimeField(_("no messages until"), default=time(8, 0))

    class Meta:
        verbose_name = _("delivery settings")
        verbose_name_plural = _("delivery settings")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def get(cls) -> DeliverySettings:
        return cls.objects.get_or_create(pk=1)[0]
