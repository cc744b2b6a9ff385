"""A study's pages cost the same number of queries however large the study: the study page (a
page of its assignments, filtered or not), the agreement, consensus and calibration pages and a
rater's list of assignments are read on a study, then on one four times as large (twice the
raters on twice the segments, from twice the recordings, built as `bench.scale_rating` builds
its studies); the queries must be the same."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.scale_rating import add_study, pages
from tests.conftest import sign_in


def queries_per_page(built) -> dict[str, tuple[int, int]]:
    """Each page's status and queries, read twice (the second read is counted: the first may fill
    per-process caches)."""
    found = {}
    clients: dict[int, Client] = {}
    for name, path, user in pages(built):
        if user.pk not in clients:
            clients[user.pk] = Client()
            sign_in(clients[user.pk], user)
        clients[user.pk].get(path)
        with CaptureQueriesContext(connection) as queries:
            response = clients[user.pk].get(path)
            if response.streaming:
                b"".join(response.streaming_content)
        found[name] = (response.status_code, len(queries))
    return found


def test_study_pages_cost_the_same_queries_at_four_times_the_size(db):
    small = add_study(raters=3, segments=8, prefix="small")
    large = add_study(raters=7, segments=16, prefix="large")
    assert (small.assignments, large.assignments) == (32, 128)
    before, after = queries_per_page(small), queries_per_page(large)
    assert {name for name, (status, _count) in before.items() if status != 200} == set()
    grew = {f"{name}: {before[name][1]} -> {after[name][1]} queries" for name in before if before[name] != after[name]}
    assert not grew, "\n".join(sorted(grew))
