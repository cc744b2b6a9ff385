"""Demo: the patients' answers to the outcome measure, given with each of their checks. Most
patients get better over the sessions; every third stays where they started ("not improving"),
so the patient page shows both."""

from __future__ import annotations

import random

from django.db import transaction

from allianse.core.measures import check_answers, roles
from allianse.feedback.models import Administration, Respondent, Response
from allianse.feedback.services import OUTCOME_CHECK, PATIENT_CHECK, store_response
from allianse.instruments import registry as instruments

from .clinic import DemoContext

# Points per session on the 0-10 scale: improving, flat.
TRENDS = (0.35, 0.0, 0.3)


@transaction.atomic
def build(context: DemoContext) -> None:
    rng = random.Random(2031)  # its own, so the rest of the demo stays as it was
    instrument = instruments.get(OUTCOME_CHECK)
    items = [instrument.item(item) for item in instrument.score_with_role(roles.OUTCOME).items]
    for index, treatment in enumerate(context.treatments):
        start, trend = 3.0 + rng.random() * 1.5, TRENDS[index % len(TRENDS)]
        checks = Response.objects.filter(
            session__treatment=treatment, instrument_key=PATIENT_CHECK, superseded_by__isnull=True
        ).select_related("administration", "session")
        for check in checks.order_by("session__number"):
            level = start + trend * check.session.number
            answers = {item.id: min(item.max, max(item.min, round(level + rng.gauss(0, 0.8)))) for item in items}
            _store(check, check_answers(instrument, answers))


def _store(check: Response, checked) -> None:
    link = check.administration
    administration = Administration.objects.create(
        session=check.session,
        patient=link.patient,
        instrument_key=OUTCOME_CHECK,
        respondent=Respondent.PATIENT,
        language=link.language,
        created_by=link.created_by,
        expires_at=check.submitted_at,
    )
    store_response(administration, checked, submitted_by=None, submitted_at=check.submitted_at)
