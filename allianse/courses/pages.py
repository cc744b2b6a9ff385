"""What the course pages show, built without the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from allianse.accounts.models import User
from allianse.instruments import registry as instruments
from allianse.instruments.language import current_language
from allianse.rating import agreement
from allianse.rating.models import Assignment, Rating

from . import access, dossier, services
from .models import Course, Meeting, MeetingRole, Participant


@dataclass(frozen=True)
class ScaleItem:
    id: str
    number: int
    title: str
    description: str
    meetings: list[Meeting]


def scale_sections() -> list:
    """The MBT-G scale's 19 items (its numbered sections i01-i19, not the global ratings)."""
    return [section for section in instruments.get(services.SCALE).sections if section.id[1:].isdigit()]


def scale_items(course: Course) -> list[ScaleItem]:
    """The MBT-G scale's items with the meetings that teach each (the scale's own texts)."""
    language = current_language()
    meetings = list(course.meetings.order_by("number"))
    return [
        ScaleItem(
            id=section.id,
            number=int(section.id[1:]),
            title=section.title[language],
            description=(section.description or {}).get(language, ""),
            meetings=[meeting for meeting in meetings if section.id in meeting.items],
        )
        for section in scale_sections()
    ]


def items_of(meeting: Meeting) -> list[ScaleItem]:
    return [item for item in scale_items(meeting.course) if item.id in meeting.items]


def visible_courses(user: User) -> QuerySet[Course]:
    """Every course the user leads, supervises or takes part in (or waits for)."""
    return Course.objects.filter(
        Q(leaders=user)
        | Q(supervisors=user)
        | Q(participants__user=user, participants__status__in=["enrolled", "waiting"])
    ).distinct()


def courses_of(user: User) -> list[tuple[Course, str]]:
    """`visible_courses` with the user's role in each (as `access.role_in`), in one query."""
    found = visible_courses(user).annotate(
        led=Exists(Course.leaders.through.objects.filter(course_id=OuterRef("pk"), user_id=user.pk)),
        supervised=Exists(Course.supervisors.through.objects.filter(course_id=OuterRef("pk"), user_id=user.pk)),
        takes_part=Exists(
            Participant.objects.filter(course_id=OuterRef("pk"), user_id=user.pk).exclude(
                status=Participant.Status.WITHDRAWN
            )
        ),
    )
    return [(course, _role(course)) for course in found]


def _role(course: Course) -> str:
    if course.led:
        return access.LEADER
    if course.supervised:
        return access.SUPERVISOR
    return access.PARTICIPANT if course.takes_part else ""


def course_context(course: Course, user: User) -> dict[str, Any]:
    role = access.role_in(user, course)
    plan = services.day_plan(course)
    meetings = list(course.meetings.order_by("number").prefetch_related("roles__participant__user"))
    context = {
        "course": course,
        "role": role,
        "is_leader": role == access.LEADER,
        "meetings": meetings,
        "plan": plan,
        "overlaps": services.plan_overlaps(plan),
        "items": scale_items(course),
        "enrolled": list(services.enrolled(course)),
        "waiting": list(services.waiting(course).order_by("joined_at", "pk")),
        "leaders": list(course.leaders.all()),
        "supervisors": list(course.supervisors.all()),
        "own": course.participants.filter(user=user).first(),
    }
    if role in (access.LEADER, access.SUPERVISOR):
        readings = course.readings.count()
        context["preparation"] = [services.preparation_state(p, readings) for p in context["enrolled"]]
    return context


def meeting_context(meeting: Meeting, user: User) -> dict[str, Any]:
    course = meeting.course
    role = access.role_in(user, course)
    plan = services.day_plan(course, meeting)
    people = list(services.enrolled(course).order_by("user__username"))
    roles = {key: services.people_in(meeting, key) for key in MeetingRole.Role.values}
    context = {
        "meeting": meeting,
        "course": course,
        "role": role,
        "is_leader": role == access.LEADER,
        "may_supervise": role in (access.LEADER, access.SUPERVISOR),
        "plan": plan,
        "own_plan": meeting.blocks.exists(),
        "overlaps": services.plan_overlaps(plan),
        "items": items_of(meeting),
        "co_therapists": roles[MeetingRole.Role.CO_THERAPIST],
        "clinical": roles[MeetingRole.Role.CLINICAL],
        "theory": roles[MeetingRole.Role.THEORY],
        "characters": [p for p in people if p.character_name and p not in roles[MeetingRole.Role.CO_THERAPIST]],
        "attendance": dict(meeting.attendance.values_list("participant__public_id", "status")),
        "people": people,
        "videos": list(meeting.videos.select_related("participant__user", "recording")),
        "own": course.participants.filter(user=user).first(),
    }
    if context["may_supervise"]:
        context["notes"] = list(meeting.supervision_notes.select_related("participant__user", "written_by"))
    context.update(scoring_context(meeting, user, role))
    return context


def scoring_context(meeting: Meeting, user: User, role: str | None) -> dict[str, Any]:
    """The scoring exercise: the leader sees the agreement and everyone's calibration (rating's own
    figures); a participant sees their assignment and a link to their own differences."""
    study = meeting.scoring_study
    if study is None:
        return {"study": None}
    context: dict[str, Any] = {"study": study}
    if role == access.LEADER and study.leader_id == user.pk:
        context["agreement"] = agreement.study_agreement(study, current_language())
        raters = User.objects.filter(rating_assignments__study=study, rating_assignments__kind=Assignment.Kind.RATER)
        context["raters"] = [
            {
                "user": rater,
                "submitted": _submitted(study, rater),
                "calibration": agreement.rater_calibration(study, rater, current_language()).rows,
            }
            for rater in raters.distinct().order_by("username")
        ]
    own = study.assignments.filter(rater=user, kind=Assignment.Kind.RATER).select_related("segment")
    context["own_assignments"] = [{"assignment": a, "submitted": _submitted(study, user, a)} for a in own]
    return context


def _submitted(study, rater: User, assignment: Assignment | None = None) -> bool:
    rated = Rating.objects.filter(assignment__study=study, assignment__rater=rater, superseded_by__isnull=True)
    if assignment is not None:
        rated = rated.filter(assignment=assignment)
    return rated.exists()


def participant_context(participant: Participant, user: User, today: date) -> dict[str, Any]:
    course = participant.course
    readings = list(course.readings.all())
    read = set(participant.readings_read.values_list("pk", flat=True))
    return {
        "participant": participant,
        "course": course,
        "is_self": participant.user_id == user.pk,
        "role": access.role_in(user, course),
        "next_roles": services.next_roles(participant, today),
        "readings": [(reading, reading.pk in read) for reading in readings],
        "state": services.preparation_state(participant, len(readings)),
        "preparation": services.preparation_of(participant),
        "videos": list(participant.videos.select_related("meeting")),
        "attendance": list(participant.attendance.select_related("meeting").order_by("meeting__number")),
    }


def dossier_context(participant: Participant) -> dict[str, Any]:
    found = dossier.requirements(participant)
    return {
        "participant": participant,
        "course": participant.course,
        "requirements": found,
        "all_met": all(requirement.met for requirement in found),
        "notes": list(participant.supervision_notes.select_related("meeting", "written_by")),
    }


@dataclass(frozen=True)
class UpcomingCourse:
    course: Course
    role: str
    next_meeting: Meeting | None
    own: Participant | None
    roles: list[MeetingRole]


def upcoming_courses(user: User, today: date) -> list[UpcomingCourse]:
    """The front page's view of each course of the user: the next meeting and their roles there."""
    found = []
    for course, role in courses_of(user):
        following = course.meetings.filter(date__gte=today).order_by("number").first()
        own = course.participants.filter(user=user).first()
        roles = list(own.roles.filter(meeting=following)) if own and following else []
        found.append(UpcomingCourse(course, role, following, own, roles))
    return found
