"""The database side of a load test, run in a child process configured by its environment:
`python -m loadtest.data prepare CLIENTS PER_CLIENT` migrates the database, writes each patient's
history, issues the check links and prints their tokens; `python -m loadtest.data drain SINCE LIMIT`
waits for the task worker to empty the queue and prints when it did; `python -m loadtest.data verify`
reads tokens on stdin and prints, as JSON, how many responses each has and what the integrity checks
found."""

from __future__ import annotations

import json
import random
import sys
import time
import uuid
from datetime import timedelta

HISTORY = (16, 31)  # answered sessions per treatment before the load: a real series' length
CASELOAD = 30  # treatments per therapist
SEED = 20261129


def prepare(clients: int, per_client: int) -> list[str]:
    """One link per check the load submits, each for a patient of its own in treatment with a
    history of 16 to 31 weekly sessions with their answered checks, on the next session (a week's
    checks at a health trust: each patient answers once); therapists with 30 treatments each.
    Written in bulk, then the histories' rupture signals and episodes stored by the daily run, as
    they would be at a clinic by then: the update each submit enqueues does the steady state's work,
    not a first run's. Returns the links' tokens."""
    from django.db import connection, transaction
    from django.utils import timezone

    from allianse.clinic.models import Patient, Session, Treatment
    from allianse.feedback.models import Administration, Respondent
    from allianse.feedback.services import PATIENT_CHECK
    from allianse.ruptures.daily import update_running
    from bench.scale_data import Size, create_staff

    now = timezone.now()
    rng = random.Random(SEED)
    count = clients * per_client
    with transaction.atomic():
        size = Size(therapists=max(1, count // CASELOAD), treatments=count, audit_rows=0)
        therapists = create_staff(size)["therapists"]
        patients = Patient.objects.bulk_create(Patient(code=f"L{n:07d}", language="nb") for n in range(count))
        lengths = [rng.randint(*HISTORY) for _ in patients]
        treatments = Treatment.objects.bulk_create(
            Treatment(patient=patient, started_on=(now - timedelta(weeks=length + 1)).date())
            for patient, length in zip(patients, lengths, strict=True)
        )
        owners = {treatment.pk: therapists[n % len(therapists)] for n, treatment in enumerate(treatments)}
        Treatment.therapists.through.objects.bulk_create(
            Treatment.therapists.through(treatment=treatment, user=owners[treatment.pk]) for treatment in treatments
        )
        lengths = {treatment.pk: length for treatment, length in zip(treatments, lengths, strict=True)}
        answered_history(treatments, lengths, owners, rng)
        sessions = Session.objects.bulk_create(
            Session(treatment=treatment, number=lengths[treatment.pk] + 1, starts_at=now - timedelta(hours=1))
            for treatment in treatments
        )
        links = Administration.objects.bulk_create(
            Administration(
                session=session,
                patient_id=session.treatment.patient_id,
                instrument_key=PATIENT_CHECK,
                respondent=Respondent.PATIENT,
                language="nb",
                created_by=owners[session.treatment_id],
                expires_at=now + timedelta(days=1),
            )
            for session in sessions
        )
    update_running(notify=False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # plans for the tables as the load finds them, as autovacuum would
    return [link.token for link in links]


def answered_history(treatments, lengths: dict[int, int], owners: dict, rng: random.Random) -> None:
    """Sessions 1 to `lengths[treatment.pk]` of each treatment, weekly up to last week, each with
    its patient's check answered (scored answers of varied alliance, from bench.scale_data's pool),
    written in bulk; `owners` maps each treatment's id to the therapist who issued its links."""
    from django.utils import timezone

    from allianse.clinic.models import Session
    from allianse.feedback.models import Administration, Respondent, Response
    from allianse.feedback.services import PATIENT_CHECK
    from bench.scale_data import AnswerPool

    now, pool = timezone.now(), AnswerPool()
    sessions = Session.objects.bulk_create(
        Session(
            treatment=treatment,
            number=number,
            starts_at=now - timedelta(weeks=lengths[treatment.pk] - number + 1),
            attended=True,
        )
        for treatment in treatments
        for number in range(1, lengths[treatment.pk] + 1)
    )
    patients = {treatment.pk: treatment.patient_id for treatment in treatments}
    links = Administration.objects.bulk_create(
        Administration(
            session=session,
            patient_id=patients[session.treatment_id],
            instrument_key=PATIENT_CHECK,
            respondent=Respondent.PATIENT,
            created_by=owners[session.treatment_id],
            expires_at=session.starts_at + timedelta(hours=72),
        )
        for session in sessions
    )
    Response.objects.bulk_create(
        Response(
            administration=link,
            session=link.session,
            respondent=Respondent.PATIENT,
            **{
                **rng.choice(pool.patient[(rng.randint(3, 7), rng.random() < 0.07)]),
                "submitted_at": link.session.starts_at + timedelta(hours=1),
            },
        )
        for link in links
    )


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


def drain(since: float, limit: float) -> dict:
    """Waits (at most `limit` seconds) until the task worker has run every task enqueued, and
    returns how long after `since` (a wall-clock time: when the load ended) the queue was empty,
    with the count of tasks run and of those that failed."""
    from django.db.models import Count
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    while DBTaskResult.objects.filter(status__in=waiting).exists() and time.time() < since + limit:
        time.sleep(0.1)
    statuses = dict(DBTaskResult.objects.order_by().values_list("status").annotate(n=Count("id")))
    return {
        "seconds": time.time() - since,
        "run": statuses.get(TaskResultStatus.SUCCESSFUL, 0) + statuses.get(TaskResultStatus.FAILED, 0),
        "failed": statuses.get(TaskResultStatus.FAILED, 0),
        "left": sum(statuses.get(status, 0) for status in waiting),
    }


def main(argv: list[str]) -> None:
    import django

    django.setup()
    if argv[0] == "prepare":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(json.dumps(prepare(int(argv[1]), int(argv[2]))))
    elif argv[0] == "drain":
        print(json.dumps(drain(float(argv[1]), float(argv[2]))))
    else:
        print(json.dumps(verify(json.load(sys.stdin))))


if __name__ == "__main__":
    main(sys.argv[1:])
