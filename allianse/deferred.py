"""Work the respondent need not wait for, run once the HTTP response has been sent.

A view hands `after_response(request)` to a service as its `defer` argument; the middleware
wraps the response's close(), which the server calls after the last byte is sent (the test
client calls it too), so that it runs the queued tasks first. A task that fails is logged and
never reaches the respondent; work lost to a crash is caught up by the daily
`allianse update_ruptures`.
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
            response.close = _running_first(list(request.deferred_tasks), response.close)
        return response


def _running_first(tasks: list[Task], close: Callable[[], None]) -> Callable[[], None]:
    """`close` preceded by the tasks, so the request_finished cleanup it sends (database
    connections) also covers the tasks' work; the response is closed even if a task fails."""

    def close_after_tasks() -> None:
        try:
            _run_all(tasks)
        finally:
            close()

    return close_after_tasks


def _run_all(tasks: list[Task]) -> None:
    for task in tasks:
        try:
            task()
        except Exception:
            logger.exception("Deferred task failed")
