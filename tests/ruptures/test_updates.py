"""The rupture update computes its tables before it takes the write lock: other writers go on
meanwhile, and what they store in between still enters the update (it computes again under the lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from allianse.clinic.models import Session
from allianse.feedback.models import Administration
from allianse.feedback.services import issue_check
from allianse.ruptures import rules, updates
from allianse.ruptures.models import Signal
from tests.conftest import short_lock_wait
from tests.ruptures.conftest import TENSE, add_session, alliance, therapist_view

pytestmark = pytest.mark.django_db(transaction=True)  # two connections see each other's commits


def _write_meanwhile(write) -> list[Exception]:
    """Run `write` on a connection of its own and wait for it; the errors it met."""
    errors: list[Exception] = []

    def writer():
        try:
            short_lock_wait()
            write()
        except Exception as error:  # "database is locked", a lock timeout: asserted by the caller
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join()
    return errors


@pytest.fixture
def computing(monkeypatch):
    """Calls the given write, on a second connection, while the update computes its signal table
    for the first time; gives the errors it met and counts the computations."""
    seen = {"computed": 0, "errors": []}
    writes = []
    signal_table = updates.signal_table

    def computing_signal_table(series, signal_rules):
        seen["computed"] += 1
        if seen["computed"] == 1 and writes:
            seen["errors"] = _write_meanwhile(writes[0])
        return signal_table(series, signal_rules)

    monkeypatch.setattr(updates, "signal_table", computing_signal_table)

    def during(write=None):
        writes[:] = [write] if write else []
        return seen

    return during


def test_another_writer_goes_on_while_the_signals_are_computed(steady, computing):
    seen = computing(lambda: add_session(steady, patient=alliance(6), therapist=therapist_view(6)))
    updates.update_for_treatment(treatment=steady, notify=False)
    assert seen["errors"] == []
    assert steady.sessions.count() == 5


def test_a_check_stored_while_computing_enters_the_update(steady, computing):
    seen = computing(lambda: add_session(steady, patient=TENSE, therapist=therapist_view(6)))
    result = updates.update_for_treatment(treatment=steady, notify=False)
    assert seen["errors"] == []
    assert seen["computed"] == 2  # computed again under the lock
    assert {signal.session.number for signal in result.new_signals} == {5}
    assert Signal.objects.filter(treatment=steady, session__number=5, kind="reported").exists()
    assert updates.update_for_treatment(treatment=steady, notify=False).new_signals == []


@pytest.mark.parametrize(
    "change",
    [
        lambda waiting: Session.objects.filter(pk=waiting.pk).update(attended=False),
        lambda waiting: Administration.objects.filter(session=waiting).update(expires_at=timezone.now()),
    ],
    ids=["missed", "link expired"],
)
def test_a_session_that_became_due_while_computing_enters_the_update(steady, therapist, computing, change):
    add_session(steady, patient=TENSE, therapist=therapist_view(6))
    waiting = add_session(steady, days_ago=0)
    issue_check(session=waiting, by=therapist)  # a live link: not yet due
    seen = computing(lambda: change(waiting))
    updates.update_for_treatment(treatment=steady, notify=False)
    assert seen["errors"] == []
    assert seen["computed"] == 2
    assert Signal.objects.filter(treatment=steady, session=waiting, kind="absence").exists()


def test_rules_changed_while_computing_enter_the_update(steady, administrator, computing):
    add_session(steady, patient=alliance(4), therapist=therapist_view(6))
    seen = computing(lambda: rules.save_rules(overrides={"discrepancy": 3.0}, by=administrator))
    updates.update_for_treatment(treatment=steady, notify=False)
    assert seen["errors"] == []
    assert seen["computed"] == 2
    assert not Signal.objects.filter(treatment=steady, kind="discrepancy").exists()


def test_unchanged_data_are_stored_from_the_tables_computed_before_the_lock(steady, computing):
    seen = computing()
    add_session(steady, patient=TENSE, therapist=therapist_view(6))
    result = updates.update_for_treatment(treatment=steady, notify=False)
    assert seen["computed"] == 1
    assert {signal.kind for signal in result.new_signals} >= {"reported"}
    assert len(result.opened) == 1
