"""`python -m bench.scale_groups --database URL --size S|L`: therapy groups at a health trust's size.

`build` adds in bulk, to a migrated database, 20 groups (size S) or 200 (size L) led by the
therapists already there (users in the therapist group; if there are none, the staff of
`bench.scale_data` is made first): each group has 8 members, 30 weekly sessions with attendance,
and checks (group-climate and the alliance with the therapists, therapeutic factors every 8th
session) answered by most present members, from a pool of checked and scored answers chosen by a
random walk of each member's cohesion. The group signals (and the member episodes they open) are
then computed by the product, one group at a time.

`main` measures a group page, a member page and a group session page (queries, p50 and p95 of
`--runs` requests, bytes; `bench.scale._measure`), and a member's check submission (group-climate,
with the refresh of the group's signals it starts): queries and p50/p95 of `--runs` submissions,
each rolled back; then the same in one group with a longer history (`--history`, sessions), built
for the measurement and rolled back.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta

from bench.scale import _emit, _environment, _measure
from bench.support import ROOT

GROUPS = {"S": 20, "L": 200}
MEMBERS = 8
SESSIONS = 30
SEED = 20261129


def build(size: str, log=print) -> dict[str, int]:
    """Writes the groups of `size` into the database and returns what the groups app holds."""
    from django.db import transaction

    from allianse.accounts.models import Role, User
    from allianse.groups import signal_store

    therapists = list(User.objects.filter(groups__name=Role.THERAPIST).order_by("pk"))
    if not therapists:
        from bench import scale_data

        therapists = scale_data.create_staff(scale_data.Size.named(size))["therapists"]
    rng = random.Random(SEED)
    pool = _AnswerPool(rng)
    count = GROUPS[size]
    for start in range(0, count, 20):
        with transaction.atomic():
            groups = _groups(therapists, range(start, min(start + 20, count)), pool, rng)
        for group in groups:
            signal_store.refresh_group_signals(group=group)
        log(f"  groups {start + len(groups)}/{count}")
    return counts()


def counts() -> dict[str, int]:
    from allianse.groups.models import Attendance, GroupSession, GroupSignal, MemberResponse, TherapyGroup

    return {
        "groups": TherapyGroup.objects.count(),
        "group_sessions": GroupSession.objects.count(),
        "attendance": Attendance.objects.count(),
        "member_responses": MemberResponse.objects.count(),
        "group_signals": GroupSignal.objects.count(),
    }


class _AnswerPool:
    """Checked and scored answers of the members' instruments: group-climate at each cohesion level
    (0-6), alliance-patient at each alliance level (1-7), therapeutic factors; scored once, reused."""

    def __init__(self, rng: random.Random) -> None:
        from allianse.core.measures import check_answers, roles
        from allianse.demo.clinic import alliance_answers
        from allianse.groups.series import ALLIANCE, CLIMATE, FACTORS
        from allianse.instruments import registry as instruments
        from allianse.instruments.links import scored_fields

        climate, alliance, factors = (instruments.get(key) for key in (CLIMATE, ALLIANCE, FACTORS))
        conflict = climate.score_with_role(roles.CONFLICT).id

        def scored(instrument, answers: dict) -> dict:
            checked = check_answers(instrument, answers)
            assert checked.is_valid, checked.errors
            return scored_fields(instrument, checked)

        def near(instrument, item_id: str, level: float) -> int:
            low, high = instrument.item(item_id).bounds
            return min(high, max(low, round(level + rng.gauss(0, 0.45))))

        self.climate = {
            level: [
                scored(
                    climate,
                    {
                        item: near(climate, item, 1.2 if score.id == conflict else level)
                        for score in climate.scores
                        for item in score.items
                    },
                )
                for _ in range(4)
            ]
            for level in range(7)
        }
        extra = {alliance.item_with_role(role).id: "no" for role in (roles.RUPTURE, roles.HELD_BACK)}
        self.alliance = {
            level: [scored(alliance, {**alliance_answers(alliance, level, rng), **extra}) for _ in range(4)]
            for level in range(1, 8)
        }
        self.factors = [
            scored(factors, {item.id: near(factors, item.id, 3.0) for item in factors.items}) for _ in range(8)
        ]
        self.keys = (CLIMATE, ALLIANCE, FACTORS)


def _groups(therapists, numbers: range, pool: _AnswerPool, rng: random.Random, sessions: int = SESSIONS) -> list:
    from django.utils import timezone

    from allianse.clinic.models import Patient
    from allianse.groups.models import Attendance, GroupSession, MemberCheck, MemberResponse, Membership, TherapyGroup

    now = timezone.now()
    first = now - timedelta(weeks=sessions + 1)
    groups = TherapyGroup.objects.bulk_create(
        TherapyGroup(name=f"Bench group {n:04d}", started_on=first.date(), max_size=MEMBERS + 1) for n in numbers
    )
    leaders = {group.pk: therapists[n % len(therapists)] for n, group in zip(numbers, groups, strict=True)}
    TherapyGroup.therapists.through.objects.bulk_create(
        TherapyGroup.therapists.through(therapygroup=group, user=leaders[group.pk]) for group in groups
    )
    patients = Patient.objects.bulk_create(
        Patient(code=f"G{n:04d}{m}", language="nb") for n in numbers for m in range(MEMBERS)
    )
    memberships = Membership.objects.bulk_create(
        Membership(group=group, patient=patients[i * MEMBERS + m], started_on=first.date())
        for i, group in enumerate(groups)
        for m in range(MEMBERS)
    )
    sessions = GroupSession.objects.bulk_create(
        GroupSession(group=group, number=number, starts_at=first + timedelta(weeks=number))
        for group in groups
        for number in range(1, sessions + 1)
    )
    GroupSession.therapists_present.through.objects.bulk_create(
        GroupSession.therapists_present.through(groupsession=session, user=leaders[session.group_id])
        for session in sessions
    )
    members_of: dict[int, list] = {}
    for membership in memberships:
        members_of.setdefault(membership.group_id, []).append(membership)
    attendance, present = [], []
    for session in sessions:
        for membership in members_of[session.group_id]:
            came = rng.random() < 0.9
            status = Attendance.Status.PRESENT if came else rng.choice(list(Attendance.Status)[1:])
            attendance.append(Attendance(session=session, membership=membership, status=status))
            if came:
                present.append((session, membership))
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    climate_key, alliance_key, factors_key = pool.keys
    links = MemberCheck.objects.bulk_create(
        (
            MemberCheck(
                session=session,
                membership=membership,
                instrument_keys=[climate_key, alliance_key, *([factors_key] if session.number % 8 == 0 else [])],
                created_by=leaders[session.group_id],
                expires_at=session.starts_at + timedelta(hours=72),
            )
            for session, membership in present
        ),
        batch_size=5000,
    )
    responses, cohesion = [], {}
    for link in links:
        walk = cohesion.get(link.membership_id, rng.uniform(3.5, 5.5))
        walk = min(6.0, max(0.0, walk + rng.gauss(0, 0.5) - (2.0 if rng.random() < 0.04 else 0)))
        cohesion[link.membership_id] = walk + (4.5 - walk) * 0.2
        if rng.random() > 0.85:
            continue
        answered = [rng.choice(pool.climate[round(walk)]), rng.choice(pool.alliance[max(1, round(walk + 1))])]
        if factors_key in link.instrument_keys:
            answered.append(rng.choice(pool.factors))
        submitted_at = link.session.starts_at + timedelta(hours=2)
        responses += [
            MemberResponse(
                check_link=link,
                session=link.session,
                membership=link.membership,
                **{**fields, "submitted_at": submitted_at},
            )
            for fields in answered
        ]
    MemberResponse.objects.bulk_create(responses, batch_size=5000)
    return groups


def pages(size: str) -> list[tuple[str, str, object]]:
    """A group page, a member page and a group session page of the first bench group, each with
    a therapist of the group (`size` names the data set; the pages are the same kind at both)."""
    from django.urls import reverse

    from allianse.groups.models import TherapyGroup

    group = TherapyGroup.objects.filter(name__startswith="Bench group").order_by("pk").first()
    therapist = group.therapists.order_by("pk").first()
    member = group.memberships.order_by("pk").first()
    session = group.sessions.order_by("-number").first()
    return [
        ("groups:group", reverse("groups:group", args=[group.public_id]), therapist),
        ("groups:member", reverse("groups:member", args=[member.public_id]), therapist),
        ("groups:session", reverse("groups:session", args=[session.public_id]), therapist),
    ]


def measure_submission(runs: int, group=None) -> dict:
    """A member's group-climate answers to the latest session of `group` (by default the first
    bench group), through `checks`: queries and milliseconds of each submission (with the signal
    refresh it starts), each rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from allianse.groups import checks
    from allianse.groups.models import Attendance, GroupSession, MemberCheck, MemberResponse
    from allianse.groups.series import CLIMATE
    from tests.groups.conftest import CLIMATE_ANSWERS

    sessions = (
        GroupSession.objects.filter(group=group)
        if group
        else GroupSession.objects.filter(group__name__startswith="Bench group")
    )
    session = sessions.order_by("group_id", "-number")[0]
    answered = MemberResponse.objects.filter(session=session).values("membership_id")
    present = session.attendance.filter(status=Attendance.Status.PRESENT).exclude(membership_id__in=answered)
    membership = (present.first() or session.attendance.first()).membership
    queries, times = [], []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    for run in range(runs + 1):
        with transaction.atomic():
            check = MemberCheck.objects.create(
                session=session,
                membership=membership,
                instrument_keys=[CLIMATE],
                expires_at=timezone.now() + timedelta(hours=1),
            )
            queries.clear()
            start = time.perf_counter()
            with connection.execute_wrapper(count):
                checks.submit_member_check(token=check.token, instrument_key=CLIMATE, answers=CLIMATE_ANSWERS)
            if run:  # the first run warms the caches
                times.append((time.perf_counter() - start) * 1000)
            transaction.set_rollback(True)
    times.sort()
    return {
        "name": f"member check submission (group-climate, session {session.number})",
        "queries": len(queries),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
    }


def _long_history(sessions: int, runs: int) -> dict:
    """`measure_submission` in one group of `sessions` sessions (as the bench groups), built in a
    transaction that is rolled back."""
    from django.db import transaction

    from allianse.accounts.models import Role, User
    from allianse.groups import signal_store

    with transaction.atomic():
        therapists = list(User.objects.filter(groups__name=Role.THERAPIST).order_by("pk")[:1])
        rng = random.Random(SEED)
        group = _groups(therapists, range(9000, 9001), _AnswerPool(rng), rng, sessions)[0]
        signal_store.refresh_group_signals(group=group)
        row = measure_submission(runs, group)
        transaction.set_rollback(True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_groups")
    parser.add_argument("--database", required=True, help="URL of a migrated database to add the groups to")
    parser.add_argument("--size", choices=sorted(GROUPS), default="S")
    parser.add_argument("--runs", type=int, default=20, help="requests per page and submissions (default 20)")
    parser.add_argument("--reuse", action="store_true", help="measure the groups already built")
    parser.add_argument("--migrate", action="store_true", help="migrate the database first")
    parser.add_argument("--json", help="file for the rows as JSON")
    parser.add_argument(
        "--history",
        type=int,
        nargs="*",
        default=[120],
        help="also time a submission in one group with this many sessions, built and rolled back (default 120)",
    )
    args = parser.parse_args(argv)
    env = _environment(args.database)
    if args.migrate:
        subprocess.run([sys.executable, "-m", "allianse", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    os.environ.update(env)
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    from tests.conftest import sign_in

    rows = []
    if not args.reuse:
        start = time.perf_counter()
        held = build(args.size)
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        rows.append(_emit({"name": "build groups", "size": args.size, "seconds": time.perf_counter() - start, **held}))
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        for name, path, user in pages(args.size):
            client = Client()
            sign_in(client, user)
            rows.append(_emit({**_measure(client, name, path, args.runs), "size": args.size}))
    rows.append(_emit({**measure_submission(args.runs), "size": args.size}))
    for sessions in args.history:
        rows.append(_emit({**_long_history(sessions, args.runs), "size": args.size}))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
