"""The clinic's signal rules: the core's rules with the patient check's own thresholds (its reliable
change and its concern band) and an administrator's overrides."""

from __future__ import annotations

from django.db import transaction

from allianse.core.signals import SignalRules
from allianse.feedback.services import PATIENT_CHECK
from allianse.instruments import registry as instruments

from .models import (
    SignalRuleSettings,
)


def instrument_rules() -> dict[str, float]:
    """Thresholds that come from the patient check's definition: its reliable change and the
    upper bound of its concern band (one clinical fact, one place: the instrument file)."""
    instrument = instruments.get(PATIENT_CHECK)
    primary = instrument.primary_score
    values: dict[str, float] = {}
    if primary.reliable_change:
        values["reliable_change"] = primary.reliable_change
    concern = [band.max for band in instrument.bands.get(primary.id, ()) if band.concern]
    if concern:
        values["low_threshold"] = max(concern)
    return values


def default_rules() -> SignalRules:
    """The rules before any clinic override: the core's defaults and the instrument's thresholds."""
    return SignalRules.from_dict(instrument_rules())


def current_rules() -> SignalRules:
    row = SignalRuleSettings.objects.first()
    return SignalRules.from_dict({**instrument_rules(), **(row.overrides if row else {})})


def save_rules(*, overrides: dict[str, float], by) -> SignalRuleSettings:
    """Store an administrator's thresholds; raises core InvalidRules for a value out of range."""
    SignalRules.from_dict({**instrument_rules(), **overrides})
    with transaction.atomic():
        row = SignalRuleSettings.objects.select_for_update().first() or SignalRuleSettings()
        row.overrides, row.updated_by = overrides, by
        row.save()
    return row
