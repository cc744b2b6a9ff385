"""The daily run's first update of treatments with nothing stored, written in bulk for a whole
chunk (`ruptures.first_run`): it stores exactly what each treatment's own update stores, and a
chunk whose bulk write fails is updated treatment by treatment."""

from __future__ import annotations

import threading

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from allianse.clinic.services import register_patient
from allianse.ruptures import daily, first_run, updates
from allianse.ruptures.models import EpisodeEvent, RuptureEpisode, Signal
from allianse.ruptures.services import open_episode
from tests.ruptures.conftest import TENSE, add_session, alliance, therapist_view

NOTIFY = "allianse.ruptures.notifications.notify_therapists"


def saw(kind: str = "unsure", intensity: int = 3, **markers) -> dict:
    """The therapist's answers about a rupture they saw."""
    return {"rupture": True, "rupture_kind": kind, "rupture_intensity": intensity, "rupture_resolution": 2} | markers


WITHDRAWN = saw("withdrawal", withdrawal_markers=["denial", "minimal_response"])
CONFRONTED = saw(intensity=5, confrontation_markers=["complaints_about_therapist"])


def steady_start(treatment, sessions: int = 4):
    for _ in range(sessions):
        add_session(treatment, patient=alliance(6), therapist=therapist_view(6))


def repaired(treatment):
    """A reported rupture the therapist saw as withdrawal, then the alliance back at its level."""
    steady_start(treatment)
    add_session(treatment, patient=TENSE, therapist=therapist_view(4, **WITHDRAWN))
    add_session(treatment, patient=alliance(5), therapist=therapist_view(5))
    add_session(treatment, patient=alliance(6), therapist=therapist_view(6))


def two_episodes(treatment):
    """A fall with a missed session and an unanswered check (unrepaired), later a reported rupture
    the therapist saw as confrontation, still open at the end."""
    steady_start(treatment)
    add_session(treatment, patient=alliance(3), therapist=therapist_view(6))
    add_session(treatment, attended=False)
    add_session(treatment)  # attended, the check never answered
    for level in (3, 4, 4, 5):
        add_session(treatment, patient=alliance(level), therapist=therapist_view(5))
    add_session(treatment, patient=alliance(6, held_back=True), therapist=therapist_view(6))
    add_session(treatment, patient=TENSE, therapist=therapist_view(3, **CONFRONTED))
    add_session(treatment, patient=alliance(4), therapist=therapist_view(4, **WITHDRAWN))


def disagreeing(treatment):
    """The therapist reports ruptures the patient does not, and the patient holds something back."""
    steady_start(treatment, 3)
    add_session(treatment, patient=alliance(6, held_back=True), therapist=therapist_view(2, **CONFRONTED))
    add_session(treatment, patient=alliance(7), therapist=therapist_view(3, **saw()))
    add_session(treatment, patient=alliance(2), therapist=therapist_view(7))


def quiet(treatment):
    steady_start(treatment, 6)


@pytest.fixture
def clinic(treatment, therapist):
    """Running treatments of varied series, none run through the rules yet."""
    treatments = [treatment]
    for _ in range(5):
        patient = register_patient(therapist=therapist, name="", language="en", started_on=timezone.localdate())
        treatments.append(patient)
    for each, series in zip(
        treatments, (repaired, two_episodes, disagreeing, quiet, repaired, two_episodes), strict=True
    ):
        series(each)
    return treatments


def key(episode: RuptureEpisode | None):
    return None if episode is None else (episode.treatment_id, episode.first_session.number)


def stored() -> dict[str, list]:
    """The meaningful fields of every stored signal, episode, event and queued e-mail (no ids, no
    creation times), episodes named by their treatment and first session."""
    signals = [
        (s.treatment_id, s.session.number, s.kind, s.detail, s.value, s.threshold, s.explanation_en)
        + (s.explanation_nb, s.retracted_at, s.seen_at, key(s.episode))
        for s in Signal.objects.select_related("session", "episode__first_session")
    ]
    episodes = [
        (key(e), e.last_session.number, e.kind, e.markers, e.intensity, e.stage, e.status, e.outcome, e.recovery)
        + (e.recovery_session and e.recovery_session.number, e.opened_at, e.closed_at, e.opened_by_id)
        + ((e.opened_by_signal.session.number, e.opened_by_signal.kind, e.opened_by_signal.detail),)
        for e in RuptureEpisode.objects.select_related("opened_by_signal__session", "first_session", "last_session")
    ]
    events = [
        (key(e.episode), e.action, e.actor_id, e.at, sorted(e.data.items()))
        for e in EpisodeEvent.objects.select_related("episode__first_session")
    ]
    mails = []
    for task in DBTaskResult.objects.filter(task_path=NOTIFY):
        kwargs = task.args_kwargs["kwargs"]
        mails.append((kwargs["treatment_id"], key(RuptureEpisode.objects.filter(pk=kwargs["episode_id"]).first())))
    return {
        name: sorted(rows, key=repr)
        for name, rows in (("signals", signals), ("episodes", episodes), ("events", events), ("mails", mails))
    }


def forget_all() -> None:
    Signal.objects.update(episode=None)
    RuptureEpisode.objects.update(opened_by_signal=None)
    EpisodeEvent.objects.all().delete()
    RuptureEpisode.objects.all().delete()
    Signal.objects.all().delete()
    DBTaskResult.objects.all().delete()


def no_update_one_by_one(monkeypatch) -> None:
    def refused(**kwargs):
        raise AssertionError("updated one by one")

    monkeypatch.setattr(daily, "update_for_treatment", refused)


def test_the_bulk_first_run_stores_what_each_treatments_own_update_stores(clinic, monkeypatch):
    now = timezone.now()
    with monkeypatch.context() as patched:
        no_update_one_by_one(patched)
        result = daily.update_running(notify=True, now=now, chunk=4)
    in_bulk = stored()
    assert result.failed == [] and result.updated == 5  # the quiet treatment has no signal
    # A history stored at once: only a signal of a treatment's latest session is news (`updates.announce`).
    assert {row[0] for row in in_bulk["mails"]} == {clinic[index].pk for index in (1, 2, 5)}
    assert {row[-1] for row in in_bulk["signals"]} > {None}  # signals within and outside episodes
    assert len(in_bulk["episodes"]) == 7 and {row[8] for row in in_bulk["episodes"]} == {
        "recovered",
        "not_recovered",
        "pending",
    }
    assert {row[2] for row in in_bulk["episodes"]} >= {"withdrawal", "confrontation", "both"}
    assert {row[1] for row in in_bulk["events"]} == {"opened", "signal_joined", "recovery_changed"}
    forget_all()
    one_by_one = [updates.update_for_treatment(treatment=t, notify=True, now=now) for t in clinic]
    assert stored() == in_bulk
    assert sum(len(r.new_signals) for r in one_by_one) == result.new_signals
    assert sum(len(r.opened) for r in one_by_one) == result.opened


def test_a_second_run_after_the_bulk_first_run_changes_nothing(clinic):
    daily.update_running(notify=False)
    before = stored()
    result = daily.update_running(notify=False)
    assert (result.updated, result.failed) == (0, []) and stored() == before


def test_a_treatment_with_something_stored_is_updated_on_its_own(clinic, therapist, monkeypatch):
    """A hand-opened episode (no signal) takes part in the episode rule: not a first update."""
    handled = clinic[0]
    open_episode(session=handled.sessions.get(number=5), by=therapist)
    own = []
    monkeypatch.setattr(
        daily,
        "update_for_treatment",
        lambda **kwargs: own.append(kwargs["treatment"]) or updates.update_for_treatment(**kwargs),
    )
    result = daily.update_running(notify=False)
    assert own == [handled] and result.updated == 5 and result.failed == []
    assert Signal.objects.filter(treatment=handled, episode__opened_by=therapist).exists()


def test_a_chunk_whose_bulk_write_fails_is_updated_treatment_by_treatment(clinic, monkeypatch, caplog):
    plan_treatment = first_run._Plan._treatment
    broken = str(clinic[2].pk)

    def fail_for_one(plan, treatment_key, *args):
        if treatment_key == broken:
            raise ValueError("data the bulk write cannot take")
        plan_treatment(plan, treatment_key, *args)

    monkeypatch.setattr(first_run._Plan, "_treatment", fail_for_one)
    now = timezone.now()
    result = daily.update_running(notify=False, chunk=3, now=now)
    assert result.failed == [] and result.updated == 5
    assert "data the bulk write cannot take" in caplog.text
    monkeypatch.undo()
    in_chunks = stored()
    forget_all()
    daily.update_running(notify=False, now=now)
    assert stored() == in_chunks


def test_a_treatment_taken_by_a_task_meanwhile_is_left_to_its_own_update(clinic, monkeypatch):
    """Between the chunk's read and its bulk write a task updated one treatment: the bulk write
    leaves it, and its own update finds nothing more to store."""
    taken = clinic[0]
    read_stored = daily.read_stored

    def read_then_task_runs(*args):
        read = read_stored(*args)
        updates.update_for_treatment(treatment=taken, notify=False)
        return read

    monkeypatch.setattr(daily, "read_stored", read_then_task_runs)
    result = daily.update_running(notify=False)
    assert result.failed == [] and result.updated == 5
    assert RuptureEpisode.objects.filter(treatment=taken).count() == 1


def test_new_sessions_after_the_bulk_first_run_are_updated_as_usual(clinic):
    daily.update_running(notify=False)
    add_session(clinic[3], patient=TENSE, therapist=therapist_view(3, **saw()), days_ago=1)
    result = daily.update_running(notify=False)
    assert (result.updated, result.opened) == (1, 1)


def test_a_history_stored_at_once_is_announced_only_for_its_latest_session(treatment):
    repaired(treatment)  # a rupture in session 5, nothing new in the latest, 7
    first = updates.update_for_treatment(treatment=treatment, notify=True)
    assert first.new_signals and not DBTaskResult.objects.filter(task_path=NOTIFY).exists()
    add_session(treatment, patient=TENSE, therapist=therapist_view(4, **WITHDRAWN))
    later = updates.update_for_treatment(treatment=treatment, notify=True)
    assert later.new_signals and DBTaskResult.objects.filter(task_path=NOTIFY).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_next_chunk_is_read_in_a_thread_beside_and_stores_the_same(clinic, monkeypatch):
    """Outside a transaction the chunks are read in a thread with a connection of its own while the
    rules examine the one before; what is stored is what the run in one thread stores."""
    readers = []
    read_stored = daily.read_stored

    def recorded(*args):
        readers.append(threading.current_thread().name)
        return read_stored(*args)

    monkeypatch.setattr(daily, "read_stored", recorded)
    now = timezone.now()
    beside = daily.update_running(notify=True, now=now, chunk=2)
    in_threads = stored()
    assert len(readers) == 3 and all(name.startswith("daily-read") for name in readers)
    forget_all()
    readers.clear()
    with transaction.atomic():
        alone = daily.update_running(notify=True, now=now, chunk=2)
    assert readers == [threading.current_thread().name] * 3
    assert stored() == in_threads and (alone.updated, alone.new_signals) == (beside.updated, beside.new_signals)
