"""The background tasks for administrators (`allianse.background`): the most recent, newest first,
with their state and, for a failed one, the first line of its error, so a stopped worker or a
failing mail server shows. Tasks carry only ids; the page shows neither them nor patient data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

RECENT = 100
STATES: dict[str, str | Promise] = {
    TaskResultStatus.READY: _("Queued"),
    TaskResultStatus.RUNNING: _("Running"),
    TaskResultStatus.FAILED: _("Failed"),
    TaskResultStatus.SUCCESSFUL: _("Done"),
}


@dataclass(frozen=True)
class TaskLine:
    name: str
    state: str
    state_label: str | Promise
    attempt: int
    enqueued_at: datetime
    not_before: datetime | None  # a retry waiting for its time
    finished_at: datetime | None
    error: str


def task_page(limit: int = RECENT) -> dict:
    results = DBTaskResult.objects.order_by("-enqueued_at")[:limit]
    counts = dict(DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("id")))
    return {
        "tasks": [_line(result) for result in results],
        "counts": [(STATES[state], counts.get(state, 0)) for state in STATES],
        "limit": limit,
    }


def failed_since(since: datetime) -> int:
    """How many tasks failed from `since` on: each failed attempt counts, retried or not."""
    return DBTaskResult.objects.failed().filter(finished_at__gte=since).count()


def _line(result: DBTaskResult) -> TaskLine:
    kwargs = result.args_kwargs["kwargs"]
    name = result.task_path.removeprefix("allianse.")
    return TaskLine(
        name=f"{name}: {kwargs['name']}" if "name" in kwargs else name,  # a periodic job's name
        state=result.status,
        state_label=STATES[result.status],
        attempt=kwargs.get("attempt", 1),
        enqueued_at=result.enqueued_at,
        not_before=result.run_after if result.run_after != get_date_max() else None,
        finished_at=result.finished_at,
        error=first_error_line(result) if result.status == TaskResultStatus.FAILED else "",
    )


def first_error_line(result: DBTaskResult) -> str:
    """The exception as the traceback ends with it ("ZeroDivisionError: division by zero"), first
    line only; the class alone if the traceback does not name it."""
    name = result.exception_class_path.rsplit(".", 1)[-1]
    lines = [
        line
        for line in result.traceback.splitlines()
        if not line.startswith(" ") and line.split(":", 1)[0].rsplit(".", 1)[-1] == name
    ]
    return lines[-1] if lines else name
