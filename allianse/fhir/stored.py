"""The imported instruments as the instrument registry sees them (`registry.add_stored_source`)."""

from __future__ import annotations

from allianse.core.measures import Instrument

from .models import ImportedInstrument


def instruments(key: str | None) -> list[Instrument]:
    """The imported instrument with `key` (none or one), or all of them for None."""
    rows = ImportedInstrument.objects.all() if key is None else ImportedInstrument.objects.filter(key=key)
    return [row.instrument() for row in rows]
