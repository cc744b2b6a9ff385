"""A patient's check costs the same queries however long the treatment's history: the form and
the submit read the link, never the series of answered sessions before it (the rupture update
that does read it is a task, enqueued with one insert)."""

from __future__ import annotations

import random

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from allianse.clinic.models import Session
from allianse.clinic.services import register_patient
from allianse.feedback.services import issue_check
from loadtest.client import ANSWERS
from loadtest.data import answered_history


def check_queries(client, therapist, history: int) -> list[str]:
    """The queries of the form and of the submit of a new link, on a treatment with `history`
    answered sessions before it."""
    treatment = register_patient(therapist=therapist, name="", language="nb", started_on=timezone.localdate())
    answered_history([treatment], {treatment.pk: history}, {treatment.pk: therapist}, random.Random(history))
    session = Session.objects.create(treatment=treatment, number=history + 1, starts_at=timezone.now())
    url = reverse("feedback:check", args=[issue_check(session=session, by=therapist).token])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
        assert client.post(url, ANSWERS).status_code == 302
    return [query["sql"] for query in queries]


def test_a_check_costs_the_same_queries_at_four_times_the_history(client, therapist):
    short = check_queries(client, therapist, 8)
    long = check_queries(client, therapist, 32)
    assert len(long) == len(short), "\n".join(long)


def test_the_submit_enqueues_its_rupture_update_with_one_insert(client, therapist):
    tasks = [sql for sql in check_queries(client, therapist, 8) if "django_tasks_database_dbtaskresult" in sql]
    assert len(tasks) == 1 and tasks[0].startswith("INSERT"), tasks
