"""`allianse update_ruptures`: bring every running treatment's signals and episodes up to date.

Checks and missed sessions update their treatment as they arrive, as background tasks; this
catches what nothing announces (a check link that expired unanswered) and any update whose task
failed for good, and is meant to run daily (cron, timer). It runs the signal rules over all running
treatments at once and updates only those where something changed (`ruptures.daily`): those with
nothing stored yet (the first run) in bulk, a chunk at a time, the others each in its own
transaction. The therapists' e-mail about new signals is enqueued as a task for the worker.
A treatment whose update fails is rolled back and logged (a chunk whose bulk write fails is updated
treatment by treatment), the others are still updated, and the run ends with a non-zero exit
status so the scheduler reports it.
"""

from django.core.management.base import BaseCommand, CommandError

from allianse.ruptures.daily import update_running


class Command(BaseCommand):
    help = "Update rupture signals and episodes of all running treatments (run daily)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-mail", action="store_true", help="do not e-mail therapists about new signals")

    def handle(self, *args, quiet_mail: bool = False, **options) -> None:
        result = update_running(notify=not quiet_mail)
        for public_id in result.failed:
            self.stderr.write(f"Treatment {public_id}: update failed (see the log).")
        self.stdout.write(
            f"{result.treatments} running treatment(s), {result.updated} updated, {len(result.failed)} failed: "
            f"{result.new_signals} new signal(s), {result.opened} new episode(s)."
        )
        if result.failed:
            raise CommandError(f"{len(result.failed)} treatment(s) could not be updated.")
