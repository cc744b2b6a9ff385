"""`python -m bench.scale_rating --size S|L [--database URL]`: a blind rating study at a health trust's size.

Adds one rating study in bulk to a migrated database: size S is 20 raters and an expert on 21
segments (441 assignments), size L 65 raters and an expert on 80 segments (5,280 assignments).
Each recording holds four segments of a session of its own patient, who consented to its use in
a course. Nine in ten rater assignments are submitted with every item of the study's scale
rated (a segment's true value plus each rater's bias and noise), the rest are pending, half of
them with a draft; the expert rates every segment (the reference for calibration).

Then each page of the study (`pages`) is read through Django's test client by the person who may
see it, as `bench.scale` measures its pages: queries, p50 and p95 of `--runs` requests, and bytes.
Unless `--reuse` is given, the database (by default the PostgreSQL database `allianse_rating_<size>`
on 127.0.0.1:5432) is dropped, created and migrated first.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/ is on the path, the repository is not
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.support import ROOT  # noqa: E402

SHAPES = {"S": (20, 21), "L": (65, 80)}  # raters (the expert comes on top) and segments
SEGMENTS_PER_RECORDING = 4
SUBMITTED = 0.9
SEED = 20261129


@dataclass(frozen=True)
class BuiltStudy:
    study: object  # RatingStudy
    leader: object  # User
    rater: object  # User: the first rater
    segment: object  # Segment: the first segment
    assignments: int


def build(size: str) -> BuiltStudy:
    """One study of the named size (S or L) in the database, written in bulk."""
    raters, segments = SHAPES[size]
    return add_study(raters=raters, segments=segments, prefix=f"scale-{size.lower()}")


def add_study(*, raters: int, segments: int, prefix: str, seed: int = SEED) -> BuiltStudy:
    """A blind study of `raters` raters and one expert on `segments` segments, its people named
    `prefix`-..., with the recordings, sessions, patients and consents the models require."""
    from django.db import transaction

    from allianse.accounts.models import Role

    rng = random.Random(seed)
    with transaction.atomic():
        people = _users(prefix, {Role.THERAPIST: 1, Role.COURSE_LEADER: 1, Role.RATER: raters + 1})
        therapist, leader = people[Role.THERAPIST][0], people[Role.COURSE_LEADER][0]
        *rating, expert = people[Role.RATER]
        clips = _segments(therapist, segments, prefix)
        study = _study(leader, clips, prefix)
        made = _assignments(study, clips, rating, expert, leader, rng)
    return BuiltStudy(study=study, leader=leader, rater=rating[0], segment=clips[0], assignments=made)


def _users(prefix: str, counts: dict[str, int]) -> dict[str, list]:
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from allianse.accounts.models import User

    hashed = User(username="x")
    hashed.set_password("correct horse battery staple")
    made: dict[str, list] = {}
    for role, count in counts.items():
        group = Group.objects.get_or_create(name=role)[0]
        users = User.objects.bulk_create(
            User(
                username=f"{prefix}-{role}{n:03d}",
                first_name=role.title(),
                last_name=f"{n:03d}",
                password=hashed.password,
            )
            for n in range(count)
        )
        Group.user_set.through.objects.bulk_create(Group.user_set.through(user=user, group=group) for user in users)
        TOTPDevice.objects.bulk_create(TOTPDevice(user=user, name="authenticator", confirmed=True) for user in users)
        made[role] = users
    return made


def _segments(therapist, count: int, prefix: str) -> list:
    """`count` segments of 5 minutes, four to a recording, each recording of its own patient's session."""
    from django.utils import timezone

    from allianse.clinic.models import Patient, Session, Treatment
    from allianse.rating.models import ConsentRecord, Purpose, Recording, Segment

    now = timezone.now()
    recordings_needed = -(-count // SEGMENTS_PER_RECORDING)
    patients = Patient.objects.bulk_create(Patient(language="nb") for _ in range(recordings_needed))
    treatments = Treatment.objects.bulk_create(
        Treatment(patient=patient, started_on=(now - timedelta(days=60)).date()) for patient in patients
    )
    Treatment.therapists.through.objects.bulk_create(
        Treatment.therapists.through(treatment=treatment, user=therapist) for treatment in treatments
    )
    sessions = Session.objects.bulk_create(
        Session(treatment=treatment, number=1, starts_at=now - timedelta(days=30), attended=True)
        for treatment in treatments
    )
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            patient=patient,
            purpose=Purpose.COURSE,
            given_at=(now - timedelta(days=40)).date(),
            document_reference="journal note",
            recorded_by=therapist,
        )
        for patient in patients
    )
    recordings = Recording.objects.bulk_create(
        Recording(
            session=session,
            purpose=Purpose.COURSE,
            title=f"Session {n + 1}",
            file_name=f"{prefix}-{n:04d}.wav",
            content_type="audio/wav",
            size_bytes=1,
            sha256="0" * 64,
            duration_seconds=SEGMENTS_PER_RECORDING * 300.0,
            uploaded_by=therapist,
        )
        for n, session in enumerate(sessions)
    )
    return Segment.objects.bulk_create(
        Segment(
            recording=recordings[n // SEGMENTS_PER_RECORDING],
            name=f"Segment {n + 1:03d}",
            start_seconds=300.0 * (n % SEGMENTS_PER_RECORDING),
            end_seconds=300.0 * (n % SEGMENTS_PER_RECORDING + 1),
            created_by=therapist,
        )
        for n in range(count)
    )


def _study(leader, segments: list, prefix: str):
    from allianse.rating.models import Purpose, RatingStudy

    study = RatingStudy.objects.create(
        name=f"MBT-G course {prefix}",
        instrument_key="mbt-g-aqs",
        purpose=Purpose.COURSE,
        leader=leader,
        naming=RatingStudy.Naming.CODES,
    )
    study.segments.add(*segments)
    return study


def _assignments(study, segments: list, raters: list, expert, leader, rng: random.Random) -> int:
    """Every rater and the expert on every segment; the expert's and nine in ten raters' ratings
    submitted (one after another, segment by segment), the others pending, half with a draft."""
    from django.utils import timezone

    from allianse.core.measures import check_answers, score_response
    from allianse.instruments import registry as instruments
    from allianse.rating.models import Assignment, Rating, RatingDraft

    instrument = instruments.get(study.instrument_key)
    items = [item for item in instrument.items if item.type == "scale"]
    kinds = [(rater, Assignment.Kind.RATER) for rater in raters] + [(expert, Assignment.Kind.EXPERT)]
    assignments = Assignment.objects.bulk_create(
        Assignment(study=study, segment=segment, rater=rater, kind=kind, assigned_by=leader)
        for segment in segments
        for rater, kind in kinds
    )
    bias = {rater.pk: rng.choice([-1, 0, 0, 1]) for rater in raters}
    start = timezone.now() - timedelta(days=20)
    truth: dict[tuple[int, str], int] = {}
    ratings, drafts = [], []
    for number, assignment in enumerate(assignments):
        if assignment.kind == Assignment.Kind.RATER and rng.random() > SUBMITTED:
            if rng.random() < 0.5:
                drafts.append(RatingDraft(assignment=assignment, answers={items[0].id: "4"}))
            continue
        shift = bias.get(assignment.rater_id, 0)
        entered = {}
        for item in items:
            middle = truth.setdefault((assignment.segment_id, item.id), rng.randint(item.min + 1, item.max - 1))
            noise = 0 if assignment.kind == Assignment.Kind.EXPERT else shift + rng.choice([-1, 0, 0, 1])
            entered[item.id] = min(max(middle + noise, item.min), item.max)
        checked = check_answers(instrument, entered)
        ratings.append(
            Rating(
                assignment=assignment,
                instrument_key=instrument.key,
                instrument_version=instrument.version,
                answers=checked.answers,
                scores=score_response(instrument, checked.answers).scores,
                submitted_at=start + timedelta(minutes=number),
                submitted_by=assignment.rater,
            )
        )
    Rating.objects.bulk_create(ratings, batch_size=1000)
    RatingDraft.objects.bulk_create(drafts)
    return len(assignments)


def pages(built: BuiltStudy) -> list[tuple[str, str, object]]:
    """(name, path, user who may see it) of each page of the study."""
    from django.urls import reverse

    study = built.study.public_id
    leader, rater = built.leader, built.rater
    return [
        ("study", reverse("rating:study", args=[study]), leader),
        ("study (page 2 of submitted)", reverse("rating:study", args=[study]) + "?state=submitted&page=2", leader),
        ("study (one segment)", reverse("rating:study", args=[study]) + f"?segment={built.segment.public_id}", leader),
        ("agreement", reverse("rating:agreement", args=[study]), leader),
        ("consensus", reverse("rating:consensus", args=[study]), leader),
        ("consensus of a segment", reverse("rating:consensus_segment", args=[study, built.segment.public_id]), leader),
        ("calibration (leader)", reverse("rating:calibration", args=[study, rater.public_id]), leader),
        ("calibration (rater)", reverse("rating:calibration", args=[study, rater.public_id]), rater),
        ("rater's assignments", reverse("rating:home"), rater),
        ("ratings CSV", reverse("rating:export", args=[study, "ratings", "csv"]), leader),
        ("agreement XLSX", reverse("rating:export", args=[study, "items", "xlsx"]), leader),
    ]


def measure(built: BuiltStudy, runs: int, only: set[str] | None = None) -> list[dict]:
    """Queries, p50, p95 and bytes of each page (or of those named in `only`), read by its user
    (bench.scale._measure); each row printed as it comes."""
    from django.test import Client
    from django.test.utils import override_settings

    from bench.scale import _measure
    from bench.support import as_a_worker
    from tests.conftest import sign_in

    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # a failing page is a row with its status
    as_a_worker()
    clients: dict[int, Client] = {}
    rows = []
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        for name, path, user in pages(built):
            if only and name not in only:
                continue
            if user.pk not in clients:
                clients[user.pk] = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
                sign_in(clients[user.pk], user)
            rows.append({**_measure(clients[user.pk], name, path, runs), "assignments": built.assignments})
            print(json.dumps({key: value for key, value in rows[-1].items() if key != "path"}), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    from bench.scale import DEFAULT_SERVER, _environment, _recreate

    parser = argparse.ArgumentParser(prog="python -m bench.scale_rating")
    parser.add_argument("--size", choices=sorted(SHAPES), default="S")
    parser.add_argument("--database", help=f"database URL (default: {DEFAULT_SERVER}allianse_rating_<size>)")
    parser.add_argument("--runs", type=int, default=20, help="requests per page (default 20)")
    parser.add_argument("--reuse", action="store_true", help="measure the study built before (no new database)")
    parser.add_argument("--only", default="", help="the pages to measure, by name, comma-separated (default all)")
    parser.add_argument("--json", help="file for the rows as JSON")
    args = parser.parse_args(argv)
    url = args.database or f"{DEFAULT_SERVER}allianse_rating_{args.size.lower()}"
    env = _environment(url)
    if not args.reuse:
        _recreate(url)
        subprocess.run([sys.executable, "-m", "allianse", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    os.environ.update(env)
    import django

    django.setup()
    built = existing(args.size) if args.reuse else build(args.size)
    if not args.reuse:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    rows = [{**row, "size": args.size} for row in measure(built, args.runs, set(filter(None, args.only.split(","))))]
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=1)
    return 0


def existing(size: str) -> BuiltStudy:
    """The study `build(size)` made, in a database built before."""
    from allianse.accounts.models import Role, User
    from allianse.rating.models import RatingStudy

    prefix = f"scale-{size.lower()}"
    study = RatingStudy.objects.get(name=f"MBT-G course {prefix}")
    rater = User.objects.get(username=f"{prefix}-{Role.RATER}000")
    return BuiltStudy(
        study=study,
        leader=study.leader,
        rater=rater,
        segment=study.segments.order_by("pk").first(),
        assignments=study.assignments.count(),
    )


if __name__ == "__main__":
    sys.exit(main())
