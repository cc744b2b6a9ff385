from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from allianse.core.measures import roles
from allianse.instruments import registry as instruments
from allianse.instruments.links import ScoredAnswers, SignedLink


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


class Administration(SignedLink):
    """A form requested from one respondent about one session: the link a patient opens.

    The link carries a signed token of the public id (unguessable without the server's key);
    it expires at `expires_at` and accepts one response (a unique constraint on Response). A
    patient's link also has a short code to type on the start page instead (`short_codes`).
    """

    link_salt = "allianse.feedback.check-link"

    session = models.ForeignKey("clinic.Session", on_delete=models.PROTECT, related_name="administrations")
    patient = models.ForeignKey("clinic.Patient", null=True, blank=True, on_delete=models.PROTECT)
    instrument_key = models.CharField(max_length=60)
    respondent = models.CharField(max_length=20, choices=Respondent)
    short_code = models.CharField(max_length=9, unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The administrator's overdue patient checks: live links by when they expire.
            models.Index(
                fields=["expires_at"],
                condition=models.Q(respondent="patient", revoked_at__isnull=True),
                name="patient_links_by_expiry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_key} {self.public_id}"


class Response(ScoredAnswers):
    """A submitted response. Never edited: a correction is a new row that supersedes it."""

    administration = models.ForeignKey(Administration, on_delete=models.PROTECT, related_name="responses")
    session = models.ForeignKey("clinic.Session", on_delete=models.PROTECT, related_name="responses")
    respondent = models.CharField(max_length=20, choices=Respondent)
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
        return self._answered_yes(roles.RUPTURE)

    @property
    def held_back(self) -> bool:
        return self._answered_yes(roles.HELD_BACK)

    def _answered_yes(self, role: str) -> bool:
        """Whether an item with `role` of the response's instrument was answered yes (False if
        the instrument has no such item: the therapist check asks nothing held back)."""
        items = instruments.get(self.instrument_key).items_with_role(role)
        return any(self.answers.get(item.id) for item in items)
