from __future__ import annotations

import uuid

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LINK_SALT = "allianse.feedback.check-link"


class Respondent(models.TextChoices):
    PATIENT = "patient", _("patient")
    THERAPIST = "therapist", _("therapist")
    GROUP_MEMBER = "group_member", _("group member")
    OBSERVER = "observer", _("observer")


class CheckStatus(models.TextChoices):
    NOT_SENT = "not_sent", _("not sent")
    SENT = "sent", _("sent")
    ANSWERED = "answered", _("answered")
    EXPIRED = "expired", _("expired")


class Administration(models.Model):
    """A form requested from one respondent about one session: the link a patient opens.

    The link carries a signed token of the public id (unguessable without the server's key);
    it expires at `expires_at` and accepts one response (a unique constraint on Response).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey("clinic.Session", on_delete=models.PROTECT, related_name="administrations")
    patient = models.ForeignKey("clinic.Patient", null=True, blank=True, on_delete=models.PROTECT)
    instrument_key = models.CharField(max_length=60)
    respondent = models.CharField(max_length=20, choices=Respondent)
    language = models.CharField(max_length=2, default="nb")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.instrument_key} {self.public_id}"

    @property
    def token(self) -> str:
        return signing.dumps(self.public_id.hex, salt=LINK_SALT, compress=True)

    @classmethod
    def public_id_from_token(cls, token: str) -> str | None:
        try:
            return signing.loads(token, salt=LINK_SALT)
        except signing.BadSignature:
            return None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at or self.revoked_at is not None


class Response(models.Model):
    """A submitted response. Never edited: a correction is a new row that supersedes it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    administration = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="responses")
    session = models.ForeignKey("clinic.Session", on_delete=models.PROTECT, related_name="responses")
    instrument_key = models.CharField(max_length=60)
    instrument_version = models.CharField(max_length=20)
    respondent = models.CharField(max_length=20, choices=Respondent)
    answers = models.JSONField()
    missing_reasons = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    bands = models.JSONField(default=dict)
    primary_score = models.FloatField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["administration"],
                condition=models.Q(supersedes__isnull=True),
                name="one_response_per_administration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_key} {self.submitted_at:%Y-%m-%d}"

    @property
    def rupture_reported(self) -> bool:
        return bool(self.answers.get("rupture"))

    @property
    def held_back(self) -> bool:
        return bool(self.answers.get("held_back"))
