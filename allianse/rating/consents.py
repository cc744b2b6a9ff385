"""Consent to recording, per purpose: who is present in a recorded session (individual or group),
whose consent is missing, recording and withdrawing consent, and where a consent's recordings were
used. A recording is blocked the moment a consent it depends on is withdrawn."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from allianse.accounts.models import User
from allianse.clinic.models import Patient, Session
from allianse.groups.models import Attendance, GroupSession, Membership

from . import files
from .models import Assignment, ConsentRecord, Rating, RatingSettings, RatingStudy, Recording, Segment

# -- Who is present in a session ---------------------------------------------------------------

RecordedSession = Session | GroupSession


def members_present(session: GroupSession) -> list[Membership]:
    """The members seen or heard in a group session's recording: those marked present (a member
    absent that day, or who joined later, is not in it)."""
    return list(
        Membership.objects.filter(attendance__session=session, attendance__status=Attendance.Status.PRESENT)
        .select_related("patient")
        .order_by("patient__code")
    )


def patients_present(session: RecordedSession) -> list[Patient]:
    """The patients seen or heard in a session's recording, whose consent the recording needs:
    an individual session's patient, or a group session's members present; every consent check
    goes through this one function or `members_present`."""
    if isinstance(session, GroupSession):
        return [membership.patient for membership in members_present(session)]
    return [session.treatment.patient]


def therapists_present(session: RecordedSession) -> list[User]:
    """The treatment's therapists, or the group's."""
    if isinstance(session, GroupSession):
        return list(session.group.therapists.all())
    return list(session.treatment.therapists.all())


def patient_ids(recording: Recording) -> list[int]:
    """The patients whose data a recording holds (for the audit log): its patient, or the members present."""
    session = recording.recorded
    if isinstance(session, GroupSession):
        return [membership.patient_id for membership in members_present(session)]
    return [session.treatment.patient_id]


def recordings_with_patient(patient: Patient) -> QuerySet[Recording]:
    """The inverse of `patients_present` for individual sessions: every recording of the patient's treatments."""
    return Recording.objects.filter(session__treatment__patient=patient)


def recordings_with_member(membership: Membership) -> QuerySet[Recording]:
    """The inverse of `members_present`: every group recording the member was present in."""
    return Recording.objects.filter(
        group_session__attendance__membership=membership, group_session__attendance__status=Attendance.Status.PRESENT
    )


# -- Consent -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentProblem:
    """Why a recording is blocked: code patient_missing, patient_withdrawn, member_missing,
    member_withdrawn, superior_missing or superior_withdrawn, and who it concerns (a patient's or
    member's pseudonymous code, or a therapist's name)."""

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


def superior_required(session: RecordedSession, purpose: str, rules: RatingSettings | None = None) -> bool:
    """The clinic's rule (`RatingSettings`): for every recording, or for a group recording used for
    one of the purposes chosen for group recordings."""
    rules = rules or RatingSettings.get()
    return rules.requires_superior_consent or (
        isinstance(session, GroupSession) and purpose in rules.group_superior_purposes
    )


def consent_problems(session: RecordedSession, purpose: str) -> list[ConsentProblem]:
    """Every patient present (each member present, by membership) needs a valid written consent for
    the purpose; where the clinic requires it, so does every therapist's superior
    (docs/methods.md#recording-consent, docs/recordings.md)."""
    return consent_problems_by_purpose(session, [purpose])[purpose]


def consent_problems_by_purpose(session: RecordedSession, purposes: list[str]) -> dict[str, list[ConsentProblem]]:
    """`consent_problems` for several purposes in a few queries, however many people are present."""
    people: list[tuple[str, str, int, str]]
    if isinstance(session, GroupSession):
        people = [("member", "membership_id", m.pk, m.patient.code) for m in members_present(session)]
    else:
        people = [("patient", "patient_id", patient.pk, patient.code) for patient in patients_present(session)]
    superiors = [("superior", "therapist_id", user.pk, user.display_name) for user in therapists_present(session)]
    valid, withdrawn = _consent_states([(field, pk) for _kind, field, pk, _name in [*people, *superiors]], purposes)
    rules = RatingSettings.get()
    problems: dict[str, list[ConsentProblem]] = {}
    for purpose in purposes:
        needed = people + (superiors if superior_required(session, purpose, rules) else [])
        problems[purpose] = [
            ConsentProblem(f"{kind}_withdrawn" if (purpose, field, pk) in withdrawn else f"{kind}_missing", name)
            for kind, field, pk, name in needed
            if (purpose, field, pk) not in valid
        ]
    return problems


Person = tuple[str, int]  # ("patient_id" | "membership_id" | "therapist_id", its pk)


def _consent_states(people: list[Person], purposes: list[str]) -> tuple[set, set]:
    """The (purpose, field, pk) keys with a valid consent, and those with a withdrawn one, in one query."""
    named = Q(pk__in=[])
    for field, pk in people:
        named |= Q(**{field: pk})
    today = timezone.localdate()
    valid, withdrawn = set(), set()
    for consent in ConsentRecord.objects.filter(named, purpose__in=purposes).only(
        "purpose", "patient_id", "membership_id", "therapist_id", "given_at", "withdrawn_at"
    ):
        for field in ("patient_id", "membership_id", "therapist_id"):
            if getattr(consent, field) is not None:
                key = (consent.purpose, field, getattr(consent, field))
                if consent.withdrawn_at is not None:
                    withdrawn.add(key)
                elif consent.given_at <= today:
                    valid.add(key)
    return valid, withdrawn


def require_consent(session: RecordedSession, purpose: str) -> None:
    """The consent gate in front of every upload, playback, segment, assignment and rating."""
    problems = consent_problems(session, purpose)
    if problems:
        raise ConsentMissing(problems)


def recording_problems(recording: Recording) -> list[ConsentProblem]:
    return consent_problems(recording.recorded, recording.purpose)


def is_blocked(recording: Recording) -> bool:
    return bool(recording_problems(recording))


def is_withdrawn(recording: Recording) -> bool:
    """Blocked because someone in it withdrew their consent (its ratings are kept and marked)."""
    return recording.pk in withdrawn_recordings([recording])


def withdrawn_recordings(recordings: list[Recording]) -> set[int]:
    """The ids of the recordings `is_withdrawn` holds for, in a few queries however many there are
    (the people each needs as in `consent_problems`)."""
    needed, valid, withdrawn = _needed_consents(recordings)
    return {
        pk
        for pk, (purpose, people) in needed.items()
        if any((purpose, *person) in withdrawn and (purpose, *person) not in valid for person in people)
    }


def blocked_recordings(recordings: list[Recording]) -> set[int]:
    """The ids of the recordings `is_blocked` holds for, in a few queries however many there are."""
    needed, valid, _withdrawn = _needed_consents(recordings)
    return {pk for pk, (purpose, people) in needed.items() if any((purpose, *p) not in valid for p in people)}


def _needed_consents(recordings: list[Recording]) -> tuple[dict[int, tuple[str, list[Person]]], set, set]:
    """Per recording, its purpose and the people whose consent it needs (as `consent_problems`),
    and the valid and withdrawn consent keys of them all (`_consent_states`), in six queries."""
    sessions = Session.objects.select_related("treatment").prefetch_related("treatment__therapists")
    individual = sessions.in_bulk([r.session_id for r in recordings if r.session_id is not None])
    groups = GroupSession.objects.select_related("group").prefetch_related("group__therapists")
    group = groups.in_bulk([r.group_session_id for r in recordings if r.group_session_id is not None])
    present: dict[int, list[int]] = {pk: [] for pk in group}
    for session_id, membership_id in Attendance.objects.filter(
        session__in=group, status=Attendance.Status.PRESENT
    ).values_list("session_id", "membership_id"):
        present[session_id].append(membership_id)
    rules = RatingSettings.get()
    needed: dict[int, tuple[str, list[Person]]] = {}
    for recording in recordings:
        session: RecordedSession
        if recording.session_id is not None:
            session = individual[recording.session_id]
            people = [("patient_id", session.treatment.patient_id)]
            therapists = session.treatment.therapists.all()
        else:
            session = group[recording.group_session_id]
            people = [("membership_id", pk) for pk in present[session.pk]]
            therapists = session.group.therapists.all()
        if superior_required(session, recording.purpose, rules):
            people += [("therapist_id", user.pk) for user in therapists]
        needed[recording.pk] = (recording.purpose, people)
    everyone = [person for _purpose, people in needed.values() for person in people]
    valid, withdrawn = _consent_states(everyone, sorted({purpose for purpose, _people in needed.values()}))
    return needed, valid, withdrawn


def record_consent(
    *,
    purpose: str,
    given_at: date,
    document_reference: str,
    by: User,
    patient: Patient | None = None,
    membership: Membership | None = None,
    therapist: User | None = None,
    superior_name: str = "",
    form_file: files.StoredFile | None = None,
    form_content_type: str = "",
) -> ConsentRecord:
    """A patient's written consent, a group member's (with `membership`), or (with `therapist`)
    their superior's; `form_file` is the scanned signed form, already stored."""
    if patient is not None:
        kind = ConsentRecord.Kind.PATIENT
    elif membership is not None:
        kind = ConsentRecord.Kind.MEMBER
    else:
        kind = ConsentRecord.Kind.SUPERIOR
    with transaction.atomic():
        return ConsentRecord.objects.create(
            kind=kind,
            patient=patient,
            membership=membership,
            therapist=therapist,
            superior_name=superior_name,
            purpose=purpose,
            given_at=given_at,
            document_reference=document_reference,
            form_file_name=form_file.file_name if form_file else "",
            form_content_type=form_content_type if form_file else "",
            recorded_by=by,
        )


@dataclass(frozen=True)
class UploadedForm:
    """A scanned consent form as uploaded: its name, first bytes, size and content."""

    name: str
    head: bytes
    size: int
    chunks: Iterator[bytes]


def store_form(form: UploadedForm) -> tuple[files.StoredFile, str]:
    """Keep a scanned consent form beside the recordings; raises files.RecordingRejected first if
    it is not an accepted PDF or image. Returns the stored file and its content type."""
    extension = files.accepted_form(form.name, form.head, form.size)
    return files.store(form.chunks, extension), files.FORM_TYPES[extension]


def record_member_consent(
    *,
    membership: Membership,
    purposes: list[str],
    given_at: date,
    document_reference: str,
    by: User,
    form: UploadedForm | None = None,
) -> list[ConsentRecord]:
    """A member's written consent for one or more purposes (one record per purpose, so each is
    withdrawn and checked as a patient's is), with the scanned form if one is given (a PDF or an
    image, stored once and named by every record). Raises files.RecordingRejected for a form that
    is not accepted, before anything is written."""
    stored, content_type = store_form(form) if form is not None else (None, "")
    try:
        with transaction.atomic():
            return [
                record_consent(
                    membership=membership,
                    purpose=purpose,
                    given_at=given_at,
                    document_reference=document_reference,
                    by=by,
                    form_file=stored,
                    form_content_type=content_type,
                )
                for purpose in purposes
            ]
    except Exception:
        if stored is not None:
            files.remove(stored.file_name)
        raise


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
    if consent.patient is not None:
        recordings = recordings_with_patient(consent.patient)
    elif consent.membership is not None:
        recordings = recordings_with_member(consent.membership)
    else:
        recordings = Recording.objects.filter(
            Q(session__treatment__therapists=consent.therapist) | Q(group_session__group__therapists=consent.therapist)
        )
    return recordings.filter(purpose=consent.purpose).distinct()


def consent_usage(consent: ConsentRecord) -> Usage:
    recordings = list(covered_recordings(consent).select_related("session", "group_session__group"))
    segments = Segment.objects.filter(recording__in=recordings)
    assignments = Assignment.objects.filter(segment__in=segments)
    return Usage(
        recordings=recordings,
        segments=list(segments.select_related("recording")),
        studies=list(RatingStudy.objects.filter(segments__in=segments).distinct()),
        assignments=assignments.count(),
        ratings=Rating.objects.filter(assignment__in=assignments).count(),
    )


def withdraw_member_consents(*, membership: Membership, by: User) -> list[ConsentRecord]:
    """A member withdraws: every valid consent of the membership, for every purpose, at once.
    Returns the consents withdrawn now."""
    with transaction.atomic():
        withdrawn = list(membership.consents.filter(withdrawn_at__isnull=True).select_for_update())
        for consent in withdrawn:
            withdraw_consent(consent=consent, by=by)
    return withdrawn


def withdraw_consent(*, consent: ConsentRecord, by: User) -> Usage:
    """Withdrawal takes effect at once: every check reads the consent anew. Returns where the
    covered recordings have been used, so the people concerned can be told."""
    with transaction.atomic():
        ConsentRecord.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_by=by
        )
        consent.refresh_from_db()
        return consent_usage(consent)
