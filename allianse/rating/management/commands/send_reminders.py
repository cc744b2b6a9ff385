"""`allianse send_reminders`: the one reminder of each unanswered patient check, member link and
unrated assignment that is due now (run it every hour)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from allianse.core.reminders import next_send_time
from allianse.delivery.models import DeliverySettings, Message
from allianse.feedback import reminders as patient_checks
from allianse.groups import reminders as member_checks
from allianse.rating import reminders as ratings


class Command(BaseCommand):
    help = "Sends the reminders that are due now: patients' checks, group members' links, raters' assignments."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        clinic = DeliverySettings.get()
        resume = next_send_time(timezone.localtime(now), clinic.quiet_hours_start, clinic.quiet_hours_end)
        if resume != timezone.localtime(now):
            self.stdout.write(f"Quiet hours: no reminders until {resume:%H:%M}.")
            return
        for name, send in (
            ("patient checks", patient_checks.send_due_reminders),
            ("member links", member_checks.send_due_reminders),
            ("rating assignments", ratings.send_due_reminders),
        ):
            messages = send(now)
            failed = sum(message.status == Message.Status.FAILED for message in messages)
            self.stdout.write(f"{name}: {len(messages)} reminders sent" + (f", {failed} failed" if failed else ""))
