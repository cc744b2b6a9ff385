"""`python -m bench scale --size S|L [--database URL] --json FILE`: the product at a health trust's size.

Builds the data set of `bench.scale_data` in bulk in its own database (by default the PostgreSQL
database `allianse_bench_<size>` on 127.0.0.1:5432, dropped and made again; `--reuse` keeps one
already built), then, in this order:

- adds the "extras" (`--only extras` adds them to a data set built before): a therapist whose
  caseload grows with the size (one treatment in 60), the groups of `bench.scale_groups` and the
  rating study of `bench.scale_rating`;
- runs the daily `allianse update_ruptures` twice, in a child process: the first run on series
  that have no stored signals yet, then the daily run on unchanged data (seconds and peak memory,
  the child's maximum resident set), which leaves the signals and episodes the pages show; then
  the nightly `allianse refresh_overview`, which counts the clinic overview the pages show;
- measures every page and API list without URL parameters (from the URL list, as the suite's
  page walk finds them) for each role, the patient, session and series pages of one patient, and
  the pages of the extras, each as its user: queries, p50 and p95 of `--runs` requests through
  Django's test client, and bytes;
- with `--only explain`: runs every query of those pages through PostgreSQL's `EXPLAIN ANALYZE`,
  listing those that take over 10 ms or scan a large table whole (`bench.scale_explain`);
- measures the exports: the rendering of 1,000,000 synthetic rows through the ratings CSV and the
  agreement XLSX renderers (seconds and the peak of memory allocated while rendering).

Each row is printed and written to `--json` as {name, size, queries, p50_ms, p95_ms, bytes} or
{name, size, seconds, peak_mb}.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.support import ROOT

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
# Pages without a list to grow: sign-in steps, forms to fill in, the schema, the language switch.
NOT_MEASURED = (
    "accounts:login",
    "accounts:logout",
    "accounts:two_factor",
    "accounts:staff_invite",
    "caseload:patient_new",
    "groups:group_new",
    "v1:schema",
    "set_language",
    "healthz",
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scale")
    parser.add_argument("--size", choices=["S", "L"], default="S")
    parser.add_argument("--database", help="database URL (default: PostgreSQL allianse_bench_<size> on 127.0.0.1)")
    parser.add_argument("--json", help="file for the rows as JSON")
    parser.add_argument("--runs", type=int, default=20, help="requests per page (default 20)")
    parser.add_argument("--reuse", action="store_true", help="measure the data set already built")
    parser.add_argument("--only", default="build,extras,job,pages,exports", help="parts to run, comma-separated")
    parser.add_argument("--compare", nargs=2, metavar=("S.json", "L.json"), help="print two runs side by side")
    args = parser.parse_args(argv)
    if args.compare:
        print(side_by_side(*(json.loads(Path(name).read_text()) for name in args.compare)))
        return 0
    url = args.database or f"{DEFAULT_SERVER}allianse_bench_{args.size.lower()}"
    env = _environment(url)
    parts = args.only.split(",")
    if not args.reuse:
        _recreate(url)
        subprocess.run([sys.executable, "-m", "allianse", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    os.environ.update(env)
    import django

    django.setup()
    rows: list[dict] = []
    if not args.reuse and "build" in parts:
        from bench import scale_data

        start = time.perf_counter()
        held = scale_data.build(args.size)
        rows.append(
            _emit({"name": "build data set", "size": args.size, "seconds": time.perf_counter() - start, **held})
        )
    if "extras" in parts:
        start = time.perf_counter()
        add_extras(args.size)
        rows.append(_emit({"name": "build extras", "size": args.size, "seconds": time.perf_counter() - start}))
    if "job" in parts:
        _forget_signals()
        for label in ("update_ruptures (first run)", "update_ruptures (daily run)"):
            rows.append(_emit({"name": label, "size": args.size, **_child(env, "update_ruptures", "--quiet-mail")}))
        rows.append(_emit({"name": "refresh_overview (nightly)", "size": args.size, **_child(env, "refresh_overview")}))
    if "pages" in parts:
        rows += [_emit({**row, "size": args.size}) for row in measure_pages(args.size, args.runs)]
    if "explain" in parts:
        from bench import scale_explain

        print(scale_explain.report(page_list(args.size)))
    if "exports" in parts:
        from bench import scale_exports

        rows += [_emit({**row, "size": args.size}) for row in scale_exports.measure()]
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=1)
    return 0


def _environment(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only",
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "allianse.settings",
        "PYTHONPATH": str(ROOT),
    }


def _recreate(url: str) -> None:
    """Drops and creates the database named in `url` (through the server's `postgres` database)."""
    import psycopg

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("--database must be a PostgreSQL URL")
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.execute(f'CREATE DATABASE "{name}"')


def _forget_signals() -> None:
    """No stored signals or episodes, so that the job's first run finds them all (as after a build)."""
    from django.db import connection

    from allianse.ruptures.models import EpisodeEvent, RuptureEpisode, Signal

    tables = ", ".join(model._meta.db_table for model in (EpisodeEvent, RuptureEpisode, Signal))
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")


def _child(env: dict[str, str], *command: str) -> dict:
    """Seconds and peak resident memory of one `allianse` command in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "allianse", *command], env=env, cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "seconds": round(seconds, 2),
        # ru_maxrss of the children is the largest child so far: exact for the first, a floor after.
        "peak_mb": round(max(peak, before) / 1024, 1),
        "exit": done.returncode,
        "output": (done.stdout + done.stderr).strip().splitlines()[-1:],
    }


BUSY_THERAPIST = "therapist_busy"


def add_extras(size: str) -> None:
    """A therapist sharing one treatment in 60 (33 at S, 333 at L), the groups and the study."""
    from django.contrib.auth.models import Group
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from allianse.accounts.models import Role, User
    from allianse.clinic.models import Treatment
    from bench import scale_groups, scale_rating

    busy = User.objects.create(username=BUSY_THERAPIST, password=User.objects.first().password)
    busy.groups.add(Group.objects.get(name=Role.THERAPIST))
    TOTPDevice.objects.create(user=busy, name="authenticator", confirmed=True)
    ids = Treatment.objects.order_by("pk").values_list("pk", flat=True)[::60]
    Treatment.therapists.through.objects.bulk_create(
        Treatment.therapists.through(treatment_id=pk, user=busy) for pk in ids
    )
    scale_groups.build(size)
    scale_rating.build(size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def page_list(size: str) -> list[tuple[str, str, object]]:
    """(name, path, user) of every page measured: each role's pages, then the extras'."""
    from django.urls import reverse

    from allianse.accounts.models import Role, User
    from bench import scale_groups, scale_rating

    pages = []
    for role in (Role.THERAPIST, Role.ADMINISTRATOR):
        user = User.objects.filter(groups__name=role).order_by("pk").first()
        if user is not None:
            pages += [(f"{role}: {name}", path, user) for name, path in pages_of(user)]
    busy = User.objects.filter(username=BUSY_THERAPIST).first()
    if busy is not None:
        pages += [("therapist, growing caseload: home", reverse("home:home"), busy)]
        pages += scale_groups.pages(size)
        pages += [
            (f"rating: {name}", path, user) for name, path, user in scale_rating.pages(scale_rating.existing(size))
        ]
    return pages


EXPORT_RUNS = 3


def _export(name: str) -> bool:
    return name.endswith(("CSV", "XLSX"))


def measure_pages(size: str, runs: int) -> list[dict]:
    """Each page of `page_list` as its user, through one signed-in client per user."""
    from django.test import Client
    from django.test.utils import override_settings

    from bench.support import as_a_worker
    from tests.conftest import sign_in

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the refusals are rows of their own
    as_a_worker()
    clients: dict[int, Client] = {}
    rows = []
    with override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False):
        for name, path, user in page_list(size):
            if user.pk not in clients:
                clients[user.pk] = Client()
                sign_in(clients[user.pk], user)
            print(f"  {user.username}: {path}", file=sys.stderr, flush=True)
            # an export of a whole study is read a few times only: it is timed, not a page
            rows.append(_measure(clients[user.pk], name, path, min(runs, EXPORT_RUNS) if _export(name) else runs))
    return rows


def pages_of(user) -> list[tuple[str, str]]:
    """The URL list's pages without parameters, and one patient's pages for a therapist."""
    from django.urls import reverse

    from allianse.clinic.models import Treatment
    from tests.test_every_page import routes

    pages = [
        (route.name, reverse(route.name))
        for route in routes()
        if not route.params and route.name not in NOT_MEASURED and not route.route.endswith((".csv", ".xlsx"))
    ]
    treatment = Treatment.objects.for_therapist(user).order_by("pk").first()
    if treatment is not None:
        session = treatment.sessions.order_by("-number").first()
        pages += [
            ("caseload:patient", reverse("caseload:patient", args=[treatment.patient.public_id])),
            ("caseload:session", reverse("caseload:session", args=[session.public_id])),
            ("v1:series", reverse("v1:series", args=[treatment.public_id])),
        ]
    return pages


def _measure(client, name: str, path: str, runs: int) -> dict:
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    client.get(path)  # the first view writes what is written once (the audit log's patient sets, caches)
    with connection.execute_wrapper(count):
        response = client.get(path)
    size = len(b"".join(response.streaming_content) if response.streaming else response.content)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        answer = client.get(path)
        if answer.streaming:
            b"".join(answer.streaming_content)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "name": name,
        "path": path,
        "status": response.status_code,
        "queries": len(queries),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
        "bytes": size,
    }


def side_by_side(small: list[dict], large: list[dict]) -> str:
    """The rows of two runs by name: queries, p95 and bytes (or seconds and peak memory) of each,
    and how much they grew."""
    larger = {row["name"]: row for row in large}
    lines = [f"{'name':<52} {'queries':>13} {'p95 ms':>17} {'bytes / MB':>21} {'growth':>8}"]
    for row in small:
        other = larger.get(row["name"], {})
        if "queries" in row:
            cost, size = "p95_ms", "bytes"
            queries = f"{row['queries']:>6} {other.get('queries', '-'):>6}"
        else:
            cost, size = "seconds", "peak_mb"
            queries = f"{'':>13}"
        grown = other.get(cost, 0) / row[cost] if row.get(cost) else 0
        lines.append(
            f"{row['name'][:52]:<52} {queries} {row.get(cost, '-'):>8} {other.get(cost, '-'):>8} "
            f"{row.get(size, '-'):>10} {other.get(size, '-'):>10} {grown:>7.1f}x"
        )
    return "\n".join(lines)


def _emit(row: dict) -> dict:
    shown = {k: v for k, v in row.items() if k not in ("path",)}
    print(json.dumps(shown), flush=True)
    return row
