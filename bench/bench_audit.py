"""The audit log at a health trust's size: reading and writing it at 10,000,000 rows (BENCH_AUDIT_ROWS
sets another number) on PostgreSQL, against the one second a page may take.

`run()` starts this module in a child process on its own PostgreSQL database (BENCH_AUDIT_DATABASE,
by default `allianse_audit_bench` on 127.0.0.1:5432, dropped and made again and migrated; with
BENCH_AUDIT_REUSE=1 the rows already there are measured again). The child fills the log on the
server itself (INSERT ... SELECT generate_series, indexes made after the rows, then ANALYZE): two
years of events in time order from a few hundred staff members, most about one of 20,000 patients,
a quarter naming one of 5,000 stored patient sets, the rest about no patient (sign-ins). Then,
signed in as an administrator (and superuser, for Django's admin), it times with Django's test
client the audit search unfiltered and by each filter, the next page, one patient's access log as
CSV and the admin's list of events; the write of one event naming a set of patients (what every page
that lists patients does); and a prune (`prune_audit_log`) of the oldest 30 days, rolled back
afterwards. The events the run writes itself are deleted at its end.

Each row: queries, p50 and p95 of `REQUESTS` requests (the first request is left out, so that no row
pays Django's own first-request work); the baseline is the budget of one second, so ratio = p95 / 1 s.
Run from the project root: `python -m bench bench_audit`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

from bench.support import ROOT

ROWS = int(os.environ.get("BENCH_AUDIT_ROWS", "10000000"))
DATABASE = os.environ.get("BENCH_AUDIT_DATABASE", "postgres://postgres@127.0.0.1:5432/allianse_audit_bench")
STAFF, PATIENTS, SETS, DAYS = 300, 20_000, 5_000, 730
REQUESTS = 15
WRITES = 200
BUDGET_SECONDS = 1.0


def run() -> list[dict]:
    from bench import scale

    env = scale._environment(DATABASE)
    if os.environ.get("BENCH_AUDIT_REUSE") != "1":
        scale._recreate(DATABASE)
        subprocess.run([sys.executable, "-m", "allianse", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    child = subprocess.run(
        [sys.executable, "-m", "bench.bench_audit", "--measure"],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.PIPE,  # the rows; progress and errors go to this process's stderr
        text=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def _measure() -> list[dict]:
    import django

    django.setup()
    from django.test.utils import override_settings

    from allianse.accounts.models import AuditEvent

    if not AuditEvent.objects.exists():
        _fill()
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        try:
            return _reads() + _writes() + [_prune()]
        finally:
            _forget_own_events()


def _forget_own_events() -> None:
    """The events this run wrote (reading the log is recorded too) and the sets they named, so that a
    run with BENCH_AUDIT_REUSE=1 measures the same log."""
    from allianse.accounts.models import AuditEvent, PatientSet

    AuditEvent.objects.filter(actor__username="bench-administrator").delete()
    PatientSet.objects.filter(pk__gt=PatientSet.objects.order_by("pk")[SETS - 1].pk).delete()


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _fill() -> None:
    from django.db import connection

    from allianse.accounts.models import AuditEvent, PatientSet, Role, User
    from allianse.clinic.models import Patient
    from tests.conftest import make_user

    start = time.perf_counter()
    administrator = make_user("bench-administrator", Role.ADMINISTRATOR)
    User.objects.filter(pk=administrator.pk).update(is_superuser=True, is_staff=True)
    User.objects.bulk_create(User(username=f"staff{i:04d}", last_name=f"Staff {i:04d}") for i in range(STAFF))
    Patient.objects.bulk_create((Patient() for _ in range(PATIENTS)), batch_size=5000)
    table, sets, members = (
        AuditEvent._meta.db_table,
        PatientSet._meta.db_table,
        PatientSet.patients.through._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM accounts_user WHERE username LIKE 'staff%%'")
        first_actor, last_actor = cursor.fetchone()
        cursor.execute(f"SELECT min(id) FROM {Patient._meta.db_table}")
        first_patient = cursor.fetchone()[0]
        cursor.execute(
            f"INSERT INTO {sets} (digest) SELECT encode(sha256(i::text::bytea), 'hex') "
            "FROM generate_series(1, %s) AS i",
            [SETS],
        )
        cursor.execute(
            f"""INSERT INTO {members} (patientset_id, patient_id)
                SELECT s.id, %(first)s + ((s.id * 7919 + k * 104729) %% %(patients)s)
                FROM {sets} s, generate_series(1, 2 + s.id %% 30) AS k ON CONFLICT DO NOTHING""",
            {"first": first_patient, "patients": PATIENTS},
        )
        cursor.execute(f"SELECT min(id) FROM {sets}")
        first_set = cursor.fetchone()[0]
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
            [table, "%pkey"],
        )
        indexes = [row[0] for row in cursor.fetchall()]
        for definition in indexes:
            cursor.execute(f"DROP INDEX {definition.split(' INDEX ')[1].split(' ON ')[0]}")
        cursor.execute("SET session_replication_role = replica")  # no foreign key check per row
        _log(f"  filling {ROWS:,} audit rows")
        cursor.execute(
            f"""INSERT INTO {table} (at, actor_id, action, object_type, object_id, patient_id, patient_set_id,
                    detail, ip_address, request_id)
                SELECT now() - interval '{DAYS} days' * ((%(rows)s - i)::float8 / %(rows)s),
                       %(first_actor)s + ((i / 7) * 2654435761 %% %(actors)s),
                       (ARRAY['view','view','view','view','view','view','view','submit','submit','update',
                              'create','export','login','api_call'])[1 + i %% 14],
                       CASE WHEN i %% 20 = 0 THEN 'User' WHEN i %% 4 = 1 THEN 'Treatment' ELSE 'Patient' END,
                       md5((i / 3)::text),
                       CASE WHEN i %% 20 <> 0 AND i %% 4 <> 1 THEN %(first_patient)s + (i * 7919) %% %(patients)s END,
                       CASE WHEN i %% 4 = 1 THEN %(first_set)s + (i * 104729) %% %(sets)s END,
                       (ARRAY['patient page','caseload','session page','api series','group page',
                              'series chart'])[1 + i %% 6],
                       ('10.' || (i %% 250) || '.' || (i %% 7) || '.1')::inet,
                       md5((i / 3)::text)::uuid
                FROM generate_series(1::bigint, %(rows)s) AS i""",
            {
                "rows": ROWS,
                "first_actor": first_actor,
                "actors": last_actor - first_actor + 1,
                "first_patient": first_patient,
                "patients": PATIENTS,
                "first_set": first_set,
                "sets": SETS,
            },
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for definition in indexes:
            _log(f"  {definition}")
            cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE")  # autocommit: no transaction is open
    _log(f"  filled in {time.perf_counter() - start:.0f} s")


def _reads() -> list[dict]:
    from django.test import Client
    from django.urls import reverse

    from allianse.accounts import pages
    from allianse.accounts.forms import AuditFilterForm
    from allianse.accounts.models import AuditEvent, User
    from allianse.clinic.models import Patient
    from bench.scale import _measure as measure
    from tests.conftest import sign_in

    administrator = User.objects.get(username="bench-administrator")
    client = Client()
    sign_in(client, administrator)
    filled = AuditEvent.objects.exclude(actor=administrator)  # not the events this bench writes
    patient = Patient.objects.get(pk=filled.filter(patient__isnull=False).latest("at").patient_id)
    actor = User.objects.get(pk=filled.filter(actor__isnull=False).latest("at").actor_id)
    newest = filled.latest("at").at.date()
    search = reverse("accounts:audit")

    def older(**query) -> str:
        cursor = pages.audit_page(AuditFilterForm(query or None), cursor=None)["page"].older
        return f"{search}?{_query(query, older=cursor)}"

    month = {"start": (newest - _days(200)).isoformat(), "end": (newest - _days(170)).isoformat()}
    paths = [
        ("audit search, unfiltered", search),
        ("audit search, by patient code", f"{search}?patient={patient.code}"),
        ("audit search, by staff member", f"{search}?actor={actor.public_id}"),
        ("audit search, by action (export)", f"{search}?action=export"),
        ("audit search, by a month", f"{search}?{_query(month)}"),
        ("audit search, staff member in a month", f"{search}?{_query(month, actor=actor.public_id)}"),
        ("audit search, next page (older)", older()),
        ("audit search, patient's next page", older(patient=patient.code)),
        ("patient's access log, CSV", f"{reverse('accounts:access_log')}?patient={patient.code}"),
        ("admin: audit events", reverse("admin:accounts_auditevent_changelist")),
        ("admin: audit events, by action", reverse("admin:accounts_auditevent_changelist") + "?action__exact=export"),
        ("admin: audit events, page 50", reverse("admin:accounts_auditevent_changelist") + "?p=50"),
        ("admin: audit events, by username", reverse("admin:accounts_auditevent_changelist") + f"?q={actor.username}"),
    ]
    client.get(search)  # Django's own first-request work
    rows = []
    for name, path in paths:
        _log(f"  {name}: {path}")
        measured = measure(client, name, path, REQUESTS)
        rows.append(_row(name, measured["p95_ms"] / 1000, _note(measured)))
    return rows


def _writes() -> list[dict]:
    """One event naming the patients a page lists (a set shown before, as on most requests, and a
    new one), against one event about one patient."""
    from django.test import RequestFactory

    from allianse.accounts import audit
    from allianse.accounts.models import User
    from allianse.clinic.models import Patient

    user = User.objects.get(username="bench-administrator")
    patients = list(Patient.objects.order_by("pk")[: 40 + WRITES + 2])
    listed, others = patients[:40], iter(patients[40:])
    factory = RequestFactory()

    def request():
        made = factory.get("/")
        made.user = user
        return made

    def new_set():
        audit.record_patients_shown(request(), [*listed[:39], next(others)], detail="home")

    rows = []
    for name, write in (
        ("write: one event about one patient", lambda: audit.record(request(), "view", listed[0], patient=listed[0])),
        (
            "write: one event naming 40 patients shown before",
            lambda: audit.record_patients_shown(request(), listed, detail="home"),
        ),
        ("write: one event naming a new set of 40 patients", new_set),
    ):
        write()  # the set made, for the rows that show it again
        queries = _queries(write)
        times = sorted(_seconds(write) * 1000 for _ in range(WRITES))
        measured = {"queries": queries, "p50_ms": round(statistics.median(times), 2), "p95_ms": round(_p95(times), 2)}
        rows.append(_row(name, measured["p95_ms"] / 1000, _note(measured)))
    return rows


def _prune() -> dict:
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from allianse.accounts.models import AuditEvent

    oldest = AuditEvent.objects.earliest("at").at
    days = (timezone.now() - oldest).days - 30
    before = AuditEvent.objects.filter(at__lt=timezone.now() - timedelta(days=days)).count()
    with transaction.atomic():  # undone, so that the next run finds the same rows
        seconds = _seconds(lambda: call_command("prune_audit_log", days=days, stdout=sys.stderr))
        transaction.set_rollback(True)
    note = f"{before:,} events deleted, then rolled back (a run, not a page)"
    return _row("prune_audit_log, the oldest 30 days", seconds, note)


def _row(name: str, seconds: float, note: str) -> dict:
    return {
        "name": f"{name} ({ROWS:,} rows)",
        "seconds": seconds,
        "baseline_seconds": BUDGET_SECONDS,
        "ratio": seconds / BUDGET_SECONDS,
        "note": note,
    }


def _note(measured: dict) -> str:
    return (
        f"{measured['queries']} queries, p50 {measured['p50_ms']} ms, p95 {measured['p95_ms']} ms; baseline 1 s budget"
    )


def _queries(work) -> int:
    from django.db import connection

    made = []
    with connection.execute_wrapper(lambda execute, sql, *args: made.append(sql) or execute(sql, *args)):
        work()
    return len(made)


def _seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _days(count: int):
    from datetime import timedelta

    return timedelta(days=count)


def _query(query: dict, **more) -> str:
    from urllib.parse import urlencode

    return urlencode({**query, **more})


if __name__ == "__main__" and sys.argv[1:] == ["--measure"]:
    print(json.dumps(_measure()))
