"""`allianse enrolment_link USERNAME`: an enrolment link for an account, printed for whoever runs the
server; the way in for the first administrator (made with `allianse createsuperuser`), whose second
factor no administrator can allow yet."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from allianse.accounts import staff
from allianse.accounts.models import User


class Command(BaseCommand):
    help = "Prints a one-time enrolment link: the person chooses a new password, then sets up two-step sign-in."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account has the username {username!r}.")
        link = staff.enrolment_link(user)
        self.stdout.write(f"{link.url}\nworks once, until {link.expires_at:%Y-%m-%d %H:%M %Z}")
