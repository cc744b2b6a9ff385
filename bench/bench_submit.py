"""Time of the patient's check submit against a trivial view, on a running server.

Starts gunicorn (one worker, like a small deployment) on a temporary SQLite database, issues one
link per request beforehand, and times each request from this process over loopback.

The two sides are interleaved so that they run under the same conditions: for each link, the
form is fetched twice (not timed), then the trivial view is timed, the form fetched once more,
and the submit timed. Each timed request thus follows the same untimed page. The submit includes
enqueueing the rupture update (a row in its transaction); no task worker runs, so the figure is
what the patient waits for. The trivial view timed in a tight loop of its own (warm caches,
nothing else running) is reported too.
"""

from __future__ import annotations

import http.client
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

from bench.support import ROOT, migrated_env, seconds
from loadtest.client import ANSWERS  # the same valid check as the load test

REQUESTS = 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(env: dict[str, str]) -> list[str]:
    """Issue one link per request; returns the link paths."""
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
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=ROOT, capture_output=True, text=True)
    return [f"/c/{token}/" for token in out.stdout.split()]


def _request(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    """One request on a fresh connection, the same way for the submit and the baseline, so the
    client's own cost is alike on both sides of the ratio."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request(method, path, body=body or None, headers=headers or {})
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response, content


def _fetch_form(port: int, path: str) -> tuple[str, str]:
    """The session cookie and CSRF token of the form page."""
    response, page = _request(port, "GET", path)
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    return cookie, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode()).group(1)


def _submit(port: int, path: str, cookie: str, token: str) -> float:
    body = urllib.parse.urlencode({**ANSWERS, "csrfmiddlewaretoken": token, "lang": "nb"}).encode()
    headers = {
        "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"http://127.0.0.1:{port}{path}",
    }
    start = time.perf_counter()
    response, _ = _request(port, "POST", path, body, headers)
    elapsed = time.perf_counter() - start
    if response.status != 302:
        raise RuntimeError(f"submit answered {response.status}, not a redirect to the thank-you page")
    return elapsed


def _interleaved(port: int, paths: list[str]) -> tuple[list[float], list[float]]:
    submits, trivial = [], []
    for path in paths:
        _fetch_form(port, path)
        _fetch_form(port, path)
        trivial.append(seconds(lambda: _request(port, "GET", "/healthz")))
        cookie, token = _fetch_form(port, path)
        submits.append(_submit(port, path, cookie, token))
    return submits, trivial


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18]


def _summary(submits: list[float], trivial: list[float], tight: list[float]) -> dict:
    p95, base_p95 = _p95(submits), _p95(trivial)
    return {
        "name": "check submit request (p95)",
        "seconds": p95,
        "baseline_seconds": base_p95,
        "ratio": p95 / base_p95,
        "note": f"median {statistics.median(submits) * 1000:.1f} ms vs {statistics.median(trivial) * 1000:.1f} ms;"
        f" p95 {p95 * 1000:.1f} ms vs {base_p95 * 1000:.1f} ms (trivial view /healthz, interleaved),"
        f" {len(submits)} requests each; /healthz in a tight loop: median"
        f" {statistics.median(tight) * 1000:.1f} ms, p95 {_p95(tight) * 1000:.1f} ms"
        f" (ratio {p95 / _p95(tight):.1f})",
    }


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        env = migrated_env(tmp, "127.0.0.1")
        paths = _prepare(env)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "allianse.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "1",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            for _ in range(100):
                try:
                    _request(port, "GET", "/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            for _ in range(20):
                _request(port, "GET", "/healthz")
            tight = [seconds(lambda: _request(port, "GET", "/healthz")) for _ in range(REQUESTS)]
            submits, trivial = _interleaved(port, paths)
        finally:
            server.terminate()
            server.wait(10)
    return [_summary(submits, trivial, tight)]
