"""Therapist checks of one session sent at the same moment, each on its own database connection."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from allianse.feedback.models import Response
from allianse.feedback.services import record_therapist_check

from .test_therapist_check import ANSWERS

CHECKS = 16


@pytest.mark.django_db(transaction=True)
def test_parallel_checks_of_one_session_form_one_chain(session, therapist):
    barrier = threading.Barrier(CHECKS)
    outcomes = []

    def check():
        barrier.wait()
        try:
            submission = record_therapist_check(session=session, therapist=therapist, answers=ANSWERS)
            outcomes.append("stored" if submission.response and not submission.was_duplicate else "not stored")
        except Exception as error:  # a unique violation or a lost row: refused below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(CHECKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == ["stored"] * CHECKS
    responses = Response.objects.filter(session=session, respondent="therapist")
    current = responses.filter(superseded_by__isnull=True)
    assert current.count() == 1
    chain, response = 0, current.get()
    while response.supersedes_id is not None:
        chain, response = chain + 1, response.supersedes
    assert chain == CHECKS - 1 == responses.count() - 1
