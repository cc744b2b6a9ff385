"""Demo treatments that end and the clinic's approaches: every demo treatment records an approach,
and a cohort of short treatments has ended for every reason, so the clinic overview shows dropout
by approach and by repair beside the published figures (Safran et al. 2001: relational 20%,
cognitive behavioural 37%, psychodynamic 46%)."""

from __future__ import annotations

import random
from datetime import timedelta

from allianse.clinic.models import Approach, EndReason
from allianse.clinic.services import end_treatment

from .clinic import DemoContext, Story, add_treatment

APPROACHES = ("cbt", "psychodynamic", "mbt", "relational", "other")

CALM = Story(8, 5.0, 0.04, -0.1)
HELD_BACK = Story(8, 4.8, 0.02, 0.2, held_back=frozenset({4, 5}))
DIPPED = Story(8, 4.7, 0.0, 0.1, dips={5: 2.2, 6: 2.4}, withdrawal=frozenset({5, 6}), held_back=frozenset({5}))
REPAIRED = Story(9, 4.9, 0.05, -0.2, dips={4: 1.8}, withdrawal=frozenset({4}))

# (approach, reason, course): dropout is highest in psychodynamic and lowest in relational therapy.
ENDED = [
    ("relational", EndReason.COMPLETED, REPAIRED),
    ("relational", EndReason.COMPLETED, CALM),
    ("relational", EndReason.DROPOUT, DIPPED),
    ("relational", EndReason.TRANSFERRED, CALM),
    ("relational", EndReason.COMPLETED, HELD_BACK),
    ("cbt", EndReason.COMPLETED, CALM),
    ("cbt", EndReason.DROPOUT, DIPPED),
    ("cbt", EndReason.COMPLETED, REPAIRED),
    ("cbt", EndReason.DROPOUT, HELD_BACK),
    ("cbt", EndReason.THERAPIST, CALM),
    ("psychodynamic", EndReason.DROPOUT, DIPPED),
    ("psychodynamic", EndReason.COMPLETED, REPAIRED),
    ("psychodynamic", EndReason.DROPOUT, CALM),
    ("psychodynamic", EndReason.OTHER, HELD_BACK),
    ("psychodynamic", EndReason.COMPLETED, CALM),
    ("mbt", EndReason.COMPLETED, REPAIRED),
    ("mbt", EndReason.TRANSFERRED, CALM),
    ("mbt", EndReason.THERAPIST, DIPPED),
]


def build(context: DemoContext) -> None:
    approaches = {approach.key: approach for approach in Approach.objects.exclude(key="")}
    for index, treatment in enumerate(context.treatments):
        treatment.approach = approaches[APPROACHES[index % len(APPROACHES)]]
        treatment.save(update_fields=["approach"])
    own = DemoContext(now=context.now, rng=random.Random(2032))  # its own, so the rest stays as it was
    for index, (key, reason, story) in enumerate(ENDED):
        treatment = add_treatment(own, story, [context.therapists[index % len(context.therapists)]])
        treatment.approach = approaches[key]
        treatment.save(update_fields=["approach"])
        last = treatment.sessions.order_by("-number").first()
        end_treatment(treatment=treatment, ended_on=last.starts_at.date() + timedelta(days=1), reason=reason)
        context.treatments.append(treatment)
    context.say(
        f"Treatments: {len(ENDED)} short treatments have ended, for every reason and in every approach;"
        " the clinic overview (administrator) compares their dropout with the published figures."
    )
