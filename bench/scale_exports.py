"""Exports at 1,000,000 rows: synthetic rows of the ratings table (segment, name, rater, item,
value, time) through the product's renderers (`allianse.exports`), each in a child process whose
peak resident memory is reported: the CSV as a streaming response sends it (line by line, each
line dropped once written) and the XLSX as the agreement export writes it (a file, read in blocks).

`python -m bench.scale_exports csv|xlsx ROWS [--trace]` runs one of them and prints its seconds and
peak resident memory; with `--trace`, also the peak of the Python heap (tracemalloc, which slows
the work down several times over).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from datetime import datetime, timedelta

from bench.support import ROOT

ROWS = 1_000_000
HEADER = ["segment", "segment_name", "rater", "item", "value", "submitted_at"]


def synthetic_rows(count: int) -> Iterator[list]:
    start = datetime(2026, 1, 1)
    for n in range(count):
        yield [
            f"3f2c9a1e-0000-4000-8000-{n // 40:012d}",
            f"Segment {n // 40}",
            f"rater{n % 8:02d}",
            f"item_{n % 5 + 1}",
            1 + n % 7,
            (start + timedelta(seconds=n)).isoformat(timespec="seconds"),
        ]


def render(kind: str, count: int) -> int:
    """Renders `count` rows and returns the bytes written."""
    from allianse import exports

    if kind == "csv":
        return sum(len(line.encode()) for line in exports.csv_lines(HEADER, synthetic_rows(count)))
    if hasattr(exports, "xlsx_file"):
        with exports.xlsx_file({"ratings": (HEADER, synthetic_rows(count))}) as file:
            return sum(len(block) for block in iter(lambda: file.read(1 << 16), b""))
    return len(exports.to_xlsx({"ratings": (HEADER, synthetic_rows(count))}))


def measure(count: int = ROWS) -> list[dict]:
    rows = []
    for kind, name in (("csv", "ratings export CSV"), ("xlsx", "agreement export XLSX")):
        done = subprocess.run(
            [sys.executable, "-m", "bench.scale_exports", kind, str(count)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append({"name": f"{name}, {count:,} synthetic rows", **json.loads(done.stdout)})
    return rows


if __name__ == "__main__":
    traced = "--trace" in sys.argv[3:]
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    written = render(sys.argv[1], int(sys.argv[2]))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    measured = {"seconds": round(seconds, 2), "peak_mb": round(peak, 1), "bytes": written}
    if traced:
        measured["heap_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    print(json.dumps(measured))
