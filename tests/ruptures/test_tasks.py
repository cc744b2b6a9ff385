"""Rupture signals after a check or a missed session, and the therapists' e-mail, as tasks of the
database backend: enqueued in the transaction of the data they read, run by the worker, recorded
as failed (and retried later) when they fail, never at the respondent's cost."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from allianse.background import RETRY_DELAYS
from allianse.clinic.services import add_session as record_session
from allianse.feedback.models import Response
from allianse.feedback.services import issue_check, open_check, submit_check
from allianse.ruptures import notifications, tasks
from allianse.ruptures.models import RuptureEpisode, Signal
from tests.ruptures.conftest import TENSE, add_session, alliance, therapist_view
from tests.worker import run_tasks

UPDATE = "allianse.ruptures.tasks.update_treatment"
NOTIFY = "allianse.ruptures.notifications.notify_therapists"


@pytest.fixture
def link(steady, therapist):
    therapist.email = "therapist@example.org"
    therapist.save()
    return issue_check(session=add_session(steady, days_ago=0), by=therapist)


def test_a_stored_check_enqueues_the_update_with_ids_and_nothing_runs_yet(link, steady):
    submit_check(administration=open_check(link.token), answers=TENSE)
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == UPDATE and queued.status == "READY"
    assert queued.args_kwargs == {"args": [], "kwargs": {"treatment_id": steady.pk}}
    assert not Signal.objects.exists() and mail.outbox == []


def test_a_rolled_back_check_leaves_no_task(link):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit_check(administration=open_check(link.token), answers=TENSE)
        raise RuntimeError("the request failed after the check was stored")
    assert not Response.objects.filter(administration=link).exists()
    assert not DBTaskResult.objects.exists()


def test_a_repeated_submit_enqueues_nothing_more(link):
    submit_check(administration=open_check(link.token), answers=TENSE)
    submit_check(administration=link, answers=TENSE)
    assert DBTaskResult.objects.count() == 1


def test_the_worker_raises_the_signals_then_mails_the_therapist(link, steady):
    submit_check(administration=open_check(link.token), answers=TENSE)
    update, notify = run_tasks()
    assert (update.task_path, update.status) == (UPDATE, "SUCCESSFUL")
    assert set(Signal.objects.values_list("kind", flat=True)) >= {"reported", "held_back", "drop", "low"}
    episode = RuptureEpisode.objects.get()
    assert notify.task_path == NOTIFY and notify.status == "SUCCESSFUL"
    assert notify.args_kwargs["kwargs"] == {"treatment_id": steady.pk, "episode_id": episode.pk}
    [message] = mail.outbox
    assert reverse("ruptures:episode", args=[episode.public_id]) in message.body


def test_running_the_update_again_stores_nothing_twice(link, steady):
    submit_check(administration=open_check(link.token), answers=TENSE)
    run_tasks()
    signals = Signal.objects.count()
    tasks.update_treatment.enqueue(treatment_id=steady.pk)
    run_tasks()
    assert Signal.objects.count() == signals and len(mail.outbox) == 1


def test_a_missed_session_enqueues_the_update_and_the_worker_finds_the_absence(treatment):
    for _ in range(4):
        add_session(treatment, patient=alliance(6), therapist=therapist_view(6))
    add_session(treatment, patient=alliance(3, rupture=True, rupture_intensity=4, rupture_resolution=2))
    missed = record_session(treatment=treatment, starts_at=timezone.now(), attended=False)
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"treatment_id": treatment.pk}
    run_tasks()
    assert Signal.objects.filter(session=missed, kind="absence").exists()


def test_an_attended_session_enqueues_nothing(treatment):
    record_session(treatment=treatment, starts_at=timezone.now(), attended=True)
    assert not DBTaskResult.objects.exists()


def test_a_failing_update_is_recorded_as_failed_retried_later_and_the_patient_is_thanked(client, link, monkeypatch):
    def broken(*, treatment, **kwargs):
        raise RuntimeError("signal rules broke\nsecond line")

    monkeypatch.setattr(tasks, "update_for_treatment", broken)
    response = client.post(reverse("feedback:check", args=[link.token]), TENSE)
    assert response.status_code == 302 and Response.objects.filter(administration=link).exists()
    before = timezone.now()
    failed, retry = run_tasks()
    assert failed.status == "FAILED" and failed.exception_class_path == "builtins.RuntimeError"
    assert "signal rules broke" in failed.traceback
    assert retry.status == "READY" and retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after >= before + RETRY_DELAYS[0]
    assert not Signal.objects.exists()


def test_a_retry_that_succeeds_catches_up(link, monkeypatch):
    submit_check(administration=open_check(link.token), answers=TENSE)
    update = tasks.update_for_treatment
    monkeypatch.setattr(tasks, "update_for_treatment", lambda **kwargs: 1 / 0)
    run_tasks()
    monkeypatch.setattr(tasks, "update_for_treatment", update)
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())  # its time has come
    results = run_tasks()
    assert [r.status for r in results[:2]] == ["FAILED", "SUCCESSFUL"]
    assert Signal.objects.exists()


def test_a_failing_mail_server_is_retried_and_gives_up_after_the_last_delay(steady, therapist, monkeypatch):
    therapist.email = "therapist@example.org"
    therapist.save()

    def refused(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(notifications, "send_mail", refused)
    notifications.notify_therapists.enqueue(treatment_id=steady.pk, episode_id=None)
    for _ in range(len(RETRY_DELAYS) + 1):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - timedelta(seconds=1))
        run_tasks()
    attempts = DBTaskResult.objects.order_by("enqueued_at")
    assert [r.args_kwargs["kwargs"].get("attempt", 1) for r in attempts] == [1, 2, 3, 4]
    assert {r.status for r in attempts} == {"FAILED"}


@pytest.mark.django_db(transaction=True)
def test_a_task_committed_with_the_check_outlives_the_web_process(therapist):
    """Committed for real: the web process's connection is dropped before any worker runs, and a
    worker starting afterwards finds the task in the database and does the work."""
    from allianse.clinic.services import register_patient

    treatment = register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())
    for _ in range(4):
        add_session(treatment, patient=alliance(6), therapist=therapist_view(6))
    link = issue_check(session=add_session(treatment, days_ago=0), by=therapist)
    submit_check(administration=open_check(link.token), answers=TENSE)
    connection.close()
    assert DBTaskResult.objects.get().status == "READY"
    run_tasks()
    assert Signal.objects.filter(treatment=treatment, kind="reported").exists()
