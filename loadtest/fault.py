"""`make loadtest`, second half: the load of loadtest.run, and once part of it is acknowledged
the server's whole process group is killed (SIGKILL: no worker finishes its request or its
transaction). Then every acknowledged submission must be stored, once; one stored without its
acknowledgement (the server died between the commit and the answer) is allowed and counted; and
the database must be consistent (SQLite's integrity check; on both, every response with its
administration and no link answered twice).

    python -m loadtest.fault [--clients 32] [--submissions 3000] [--kill-at 0.5] [--databases ...]
"""

from __future__ import annotations

import asyncio

from loadtest.run import Result, arguments, measure, servers, table


def killer(share: float):
    """A watch for `measure`: kills the server once `share` of the links are acknowledged."""

    def watch(server):
        async def wait_then_kill(outcome, stop: asyncio.Event) -> None:
            target = max(1, round(share * outcome.links))
            while len(outcome.acknowledged) < target:
                await asyncio.sleep(0.005)
            server.kill()
            stop.set()

        return wait_then_kill

    return watch


def run(database: str, server_url: str | None, clients: int, submissions: int, share: float, limit: float) -> Result:
    return measure(database, server_url, clients, submissions, limit, watch=killer(share))


def main() -> int:
    parser = arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--kill-at", type=float, default=0.5, help="share of the links acknowledged")
    args = parser.parse_args()
    share = args.kill_at
    results = []
    with servers(args.databases.split(",")) as available:
        for database, url in available:
            results.append(run(database, url, args.clients, args.submissions, share, args.limit))
    print(f"\nFault: {args.clients} clients, {args.submissions} submissions, server killed (SIGKILL) at {share:.0%}")
    print(table(results, args.clients))
    return 0 if results and all(r.ok and r.killed for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
