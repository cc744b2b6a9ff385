"""One access helper per object type of the rating app; each raises PermissionDenied (or 404).

Who reaches what (permissions are object-level; Normen, need-to-know access: raters see only the
videos assigned to them; docs/methods.md#ref-normen):
- a therapist of the session's treatment manages its recordings and segments;
- a study's leader sees the study, its recordings and every rating in it;
- a rater sees only their own assignments, and other raters' and reference ratings of a segment
  only after submitting their own rating of it (blind rating).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from allianse.accounts.models import Role, User
from allianse.clinic.models import Patient

from .models import Assignment, Rating, RatingStudy, Recording

LEADER_ROLES = (Role.COURSE_LEADER, Role.SUPERVISOR)


def is_study_leader(user: User) -> bool:
    return any(user.has_role(role) for role in LEADER_ROLES)


def uses_rating(user: User) -> bool:
    """Whether the rating pages are of use to this user: the menu link, and the rating home refuses the others."""
    return is_study_leader(user) or user.has_role(Role.RATER) or user.is_therapist


def manages_recording(user: User, recording: Recording) -> bool:
    return recording.session.treatment.therapists.filter(pk=user.pk).exists()


def get_patient_for_consent(user: User, public_id) -> Patient:
    """A patient's consents are kept by their therapists and by clinic administrators."""
    patient = get_object_or_404(Patient, public_id=public_id)
    if not (user.is_administrator or patient.treatments.filter(therapists=user).exists()):
        raise PermissionDenied
    return patient


def get_recording_to_manage(user: User, public_id) -> Recording:
    recording = get_object_or_404(Recording.objects.select_related("session__treatment__patient"), public_id=public_id)
    if not manages_recording(user, recording):
        raise PermissionDenied
    return recording


def get_recording_to_play(user: User, public_id) -> Recording:
    """The recording's therapists, the leaders of studies using it, and raters assigned to it."""
    recording = get_object_or_404(Recording.objects.select_related("session__treatment__patient"), public_id=public_id)
    if manages_recording(user, recording):
        return recording
    reached = Q(studies__leader=user) | Q(assignments__rater=user)
    if not recording.segments.filter(reached).exists():
        raise PermissionDenied
    return recording


def get_study_for_leader(user: User, public_id) -> RatingStudy:
    study = get_object_or_404(RatingStudy, public_id=public_id)
    if study.leader_id != user.pk:
        raise PermissionDenied
    return study


def get_assignment_for_rater(user: User, public_id) -> Assignment:
    assignment = get_object_or_404(
        Assignment.objects.select_related("study", "segment__recording__session__treatment__patient"),
        public_id=public_id,
    )
    if assignment.rater_id != user.pk:
        raise PermissionDenied
    return assignment


def get_rating_for_user(user: User, public_id) -> Rating:
    """A rating is seen by the person who gave it and by the study's leader."""
    rating = get_object_or_404(
        Rating.objects.select_related("assignment__study", "assignment__segment__recording__session__treatment"),
        public_id=public_id,
    )
    if user.pk not in (rating.assignment.rater_id, rating.assignment.study.leader_id):
        raise PermissionDenied
    return rating


def get_calibration_for_user(user: User, study_id, rater_id) -> tuple[RatingStudy, User]:
    """A rater's calibration page: seen by the rater and by the study's leader."""
    study = get_object_or_404(RatingStudy, public_id=study_id)
    rater = get_object_or_404(User, public_id=rater_id)
    if user.pk not in (rater.pk, study.leader_id) or not study.assignments.filter(rater=rater).exists():
        raise PermissionDenied
    return study, rater


def has_submitted(user: User, assignment: Assignment) -> bool:
    """Blinding: has this person submitted their own rating of the segment in the study?"""
    return Rating.objects.filter(
        assignment__study=assignment.study, assignment__segment=assignment.segment, assignment__rater=user
    ).exists()
