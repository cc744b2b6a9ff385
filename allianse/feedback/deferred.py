"""Work the respondent need not wait for, run once the HTTP response has been sent.

A view hands `after_response(request)` to a service as its `defer` argument; the middleware
attaches the queued tasks to the response's close(), which the WSGI server calls after the last
byte is sent (the test client calls it too). A task that fails is logged and never reaches the
respondent; work lost to a crash is caught up by the daily `allianse update_ruptures`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

Task = Callable[[], None]
Defer = Callable[[Task], None]


def run_now(task: Task) -> None:
    task()


def after_response(request) -> Defer:
    return request.deferred_tasks.append


class DeferredTasksMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.deferred_tasks = []
        response = self.get_response(request)
        if request.deferred_tasks:
            tasks = list(request.deferred_tasks)
            response._resource_closers.append(lambda: _run_all(tasks))
        return response


def _run_all(tasks: list[Task]) -> None:
    for task in tasks:
        try:
            task()
        except Exception:
            logger.exception("Deferred task failed")
