"""The background tasks page: administrators see the recent tasks with their state and the first
line of a failure's error, in bokmål and English; nobody else reaches it."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from allianse.accounts import task_log
from allianse.ruptures import tasks
from tests.conftest import sign_in
from tests.worker import run_tasks


@pytest.fixture
def failed_and_queued(treatment, monkeypatch):
    """One update that failed (with its retry queued for later) and one still queued."""

    def broken(**kwargs):
        raise RuntimeError("signal rules broke\nmore detail")

    monkeypatch.setattr(tasks, "update_for_treatment", broken)
    tasks.update_treatment.enqueue(treatment_id=treatment.pk)
    run_tasks()
    tasks.update_treatment.enqueue(treatment_id=treatment.pk)


@pytest.mark.parametrize(
    ("language", "title", "queued", "failed"),
    [("nb", "Bakgrunnsoppgaver", "I kø", "Feilet"), ("en", "Background tasks", "Queued", "Failed")],
)
def test_an_administrator_sees_queued_and_failed_tasks_with_the_error(
    client, administrator, failed_and_queued, language, title, queued, failed
):
    sign_in(client, administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("accounts:tasks"))
    page = response.content.decode()
    assert response.status_code == 200 and f"<h1>{title}</h1>" in page
    assert page.count("<code>ruptures.tasks.update_treatment</code>") == 3
    assert f"{queued}: 2" in page and f"{failed}: 1" in page
    assert "<code>RuntimeError: signal rules broke</code>" in page and "more detail" not in page


def test_a_finished_task_shows_as_done(client, administrator, treatment):
    tasks.update_treatment.enqueue(treatment_id=treatment.pk)
    run_tasks()
    sign_in(client, administrator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("accounts:tasks")).content.decode()
    assert 'class="task-successful"' in page and "Done: 1" in page


@pytest.mark.parametrize("language", ["nb", "en"])
def test_a_therapist_is_refused_in_their_language(client, therapist, failed_and_queued, language):
    sign_in(client, therapist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("accounts:tasks"))
    assert response.status_code == 403
    assert "update_treatment" not in response.content.decode()
    assert f'<html lang="{language}">' in response.content.decode()


def test_signed_out_goes_to_sign_in(client):
    response = client.get(reverse("accounts:tasks"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_error_line_is_the_exception_even_after_a_chained_one(treatment, monkeypatch):
    def broken(**kwargs):
        try:
            {}["missing"]
        except KeyError as error:
            raise ValueError("no such rule") from error

    monkeypatch.setattr(tasks, "update_for_treatment", broken)
    tasks.update_treatment.enqueue(treatment_id=treatment.pk)
    failed = run_tasks()[0]
    assert task_log.first_error_line(failed) == "ValueError: no such rule"
    assert failed.finished_at <= timezone.now()
