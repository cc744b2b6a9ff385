"""The same background tasks on RQ, as a clinic on several machines runs them (`TASKS_BACKEND=rq`):
the rupture update reaches Redis once the check's transaction has committed, and a worker runs it
against the stored data.

Redis is optional: without a server answering on REDIS_URL (by default database 15 of the local
one) the module is skipped. The tests delete RQ's keys in that database before and after each test.
"""

import fcntl
import hashlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_rq import get_queue, get_worker
from django_tasks import TaskResultStatus, default_task_backend
from rq import Queue, SimpleWorker
from rq.registry import ScheduledJobRegistry

from allianse.background import RETRY_DELAYS
from allianse.feedback.models import Response
from allianse.feedback.services import issue_check, open_check, submit_check
from allianse.ruptures import tasks
from allianse.ruptures.models import Signal
from tests.ruptures.conftest import TENSE, add_session, steady  # noqa: F401  (the patient's history)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
UPDATE = "allianse.ruptures.tasks.update_treatment"

_redis = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
try:
    _redis.ping()
except redis.RedisError as error:
    pytest.skip(f"no Redis answers on {REDIS_URL} ({error}); the RQ backend is optional", allow_module_level=True)

pytestmark = pytest.mark.django_db(transaction=True)  # the worker reads what the check committed


@pytest.fixture
def link(steady, therapist):  # noqa: F811  (the fixture imported above)
    therapist.email = "therapist@example.org"
    therapist.save()
    return issue_check(session=add_session(steady, days_ago=0), by=therapist)


@pytest.fixture
def queue(settings, link) -> Iterator[Queue]:
    """RQ as `TASKS_BACKEND=rq` configures it, on REDIS_URL, once the patient's history and check
    link are stored (their tasks went to the database backend). One test process at a time (the
    suite's two workers, or two runs on one machine): a worker of one would otherwise run the
    other's tasks against the wrong database."""
    lock = Path(tempfile.gettempdir()) / f"allianse-rq-{hashlib.sha256(REDIS_URL.encode()).hexdigest()[:16]}.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            _delete_rq_keys()
            settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
            settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
            settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
            yield get_queue("default")
            _delete_rq_keys()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _delete_rq_keys() -> None:
    for key in _redis.scan_iter("rq:*"):
        _redis.delete(key)


def run_worker() -> None:
    """What `allianse rqworker --burst` does, in this process (RQ's SimpleWorker does not fork), so
    the tasks read the test database. The worker takes over Ctrl-C and SIGTERM; they are given back."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        get_worker("default", worker_class=SimpleWorker).work(burst=True, logging_level="WARNING")
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def test_the_update_is_queued_once_the_check_commits_and_a_worker_raises_the_signals(queue, link, steady):  # noqa: F811
    with transaction.atomic():
        submit_check(administration=open_check(link.token), answers=TENSE)
        assert queue.is_empty()
    [job] = queue.get_jobs()
    assert (job.func_name, job.kwargs) == (UPDATE, {"treatment_id": steady.pk})
    assert not Signal.objects.exists()

    run_worker()

    assert default_task_backend.get_result(job.id).status == TaskResultStatus.SUCCESSFUL
    assert set(Signal.objects.values_list("kind", flat=True)) >= {"reported", "held_back", "drop", "low"}
    assert len(mail.outbox) == 1  # the therapists' e-mail, a task the update queued on RQ in turn
    assert queue.is_empty()


def test_a_rolled_back_check_queues_nothing(queue, link):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit_check(administration=open_check(link.token), answers=TENSE)
        raise RuntimeError("the request failed after the check was stored")
    assert not Response.objects.filter(administration=link).exists()
    assert queue.is_empty() and not ScheduledJobRegistry(queue=queue).get_job_ids()


def test_a_failing_update_is_recorded_as_failed_and_scheduled_again(queue, link, steady, monkeypatch):  # noqa: F811
    def broken(*, treatment, **kwargs):
        raise RuntimeError("signal rules broke")

    monkeypatch.setattr(tasks, "update_for_treatment", broken)
    submit_check(administration=open_check(link.token), answers=TENSE)
    [job] = queue.get_jobs()
    before = timezone.now()

    run_worker()

    failed = default_task_backend.get_result(job.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.errors[-1].exception_class_path == "builtins.RuntimeError"
    scheduled = ScheduledJobRegistry(queue=queue)
    [retry] = [queue.fetch_job(retry_id) for retry_id in scheduled.get_job_ids()]
    assert (retry.func_name, retry.kwargs) == (UPDATE, {"treatment_id": steady.pk, "attempt": 2})
    assert scheduled.get_scheduled_time(retry) >= before.replace(microsecond=0) + RETRY_DELAYS[0]  # whole seconds
    assert not Signal.objects.exists()
