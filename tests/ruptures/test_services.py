"""Signals as data arrive, and the life of a rupture episode from signal to closing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from allianse.feedback.services import issue_check
from allianse.ruptures import rules, services, updates
from allianse.ruptures.models import EpisodeEvent, EpisodeKind, Outcome, Recovery, RuptureEpisode, Signal
from tests.ruptures.conftest import add_session, alliance, therapist_view
from tests.worker import run_tasks

Action = EpisodeEvent.Action


def a_rupture(treatment):
    """A session where the patient reports tension and the alliance falls from 6 to 3; the
    therapist noticed a withdrawal with short answers."""
    return add_session(
        treatment,
        patient=alliance(3, rupture=True, rupture_intensity=4, rupture_resolution=2),
        therapist=therapist_view(
            5,
            rupture=True,
            rupture_kind="withdrawal",
            rupture_intensity=3,
            rupture_resolution=2,
            withdrawal_markers=["minimal_response"],
        ),
    )


def test_a_rupture_raises_explained_signals_and_opens_an_episode(steady):
    session = a_rupture(steady)
    result = updates.update_for_treatment(treatment=steady, notify=False)
    kinds = {(signal.kind, signal.detail) for signal in result.new_signals}
    assert {("reported", "rated"), ("drop", "z_floored"), ("drop", "fall"), ("low", "low")} <= kinds
    drop = Signal.objects.get(kind="drop", detail="fall")
    assert drop.explanation_en.startswith("Alliance fell from 6.0 to 3.0 in session 5")
    assert "falt fra 6,0 til 3,0" in drop.explanation_nb
    episode = RuptureEpisode.objects.get()
    assert episode.first_session == session and episode.kind == EpisodeKind.WITHDRAWAL
    assert episode.markers == ["minimal_response"] and episode.intensity == 4
    assert set(episode.signals.values_list("kind", flat=True)) >= {"reported", "drop", "low"}
    assert list(episode.events.values_list("action", flat=True)) == [Action.OPENED]


def test_a_second_run_on_the_same_data_stores_nothing_new(steady):
    a_rupture(steady)
    updates.update_for_treatment(treatment=steady, notify=False)
    again = updates.update_for_treatment(treatment=steady, notify=False)
    assert again.new_signals == [] and again.opened == []
    assert RuptureEpisode.objects.count() == 1


def test_a_steady_course_raises_no_signal(steady):
    assert updates.update_for_treatment(treatment=steady, notify=False).new_signals == []


def test_the_next_low_session_joins_the_open_episode(steady):
    a_rupture(steady)
    updates.update_for_treatment(treatment=steady, notify=False)
    later = add_session(steady, patient=alliance(3))
    updates.update_for_treatment(treatment=steady, notify=False)
    episode = RuptureEpisode.objects.get()
    assert episode.last_session == later
    assert list(episode.events.values_list("action", flat=True)) == [Action.OPENED, Action.SIGNAL_JOINED]


def test_a_recovered_alliance_suggests_closing_and_leaves_the_decision_to_the_therapist(steady):
    a_rupture(steady)
    updates.update_for_treatment(treatment=steady, notify=False)
    back = add_session(steady, patient=alliance(6), therapist=therapist_view(6))
    updates.update_for_treatment(treatment=steady, notify=False)
    episode = RuptureEpisode.objects.get()
    assert episode.recovery == Recovery.RECOVERED and episode.recovery_session == back
    assert episode.close_suggested and episode.is_open


def test_a_rupture_after_a_repair_opens_a_new_episode(steady):
    a_rupture(steady)
    add_session(steady, patient=alliance(6))
    updates.update_for_treatment(treatment=steady, notify=False)
    a_rupture(steady)
    updates.update_for_treatment(treatment=steady, notify=False)
    assert RuptureEpisode.objects.count() == 2


def test_an_alliance_that_does_not_come_back_is_marked_not_recovered(steady):
    a_rupture(steady)
    for _ in range(3):
        add_session(steady, patient=alliance(5))
    updates.update_for_treatment(treatment=steady, notify=False)
    assert RuptureEpisode.objects.get().recovery == Recovery.NOT_RECOVERED


def test_a_pending_check_is_not_yet_an_unanswered_one(steady, therapist):
    a_rupture(steady)
    waiting = add_session(steady, days_ago=0)
    issue_check(session=waiting, by=therapist)
    updates.update_for_treatment(treatment=steady, notify=False)
    assert not Signal.objects.filter(kind="absence").exists()


def test_an_expired_unanswered_check_after_a_rupture_is_an_absence(steady, therapist):
    a_rupture(steady)
    silent = add_session(steady, days_ago=6)
    link = issue_check(session=silent, by=therapist)
    link.expires_at = timezone.now() - timedelta(minutes=1)
    link.save()
    updates.update_for_treatment(treatment=steady, notify=False)
    absence = Signal.objects.get(kind="absence")
    assert absence.detail == "unanswered_check" and absence.episode == RuptureEpisode.objects.get()


def test_a_signal_that_no_longer_fires_after_a_correction_is_retracted(steady, therapist):
    add_session(steady, patient=alliance(4), therapist=therapist_view(6))
    updates.update_for_treatment(treatment=steady, notify=False)
    gap = Signal.objects.get(kind="discrepancy")
    session = gap.session
    from allianse.feedback.services import record_therapist_check

    record_therapist_check(session=session, therapist=therapist, answers=therapist_view(4))
    run_tasks()
    gap.refresh_from_db()
    assert gap.retracted_at is not None
    assert not Signal.objects.current().filter(kind="discrepancy").exists()


def test_clinic_overrides_change_the_rules(steady, administrator):
    rules.save_rules(overrides={"discrepancy": 3.0}, by=administrator)
    add_session(steady, patient=alliance(4), therapist=therapist_view(6))
    updates.update_for_treatment(treatment=steady, notify=False)
    assert not Signal.objects.filter(kind="discrepancy").exists()
    assert rules.current_rules().discrepancy == 3.0
    assert rules.current_rules().low_threshold == 3.5  # from the instrument's concern band


def test_new_signals_mail_the_treating_therapist_a_code_and_a_link_only(steady, therapist):
    therapist.email = "therapist@example.org"
    therapist.save()
    a_rupture(steady)
    updates.update_for_treatment(treatment=steady)
    assert mail.outbox == []  # the worker sends it
    run_tasks()
    [message] = mail.outbox
    body = message.subject + message.body
    assert message.to == ["therapist@example.org"]
    assert steady.patient.code in body
    assert f"/ruptures/episodes/{RuptureEpisode.objects.get().public_id}/" in body
    for health_data in ("3.0", "3,0", "alliance", "alliansen", "withdrawal", "tilbaketrekk", "tension", "spenning"):
        assert health_data not in body.lower()


# --- the therapist's work on an episode ---


@pytest.fixture
def episode(steady, therapist):
    session = steady.sessions.order_by("number").last()
    return services.open_episode(session=session, by=therapist, note="Short answers all session.")


def test_a_therapist_opens_an_episode_by_hand_from_a_session(episode, therapist):
    assert episode.opened_by == therapist and episode.kind == EpisodeKind.UNCLEAR and episode.stage == 1
    assert episode.notes.get().text == "Short answers all session."
    assert list(episode.events.values_list("action", flat=True)) == [Action.OPENED, Action.NOTE_ADDED]


def test_the_episode_life_cycle_is_kept_as_history(episode, therapist):
    services.change_kind(episode=episode, by=therapist, kind="withdrawal", markers=["denial"], intensity=2)
    services.add_note(
        episode=episode, by=therapist, stage=1, strategies=["metacommunication"], text="Named it.", advance=True
    )
    services.set_stage(episode=episode, by=therapist, stage=4)
    services.close_episode(episode=episode, by=therapist, outcome=Outcome.RESOLVED, note="Held.")
    episode.refresh_from_db()
    assert (episode.kind, episode.stage, episode.status, episode.outcome) == ("withdrawal", 4, "closed", "resolved")
    assert list(episode.events.values_list("action", flat=True)) == [
        Action.OPENED,
        Action.NOTE_ADDED,
        Action.KIND_CHANGED,
        Action.NOTE_ADDED,
        Action.STAGE_CHANGED,
        Action.STAGE_CHANGED,
        Action.NOTE_ADDED,
        Action.CLOSED,
    ]
    assert episode.events.get(action=Action.CLOSED).data["outcome"] == "resolved"


def test_a_closed_episode_takes_no_more_changes(episode, therapist):
    services.close_episode(episode=episode, by=therapist, outcome=Outcome.UNRESOLVED)
    with pytest.raises(services.EpisodeClosed):
        services.add_note(episode=episode, by=therapist, stage=1, strategies=[], text="late")


def test_a_stage_outside_the_path_and_an_unknown_strategy_are_refused(episode, therapist):
    with pytest.raises(ValueError):
        services.set_stage(episode=episode, by=therapist, stage=5)  # 'unclear' has four stages
    with pytest.raises(ValueError):
        services.add_note(episode=episode, by=therapist, stage=1, strategies=["hypnosis"], text="")


def test_a_kind_with_a_shorter_path_keeps_the_stage_on_it(episode, therapist):
    services.change_kind(episode=episode, by=therapist, kind="withdrawal", markers=[], intensity=None)
    services.set_stage(episode=episode, by=therapist, stage=5)
    episode = services.change_kind(episode=episode, by=therapist, kind="both", markers=[], intensity=None)
    assert episode.stage == 4


def test_a_signal_within_the_window_joins_a_hand_opened_episode(episode):
    a_rupture(episode.treatment)
    updates.update_for_treatment(treatment=episode.treatment, notify=False)
    assert RuptureEpisode.objects.count() == 1
    assert episode.signals.filter(kind="reported").exists()


def test_loose_signals_can_become_an_episode(steady, therapist):
    add_session(steady, patient=alliance(6, held_back=True))
    updates.update_for_treatment(treatment=steady, notify=False)
    held_back = Signal.objects.get(kind="held_back")
    assert held_back.episode is None
    episode = services.open_from_signals(treatment=steady, by=therapist)
    held_back.refresh_from_db()
    assert held_back.episode == episode and episode.opened_by_signal == held_back
    with pytest.raises(services.NoLooseSignals):
        services.open_from_signals(treatment=steady, by=therapist)


def test_loose_signals_can_be_acknowledged(steady, therapist):
    add_session(steady, patient=alliance(6, held_back=True))
    updates.update_for_treatment(treatment=steady, notify=False)
    assert services.acknowledge_signals(treatment=steady, by=therapist) == 1
    assert Signal.objects.get().acknowledged_by == therapist
