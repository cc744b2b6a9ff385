"""Where `allianse.background.enqueue` puts a task: in the caller's transaction for the database
and immediate backends, after its commit for a backend that hands tasks to another system."""

import pytest
from django.db import transaction
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from allianse.background import enqueue, retried
from allianse.ruptures.tasks import update_treatment

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_database_backend_writes_the_task_in_the_transaction():
    with transaction.atomic():
        enqueue(update_treatment, treatment_id=1)
        assert DBTaskResult.objects.filter(args_kwargs__kwargs__treatment_id=1).exists()


def test_another_system_gets_the_task_only_once_the_transaction_commits(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DUMMY
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(update_treatment, treatment_id=1)
        assert default_task_backend.results == []
    [result] = default_task_backend.results
    assert result.kwargs == {"treatment_id": 1}


def test_another_system_gets_nothing_from_a_rolled_back_transaction(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DUMMY
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        enqueue(update_treatment, treatment_id=1)
        raise RuntimeError
    assert default_task_backend.results == []


def test_without_run_after_a_failure_is_not_retried(settings):
    settings.TASKS = IMMEDIATE
    with pytest.raises(ConnectionError), retried(update_treatment, attempt=1, treatment_id=1):
        raise ConnectionError("the mail server went away")
    assert not DBTaskResult.objects.exists()
