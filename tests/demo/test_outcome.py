"""The demo gives every answered patient check its outcome answers: some patients improve, some do not."""

import random

import pandas as pd
from django.utils import timezone

from allianse.core.measures import Basis, ReliableChange
from allianse.core.signals import outcome_progress
from allianse.demo.clinic import DemoContext
from allianse.demo.clinic import build as build_clinic
from allianse.demo.outcome import build
from allianse.feedback.models import Response
from allianse.feedback.services import OUTCOME_CHECK, PATIENT_CHECK


def test_every_answered_check_has_outcome_answers_and_both_courses_are_shown(db):
    context = DemoContext(now=timezone.now(), rng=random.Random(2026))
    build_clinic(context)
    build(context)
    checks = Response.objects.filter(instrument_key=PATIENT_CHECK)
    outcomes = Response.objects.filter(instrument_key=OUTCOME_CHECK).select_related("session")
    assert outcomes.count() == checks.count() > 0
    assert set(outcomes.values_list("session_id", flat=True)) == set(checks.values_list("session_id", flat=True))
    frame = pd.DataFrame(
        {
            "treatment": [r.session.treatment_id for r in outcomes],
            "session": [r.session.number for r in outcomes],
            "outcome": [r.scores["outcome"] for r in outcomes],
        }
    )
    statuses = set(outcome_progress(frame, ReliableChange(1.5, Basis.FIXED))["status"])
    assert {"improved", "not_improving"} <= statuses
