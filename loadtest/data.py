"""The database side of a load test, run in a child process configured by its environment:
`python -m loadtest.data prepare CLIENTS PER_CLIENT` migrates the database, issues the check links
and prints their tokens; `python -m loadtest.data verify` reads tokens on stdin and prints, as JSON, how many
responses each has and what the integrity checks found."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import timedelta


def prepare(clients: int, per_client: int) -> list[str]:
    """One therapist; per client one patient in treatment with `per_client` sessions, each with a
    patient's check link, written in bulk."""
    from django.db import transaction
    from django.utils import timezone

    from allianse.clinic.models import Session
    from allianse.clinic.services import register_patient
    from allianse.feedback.models import Administration, Respondent
    from allianse.feedback.services import PATIENT_CHECK
    from tests.conftest import make_user

    now = timezone.now()
    therapist = make_user("load-therapist", "therapist")
    with transaction.atomic():
        treatments = [
            register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())
            for _ in range(clients)
        ]
        sessions = Session.objects.bulk_create(
            Session(treatment=treatment, number=number, starts_at=now - timedelta(hours=1))
            for treatment in treatments
            for number in range(1, per_client + 1)
        )
        links = Administration.objects.bulk_create(
            Administration(
                session=session,
                patient_id=session.treatment.patient_id,
                instrument_key=PATIENT_CHECK,
                respondent=Respondent.PATIENT,
                language="nb",
                created_by=therapist,
                expires_at=now + timedelta(days=1),
            )
            for session in sessions
        )
    return [link.token for link in links]


def verify(tokens: list[str]) -> dict:
    """Responses per link, and the database's own view of its consistency: SQLite's integrity and
    foreign key checks; on either database, responses without their administration or session of
    it, and links answered more than once."""
    from django.db import connection
    from django.db.models import Count, F

    from allianse.feedback.models import Administration, Response

    ids = {uuid.UUID(Administration.public_id_from_token(token)): token for token in tokens}
    counts = dict.fromkeys(tokens, 0)
    for public_id, stored in (
        Administration.objects.filter(public_id__in=ids)
        .annotate(stored=Count("responses"))
        .values_list("public_id", "stored")
    ):
        counts[ids[public_id]] = stored
    problems = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            problems += [row[0] for row in cursor.fetchall() if row[0] != "ok"]
            cursor.execute("PRAGMA foreign_key_check")
            problems += [f"foreign key: {row}" for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT COUNT(*) FROM {Response._meta.db_table} r LEFT JOIN {Administration._meta.db_table} a"
            " ON a.id = r.administration_id WHERE a.id IS NULL"
        )
        orphans = cursor.fetchone()[0]
    if orphans:
        problems.append(f"{orphans} responses without their administration")
    elsewhere = Response.objects.exclude(session_id=F("administration__session_id")).count()
    if elsewhere:
        problems.append(f"{elsewhere} responses on another session than their link's")
    twice = (
        Response.objects.filter(supersedes__isnull=True)
        .values("administration")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    if twice:
        problems.append(f"{twice} links with more than one response")
    return {"counts": counts, "problems": problems}


def main(argv: list[str]) -> None:
    import django

    django.setup()
    if argv[0] == "prepare":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(json.dumps(prepare(int(argv[1]), int(argv[2]))))
    else:
        print(json.dumps(verify(json.load(sys.stdin))))


if __name__ == "__main__":
    main(sys.argv[1:])
