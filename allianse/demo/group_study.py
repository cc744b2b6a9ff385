"""Demo of a blind MBT-G study of group-session segments: three raters who see one another only
by code and see the comparison once every rater of a segment has submitted, an expert reference
rating by the course leader, a consensus recorded for the first segment (the others still to
agree), and the group's therapist's self-assessment of one segment.

The segments are the demo's consented group recording's (`group_recordings.consented_segments`);
`SEGMENT_SOURCE` names that one place, so the study moves to other segments by changing it.
"""

from __future__ import annotations

from allianse.accounts.models import User
from allianse.instruments import registry as instruments
from allianse.rating import services
from allianse.rating.models import Assignment, Purpose, RatingStudy, Segment

from .clinic import DemoContext
from .group_recordings import consented_segments

SEGMENT_SOURCE = consented_segments
RATER_NAMES = ("rater1", "rater2", "rater3")
BIASES = (0.0, 0.8, -0.6)
NOTES = {
    "i03_adherence": "Terapeuten gir ordet videre til et stille medlem",
    "i05_quality": "Stopper opp ved konflikten mellom to medlemmer",
    "i13_adherence": "Roer ned når stemningen blir høy",
}


def build(context: DemoContext) -> None:
    segments = list(SEGMENT_SOURCE())
    leader = User.objects.filter(username="supervisor").first()
    raters = list(User.objects.filter(username__in=RATER_NAMES).order_by("username"))
    if not segments or leader is None or len(raters) < len(RATER_NAMES):
        return
    study = services.create_study(
        name="MBT-G-kurs 2026: blind skåring av gruppesekvenser",
        description="Tre vurderere skårer blindt; sammenligningen vises når alle har levert.",
        instrument_key="mbt-g-aqs",
        purpose=Purpose.COURSE,
        leader=leader,
        reveal=RatingStudy.Reveal.ALL_SUBMITTED,
        naming=RatingStudy.Naming.CODES,
    )
    for segment in segments:
        services.add_to_study(study=study, segment=segment)
        truth = _truth(context)
        (expert,) = services.assign(study=study, segments=[segment], raters=[leader], kind="expert", by=leader)
        _submit(expert, truth, 0.0, context, segment)
        for rater, bias in zip(raters, BIASES, strict=True):
            (assignment,) = services.assign(study=study, segments=[segment], raters=[rater], kind="rater", by=leader)
            _submit(assignment, truth, bias, context, segment)
    first = segments[0]
    services.record_consensus(
        study=study, segment=first, entered=_entered(_truth(context), 0.0, context, first), by=leader
    )
    therapist = (
        first.recording.group_session.group.therapists.order_by("pk").first() if first.recording.is_group else None
    )
    if therapist is not None:
        (own,) = services.assign(
            study=study, segments=[first], raters=[therapist], kind=Assignment.Kind.SELF, by=leader
        )
        _submit(own, _truth(context), 0.9, context, first)
    context.say(
        "Blind group study: 'supervisor' leads it (raters shown as R1-R3; Consensus lists the segments by"
        f" disagreement, the first agreed); {therapist.username if therapist else 'the group therapist'}"
        " has assessed their own group session against the reference."
    )


def _truth(context: DemoContext) -> dict[str, float]:
    items = instruments.get("mbt-g-aqs").items
    return {item.id: context.rng.uniform(2.5, 5.5) for item in items if item.type == "scale"}


def _entered(truth: dict[str, float], bias: float, context: DemoContext, segment: Segment) -> services.RatingInput:
    answers = {
        key: str(min(7, max(1, round(value + bias + context.rng.gauss(0, 0.6))))) for key, value in truth.items()
    }
    answers.pop("i09_quality")
    stamps = {key: segment.start_seconds + 3 + 4 * index for index, key in enumerate(NOTES)}
    return services.RatingInput(
        answers=answers, missing_reasons={"i09_quality": "not_observed"}, time_stamps=stamps, notes=dict(NOTES)
    )


def _submit(assignment: Assignment, truth: dict[str, float], bias: float, context: DemoContext, segment: Segment):
    entered = _entered(truth, bias, context, segment)
    return services.submit_rating(assignment=assignment, entered=entered, by=assignment.rater)
