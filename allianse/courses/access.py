"""Who reaches what of a course; anything else answers 404, exactly as an unknown id.

- a leader of the course runs it: every page and every change;
- a supervisor of the course sees the meetings, the participants and their dossiers, and writes
  supervision notes;
- a participant (enrolled, or on the waiting list) sees the course, its meetings and the character
  cards, and their own page and dossier; never another participant's preparation or dossier.
"""

from __future__ import annotations

from django.db.models import Q

from allianse.accounts.access import get_visible_or_404
from allianse.accounts.models import Role, User

from .models import Course, Meeting, Participant

LEADER, SUPERVISOR, PARTICIPANT = "leader", "supervisor", "participant"


def role_in(user: User, course: Course) -> str | None:
    if course.leaders.filter(pk=user.pk).exists():
        return LEADER
    if course.supervisors.filter(pk=user.pk).exists():
        return SUPERVISOR
    if course.participants.filter(user=user).exclude(status=Participant.Status.WITHDRAWN).exists():
        return PARTICIPANT
    return None


def uses_courses(user: User) -> bool:
    """Whether the course pages are of use to this user (the menu link): a course leader, or a
    supervisor or participant of a course."""
    if may_create_courses(user):
        return True
    return Course.objects.filter(Q(supervisors=user) | Q(participants__user=user)).exists()


def may_create_courses(user: User) -> bool:
    return user.has_role(Role.COURSE_LEADER)


def get_course(user: User, public_id, *, roles: tuple[str, ...] = (LEADER, SUPERVISOR, PARTICIPANT)) -> Course:
    return get_visible_or_404(Course.objects, lambda course: role_in(user, course) in roles, public_id=public_id)


def get_meeting(user: User, public_id, *, roles: tuple[str, ...] = (LEADER, SUPERVISOR, PARTICIPANT)) -> Meeting:
    return get_visible_or_404(
        Meeting.objects.select_related("course", "scoring_study"),
        lambda meeting: role_in(user, meeting.course) in roles,
        public_id=public_id,
    )


def get_participant(user: User, public_id, *, own: bool = True, staff: tuple[str, ...] = (LEADER, SUPERVISOR)):
    """A participant's page: the participant themselves (with `own`) and the course's leaders and
    supervisors (or those of `staff`)."""

    def reaches(participant: Participant) -> bool:
        return (own and participant.user_id == user.pk) or role_in(user, participant.course) in staff

    return get_visible_or_404(
        Participant.objects.select_related("course", "user", "group"), reaches, public_id=public_id
    )
