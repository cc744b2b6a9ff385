"""Every list page costs the same number of queries however much it lists: each URL pattern
without parameters (from the URL list, as `test_every_page` walks it, so a new list page is
covered without touching this file) is read by a therapist and an administrator on a clinic, then
again once the clinic holds four times as much (treatments with their sessions, checks, signals
and episodes, and audit events); the queries must be the same."""

from __future__ import annotations

import random

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allianse.ruptures.daily import update_running
from bench.scale_data import AnswerPool, _treatments
from tests.conftest import make_user, sign_in
from tests.test_every_page import routes

# Pages that list nothing stored: sign-in steps, the language switch, the schema, forms to fill in.
NOT_LISTS = {"accounts:login", "accounts:logout", "accounts:two_factor", "set_language", "healthz", "v1:schema"}
SMALL = 6  # treatments per therapist at the small size: enough that no list of it is empty


def list_pages() -> list[tuple[str, str]]:
    return [(route.name, reverse(route.name)) for route in routes() if not route.params and route.name not in NOT_LISTS]


def queries_per_page(client: Client) -> dict[str, tuple[int, int]]:
    """Each list page's status and queries, read twice (the second read is counted: the first may
    fill per-process caches)."""
    found = {}
    for name, url in list_pages():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        found[name] = (status, len(queries))
    return found


def test_list_pages_cost_the_same_queries_at_four_times_the_size(db):
    therapists = [make_user(f"therapist{n}", "therapist") for n in range(2)]
    administrator = make_user("administrator", "administrator")
    pool, rng = AnswerPool(), random.Random(7)
    clients = {}
    for user in (*therapists, administrator):
        clients[user.username] = Client()
        sign_in(clients[user.username], user)

    def grow(start: int, count: int) -> dict[str, dict[str, tuple[int, int]]]:
        _treatments(therapists, range(start, start + count), pool, rng)
        update_running(notify=False)
        return {name: queries_per_page(client) for name, client in clients.items()}

    small = grow(0, SMALL * len(therapists))
    large = grow(SMALL * len(therapists), 3 * SMALL * len(therapists))
    grew = {
        f"{user} {page}: {small[user][page][1]} -> {large[user][page][1]} queries"
        for user in small
        for page in small[user]
        if small[user][page] != large[user][page]
    }
    assert not grew, "\n".join(sorted(grew))
