"""The clinic's signal rules: the core's rules for the patient check (its scales, its reliable
change and its concern band) with an administrator's overrides."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from allianse.core.measures import Requirement, roles
from allianse.core.signals import SignalRules
from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK
from allianse.instruments import registry as instruments

from .models import (
    SignalRuleSettings,
)

# What the rupture work reads from the therapist's check besides the session series (checked at
# start-up, with the patient check's rules: `rules_with`).
REQUIRED = [
    Requirement(THERAPIST_CHECK, "item", role=roles.RUPTURE_INTENSITY, types=("scale",), needed_by="rupture episodes"),
    Requirement(THERAPIST_CHECK, "item", role=roles.RUPTURE_KIND, types=("choice",), needed_by="rupture episodes"),
    Requirement(PATIENT_CHECK, "item", role=roles.COMMENT, types=("text",), needed_by="the patient's comment"),
    *(
        Requirement(THERAPIST_CHECK, "item", role=role, types=("multi_choice",), needed_by="rupture episodes")
        for role in (roles.WITHDRAWAL_MARKERS, roles.CONFRONTATION_MARKERS)
    ),
]


def rules_with(overrides: Mapping[str, object] | None = None) -> SignalRules:
    """The patient check's rules with `overrides`; raises core InvalidRules for a value out of range."""
    return SignalRules.for_instrument(instruments.get(PATIENT_CHECK), overrides)


def default_rules() -> SignalRules:
    """The rules before any clinic override: the core's defaults and the instrument's thresholds."""
    return rules_with()


def current_rules() -> SignalRules:
    row = SignalRuleSettings.objects.first()
    return rules_with(row.overrides if row else None)


def save_rules(*, overrides: dict[str, float], by) -> SignalRuleSettings:
    """Store an administrator's thresholds; raises core InvalidRules for a value out of range."""
    rules_with(overrides)
    with transaction.atomic():
        row = SignalRuleSettings.objects.select_for_update().first() or SignalRuleSettings()
        row.overrides, row.updated_by = overrides, by
        row.save()
    return row
