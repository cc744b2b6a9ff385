"""One access helper per object type of the rating app; each answers 404 both for an unknown id and
for an object the user may not reach, so a refusal tells nothing about which ids exist.

Who reaches what (permissions are object-level; Normen, need-to-know access: raters see only the
videos assigned to them; docs/methods.md#ref-normen):
- a therapist of the session's treatment, or of the group for a group session, manages its
  recordings and segments;
- a group member's consents are kept by the group's therapists and by clinic administrators;
- a study's leader sees the study, its recordings and every rating in it;
- a rater sees only their own assignments (and is sent only their segments, not the whole
  recording), and other raters' and reference ratings of a segment
  only after submitting their own rating of it (blind rating).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from allianse.accounts.access import get_visible_or_404
from allianse.accounts.models import Role, User
from allianse.clinic.models import Patient
from allianse.groups import access as group_access
from allianse.groups.models import GroupSession, Membership, TherapyGroup

from .models import Assignment, ConsentRecord, Rating, RatingStudy, Recording, Segment

LEADER_ROLES = (Role.COURSE_LEADER, Role.SUPERVISOR)


def is_study_leader(user: User) -> bool:
    return any(user.has_role(role) for role in LEADER_ROLES)


def uses_rating(user: User) -> bool:
    """Whether the rating pages are of use to this user: the menu link, and the rating home refuses the others."""
    return is_study_leader(user) or user.has_role(Role.RATER) or user.is_therapist


def manages_recording(user: User, recording: Recording) -> bool:
    if recording.is_group:
        return recording.group_session.group.therapists.filter(pk=user.pk).exists()
    return recording.session.treatment.therapists.filter(pk=user.pk).exists()


def supervises_recording(user: User, recording: Recording) -> bool:
    """A supervisor of the group whose session was recorded (groups.Supervisor)."""
    return recording.is_group and group_access.supervises(user, recording.group_session.group)


RECORDING_RELATED = ("session__treatment__patient", "group_session__group")


def keeps_member_consents(user: User) -> bool:
    """The roles that keep group members' consents (a group's therapists, administrators); others get 403."""
    return user.is_therapist or user.is_administrator


def get_group_for_consents(user: User, public_id) -> TherapyGroup:
    """A group's member consents: its therapists and clinic administrators."""
    return get_visible_or_404(
        TherapyGroup.objects,
        lambda group: user.is_administrator or group.therapists.filter(pk=user.pk).exists(),
        public_id=public_id,
    )


def get_membership_for_consents(user: User, public_id) -> Membership:
    return get_visible_or_404(
        Membership.objects.select_related("group", "patient"),
        lambda membership: user.is_administrator or membership.group.therapists.filter(pk=user.pk).exists(),
        public_id=public_id,
    )


def get_group_session_to_record(user: User, public_id) -> GroupSession:
    """A group session's recordings are managed by the group's therapists."""
    return get_visible_or_404(
        GroupSession.objects.select_related("group"),
        lambda session: session.group.therapists.filter(pk=user.pk).exists(),
        public_id=public_id,
    )


def get_patient_for_consent(user: User, public_id) -> Patient:
    """A patient's consents are kept by their therapists and by clinic administrators."""
    return get_visible_or_404(Patient.objects, lambda patient: _keeps_consents(user, patient), public_id=public_id)


def _keeps_consents(user: User, patient: Patient) -> bool:
    return user.is_administrator or patient.treatments.filter(therapists=user).exists()


def get_consent_for_user(user: User, public_id) -> ConsentRecord:
    """A patient's consent as above; a therapist's own consent is kept by them and by administrators."""

    def keeps(consent: ConsentRecord) -> bool:
        if consent.patient is not None:
            return _keeps_consents(user, consent.patient)
        if consent.membership is not None:
            return user.is_administrator or consent.membership.group.therapists.filter(pk=user.pk).exists()
        return user.is_administrator or consent.therapist_id == user.pk

    related = ("patient", "therapist", "membership__group", "membership__patient")
    return get_visible_or_404(ConsentRecord.objects.select_related(*related), keeps, public_id=public_id)


def get_recording_to_manage(user: User, public_id) -> Recording:
    return get_visible_or_404(
        Recording.objects.select_related(*RECORDING_RELATED),
        lambda recording: manages_recording(user, recording),
        public_id=public_id,
    )


def get_recording_to_play(user: User, public_id) -> Recording:
    """The whole recording: its therapists, the supervisors of its group and the leaders of studies
    using it. A rater is sent only the segments assigned to them; to them, as to everyone else, the
    recording is not found."""
    return get_visible_or_404(
        Recording.objects.select_related(*RECORDING_RELATED),
        lambda recording: (
            manages_recording(user, recording)
            or supervises_recording(user, recording)
            or recording.segments.filter(studies__leader=user).exists()
        ),
        public_id=public_id,
    )


def get_segment_to_play(user: User, public_id) -> Segment:
    """A segment's own file: the raters assigned to it, the leaders of its studies, the recording's
    therapists and the supervisors of its group."""
    reached = Q(assignments__rater=user) | Q(studies__leader=user)

    def plays(segment: Segment) -> bool:
        recording = segment.recording
        reaches = Segment.objects.filter(reached, pk=segment.pk).exists()
        return reaches or manages_recording(user, recording) or supervises_recording(user, recording)

    return get_visible_or_404(
        Segment.objects.select_related("recording__session__treatment", "recording__group_session__group"),
        plays,
        public_id=public_id,
    )


def get_study_for_leader(user: User, public_id) -> RatingStudy:
    return get_visible_or_404(RatingStudy.objects, lambda study: study.leader_id == user.pk, public_id=public_id)


def get_study_segment_for_leader(user: User, study_id, segment_id) -> tuple[RatingStudy, Segment]:
    """A segment of a study the user leads (the consensus view)."""
    study = get_study_for_leader(user, study_id)
    segment = study.segments.select_related("recording").filter(public_id=segment_id).first()
    if segment is None:
        raise Http404
    return study, segment


def get_assignment_for_rater(user: User, public_id) -> Assignment:
    return get_visible_or_404(
        Assignment.objects.select_related("study", "segment__recording__session__treatment__patient"),
        lambda assignment: assignment.rater_id == user.pk,
        public_id=public_id,
    )


def get_rating_for_user(user: User, public_id) -> Rating:
    """A rating is seen by the person who gave it and by the study's leader."""
    return get_visible_or_404(
        Rating.objects.select_related("assignment__study", "assignment__segment__recording__session__treatment"),
        lambda rating: user.pk in (rating.assignment.rater_id, rating.assignment.study.leader_id),
        public_id=public_id,
    )


def get_calibration_for_user(user: User, study_id, rater_id) -> tuple[RatingStudy, User]:
    """A rater's calibration page: seen by the rater and by the study's leader."""
    study = RatingStudy.objects.filter(public_id=study_id).first()
    rater = User.objects.filter(public_id=rater_id).first()
    if (
        study is None
        or rater is None
        or user.pk not in (rater.pk, study.leader_id)
        or not study.assignments.filter(rater=rater).exists()
    ):
        raise Http404
    return study, rater


def has_submitted(user: User, assignment: Assignment) -> bool:
    """Blinding: has this person submitted their own rating of the segment in the study?"""
    return Rating.objects.filter(
        assignment__study=assignment.study, assignment__segment=assignment.segment, assignment__rater=user
    ).exists()
