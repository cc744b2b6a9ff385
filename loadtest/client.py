"""The load: concurrent patients, each answering their own check links one after the other as a
phone does (the form, then the answers), over HTTP/1.1 on asyncio streams, one connection per
request as gunicorn's sync workers close them."""

from __future__ import annotations

import asyncio
import re
import statistics
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

ANSWERS = {
    "goal_1": "6",
    "goal_2": "5",
    "task_1": "6",
    "task_2": "2",
    "bond_1": "6",
    "bond_2": "6",
    "rupture": "yes",
    "rupture_intensity": "3",
    "rupture_resolution": "4",
    "held_back": "no",
}
REQUEST_TIMEOUT = 60
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Outcome:
    """What the clients saw: per request kind its statuses and latencies, and the links whose
    submit was acknowledged (302 to the thank-you page)."""

    links: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"form": [], "submit": [], "trivial": []})
    statuses: dict[str, int] = field(default_factory=dict)  # "kind status" (such as "submit 302"): count
    failures: int = 0  # no answer at all: refused, reset, timed out
    acknowledged: list[str] = field(default_factory=list)
    attempted: list[str] = field(default_factory=list)
    stopped_early: bool = False

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def server_errors(self) -> int:
        return sum(count for key, count in self.statuses.items() if key.split()[-1].startswith("5"))


async def _request(port: int, method: str, path: str, headers: dict[str, str], body: bytes = b""):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        lines += [f"Content-Length: {len(body)}"] + [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, content = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    if not status_line.startswith("HTTP/"):
        raise ConnectionError("no HTTP answer")
    cookies = [
        line.split(":", 1)[1].strip().split(";", 1)[0]
        for line in header_lines
        if line.lower().startswith("set-cookie:")
    ]
    return int(status_line.split()[1]), cookies, content


async def _timed(outcome: Outcome, kind: str, port: int, method: str, path: str, headers, body=b""):
    start = time.perf_counter()
    answer = await asyncio.wait_for(_request(port, method, path, headers, body), REQUEST_TIMEOUT)
    outcome.latencies[kind].append(time.perf_counter() - start)
    key = f"{kind} {answer[0]}"
    outcome.statuses[key] = outcome.statuses.get(key, 0) + 1
    return answer


async def _answer(outcome: Outcome, port: int, token: str) -> None:
    path = f"/c/{token}/"
    status, cookies, page = await _timed(outcome, "form", port, "GET", path, {})
    found = CSRF_FIELD.search(page)
    if status != 200 or not found:
        return
    body = urllib.parse.urlencode({**ANSWERS, "csrfmiddlewaretoken": found.group(1).decode(), "lang": "nb"})
    headers = {"Cookie": "; ".join(cookies), "Content-Type": "application/x-www-form-urlencoded"}
    outcome.attempted.append(token)
    status, _, _ = await _timed(outcome, "submit", port, "POST", path, headers, body.encode())
    if status == 302:
        outcome.acknowledged.append(token)


async def _patient(outcome: Outcome, port: int, tokens: list[str], deadline: float, stop: asyncio.Event) -> None:
    for token in tokens:
        if stop.is_set() or time.monotonic() >= deadline:
            outcome.stopped_early = True
            return
        try:
            await _answer(outcome, port, token)
        except (TimeoutError, OSError):  # refused, reset mid-answer, or no answer in time
            outcome.failures += 1


async def run_load(
    port: int,
    per_patient: list[list[str]],
    limit_seconds: float,
    watch: Callable[[Outcome, asyncio.Event], object] | None = None,
) -> Outcome:
    """Every patient at once; stops at `limit_seconds` or when `watch` (a coroutine given the
    outcome so far and the stop event) sets the event."""
    outcome, stop = Outcome(links=sum(map(len, per_patient))), asyncio.Event()
    deadline = outcome.started + limit_seconds
    patients = [_patient(outcome, port, tokens, deadline, stop) for tokens in per_patient]
    watcher = asyncio.ensure_future(watch(outcome, stop)) if watch else None
    await asyncio.gather(*patients)
    outcome.finished = time.monotonic()
    if watcher:
        watcher.cancel()
    return outcome


async def _asker(outcome: Outcome, port: int, path: str, requests: int) -> None:
    for _ in range(requests):
        try:
            await _timed(outcome, "trivial", port, "GET", path, {})
        except (TimeoutError, OSError):
            outcome.failures += 1


async def run_trivial(port: int, clients: int, requests: int, path: str = "/healthz") -> Outcome:
    """The baseline, measured the same way: `clients` at once, each asking for `path` (the trivial
    view: no database, no template) `requests` times one after the other, one connection each."""
    outcome = Outcome(links=0)
    await asyncio.gather(*(_asker(outcome, port, path, requests) for _ in range(clients)))
    outcome.finished = time.monotonic()
    return outcome


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]
