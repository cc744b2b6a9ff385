"""Work the respondent need not wait for, as tasks of Django's task framework (`django-tasks`).

By default the tasks are rows of the product's own database (`django-tasks-db`), run by
`allianse db_worker`. `enqueue` writes the row in the caller's transaction: it is stored with the
data it acts on or not at all, and survives the web process. A backend that hands the task to
another system (Celery, RQ) gets it only once that transaction has committed, so its worker never
looks for rows not yet visible.

The task framework records a failure but does not retry; `retried` enqueues a failed task again
later (`RETRY_DELAYS`). Whatever still fails is caught up by the daily `allianse update_ruptures`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend

RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))
"""The wait before each retry of a failed task; after the last one the task stays failed."""


def enqueue(task: Task, **kwargs: Any) -> None:
    """Enqueue `task` with keyword arguments (ids, never model instances) as part of the current
    transaction: rolled back with it, committed with it."""
    if isinstance(task.get_backend(), DatabaseBackend | ImmediateBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, **kwargs), robust=True)


@contextmanager
def retried(task: Task, *, attempt: int, **kwargs: Any) -> Iterator[None]:
    """Run the block as attempt `attempt` of `task(**kwargs)`; if it fails, enqueue the next attempt
    after its delay and let the failure through, so this attempt is recorded as failed."""
    try:
        yield
    except Exception:
        if attempt <= len(RETRY_DELAYS) and task.get_backend().supports_defer:
            later = task.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1])
            later.enqueue(attempt=attempt + 1, **kwargs)
        raise
