"""The server killed mid-load (loadtest.fault at a small size): every acknowledged check is stored,
once, and the database is consistent. On SQLite always, and on PostgreSQL when the suite runs on
it. `pytest -m loadtest` selects it; `make loadtest` runs it at full size."""

from __future__ import annotations

import os

import pytest

from loadtest import fault

CLIENTS, SUBMISSIONS = 5, 100
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL.startswith(("postgres://", "postgresql://")) else [])


@pytest.mark.loadtest
@pytest.mark.parametrize("database", DATABASES)
def test_killed_server_loses_no_acknowledged_check(database):
    result = fault.run(database, POSTGRES_URL or None, CLIENTS, SUBMISSIONS, share=0.5, limit=40)

    acknowledged = len(result.outcome.acknowledged)
    assert result.killed
    assert SUBMISSIONS // 2 <= acknowledged < SUBMISSIONS, "killed mid-load, after half were acknowledged"
    assert result.lost == 0
    assert result.duplicated == 0
    assert result.problems == []
    assert result.outcome.server_errors() == 0
    stored = sum(1 for count in result.stored.values() if count)
    assert stored == acknowledged + result.unacknowledged_stored
    assert result.tokens_in_log == 0, "the access log masks the link tokens"
    assert result.drained["failed"] == 0, "no task of the worker beside the server failed"
