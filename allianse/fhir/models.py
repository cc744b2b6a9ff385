from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from allianse.core.measures import Instrument, build_instrument


class ImportedInstrument(models.Model):
    """An instrument definition read from a FHIR Questionnaire, kept with the resource it came from.

    Imported instruments are not validated unless an administrator records where the validation
    is published (`validation_source`). Never edited: a new version is a new import.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=60, unique=True)
    version = models.CharField(max_length=20)
    definition = models.JSONField()
    questionnaire = models.JSONField(help_text="The FHIR Questionnaire as imported (R4 JSON).")
    file_name = models.CharField(max_length=200, blank=True)
    validation_source = models.TextField(_("source of the validation"), blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key} {self.version}"

    def instrument(self) -> Instrument:
        """The definition as the product uses it; validated only with a recorded source."""
        return build_instrument(
            {**self.definition, "validated": bool(self.validation_source)}, source=f"imported:{self.key}"
        )
