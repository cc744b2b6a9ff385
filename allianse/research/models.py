from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_key() -> str:
    return secrets.token_hex(32)


class ResearchProject(models.Model):
    """A research project: its datasets carry pseudonyms made with the project's own key, which
    never leaves the product. Without the key a pseudonym cannot be mapped back to a patient, and
    two projects' pseudonyms for the same patient differ, so their datasets cannot be joined."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("purpose and approval"), blank=True)
    key = models.CharField(max_length=64, default=new_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
