"""The periodic jobs: registered by the apps, queued once by `allianse schedule`, and each run
queues the next one at its due time, also when the run fails. The administrator's home counts the
tasks that failed this past week."""

import threading
import time as clock
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from allianse import background
from allianse.background import PeriodicJob, register_periodic, run_periodic
from tests.conftest import sign_in
from tests.worker import run_tasks

pytestmark = pytest.mark.django_db

DAILY = PeriodicJob(name="nightly", command="update_ruptures", args=(), every=timedelta(days=1), at=time(2))
HOURLY = PeriodicJob(name="hourly", command="send_reminders", args=(), every=timedelta(hours=1), at=None)


def local(*args: int) -> datetime:
    return timezone.make_aware(datetime(*args))


def queued(name: str) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=run_periodic.module_path, status=TaskResultStatus.READY, args_kwargs__kwargs__name=name
        )
    )


@pytest.fixture
def jobs(monkeypatch) -> dict[str, PeriodicJob]:
    """An empty registry in place of the apps' jobs."""
    registry: dict[str, PeriodicJob] = {}
    monkeypatch.setattr(background, "periodic_jobs", registry)
    return registry


@pytest.fixture
def commands_run(monkeypatch) -> list[tuple[str, ...]]:
    """The commands the jobs run, recorded instead of run."""
    run: list[tuple[str, ...]] = []
    monkeypatch.setattr(background, "call_command", lambda *command: run.append(command))
    return run


def test_the_apps_register_the_nightly_update_the_hourly_reminders_and_the_weekly_pruning():
    registered = {
        name: background.periodic_jobs.get(name)
        for name in ("update_ruptures", "send_reminders", "prune_task_results", "prune_audit_log")
    }
    assert registered == {
        "update_ruptures": PeriodicJob(
            name="update_ruptures", command="update_ruptures", args=(), every=timedelta(days=1), at=time(2)
        ),
        "send_reminders": PeriodicJob(
            name="send_reminders", command="send_reminders", args=(), every=timedelta(hours=1), at=None
        ),
        "prune_task_results": PeriodicJob(
            name="prune_task_results",
            command="prune_db_task_results",
            args=("--min-age-days=30",),
            every=timedelta(weeks=1),
            at=time(3, 45),
        ),
        "prune_audit_log": PeriodicJob(
            name="prune_audit_log", command="prune_audit_log", args=(), every=timedelta(weeks=1), at=time(4)
        ),
    }


def test_registering_keeps_one_job_per_name(jobs):
    register_periodic("nightly", command="update_ruptures", every=timedelta(hours=12))
    register_periodic("nightly", command="update_ruptures", every=timedelta(days=1), at=time(2))
    assert jobs == {"nightly": DAILY}


def test_a_time_of_day_needs_whole_days(jobs):
    with pytest.raises(ValueError, match="whole days"):
        register_periodic("nightly", command="update_ruptures", every=timedelta(hours=36), at=time(2))
    assert jobs == {}


@pytest.mark.parametrize(
    ("after", "due"),
    [
        (local(2025, 3, 3, 23, 30), local(2025, 3, 4, 2)),  # late in the evening: the next night
        (local(2025, 3, 4, 1, 0), local(2025, 3, 4, 2)),  # before 02:00: the same night
        (local(2025, 3, 4, 2, 0, 1), local(2025, 3, 5, 2)),  # just after a run at 02:00
        (local(2025, 3, 4, 11, 0), local(2025, 3, 5, 2)),  # a run late in the morning
        (local(2025, 12, 31, 23, 59), local(2026, 1, 1, 2)),  # across the year
    ],
)
def test_a_daily_job_is_next_due_at_its_time_of_day(after, due):
    assert DAILY.next_run(after) == due


def test_a_weekly_job_with_a_time_of_day_is_due_a_week_on_at_that_time():
    weekly = PeriodicJob(name="w", command="c", args=(), every=timedelta(weeks=1), at=time(3, 45))
    assert weekly.next_run(local(2025, 3, 2, 3, 45, 2)) == local(2025, 3, 9, 3, 45)


def test_an_hourly_job_is_next_due_an_hour_later():
    assert HOURLY.next_run(local(2025, 3, 4, 10, 17)) == local(2025, 3, 4, 11, 17)


def test_schedule_queues_each_job_once_however_often_it_runs():
    call_command("schedule")
    call_command("schedule")
    rows = DBTaskResult.objects.filter(task_path=run_periodic.module_path)
    assert sorted(row.args_kwargs["kwargs"]["name"] for row in rows) == sorted(background.periodic_jobs)
    assert all(row.status == TaskResultStatus.READY for row in rows)
    [nightly] = queued("update_ruptures")
    assert timezone.localtime(nightly.run_after).time() == time(2)
    assert timezone.now() < nightly.run_after <= timezone.now() + timedelta(days=1)


def test_schedule_leaves_a_job_that_is_running_alone(jobs):
    jobs["hourly"] = HOURLY
    row = run_periodic.enqueue(name="hourly").db_result
    row.claim("another-worker")
    assert background.schedule() == []
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_schedules_at_once_queue_each_job_once(jobs, monkeypatch):
    """Each schedule waits a moment between finding no run queued and queueing one; without the
    lock both would find none and each queue its own."""
    jobs["hourly"] = HOURLY
    enqueue = background.enqueue

    def slow_enqueue(task, **kwargs):
        clock.sleep(0.3)
        enqueue(task, **kwargs)

    monkeypatch.setattr(background, "enqueue", slow_enqueue)
    start = threading.Barrier(2)
    results: list[list[str]] = []

    def schedule():
        try:
            start.wait()
            results.append(background.schedule())
        finally:
            connection.close()

    threads = [threading.Thread(target=schedule) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [[], ["hourly"]]
    assert len(queued("hourly")) == 1


def test_a_run_of_a_daily_job_queues_the_next_night_across_the_day_boundary(jobs, commands_run, monkeypatch):
    jobs["nightly"] = DAILY
    monkeypatch.setattr(timezone, "now", lambda: local(2025, 3, 3, 23, 30))
    run_periodic.call(name="nightly")
    assert commands_run == [("update_ruptures",)]
    [next_run] = queued("nightly")
    assert next_run.run_after == local(2025, 3, 4, 2)


def test_a_run_of_an_hourly_job_by_the_worker_queues_the_next_an_hour_later(jobs, commands_run):
    jobs["hourly"] = HOURLY
    run_periodic.enqueue(name="hourly")
    before = timezone.now()
    [done, next_run] = run_tasks()
    assert commands_run == [("send_reminders",)]
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert next_run.status == TaskResultStatus.READY and next_run.args_kwargs["kwargs"] == {"name": "hourly"}
    assert before + timedelta(hours=1) <= next_run.run_after <= timezone.now() + timedelta(hours=1)


def test_a_failing_job_is_recorded_as_failed_and_its_next_run_is_still_queued(jobs):
    jobs["broken"] = PeriodicJob(name="broken", command="no_such_command", args=(), every=timedelta(hours=1), at=None)
    run_periodic.enqueue(name="broken")
    [failed, next_run] = run_tasks()
    assert failed.status == TaskResultStatus.FAILED
    assert "Unknown command: 'no_such_command'" in failed.traceback
    assert next_run.status == TaskResultStatus.READY and next_run.run_after > timezone.now() + timedelta(minutes=59)
    assert run_tasks() == [failed, next_run]  # not due yet: nothing more runs


def test_a_job_no_longer_registered_fails_and_ends_its_schedule(jobs):
    run_periodic.enqueue(name="gone")
    [failed] = run_tasks()
    assert failed.status == TaskResultStatus.FAILED and failed.exception_class_path == "builtins.KeyError"


def test_the_tasks_page_names_the_job_of_a_periodic_task(client, administrator, jobs):
    jobs["broken"] = PeriodicJob(name="broken", command="no_such_command", args=(), every=timedelta(hours=1), at=None)
    run_periodic.enqueue(name="broken")
    run_tasks()
    sign_in(client, administrator)
    page = client.get(reverse("accounts:tasks"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("<code>background.run_periodic: broken</code>") == 2


@pytest.fixture
def failures(jobs):
    """Three failed runs: two this past week, one eight days ago."""
    jobs["broken"] = PeriodicJob(name="broken", command="no_such_command", args=(), every=timedelta(hours=1), at=None)
    for _ in range(3):
        run_periodic.enqueue(name="broken")
    run_tasks()
    oldest = DBTaskResult.objects.failed().order_by("enqueued_at").first()
    DBTaskResult.objects.filter(pk=oldest.pk).update(finished_at=timezone.now() - timedelta(days=8))


@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Tasks that failed in the last seven days"), ("nb", "Oppgaver som feilet de siste sju dagene")],
)
def test_the_administrators_home_counts_the_tasks_that_failed_this_week(
    client, administrator, failures, language, label
):
    sign_in(client, administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("home:home")).content.decode()
    assert f'<th scope="row"><a href="{reverse("accounts:tasks")}">{label}</a></th><td>2</td>' in page


def test_a_therapists_home_shows_no_tasks(client, therapist, failures):
    sign_in(client, therapist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("home:home")).content.decode()
    assert "My patients" in page
    assert "Tasks that failed" not in page and reverse("accounts:tasks") not in page
