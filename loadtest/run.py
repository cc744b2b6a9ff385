"""`make loadtest`, first half: N concurrent patients submit M checks in all, each on its own
link issued beforehand for a treatment with a history of 16 to 31 answered sessions, against
gunicorn with deploy/gunicorn.conf.py and one task worker (`allianse db_worker`) beside it, on
PostgreSQL and on SQLite. The same clients first ask the same server for the trivial view
(/healthz: no database, no template) as many times, for the baseline. Prints throughput and
latency of both, how long after the load the worker took to empty the task queue, then what the
database holds: no acknowledged submission lost, no link answered twice, no server error, no task
failed.

    python -m loadtest.run [--clients 32] [--submissions 3000] [--databases postgresql,sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from loadtest import stack
from loadtest.client import Outcome, percentile, run_load, run_trivial

DATABASES = ("postgresql", "sqlite")


@dataclass
class Result:
    database: str
    outcome: Outcome
    stored: dict[str, int]
    problems: list[str]
    tokens_in_log: int
    trivial: Outcome
    drained: dict
    cpu_ms: dict[str, float]  # CPU time per trivial request, per check (form and submit), per task
    killed: bool = False

    @property
    def lost(self) -> int:
        return sum(1 for token in self.outcome.acknowledged if self.stored[token] == 0)

    @property
    def duplicated(self) -> int:
        return sum(1 for count in self.stored.values() if count > 1)

    @property
    def unacknowledged_stored(self) -> int:
        acknowledged = set(self.outcome.acknowledged)
        return sum(1 for token, count in self.stored.items() if count and token not in acknowledged)

    @property
    def ok(self) -> bool:
        server_errors = 0 if self.killed else self.outcome.server_errors()
        untouched = not self.killed and (self.outcome.failures or self.outcome.stopped_early)
        tasks = self.drained["failed"] or self.drained["left"]
        failing = self.trivial.failures or self.trivial.server_errors()
        return not (
            self.lost
            or self.duplicated
            or server_errors
            or self.problems
            or self.tokens_in_log
            or untouched
            or tasks
            or failing
        )


def measure(database: str, server_url: str | None, clients: int, submissions: int, limit: float, watch=None) -> Result:
    """One run on a fresh database: write the histories and issue the links, serve with a task
    worker beside, measure the trivial view, load (with `watch` beside it, which may kill the
    server: see loadtest.fault), wait for the worker to empty the queue, then read back what was
    stored."""
    per_client = max(1, submissions // clients)
    with (
        tempfile.TemporaryDirectory(prefix="allianse-load-") as folder,
        stack.database(database, folder, server_url) as env,
    ):
        tokens = stack.prepare(env, clients, per_client)
        access_log = Path(folder) / "access.log"
        server = stack.Server(env, str(access_log))
        worker = stack.Worker(env, str(Path(folder) / "worker.log"))
        try:
            serving = [stack.cpu_seconds(server.process.pid)]
            trivial = asyncio.run(run_trivial(server.port, clients, 2 * per_client))
            serving.append(stack.cpu_seconds(server.process.pid))
            working = stack.cpu_seconds(worker.process.pid)
            batches = [tokens[i * per_client : (i + 1) * per_client] for i in range(clients)]
            outcome = asyncio.run(run_load(server.port, batches, limit, watch and watch(server)))
            serving.append(stack.cpu_seconds(server.process.pid))
            drained = stack.drain(env, time.time(), limit)
            working = stack.cpu_seconds(worker.process.pid) - working
        finally:
            killed = server.process.poll() is not None
            worker.stop()
            server.stop()
        verified = stack.verify(env, tokens)
        logged = access_log.read_text() if access_log.exists() else ""
    return Result(
        database=database,
        outcome=outcome,
        stored=verified["counts"],
        problems=verified["problems"],
        tokens_in_log=sum(1 for token in tokens if token in logged),
        trivial=trivial,
        drained=drained,
        cpu_ms={
            "trivial": 1000 * (serving[1] - serving[0]) / max(1, len(trivial.latencies["trivial"])),
            "check": 1000 * (serving[2] - serving[1]) / max(1, len(outcome.latencies["submit"])),
            "task": 1000 * working / max(1, drained["run"]),
        },
        killed=killed,
    )


@contextlib.contextmanager
def servers(databases: list[str]):
    """(database, PostgreSQL server URL or None) for each database asked for that can run here."""
    with stack.postgres_server() if "postgresql" in databases else contextlib.nullcontext() as url:
        available = []
        for database in databases:
            if database == "postgresql" and not url:
                print("PostgreSQL is not installed here: its run is skipped")
                continue
            available.append((database, url))
        yield available


def table(results: list[Result], clients: int) -> str:
    header = (
        f"{'database':<10} {'clients':>7} {'acked':>6} {'seconds':>8} {'submit/s':>8} {'req/s':>6} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'form p95':>8} {'trivial/s':>9} {'p95 ms':>6} {'drain s':>7} "
        f"{'CPU ms/check':>12} {'/trivial':>8} {'/task':>6} "
        f"{'lost':>4} {'dup':>4} {'5xx':>4} {'no answer':>9} {'stored, not acked':>17}  integrity"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        o, submits, trivial = r.outcome, r.outcome.latencies["submit"], r.trivial.latencies["trivial"]
        requests = len(submits) + len(o.latencies["form"])
        lines.append(
            f"{r.database:<10} {clients:>7} {len(o.acknowledged):>6} {o.seconds:>8.1f} "
            f"{len(o.acknowledged) / o.seconds:>8.1f} {requests / o.seconds:>6.1f} "
            f"{percentile(submits, 0.50) * 1000:>7.0f} {percentile(submits, 0.95) * 1000:>7.0f} "
            f"{percentile(o.latencies['form'], 0.95) * 1000:>8.0f} "
            f"{len(trivial) / r.trivial.seconds:>9.1f} {percentile(trivial, 0.95) * 1000:>6.0f} "
            f"{r.drained['seconds']:>7.1f} {_cpu(r, 'check'):>12} {_cpu(r, 'trivial'):>8} {_cpu(r, 'task'):>6} "
            f"{r.lost:>4} {r.duplicated:>4} "
            f"{o.server_errors() + r.trivial.server_errors():>4} {o.failures + r.trivial.failures:>9} "
            f"{r.unacknowledged_stored:>17}  {'; '.join(_problems(r)) or 'ok'}"
        )
    return "\n".join(lines)


def _cpu(r: Result, kind: str) -> str:
    """Milliseconds of CPU (the server's, or the task worker's for a task): none once the server was killed."""
    return "-" if r.killed and kind != "task" else f"{r.cpu_ms[kind]:.1f}"


def _problems(r: Result) -> list[str]:
    found = list(r.problems)
    if r.tokens_in_log:
        found.append(f"{r.tokens_in_log} link tokens in the access log")
    if r.outcome.stopped_early and not r.killed:
        found.append("stopped at the time limit")
    if r.drained["failed"]:
        found.append(f"{r.drained['failed']} of {r.drained['run']} tasks failed")
    if r.drained["left"]:
        found.append(f"{r.drained['left']} tasks still queued at the time limit")
    return found


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--submissions", type=int, default=3000, help="in all")
    parser.add_argument("--databases", default=",".join(DATABASES), help="comma-separated: postgresql,sqlite")
    parser.add_argument("--limit", type=float, default=600, help="seconds of load per database at most")
    return parser


def main() -> int:
    args = arguments(__doc__.split("\n\n")[0]).parse_args()
    results = []
    with servers(args.databases.split(",")) as available:
        for database, url in available:
            results.append(measure(database, url, args.clients, args.submissions, args.limit))
            print(table(results[-1:], args.clients), flush=True)
    print(
        f"\nLoad: {args.clients} clients, {args.submissions} submissions each run (form + submit per link), "
        "each patient with 16 to 31 answered sessions before; trivial view: /healthz as many times per client; "
        "drain: seconds from the load's end until the task worker had run every task; "
        "CPU ms: the server's processes' CPU time per check (form + submit) and per trivial request, "
        "and the task worker's per task (unlike the clock, barely changed by other load on the machine)"
    )
    print(table(results, args.clients))
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
