"""What apps above accounts add to its administration pages, without accounts importing them.

An app registers in its `AppConfig.ready()` (see docs/architecture.md):

- `patient_lookups`: callables `(code) -> patient id | None`, so the audit log can be searched by
  a patient's code (patients live in `clinic`, above accounts).
- `settings_pages`: a `SettingsPage` for each page where administrators set how the clinic works,
  listed on the clinic settings page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core import checks
from django.utils.functional import Promise


@dataclass(frozen=True)
class SettingsPage:
    title: str | Promise
    description: str | Promise
    url_name: str


patient_lookups: list[Callable[[str], int | None]] = []
settings_pages: list[SettingsPage] = []


def register_patient_lookup(lookup: Callable[[str], int | None]) -> None:
    if lookup not in patient_lookups:
        patient_lookups.append(lookup)


def register_settings_page(page: SettingsPage) -> None:
    if page not in settings_pages:
        settings_pages.append(page)


def patient_id_for_code(code: str) -> int | None:
    """The id of the patient with this code, or None if no registered lookup knows it."""
    for lookup in patient_lookups:
        found = lookup(code)
        if found is not None:
            return found
    return None


def check_patient_lookup(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """`allianse.E003`: without a patient lookup the audit log could not be searched by code."""
    if patient_lookups:
        return []
    return [
        checks.Error(
            "No app registers a patient lookup, so the audit log cannot be searched by a patient's code.",
            hint="allianse.clinic registers one in its AppConfig.ready(); is it in INSTALLED_APPS?",
            id="allianse.E003",
        )
    ]
