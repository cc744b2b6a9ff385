"""Every query of the measured pages through PostgreSQL's `EXPLAIN ANALYZE`
(`python -m bench scale --size L --reuse --only explain`).

Each page is requested once as its user while its queries are captured with their parameters;
each SELECT is then explained with the planner's statistics of the data set (the build ends with
`ANALYZE`). Listed are the queries that ran over `SLOW_MS` or read a large table whole (a
sequential scan of a table the statistics put over `LARGE_ROWS` rows): those want an index or a
different query.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass

SLOW_MS = 10.0
LARGE_ROWS = 50_000


@dataclass
class Finding:
    page: str
    milliseconds: float
    scanned: list[str]
    sql: str


def report(pages: list[tuple[str, str, object]]) -> str:
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the list holds pages a role is refused
    findings = [finding for name, path, user in pages for finding in explain_page(name, path, user)]
    if not findings:
        return f"No query over {SLOW_MS:.0f} ms and no whole scan of a table over {LARGE_ROWS:,} rows."
    lines = [f"{'ms':>8}  {'whole scans':<40} page / query"]
    for finding in sorted(findings, key=lambda f: -f.milliseconds):
        lines.append(f"{finding.milliseconds:>8.1f}  {', '.join(finding.scanned) or '-':<40} {finding.page}")
        lines.append(f"{'':>10}{finding.sql[:300]}")
    return "\n".join(lines)


def explain_page(name: str, path: str, user) -> Iterator[Finding]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from tests.conftest import sign_in

    captured: list[tuple[str, object]] = []

    def capture(execute, sql, params, many, context):
        if not many and sql.lstrip().upper().startswith("SELECT"):
            captured.append((sql, params))
        return execute(sql, params, many, context)

    client = Client()
    sign_in(client, user)
    print(f"  explain {name}: {path}", file=sys.stderr, flush=True)
    with (
        override_settings(ALLOWED_HOSTS=["testserver"], SECURE_SSL_REDIRECT=False),
        connection.execute_wrapper(capture),
    ):
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    sizes = _table_sizes()
    with connection.cursor() as cursor:
        for sql, params in captured:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
            plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]
            scanned = sorted(
                {
                    node["Relation Name"]
                    for node in _nodes(plan["Plan"])
                    if node["Node Type"] == "Seq Scan" and sizes.get(node["Relation Name"], 0) > LARGE_ROWS
                }
            )
            milliseconds = plan["Execution Time"]
            if milliseconds > SLOW_MS or scanned:
                yield Finding(name, milliseconds, scanned, " ".join(sql.split()))


def _nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _table_sizes() -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        return dict(cursor.fetchall())
