"""What the benchmarks share: timing a piece of work, and a fresh Django project to run against."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def timings(work: Callable[[], object], runs: int) -> list[float]:
    return [seconds(work) for _ in range(runs)]


def as_a_worker() -> None:
    """Load what a gunicorn worker has loaded before its first request (allianse.wsgi: the URLs and
    views imported, everything so far frozen out of the garbage collector's reach), so that pages
    are timed as served: without it a full collection of the bench's own heap (150-230 ms) lands
    in one request now and then."""
    import allianse.wsgi  # noqa: F401


def migrated_env(folder: str, host: str) -> dict[str, str]:
    """Environment for a child process on its own SQLite database in `folder`, migrated here."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        "ALLIANSE_VAR_DIR": folder,
        "SECRET_KEY": "bench-only",
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": host,
        "DJANGO_SETTINGS_MODULE": "allianse.settings",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run([sys.executable, "-m", "allianse", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    return env
