"""`allianse update_ruptures`: bring every running treatment's signals and episodes up to date.

Checks and missed sessions update their treatment as they arrive, as background tasks; this
catches what nothing announces (a check link that expired unanswered) and any update whose task
failed for good, and is meant to run daily (cron, timer). The therapists' e-mail about new
signals is enqueued as a task for the worker.
Each treatment is updated in its own transaction: one that fails is rolled back and logged, the
others are still updated, and the run ends with a non-zero exit status so the scheduler reports it.
"""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from allianse.clinic.models import Treatment
from allianse.ruptures.updates import update_for_treatment

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Update rupture signals and episodes of all running treatments (run daily)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-mail", action="store_true", help="do not e-mail therapists about new signals")

    def handle(self, *args, quiet_mail: bool = False, **options) -> None:
        updated = failed = signals = episodes = 0
        for treatment in Treatment.objects.filter(ended_on__isnull=True).select_related("patient").iterator():
            try:
                with transaction.atomic():
                    result = update_for_treatment(treatment=treatment, notify=not quiet_mail)
            except Exception:
                failed += 1
                logger.exception("Rupture update failed for treatment %s", treatment.public_id)
                self.stderr.write(f"Treatment {treatment.public_id}: update failed (see the log).")
                continue
            updated += 1
            signals += len(result.new_signals)
            episodes += len(result.opened)
        self.stdout.write(
            f"{updated} treatment(s) updated, {failed} failed: {signals} new signal(s), {episodes} new episode(s)."
        )
        if failed:
            raise CommandError(f"{failed} treatment(s) could not be updated.")
