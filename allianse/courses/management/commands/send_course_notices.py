"""`allianse send_course_notices`: the e-mail to each participant before a course meeting, with
their roles that day (run it daily)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from allianse.courses.notices import send_due_notices
from allianse.delivery.models import Message


class Command(BaseCommand):
    help = "Sends each participant the notice of a course meeting in the coming week, with their roles."

    def handle(self, *args: Any, **options: Any) -> None:
        messages = send_due_notices(timezone.localdate())
        failed = sum(message.status == Message.Status.FAILED for message in messages)
        self.stdout.write(f"course notices: {len(messages)} sent" + (f", {failed} failed" if failed else ""))
