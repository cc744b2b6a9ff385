"""`allianse demo`: fill an empty database with a demo clinic and print how to try it."""

import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from allianse.clinic.models import Patient, Session
from allianse.demo import (
    api_tokens,
    clinic,
    courses,
    delivery,
    fhir,
    group_recordings,
    group_study,
    groups,
    observers,
    outcome,
    rating,
    research,
    ruptures,
    supervision,
    treatments,
)
from allianse.demo.clinic import DEMO_PASSWORD, DemoContext
from allianse.feedback.services import PATIENT_CHECK, issue_check

# Builders run in this order; each adds its own part of the demo (allianse/demo/<app>.py).
DEMO_BUILDERS = [
    clinic.build,
    outcome.build,
    treatments.build,
    ruptures.build,
    groups.build,
    rating.build,
    observers.build,
    group_recordings.build,
    group_study.build,
    courses.build,
    delivery.build,
    research.build,
    fhir.build,
    supervision.build,
    api_tokens.build,
]


class Command(BaseCommand):
    help = "Create demo data (only if the database has no patients) and print the demo logins."

    def handle(self, *args, **options):
        if Patient.objects.exists():
            self.stdout.write("The database already has data; no demo data added.")
        else:
            context = DemoContext(now=timezone.now(), rng=random.Random(2026))
            for build in DEMO_BUILDERS:
                build(context)
            _analyze()
            for line in context.lines:
                self.stdout.write(line)
        self._print_logins()

    def _print_logins(self):
        from allianse.accounts.models import User

        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in User.objects.filter(is_demo=True).order_by("username"):
            roles = ", ".join(user.groups.values_list("name", flat=True))
            self.stdout.write(f"  {user.username:<14} {roles}")
        self.stdout.write(
            "Two-step sign-in: DEMO ONLY, while DEBUG is on the sign-in page shows a demo account's current code."
        )
        session = (
            Session.objects.filter(treatment__ended_on__isnull=True, attended=True)
            .exclude(responses__instrument_key=PATIENT_CHECK)
            .order_by("-starts_at")
            .first()
        )
        if session is None:
            return
        therapist = session.treatment.therapists.first()
        link = issue_check(session=session, by=therapist)
        self.stdout.write(f"A fresh patient check link ({session.treatment.patient.code}, session {session.number}):")
        self.stdout.write(f"{settings.SITE_URL}{reverse('feedback:check', args=[link.token])}")


def _analyze() -> None:
    """Planner statistics for the tables the demo filled, as after any import: on tables it has
    never analysed, PostgreSQL plans the overview's counts as if they were empty (minutes, not
    milliseconds, on the demo's few thousand answers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
