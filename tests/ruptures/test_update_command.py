"""`allianse update_ruptures`, the daily run: every running treatment is brought up to date, and a
treatment whose update fails is rolled back on its own while the others are still updated."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from allianse.clinic.services import register_patient
from allianse.ruptures import daily, first_run, updates
from allianse.ruptures.models import RuptureEpisode, Signal
from allianse.ruptures.rules import current_rules
from tests.ruptures.conftest import add_session, alliance, therapist_view


def with_a_rupture(treatment):
    """Four steady sessions at alliance 6, then the patient reports a rupture at alliance 3."""
    for _ in range(4):
        add_session(treatment, patient=alliance(6), therapist=therapist_view(6))
    add_session(treatment, patient=alliance(3, rupture=True, rupture_intensity=4, rupture_resolution=2))
    return treatment


@pytest.fixture
def ruptured(treatment, therapist):
    """Two running treatments with a rupture nobody has run the rules over yet, and an ended one."""
    second = register_patient(therapist=therapist, name="", language="en", started_on=timezone.localdate())
    ended = register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())
    for each in (treatment, second, ended):
        with_a_rupture(each)
    ended.ended_on = timezone.localdate()
    ended.save()
    return treatment, second, ended


def run() -> tuple[CommandError | None, str, str]:
    """The daily run without mail: its error (None on success), its output and its error output."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("update_ruptures", "--quiet-mail", stdout=out, stderr=err)
    except CommandError as error:
        return error, out.getvalue(), err.getvalue()
    return None, out.getvalue(), err.getvalue()


def break_updates(monkeypatch, treatment) -> None:
    """Updating `treatment` raises, after its signals were written so the rollback has something to
    undo: in the bulk first update of its chunk (`first_run`, whose chunk is then updated treatment
    by treatment) and in its own update's episode assignment."""
    assign, plan_treatment = updates._EpisodeBook.assign, first_run._Plan._treatment

    def assign_or_fail(book):
        if book.treatment.pk == treatment.pk:
            raise RuntimeError("episode assignment broke")
        assign(book)

    def plan_or_fail(plan, treatment_key, *args):
        plan_treatment(plan, treatment_key, *args)
        if treatment_key == str(treatment.pk):
            raise RuntimeError("bulk episode assignment broke")

    monkeypatch.setattr(updates._EpisodeBook, "assign", assign_or_fail)
    monkeypatch.setattr(first_run._Plan, "_treatment", plan_or_fail)


def test_every_running_treatment_gets_its_signals_and_episode(ruptured):
    first, second, ended = ruptured
    error, out, err = run()
    for treatment in (first, second):
        kinds = set(Signal.objects.filter(treatment=treatment).values_list("kind", flat=True))
        assert {"reported", "drop", "low"} <= kinds
        assert RuptureEpisode.objects.filter(treatment=treatment).count() == 1
    assert not Signal.objects.filter(treatment=ended).exists()
    signals = Signal.objects.count()
    assert out.strip() == (f"2 running treatment(s), 2 updated, 0 failed: {signals} new signal(s), 2 new episode(s).")
    assert error is None and err == ""


def test_a_second_run_finds_nothing_new(ruptured):
    run()
    error, out, _ = run()
    assert error is None
    assert out.strip() == "2 running treatment(s), 0 updated, 0 failed: 0 new signal(s), 0 new episode(s)."


def test_one_failing_treatment_is_rolled_back_and_the_others_are_updated(ruptured, monkeypatch, caplog):
    first, second, _ = ruptured
    break_updates(monkeypatch, first)
    error, out, err = run()
    assert error is not None and error.returncode == 1
    assert str(error) == "1 treatment(s) could not be updated."
    assert not Signal.objects.filter(treatment=first).exists()
    assert not RuptureEpisode.objects.filter(treatment=first).exists()
    assert Signal.objects.filter(treatment=second).exists()
    assert RuptureEpisode.objects.filter(treatment=second).count() == 1
    assert out.startswith("2 running treatment(s), 1 updated, 1 failed:")
    assert str(first.public_id) in err and str(second.public_id) not in err
    assert "episode assignment broke" in caplog.text


def test_the_failed_treatment_is_caught_up_by_the_next_run(ruptured, monkeypatch):
    first, _, _ = ruptured
    break_updates(monkeypatch, first)
    assert run()[0] is not None
    monkeypatch.undo()
    error, out, _ = run()
    assert error is None and out.startswith("2 running treatment(s), 1 updated, 0 failed:")
    assert RuptureEpisode.objects.filter(treatment=first).count() == 1


def test_a_chunk_the_batch_cannot_read_is_updated_treatment_by_treatment(ruptured, monkeypatch, caplog):
    first, second, _ = ruptured

    def unreadable(*args):
        raise ValueError("malformed series")

    monkeypatch.setattr(daily, "read_stored", unreadable)
    error, out, _ = run()
    assert error is None and out.startswith("2 running treatment(s), 2 updated, 0 failed:")
    assert RuptureEpisode.objects.filter(treatment__in=[first, second]).count() == 2
    assert "malformed series" in caplog.text


def test_the_batch_sees_what_each_treatments_update_sees(ruptured):
    """Before the rules ran, the batch names exactly the treatments whose own update stores
    signals; after each treatment's own update, it names none (the same rules, the same data)."""
    first, second, _ = ruptured
    rules, now = current_rules(), timezone.now()
    ids = [first.pk, second.pk]
    assert daily.examine(daily.read_stored(ids, now), rules).changed == set(ids)
    for treatment in (first, second):
        assert updates.update_for_treatment(treatment=treatment, notify=False, now=now).new_signals
    assert daily.examine(daily.read_stored(ids, now), rules).changed == set()


def test_the_daily_run_on_unchanged_data_costs_the_same_queries_at_any_size(ruptured, therapist):
    def queries_of_a_quiet_run() -> int:
        run()
        with CaptureQueriesContext(connection) as queries:
            assert run()[1].split(", ")[1] == "0 updated"
        return len(queries)

    few = queries_of_a_quiet_run()
    for _ in range(3):
        with_a_rupture(register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate()))
    assert queries_of_a_quiet_run() == few


@pytest.mark.parametrize("threshold, analysed", [(1, True), (10_000, False)])
def test_a_run_that_stores_many_signals_renews_the_planners_statistics(ruptured, monkeypatch, threshold, analysed):
    monkeypatch.setattr(daily, "ANALYZE_AFTER", threshold)
    with CaptureQueriesContext(connection) as queries:
        result = daily.update_running(notify=False)
    assert result.new_signals >= 1
    statements = [query["sql"] for query in queries if query["sql"].startswith("ANALYZE")]
    # PostgreSQL plans by its statistics; SQLite's planner needs none renewed
    expected = ["ANALYZE ruptures_signal, ruptures_ruptureepisode, ruptures_episodeevent"]
    assert statements == (expected if analysed and connection.vendor == "postgresql" else [])
