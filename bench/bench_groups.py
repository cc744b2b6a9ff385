"""Server time of a group page, 12 members over 100 weekly sessions, against a plain page of the same data.

`run()` starts this module in a child process with its own temporary SQLite database (DATABASE_URL
points to a file in a temporary folder; the child migrates it), so Django is configured there and
nowhere else. The child builds the group (attendance, members' checks scored by the core, signals,
summaries), signs in a therapist and times requests with django.test.Client.

The baseline is the p95 of the therapist's group list page, measured in the same run through the
same client, database, middleware and base template: what any signed-in page costs here, so the
ratio (page / baseline) shows what the group page's own work adds. The list page is requested
first, which also takes Django's own first-request work out of the group page's figures. Each view
of the group page gets two rows: its first request (cold: its charts and tables are rendered and
cached) and the p95 of the 30 requests after it. Run from the project root:
`python -m bench bench_groups`.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

from bench.support import ROOT, migrated_env

MEMBERS, SESSIONS, REQUESTS = 12, 100, 30
GOAL_SECONDS = 0.150
SEED = 2026


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        env = migrated_env(folder, "testserver")
        child = subprocess.run(
            [sys.executable, "-m", "bench.bench_groups", "--measure"],
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.PIPE,  # the rows; errors go to this process's stderr
            text=True,
        )
    return json.loads(child.stdout.strip().splitlines()[-1])


def _measure() -> list[dict]:
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import make_user, sign_in

    therapist = make_user("bench-therapist", "therapist")
    group = _build_group(therapist)
    client = Client()
    sign_in(client, therapist)
    listing = reverse("groups:list")
    first_listing = _seconds(lambda: client.get(listing))  # also Django's own first-request work
    baseline = _p95([_seconds(lambda: client.get(listing)) for _ in range(REQUESTS)])
    compared = (
        f"baseline: p95 of the group list page over {REQUESTS} requests ({baseline * 1000:.1f} ms; "
        f"its first request {first_listing * 1000:.0f} ms), ratio = page / baseline"
    )
    url = reverse("groups:group", args=[group.public_id])
    rows = []
    for name, query in (("latest 24 sessions", {}), ("all 100 sessions", {"sessions": "all"})):
        page = f"group page {MEMBERS}x{SESSIONS}, {name}"
        first = _seconds(lambda query=query: client.get(url, query))
        queries = _count_queries(lambda query=query: client.get(url, query))
        times = [_seconds(lambda query=query: client.get(url, query)) for _ in range(REQUESTS)]
        p95 = _p95(times)
        rows.append(
            _row(f"{page}, first request", first, baseline, f"renders and caches its charts and tables; {compared}")
        )
        rows.append(
            _row(
                f"{page}, p95",
                p95,
                baseline,
                f"median {statistics.median(times) * 1000:.1f} ms over {REQUESTS} requests; {queries} queries; "
                f"goal p95 < {GOAL_SECONDS * 1000:.0f} ms; {compared}",
            )
        )
    return rows


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18]


def _row(name: str, seconds: float, baseline: float, note: str) -> dict:
    return {"name": name, "seconds": seconds, "baseline_seconds": baseline, "ratio": seconds / baseline, "note": note}


def _seconds(request) -> float:
    start = time.perf_counter()
    response = request()
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"{response.request['PATH_INFO']} answered {response.status_code}")
    return elapsed


def _count_queries(request) -> int:
    """Every statement sent to the database, including the session's and the audit log's."""
    from django.db import connection

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        request()
    return len(statements)


def _build_group(therapist):
    """12 members over 100 weekly sessions; most present members answer group-climate and the
    alliance check, therapeutic factors every 8th session; signals computed once for the group."""
    from django.utils import timezone

    from allianse.clinic import services as clinic_services
    from allianse.core.measures import score_response
    from allianse.groups import services, signal_store
    from allianse.groups.models import Attendance, GroupSession, MemberCheck, MemberResponse, SessionSummary
    from allianse.instruments import registry as instruments

    rng = random.Random(SEED)
    start = timezone.now() - timedelta(weeks=SESSIONS + 1)
    group = services.create_group(
        therapist=therapist,
        name="Bench group",
        kind="dynamic",
        cadence="weekly",
        duration_minutes=90,
        admission="slow_open",
        max_size=MEMBERS,
        started_on=start.date(),
    )
    members = [services.add_member(group=group, by=therapist, started_on=start.date()) for _ in range(MEMBERS)]
    for member in members[: MEMBERS // 2 + 1]:
        clinic_services.record_diagnosis(patient=member.patient, by=therapist, system="icd10", code="F60.31")
    sessions = GroupSession.objects.bulk_create(
        GroupSession(group=group, number=number, starts_at=start + timedelta(weeks=number))
        for number in range(1, SESSIONS + 1)
    )
    present = [(session, member) for session in sessions for member in members if rng.random() < 0.9]
    came = {(session.number, member.pk) for session, member in present}
    Attendance.objects.bulk_create(
        Attendance(
            session=session,
            membership=member,
            status="present" if (session.number, member.pk) in came else "absent_notice",
        )
        for session in sessions
        for member in members
    )
    links = MemberCheck.objects.bulk_create(
        MemberCheck(session=session, membership=member, instrument_keys=[], expires_at=session.starts_at)
        for session, member in present
    )
    responses = []
    for link in links:
        for key in ("group-climate", "alliance-patient", "therapeutic-factors"):
            if key == "therapeutic-factors" and link.session.number % 8:
                continue
            if rng.random() < 0.9:
                responses.append(_response(link, key, instruments.get(key), rng, score_response))
    MemberResponse.objects.bulk_create(responses)
    SessionSummary.objects.bulk_create(
        SessionSummary(session=session, themes="-", written_by=therapist, updated_by=therapist) for session in sessions
    )
    signal_store.refresh_group_signals(group=group)
    return group


def _response(link, key, instrument, rng, score_response):
    from allianse.groups.models import MemberResponse

    answers = {item.id: rng.randint(item.min, item.max) for item in instrument.items if item.type == "scale"}
    answers.update({item.id: False for item in instrument.items if item.type == "yes_no"})
    answers = {item_id: value for item_id, value in answers.items() if not item_id.startswith("rupture_")}
    result = score_response(instrument, answers)
    return MemberResponse(
        check_link=link,
        session=link.session,
        membership=link.membership,
        instrument_key=key,
        instrument_version=instrument.version,
        answers=answers,
        scores=result.scores,
        bands=result.bands,
        submitted_at=link.session.starts_at + timedelta(hours=2),
    )


if __name__ == "__main__":  # the child process started by run()
    print(json.dumps(_measure()))
