"""The clinic's signal rules: the core's rules for the patient check (its scales, its reliable
change and its concern band) with an administrator's overrides."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import timedelta

import numpy as np
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from allianse.core.measures import Requirement, roles
from allianse.core.measures.scoring import scored_items
from allianse.core.signals import SignalRules
from allianse.feedback.models import Response
from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK
from allianse.instruments import registry as instruments

from .models import FirstScores, SignalRuleSettings

# How long the first scores the daily run keeps stand in for reading them (`kept_first_items`):
# a day between runs, and a margin for a late one.
KEPT_FOR = timedelta(days=2)

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


def rules_with(overrides: Mapping[str, object] | None = None, *, items: np.ndarray | None = None) -> SignalRules:
    """The patient check's rules with `overrides`, the reliable change from the clinic's first
    scores (`items`, by default as kept: `kept_first_items`) where the definition has no norms;
    raises core InvalidRules for a value out of range."""
    items = kept_first_items(PATIENT_CHECK) if items is None else items
    return SignalRules.for_instrument(instruments.get(PATIENT_CHECK), overrides, first_items=items)


def definition_rules() -> SignalRules:
    """The rules from the patient check's definition alone (no database): what start-up checks."""
    return SignalRules.for_instrument(instruments.get(PATIENT_CHECK))


def first_items(instrument_key: str) -> np.ndarray:
    """The answers of each treatment's first current response to `instrument_key`, one row per
    treatment, one column per scored item (core `scored_items` order, NaN unanswered): what the
    core computes the clinic's SD and Cronbach's alpha from. One query: the database numbers each
    treatment's current responses (a window over the one pass, not a subquery per treatment, which
    PostgreSQL planned badly on tables without fresh statistics) and returns only the first."""
    instrument = instruments.get(instrument_key)
    superseded = Response.objects.exclude(supersedes=None).values("supersedes")
    current = Response.objects.filter(instrument_key=instrument_key).exclude(pk__in=superseded)
    place = Window(
        RowNumber(),
        partition_by=[F("session__treatment_id")],
        order_by=[F("session__number").asc(), F("submitted_at").asc(), F("pk").asc()],
    )
    first = current.annotate(place=place).filter(place=1).order_by("session__treatment_id")
    items = scored_items(instrument)
    return np.array(
        [[_number(answers.get(item.id)) for item in items] for answers in first.values_list("answers", flat=True)],
        dtype=float,
    ).reshape(-1, len(items))


def kept_first_items(instrument_key: str) -> np.ndarray:
    """`first_items` as the daily run kept it (`keep_first_items`; one query), or read and kept
    now if no run kept it within KEPT_FOR (a clinic whose daily run has not come yet): reading
    them means every current response, which no request or task should repeat."""
    kept = FirstScores.objects.filter(instrument_key=instrument_key, read_at__gte=timezone.now() - KEPT_FOR).first()
    return np.load(io.BytesIO(kept.items)) if kept else keep_first_items(instrument_key)


def keep_first_items(instrument_key: str) -> np.ndarray:
    """Read `first_items` and keep it for `kept_first_items`."""
    items = first_items(instrument_key)
    stored = io.BytesIO()
    np.save(stored, items, allow_pickle=False)
    FirstScores.objects.update_or_create(
        instrument_key=instrument_key, defaults={"items": stored.getvalue(), "read_at": timezone.now()}
    )
    return items


def _number(answer: int | bool | None) -> float:
    """A stored answer to a scored item (a scale's whole number, a yes/no) as a float; NaN if none."""
    return np.nan if answer is None else float(answer)


def default_rules() -> SignalRules:
    """The rules before any clinic override: the core's defaults and the instrument's thresholds."""
    return rules_with()


def norms_min_treatments() -> int:
    """The clinic's setting of how many first scores its own reliable change index needs (one query)."""
    row = SignalRuleSettings.objects.first()
    overrides = row.overrides if row else {}
    return int(overrides.get("norms_min_treatments", SignalRules.norms_min_treatments))


def current_rules(*, keep: bool = False) -> SignalRules:
    """The clinic's rules; with `keep` (the daily run), its first scores are read afresh and kept."""
    row = SignalRuleSettings.objects.first()
    return rules_with(row.overrides if row else None, items=keep_first_items(PATIENT_CHECK) if keep else None)


def save_rules(*, overrides: dict[str, float], by) -> SignalRuleSettings:
    """Store an administrator's thresholds; raises core InvalidRules for a value out of range."""
    rules_with(overrides)
    with transaction.atomic():
        row = SignalRuleSettings.objects.select_for_update().first() or SignalRuleSettings()
        row.overrides, row.updated_by = overrides, by
        row.save()
    return row
