"""`allianse schedule`: queue the first run of each periodic job that has none (`allianse.background`).

Run before the worker starts (`scripts/run.sh` does); running it again, or in two processes at once,
queues nothing twice. Each run of a job then queues the next one itself.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_tasks_db.backend import DatabaseBackend

from allianse import background


class Command(BaseCommand):
    help = "Queues the next run of each periodic job (daily rupture update, hourly reminders, ...) that has none."

    def handle(self, *args: Any, **options: Any) -> None:
        if not isinstance(background.run_periodic.get_backend(), DatabaseBackend):
            raise CommandError("Periodic jobs need the database task backend; run their commands with cron instead.")
        queued = background.schedule()
        for name in sorted(background.periodic_jobs):
            self.stdout.write(f"{name}: {'queued' if name in queued else 'already queued or running'}")
