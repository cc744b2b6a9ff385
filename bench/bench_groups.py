"""Server time of a group page: 12 members over 100 weekly sessions, against the goal of 150 ms (p95).

`run()` starts this module in a child process with its own temporary SQLite database (DATABASE_URL
points to a file in a temporary folder; the child migrates it), so Django is configured there and
nowhere else. The child builds the group (attendance, members' checks scored by the core, signals,
summaries), signs in a therapist, and times requests to the group page with django.test.Client:
one first request (charts and tables not yet rendered and cached), then 30 timed requests. Run from the project root:
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
            capture_output=True,
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
    rows = []
    for name, query in (("latest 24 sessions shown", {}), ("all 100 sessions shown", {"sessions": "all"})):
        url = reverse("groups:group", args=[group.public_id])
        first = _seconds(lambda url=url, query=query: client.get(url, query))
        queries = _count_queries(lambda url=url, query=query: client.get(url, query))
        times = [_seconds(lambda url=url, query=query: client.get(url, query)) for _ in range(REQUESTS)]
        p95 = statistics.quantiles(times, n=20)[18]
        rows.append(
            {
                "name": f"group page, {MEMBERS} members x {SESSIONS} sessions, {name} (p95)",
                "seconds": p95,
                "baseline_seconds": GOAL_SECONDS,
                "ratio": p95 / GOAL_SECONDS,
                "note": f"median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms over {REQUESTS} "
                f"requests; first request {first * 1000:.0f} ms (renders the charts and tables); {queries} queries; "
                f"baseline = goal p95 < {GOAL_SECONDS * 1000:.0f} ms, ratio = p95 / goal",
            }
        )
    return rows


def _seconds(request) -> float:
    start = time.perf_counter()
    response = request()
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"the group page answered {response.status_code}")
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

    from allianse.core.measures import score_response
    from allianse.feedback import instruments
    from allianse.groups import services, signals
    from allianse.groups.models import Attendance, GroupSession, MemberCheck, MemberResponse, SessionSummary

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
        services.record_diagnosis(patient=member.patient, by=therapist, system="icd10", code="F60.31")
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
    signals.refresh_group_signals(group=group)
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
