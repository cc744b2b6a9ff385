"""The rupture signal update as a task: enqueued by the receivers (`receivers.py`) in the
transaction that stores what it reads, run by the worker (`allianse db_worker`)."""

from __future__ import annotations

from django_tasks import task

from allianse.background import retried
from allianse.clinic.models import Treatment

from .updates import update_for_treatment


@task()
def update_treatment(*, treatment_id: int, attempt: int = 1) -> None:
    """Bring the treatment's signals and episodes up to date. Idempotent, so a retry or the daily
    `allianse update_ruptures` running the same update again stores nothing twice. A treatment
    deleted since has nothing left to update."""
    with retried(update_treatment, attempt=attempt, treatment_id=treatment_id):
        treatment = Treatment.objects.filter(pk=treatment_id).first()
        if treatment is not None:
            update_for_treatment(treatment=treatment)
