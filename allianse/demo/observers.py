"""The observer as the third perspective: rupture-marker ratings of three recorded sessions, so the
session, patient and episode pages show patient, therapist and observer side by side, and the
observers' disagreements with the patient and the therapist are signals (both ways)."""

from __future__ import annotations

from datetime import timedelta

from allianse.accounts.models import User
from allianse.clinic.models import Session
from allianse.core.measures import roles
from allianse.feedback.models import Response
from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK
from allianse.instruments import registry as instruments
from allianse.rating import consents, services
from allianse.rating.media import session_recording
from allianse.rating.models import Assignment, Purpose
from allianse.ruptures.updates import update_for_treatment

from .clinic import DemoContext

SECONDS = 30
WITHDRAWAL = {"withdrawal_markers": ["minimal_response", "content_affect_split"], "rupture_significance": 3}
CONFRONTATION = {"confrontation_markers": ["complaints_about_activities"], "rupture_significance": 4}
NONE_SEEN = {"rupture_significance": 1}
NOT_OBSERVED = {"resolution_extent": "not_observed"}


def build(context: DemoContext) -> None:
    leader = User.objects.get(username="supervisor")
    raters = list(User.objects.filter(username__in=["rater1", "rater2"]).order_by("username"))
    study = services.create_study(
        name="Bruddmarkører i individualterapi",
        description="Hele timer kodet for tilbaketrekking og konfrontasjon (3RS-kategorier), som tredje perspektiv.",
        instrument_key="rupture-markers",
        purpose=Purpose.SUPERVISION,
        leader=leader,
    )
    reported = _sessions(context, rupture=True)
    calm = _sessions(context, rupture=False)
    codings = [
        (reported[0], [WITHDRAWAL, WITHDRAWAL]),  # the observers agree with the patient
        (calm[0], [CONFRONTATION, NONE_SEEN]),  # an observer sees what nobody reported
        (reported[1], [NONE_SEEN, NONE_SEEN]),  # the observers see none of the reported rupture
    ]
    for seed, (session, answer_sets) in enumerate(codings):
        _code(context, study, session, answer_sets, raters, leader, seed)
        update_for_treatment(treatment=session.treatment, notify=False, now=context.now)
    context.say(
        "Observers: 'rater1' and 'rater2' coded rupture markers in three recorded sessions; the session,"
        " patient and episode pages show patient, therapist and observer side by side."
    )


def _sessions(context: DemoContext, *, rupture: bool) -> list[Session]:
    """Attended sessions of running demo treatments, newest first, in which the patient reported a
    rupture (or, without `rupture`, neither patient nor therapist did), one per treatment."""
    answers = Response.objects.filter(
        session__treatment__in=[t for t in context.treatments if t.ended_on is None],
        superseded_by__isnull=True,
        instrument_key=PATIENT_CHECK,
        **{f"answers__{_rupture_item(PATIENT_CHECK)}": rupture},
    ).order_by("session__treatment_id", "-session__number")
    if not rupture:
        noticed = Response.objects.filter(
            instrument_key=THERAPIST_CHECK, **{f"answers__{_rupture_item(THERAPIST_CHECK)}": True}
        )
        answers = answers.exclude(session__in=noticed.values("session"))
    chosen: dict[int, Session] = {}
    for response in answers.select_related("session__treatment__patient"):
        chosen.setdefault(response.session.treatment_id, response.session)
    return list(chosen.values())


def _rupture_item(key: str) -> str:
    return instruments.get(key).item_with_role(roles.RUPTURE).id


def _code(context, study, session: Session, answer_sets: list[dict], raters: list[User], leader, seed: int) -> None:
    patient, therapist = session.treatment.patient, session.treatment.therapists.first()
    consents.record_consent(
        patient=patient,
        purpose=Purpose.SUPERVISION,
        given_at=(context.now - timedelta(days=30)).date(),
        document_reference=f"Skannet samtykkeskjema i journal, {patient.code}",
        by=therapist,
    )
    generated = session_recording(SECONDS, seed=20 + seed)
    recording = services.store_recording(
        session=session,
        name=f"opptak.{generated.extension}",
        head=generated.data[:64],
        size=len(generated.data),
        chunks=iter([generated.data]),
        purpose=Purpose.SUPERVISION,
        title=f"Opptak, time {session.number}",
        duration_seconds=SECONDS,
        by=therapist,
    )
    segment = services.add_segment(
        recording=recording, name="Hele timen", start_seconds=0, end_seconds=SECONDS, by=therapist
    )
    services.add_to_study(study=study, segment=segment)
    assignments = services.assign(study=study, segments=[segment], raters=raters, kind=Assignment.Kind.RATER, by=leader)
    for assignment, answers in zip(assignments, answer_sets, strict=True):
        entered = services.RatingInput(answers=answers, missing_reasons=NOT_OBSERVED)
        services.submit_rating(assignment=assignment, entered=entered, by=assignment.rater)
