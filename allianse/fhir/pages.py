"""What the import page lists: the imported instruments."""

from __future__ import annotations

from .models import ImportedInstrument


def imported_instruments() -> list[ImportedInstrument]:
    return list(ImportedInstrument.objects.select_related("imported_by").order_by("key"))
