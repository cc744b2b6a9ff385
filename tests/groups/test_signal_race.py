"""Members of one group answering at the same moment, each on a database connection of their own:
the group's signals end as a refresh of the whole group gives them, and are computed before the
write transaction, so that other writers go on meanwhile."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from allianse.clinic.models import Patient
from allianse.groups import checks, signal_store
from allianse.groups.series import CLIMATE
from tests.conftest import short_lock_wait
from tests.groups.conftest import add_session, link_for
from tests.groups.test_signal_store import climate, history, stored

pytestmark = pytest.mark.django_db(transaction=True)  # connections see each other's commits

WAIT_S = 10  # how long a member's computation waits for the other's


@pytest.fixture
def answering(therapist):
    """A group with some history and a new session whose links are out; two members yet to answer."""
    group, members = history(therapist, 6)
    latest = add_session(group, members)
    checks.issue_member_checks(session=latest, by=therapist)
    for member in members[2:]:
        link = link_for(latest, member)
        checks.submit_member_check(token=link.token, instrument_key=CLIMATE, answers=climate(4, 1))
    return group, [link_for(latest, member) for member in members[:2]]


@pytest.fixture
def computations(monkeypatch):
    """Calls `during` (if set) in the first `times` computations of the group signals; counts them."""
    seen = {"count": 0, "during": None, "times": 1}
    detect, lock = signal_store.core.detect_group_signals, threading.Lock()

    def computing(frame, rules):
        with lock:
            seen["count"] += 1
            count = seen["count"]
        if seen["during"] and count <= seen["times"]:
            seen["during"]()
        return detect(frame, rules)

    monkeypatch.setattr(signal_store.core, "detect_group_signals", computing)
    return seen


def _on_own_connection(work, errors: list, *, lock_wait: bool = False) -> threading.Thread:
    """A started thread running `work` on a connection of its own; the errors it meets go to `errors`."""

    def run():
        try:
            if lock_wait:
                short_lock_wait()
            work()
        except Exception as error:  # a locked database, a broken barrier: asserted by the caller
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _answer(link, cohesion: int, conflict: int):
    def submit():
        checks.submit_member_check(token=link.token, instrument_key=CLIMATE, answers=climate(cohesion, conflict))

    return submit


@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite runs one write transaction at a time: its writers cannot interleave"
)
def test_two_members_answering_at_once_store_what_a_refresh_of_the_group_stores(answering, computations):
    """Each member's signals are computed before the other's answers are stored (each waits for the
    other's computation): stored as they are, the later commit would undo the other's answers."""
    group, (first, second) = answering
    barrier = threading.Barrier(2, timeout=WAIT_S)
    computations.update(during=barrier.wait, times=2)
    errors = []
    for thread in [_on_own_connection(_answer(first, 0, 6), errors), _on_own_connection(_answer(second, 1, 2), errors)]:
        thread.join()
    assert errors == []
    answered = stored(group)
    assert len(answered) == len(set(answered))
    signal_store.refresh_group_signals(group=group)
    assert stored(group) == answered


def test_another_writer_goes_on_while_a_members_signals_are_computed(answering, computations):
    _, (link, _) = answering
    errors = []

    def write():  # any write, outside the group
        Patient.objects.create(name="Kari", language="nb")

    computations["during"] = lambda: _on_own_connection(write, errors, lock_wait=True).join()
    _answer(link, 0, 6)()
    assert errors == []
    assert Patient.objects.filter(name="Kari").exists()


def test_an_answer_stored_while_a_members_signals_are_computed_enters_them(answering, computations):
    group, (first, second) = answering
    errors = []
    computations["during"] = lambda: _on_own_connection(_answer(second, 1, 2), errors, lock_wait=True).join()
    _answer(first, 0, 6)()
    assert errors == []
    answered = stored(group)
    signal_store.refresh_group_signals(group=group)
    assert stored(group) == answered


def test_signals_computed_from_what_is_stored_are_not_computed_again(answering, computations):
    _, (link, _) = answering
    _answer(link, 0, 6)()
    assert computations["count"] == 1
