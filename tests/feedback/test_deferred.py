"""Work deferred until the response is sent: runs on close, and a failure never reaches the user."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from allianse.deferred import DeferredTasksMiddleware, after_response

pytestmark = pytest.mark.django_db  # closing a response signals request_finished, which touches connections


def test_queued_work_runs_only_once_the_response_is_closed():
    done = []

    def view(request):
        after_response(request)(lambda: done.append("signals"))
        return HttpResponse("thanks")

    response = DeferredTasksMiddleware(view)(RequestFactory().post("/"))
    assert done == []
    response.close()
    assert done == ["signals"]


def test_a_failing_task_is_logged_and_the_next_still_runs(caplog):
    done = []

    def view(request):
        schedule = after_response(request)
        schedule(lambda: 1 / 0)
        schedule(lambda: done.append("second"))
        return HttpResponse("thanks")

    response = DeferredTasksMiddleware(view)(RequestFactory().post("/"))
    response.close()
    assert done == ["second"] and "Deferred task failed" in caplog.text
