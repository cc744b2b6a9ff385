"""`allianse update_ruptures`: bring every running treatment's signals and episodes up to date.

Responses update their treatment as they arrive; this catches what no response announces — a
missed session, a check link that expired unanswered — and is meant to run daily (cron, timer).
"""

from django.core.management.base import BaseCommand

from allianse.clinic.models import Treatment
from allianse.ruptures.services import update_for_treatment


class Command(BaseCommand):
    help = "Update rupture signals and episodes of all running treatments (run daily)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-mail", action="store_true", help="do not e-mail therapists about new signals")

    def handle(self, *args, quiet_mail: bool = False, **options) -> None:
        signals = episodes = 0
        for treatment in Treatment.objects.filter(ended_on__isnull=True).select_related("patient").iterator():
            result = update_for_treatment(treatment=treatment, notify=not quiet_mail)
            signals += len(result.new_signals)
            episodes += len(result.opened)
        self.stdout.write(f"{signals} new signal(s), {episodes} new episode(s).")
