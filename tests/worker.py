"""The database backend's worker, run in the test's own process and transaction."""

from unittest import mock

from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult


def run_tasks() -> list[DBTaskResult]:
    """Run every task that is due, as `allianse db_worker --batch` does, and return the results
    of all tasks in the order they were enqueued. The worker's recycling of database connections
    is left out: it would close the connection that holds the test's transaction."""
    worker = db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections"):
        worker.run()
    return list(DBTaskResult.objects.order_by("enqueued_at"))
