"""Work the respondent need not wait for, as tasks of Django's task framework (`django-tasks`).

By default the tasks are rows of the product's own database (`django-tasks-db`), run by
`allianse db_worker`. `enqueue` writes the row in the caller's transaction: it is stored with the
data it acts on or not at all, and survives the web process. A backend that hands the task to
another system (Celery, RQ) gets it only once that transaction has committed, so its worker never
looks for rows not yet visible.

The task framework records a failure but does not retry; `retried` enqueues a failed task again
later (`RETRY_DELAYS`). Whatever still fails is caught up by the daily `allianse update_ruptures`.

Nor does it run anything periodically. Apps register their daily or hourly commands in their
`AppConfig.ready()` (`register_periodic`); each such job is a task, `run_periodic`, that enqueues
its own next run for when it is next due, and `schedule` (`allianse schedule`) enqueues the first
run of a job that has none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

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


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    command: str  # a management command, run by name so that no app imports another
    args: tuple[str, ...]
    every: timedelta
    at: time | None  # the local time of day of a job that runs every so many days

    def next_run(self, after: datetime) -> datetime:
        """When the job is next due after a run (or `schedule`) at `after`: `every` later; for a job
        with a time of day, the first `at` after one interval less a day, so that a daily job runs
        at `at` the next night however late this run was."""
        if self.at is None:
            return after + self.every
        earliest = after + self.every - timedelta(days=1)
        day = timezone.localdate(earliest)
        due = timezone.make_aware(datetime.combine(day, self.at))
        return due if due > earliest else timezone.make_aware(datetime.combine(day + timedelta(days=1), self.at))


periodic_jobs: dict[str, PeriodicJob] = {}


def register_periodic(
    name: str, *, command: str, every: timedelta, at: time | None = None, args: tuple[str, ...] = ()
) -> None:
    """Run `allianse COMMAND ARGS...` every `every`, at the local time `at` if given (then `every`
    must be whole days). Registering a name again replaces its job."""
    if at is not None and (every < timedelta(days=1) or every % timedelta(days=1)):
        raise ValueError(f"{name}: a time of day needs an interval of whole days, not {every}")
    periodic_jobs[name] = PeriodicJob(name=name, command=command, args=args, every=every, at=at)


@task()
def run_periodic(*, name: str) -> None:
    """Run the job's command, having first enqueued its next run: a failure is recorded as this
    run's and the schedule goes on, and so it does when the worker dies in the middle of a run.
    A job no longer registered fails and ends its schedule."""
    job = periodic_jobs[name]
    enqueue(run_periodic.using(run_after=job.next_run(timezone.now())), name=name)
    call_command(job.command, *job.args)


def schedule() -> list[str]:
    """Enqueue the next run of every registered job that has no run queued or running, and return
    their names. Two at once (two processes starting) take turns, so none is enqueued twice."""
    now = timezone.now()
    with _locked_task_table():
        waiting = DBTaskResult.objects.filter(
            task_path=run_periodic.module_path, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        )
        pending = {arguments["kwargs"].get("name") for arguments in waiting.values_list("args_kwargs", flat=True)}
        missing = [job for job in periodic_jobs.values() if job.name not in pending]
        for job in missing:
            enqueue(run_periodic.using(run_after=job.next_run(now)), name=job.name)
    return [job.name for job in missing]


@contextmanager
def _locked_task_table() -> Iterator[None]:
    """A transaction that holds off every other writer of the task table while it lasts: SQLite's
    exclusive transaction; on PostgreSQL a lock on the table that one transaction holds at a time
    (the worker's reads go on, its writes wait the few milliseconds)."""
    database = DBTaskResult.objects.db
    with exclusive_transaction(database):
        connection = transaction.get_connection(database)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(DBTaskResult._meta.db_table)
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        yield
