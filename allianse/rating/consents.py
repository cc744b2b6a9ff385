"""Consent to recording, per purpose: who is present in a recorded session, whose consent is
missing, recording and withdrawing consent, and where a consent's recordings were used. A recording
is blocked the moment a consent it depends on is withdrawn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from allianse.accounts.models import User
from allianse.clinic.models import Patient, Session

from .models import Assignment, ConsentRecord, Rating, RatingSettings, RatingStudy, Recording, Segment

# -- Who is present in a session ---------------------------------------------------------------


def patients_present(session: Session) -> list[Patient]:
    """The patients seen or heard in a session's recording, whose consent the recording needs.

    An individual session has its treatment's patient. Group sessions (a later issue) extend
    this with the members who attended; every consent check goes through this one function.
    """
    return [session.treatment.patient]


def therapists_present(session: Session) -> list[User]:
    return list(session.treatment.therapists.all())


def recordings_with_patient(patient: Patient) -> QuerySet[Recording]:
    """The inverse of `patients_present`: every recording the patient may appear in."""
    return Recording.objects.filter(session__treatment__patient=patient)


# -- Consent -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentProblem:
    """Why a recording is blocked: code patient_missing, patient_withdrawn, superior_missing or
    superior_withdrawn, and who it concerns (a patient's code or a therapist's name)."""

    code: str
    person: str


class ConsentMissing(Exception):
    def __init__(self, problems: list[ConsentProblem]) -> None:
        super().__init__(", ".join(problem.code for problem in problems))
        self.problems = problems


def valid_consents(purpose: str, now=None) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(
        purpose=purpose, withdrawn_at__isnull=True, given_at__lte=timezone.localdate(now or timezone.now())
    )


def consent_problems(session: Session, purpose: str) -> list[ConsentProblem]:
    """Every patient present needs a valid written consent for the purpose; where the clinic
    requires it (`RatingSettings`), so does every therapist's superior
    (docs/methods.md#recording-consent)."""
    valid = valid_consents(purpose)
    people: list[tuple[str, Patient | User, str]] = [
        ("patient", patient, patient.code) for patient in patients_present(session)
    ]
    if RatingSettings.get().requires_superior_consent:
        people += [("superior", therapist, therapist.display_name) for therapist in therapists_present(session)]
    problems = []
    for kind, person, name in people:
        field = "patient" if kind == "patient" else "therapist"
        if not valid.filter(**{field: person}).exists():
            withdrawn = ConsentRecord.objects.filter(purpose=purpose, withdrawn_at__isnull=False, **{field: person})
            problems.append(ConsentProblem(f"{kind}_withdrawn" if withdrawn.exists() else f"{kind}_missing", name))
    return problems


def require_consent(session: Session, purpose: str) -> None:
    """The consent gate in front of every upload, playback, assignment and rating."""
    problems = consent_problems(session, purpose)
    if problems:
        raise ConsentMissing(problems)


def is_blocked(recording: Recording) -> bool:
    return bool(consent_problems(recording.session, recording.purpose))


def record_consent(
    *,
    purpose: str,
    given_at: date,
    document_reference: str,
    by: User,
    patient: Patient | None = None,
    therapist: User | None = None,
    superior_name: str = "",
) -> ConsentRecord:
    """A patient's written consent, or (with `therapist`) their superior's."""
    kind = ConsentRecord.Kind.PATIENT if patient is not None else ConsentRecord.Kind.SUPERIOR
    with transaction.atomic():
        return ConsentRecord.objects.create(
            kind=kind,
            patient=patient,
            therapist=therapist,
            superior_name=superior_name,
            purpose=purpose,
            given_at=given_at,
            document_reference=document_reference,
            recorded_by=by,
        )


@dataclass(frozen=True)
class Usage:
    """Where recordings covered by a consent have been used."""

    recordings: list[Recording]
    segments: list[Segment]
    studies: list[RatingStudy]
    assignments: int
    ratings: int

    @property
    def is_empty(self) -> bool:
        return not self.recordings


def covered_recordings(consent: ConsentRecord) -> QuerySet[Recording]:
    if consent.patient is not None:  # a patient's consent (the other kind has a therapist instead)
        recordings = recordings_with_patient(consent.patient)
    else:
        recordings = Recording.objects.filter(session__treatment__therapists=consent.therapist)
    return recordings.filter(purpose=consent.purpose).distinct()


def consent_usage(consent: ConsentRecord) -> Usage:
    recordings = list(covered_recordings(consent).select_related("session"))
    segments = Segment.objects.filter(recording__in=recordings)
    assignments = Assignment.objects.filter(segment__in=segments)
    return Usage(
        recordings=recordings,
        segments=list(segments.select_related("recording")),
        studies=list(RatingStudy.objects.filter(segments__in=segments).distinct()),
        assignments=assignments.count(),
        ratings=Rating.objects.filter(assignment__in=assignments).count(),
    )


def withdraw_consent(*, consent: ConsentRecord, by: User) -> Usage:
    """Withdrawal takes effect at once: every check reads the consent anew. Returns where the
    covered recordings have been used, so the people concerned can be told."""
    with transaction.atomic():
        ConsentRecord.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=by
        )
        consent.refresh_from_db()
        return consent_usage(consent)
