"""What a load test runs against: a fresh database (SQLite in a temporary folder, or a new
database on a PostgreSQL server) with the patients' histories written and the check links issued,
gunicorn serving the product with deploy/gunicorn.conf.py in a process group of its own, so that it
can be killed whole, and one task worker (`allianse db_worker`) beside it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
WORKER_NICE = 10  # the task worker's lower priority: deploy/allianse-worker.service's CPUWeight
PG_DIR = "/tmp/allianse-pg-loadtest"  # not scripts/test.sh's folder: both may run at once


def base_env(folder: str, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "ALLIANSE_VAR_DIR": folder,
        "SECRET_KEY": "loadtest-only",
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "allianse.settings",
        "PYTHONPATH": str(ROOT),
    }


@contextlib.contextmanager
def database(kind: str, folder: str, server_url: str | None = None) -> Iterator[dict[str, str]]:
    """The environment of a new database (`prepare` migrates it): SQLite in `folder`, or a
    database of its own on the PostgreSQL server at `server_url`, dropped afterwards."""
    if kind == "sqlite":
        yield base_env(folder, f"sqlite:///{folder}/load.sqlite3")
        return
    import psycopg

    assert server_url, "PostgreSQL needs the server's URL"
    name = f"allianse_load_{os.getpid()}_{time.monotonic_ns()}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield base_env(folder, urllib.parse.urlsplit(server_url)._replace(path=f"/{name}").geturl())
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def postgres_server() -> Iterator[str | None]:
    """A PostgreSQL server: the one DATABASE_URL names if it is PostgreSQL, else a throwaway one
    started with scripts/postgres.sh (None when PostgreSQL is not installed)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        yield url
        return
    env = {**os.environ, "PG_TEST_DIR": PG_DIR}
    started = subprocess.run([ROOT / "scripts" / "postgres.sh", "start"], env=env, capture_output=True, text=True)
    if started.returncode:
        yield None
        return
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([ROOT / "scripts" / "postgres.sh", "stop"], env=env, check=False)


def prepare(env: dict[str, str], clients: int, per_client: int) -> list[str]:
    """Migrates the database and issues the links; returns their tokens."""
    return json.loads(_child(env, ["prepare", str(clients), str(per_client)]))


def verify(env: dict[str, str], tokens: list[str]) -> dict:
    return json.loads(_child(env, ["verify"], json.dumps(tokens)))


def drain(env: dict[str, str], since: float, limit: float) -> dict:
    """Waits for the task worker to empty the queue: see loadtest.data.drain."""
    return json.loads(_child(env, ["drain", str(since), str(limit)]))


def _child(env: dict[str, str], args: list[str], stdin: str = "") -> str:
    return subprocess.run(
        [sys.executable, "-m", "loadtest.data", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    ).stdout


class Server:
    """gunicorn with deploy/gunicorn.conf.py on a free loopback port; `workers` None keeps the
    configuration's count (from the CPU count). Its access log goes to `access_log`."""

    def __init__(self, env: dict[str, str], access_log: str, workers: int | None = None):
        self.port = _free_port()
        command = [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "-b", f"127.0.0.1:{self.port}"]
        command += ["--access-logfile", access_log, "--log-level", "warning"]
        if workers:
            command += ["-w", str(workers)]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        self._wait_ready()

    def _wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start-up (exit {self.process.returncode})")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if sock.recv(12).endswith(b"200"):
                    return
            time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s")

    def kill(self) -> None:
        """SIGKILL to the whole process group: the master and every worker, mid-request."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.kill()


class Worker:
    """One `allianse db_worker`, as deploy/allianse-worker.service runs beside gunicorn, in a
    process group of its own; its log goes to `log`. It has the unit's smaller share of the CPU
    when the server wants it too: a session of its own is a scheduling group of its own where
    Linux groups by session (autogroup), as systemd's units are cgroups, so its own nice value
    would weigh only against itself: the group's nice is set to `WORKER_NICE` too, where the
    kernel has autogroups."""

    def __init__(self, env: dict[str, str], log: str):
        command = ["nice", "-n", str(WORKER_NICE), sys.executable, "-m", "allianse", "db_worker", "--no-startup-delay"]
        with open(log, "w") as output:
            self.process = subprocess.Popen(
                command, env=env, cwd=ROOT, start_new_session=True, stdout=output, stderr=subprocess.STDOUT
            )
        with contextlib.suppress(OSError):
            Path(f"/proc/{self.process.pid}/autogroup").write_text(str(WORKER_NICE))

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


def cpu_seconds(group: int) -> float:
    """CPU time (user and system) the processes of a process group have used so far, those that
    have ended and been waited for included (through their parent's counts): on a shared machine
    a measure of the work done that other processes' load barely changes, unlike the clock."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # fields from the state on: state, ppid, pgrp, ...
                ticks += sum(map(int, fields[11:15] if int(stat.parent.name) == group else fields[11:13]))
    return ticks / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
