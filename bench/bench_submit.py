"""Server time of the patient's check submit against a trivial view, on a running server.

Starts gunicorn (one worker, like a small deployment) on a temporary SQLite database, issues one
link per request beforehand, and times each POST from this process over loopback.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 200
ANSWERS = {"goal_1": "6", "goal_2": "5", "task_1": "6", "task_2": "2", "bond_1": "6", "bond_2": "6",
           "rupture": "yes", "rupture_intensity": "3", "rupture_resolution": "4", "held_back": "no"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(env: dict[str, str]) -> list[str]:
    """Migrate a fresh database and issue one link per request; returns the link paths."""
    script = (
        "import django; django.setup()\n"
        "from django.utils import timezone\n"
        "from allianse.clinic.models import Session\n"
        "from allianse.clinic.services import register_patient\n"
        "from allianse.feedback.services import issue_check\n"
        "from tests.conftest import make_user\n"
        "t = make_user('bench', 'therapist')\n"
        f"for i in range({REQUESTS}):\n"
        "    tr = register_patient(therapist=t, name='', language='nb', started_on=timezone.localdate())\n"
        "    s = Session.objects.create(treatment=tr, number=1, starts_at=timezone.now())\n"
        "    print(issue_check(session=s, by=t).token)\n"
    )
    subprocess.run([sys.executable, "-m", "allianse", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=ROOT, capture_output=True, text=True)
    return [f"/c/{token}/" for token in out.stdout.split()]


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _request(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    """One request on a fresh connection, the same way for the submit and the baseline, so the
    client's own cost is alike on both sides of the ratio."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request(method, path, body=body or None, headers=headers or {})
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response, content


def _submit(port: int, path: str) -> float:
    """Fetch the form (not timed: it also absorbs the signal update the previous submit left to
    run after its response), then time the POST of the answers."""
    response, page = _request(port, "GET", path)
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode()).group(1)
    body = urllib.parse.urlencode({**ANSWERS, "csrfmiddlewaretoken": token, "lang": "nb"}).encode()
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
               "Referer": f"http://127.0.0.1:{port}{path}"}
    start = time.perf_counter()
    response, _ = _request(port, "POST", path, body, headers)
    elapsed = time.perf_counter() - start
    if response.status != 302:
        raise RuntimeError(f"submit answered {response.status}, not a redirect to the thank-you page")
    return elapsed


def _summary(name: str, times: list[float], baseline: list[float]) -> dict:
    p95 = statistics.quantiles(times, n=20)[18]
    base_p95 = statistics.quantiles(baseline, n=20)[18]
    return {"name": name, "seconds": p95, "baseline_seconds": base_p95, "ratio": p95 / base_p95,
            "note": f"median {statistics.median(times) * 1000:.1f} ms vs "
                    f"{statistics.median(baseline) * 1000:.1f} ms;"
                    f" p95 {p95 * 1000:.1f} ms vs {base_p95 * 1000:.1f} ms (trivial view /healthz),"
                    f" {len(times)} requests"}


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3", "SECRET_KEY": "bench-only",
               "DEBUG": "0", "SECURE_COOKIES": "0", "ALLOWED_HOSTS": "127.0.0.1", "ALLIANSE_VAR_DIR": tmp,
               "PYTHONPATH": str(ROOT),
               "DJANGO_SETTINGS_MODULE": "allianse.settings"}
        paths = _prepare(env)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "allianse.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--log-level",
             "warning"], env=env, cwd=ROOT)
        try:
            for _ in range(100):
                try:
                    _request(port, "GET", "/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            for _ in range(20):
                _request(port, "GET", "/healthz")
            # The baseline is measured before and after the submits, not between them: the rupture
            # signal update runs after each submit's response is sent and would hold up the next
            # request on this one worker (the form's GET, which is not timed, absorbs it).
            half = REQUESTS // 2
            baseline = [_time(lambda: _request(port, "GET", "/healthz")) for _ in range(half)]
            submits = [_submit(port, path) for path in paths]
            time.sleep(0.5)
            baseline += [_time(lambda: _request(port, "GET", "/healthz")) for _ in range(half)]
        finally:
            server.terminate()
            server.wait(10)
    return [_summary("check submit request (p95)", submits, baseline)]


if __name__ == "__main__":
    for row in run():
        print(row)
