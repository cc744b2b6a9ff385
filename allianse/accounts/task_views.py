"""The background tasks page for administrators (see `task_log`). Read-only."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import task_log
from .decorators import administrator_required


@administrator_required
@require_safe
def task_list(request):
    return render(request, "accounts/task_log.html", task_log.task_page())
