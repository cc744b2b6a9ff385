"""`make loadtest`, first half: N concurrent patients submit M checks in all, each on its own
link issued beforehand, against gunicorn with deploy/gunicorn.conf.py, on SQLite and on
PostgreSQL. Prints throughput and latency, then what the database holds: no acknowledged
submission lost, no link answered twice, no server error.

    python -m loadtest.run [--clients 50] [--submissions 2000] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from loadtest import stack
from loadtest.client import Outcome, percentile, run_load

DATABASES = ("sqlite", "postgresql")


@dataclass
class Result:
    database: str
    outcome: Outcome
    stored: dict[str, int]
    problems: list[str]
    tokens_in_log: int
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
        return not (self.lost or self.duplicated or server_errors or self.problems or self.tokens_in_log or untouched)


def measure(database: str, server_url: str | None, clients: int, submissions: int, limit: float, watch=None) -> Result:
    """One run on a fresh database: issue the links, serve, load (with `watch` beside it, which
    may kill the server: see loadtest.fault), then read back what was stored."""
    per_client = max(1, submissions // clients)
    with (
        tempfile.TemporaryDirectory(prefix="allianse-load-") as folder,
        stack.database(database, folder, server_url) as env,
    ):
        tokens = stack.prepare(env, clients, per_client)
        access_log = Path(folder) / "access.log"
        server = stack.Server(env, str(access_log))
        try:
            batches = [tokens[i * per_client : (i + 1) * per_client] for i in range(clients)]
            outcome = asyncio.run(run_load(server.port, batches, limit, watch and watch(server)))
        finally:
            killed = server.process.poll() is not None
            server.stop()
        verified = stack.verify(env, tokens)
        logged = access_log.read_text() if access_log.exists() else ""
    return Result(
        database=database,
        outcome=outcome,
        stored=verified["counts"],
        problems=verified["problems"],
        tokens_in_log=sum(1 for token in tokens if token in logged),
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
        f"{'p50 ms':>7} {'p95 ms':>7} {'form p95':>8} {'lost':>4} {'dup':>4} {'5xx':>4} {'no answer':>9} "
        f"{'stored, not acked':>17}  integrity"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        o, submits = r.outcome, r.outcome.latencies["submit"]
        requests = len(submits) + len(o.latencies["form"])
        lines.append(
            f"{r.database:<10} {clients:>7} {len(o.acknowledged):>6} {o.seconds:>8.1f} "
            f"{len(o.acknowledged) / o.seconds:>8.1f} {requests / o.seconds:>6.1f} "
            f"{percentile(submits, 0.50) * 1000:>7.0f} {percentile(submits, 0.95) * 1000:>7.0f} "
            f"{percentile(o.latencies['form'], 0.95) * 1000:>8.0f} {r.lost:>4} {r.duplicated:>4} "
            f"{o.server_errors():>4} {o.failures:>9} {r.unacknowledged_stored:>17}  "
            f"{'; '.join(r.problems) or 'ok'}"
            + (f"; {r.tokens_in_log} link tokens in the access log" if r.tokens_in_log else "")
            + ("; stopped at the time limit" if o.stopped_early and not r.killed else "")
        )
    return "\n".join(lines)


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--submissions", type=int, default=2000, help="in all")
    parser.add_argument("--databases", default=",".join(DATABASES), help="comma-separated: sqlite,postgresql")
    parser.add_argument("--limit", type=float, default=600, help="seconds of load per database at most")
    return parser


def main() -> int:
    args = arguments(__doc__.split("\n\n")[0]).parse_args()
    results = []
    with servers(args.databases.split(",")) as available:
        for database, url in available:
            results.append(measure(database, url, args.clients, args.submissions, args.limit))
            print(table(results[-1:], args.clients), flush=True)
    print(f"\nLoad: {args.clients} clients, {args.submissions} submissions each run (form + submit per link)")
    print(table(results, args.clients))
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
