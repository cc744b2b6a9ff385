"""A patient's check submitted through the feedback workflow raises signals, opens an episode and
tells the treating therapist by e-mail, without health data."""

from django.core import mail
from django.urls import reverse

from allianse.feedback.services import issue_check, open_check, record_therapist_check, submit_check
from allianse.ruptures.models import RuptureEpisode, Signal
from tests.ruptures.conftest import TENSE, add_session, alliance, therapist_view
from tests.worker import run_tasks


def test_a_submitted_check_raises_signals_opens_an_episode_and_mails_without_health_data(steady, therapist):
    therapist.email = "therapist@example.org"
    therapist.save()
    link = issue_check(session=add_session(steady, days_ago=0), by=therapist)
    submission = submit_check(administration=open_check(link.token), answers=TENSE)
    assert submission.response is not None
    run_tasks()
    assert set(Signal.objects.values_list("kind", flat=True)) >= {"reported", "held_back", "drop", "low"}
    episode = RuptureEpisode.objects.get()
    [message] = mail.outbox
    assert steady.patient.code in message.body
    assert reverse("ruptures:episode", args=[episode.public_id]) in message.body
    for health_data in ("3.0", "3,0", "4 of 5", "4 av 5", "held", "holdt", "tension", "spenning"):
        assert health_data not in message.body


def test_the_therapists_own_check_is_compared_with_the_patients(steady, therapist):
    session = add_session(steady, patient=alliance(4), days_ago=1)
    record_therapist_check(session=session, therapist=therapist, answers=therapist_view(6))
    run_tasks()
    assert Signal.objects.get(kind="discrepancy").detail == "therapist_higher"
