"""What every answer link and every stored response have in common, whoever answers.

`SignedLink`: a link carrying a signed token of its public id (unguessable without the server's
key), which expires and can be revoked. `ScoredAnswers`: an immutable response with its answers
and the scores the core computed at submission.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils import timezone

from allianse.core.measures import CheckedAnswers, Instrument, score_response


class SignedLink(models.Model):
    link_salt = ""  # each concrete link sets its own, so one kind of token never opens another

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(max_length=2, default="nb")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def token(self) -> str:
        # Signer, not dumps(): no timestamp, so the same link reads the same every time it is shown
        # (expiry is the database's `expires_at`, which can also be revoked).
        return signing.Signer(salt=self.link_salt).sign_object(self.public_id.hex, compress=True)

    @classmethod
    def public_id_from_token(cls, token: str) -> str | None:
        try:
            return signing.Signer(salt=cls.link_salt).unsign_object(token)
        except signing.BadSignature:
            return None

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at or self.revoked_at is not None


class ScoredAnswers(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    instrument_key = models.CharField(max_length=60)
    instrument_version = models.CharField(max_length=20)
    answers = models.JSONField()
    missing_reasons = models.JSONField(default=dict)
    scores = models.JSONField(default=dict)
    bands = models.JSONField(default=dict)
    primary_score = models.FloatField(null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


def scored_fields(instrument: Instrument, checked: CheckedAnswers, submitted_at=None) -> dict:
    """The ScoredAnswers fields of a checked response, scored by the core."""
    result = score_response(instrument, checked.answers)
    primary = instrument.primary_score
    return {
        "instrument_key": instrument.key,
        "instrument_version": instrument.version,
        "answers": checked.answers,
        "missing_reasons": checked.missing_reasons,
        "scores": result.scores,
        "bands": result.bands,
        "primary_score": result.scores.get(primary.id) if primary else None,
        "submitted_at": submitted_at or timezone.now(),
    }
