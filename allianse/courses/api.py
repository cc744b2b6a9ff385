"""REST API v1 of courses (/api/v1/courses/): what the course pages show and do.

GET courses/ (the user's courses), GET courses/{id}/ (meetings, day plan with its overlaps, places
and waiting list), POST courses/{id}/participants/ (a place or the waiting list), POST
courses/{id}/rota/ (co-therapists for the meetings without), GET courses/meetings/{id}/ (content,
plan, roles and, for the leader, attendance), PUT courses/meetings/{id}/roles/ and
PUT courses/meetings/{id}/attendance/, GET courses/participants/{id}/ (the group, character,
next roles and preparation state), PUT courses/participants/{id}/preparation/ (the participant's
own) and GET courses/participants/{id}/dossier/. Each view uses the pages' access helpers and
services and writes the same audit events; what a user may not reach answers 404 as an unknown id.
"""

from __future__ import annotations

import uuid

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from allianse.accounts import audit
from allianse.accounts.models import ApiPart, AuditEvent, User
from allianse.core.courses import too_long

from . import access, dossier, pages, services
from .access import LEADER, SUPERVISOR
from .models import Attendance, Course, DayBlock, Meeting, MeetingRole, Participant

VIEW, UPDATE, CREATE = AuditEvent.Action.VIEW, AuditEvent.Action.UPDATE, AuditEvent.Action.CREATE


class PersonField(serializers.Field):
    def to_representation(self, participant: Participant) -> dict:
        return {"id": str(participant.public_id), "name": participant.user.display_name}


class BlockSerializer(serializers.ModelSerializer):
    class Meta:
        model = DayBlock
        fields = ["starts", "ends", "kind", "description", "overlap_confirmed"]


class MeetingSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["public_id", "number", "date", "title", "mode", "role_play_topic", "items", "scores_video"]


class CourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["public_id", "title", "organiser", "venue", "language", "capacity", "attendance_threshold"]


def _plan(blocks: list[DayBlock]) -> dict:
    overlaps = services.plan_overlaps(blocks)
    return {
        "blocks": BlockSerializer(blocks, many=True).data,
        "overlaps": [
            {
                "first": blocks.index(o.first),
                "second": blocks.index(o.second),
                "minutes": o.minutes,
                "confirmed": o.confirmed,
            }
            for o in overlaps
        ],
    }


def _people(participants) -> list[dict]:
    return [PersonField().to_representation(participant) for participant in participants]


class Courses(generics.ListAPIView):
    api_part = ApiPart.COURSES
    serializer_class = CourseSerializer

    def get_queryset(self):
        return pages.visible_courses(self.request.user)


class CourseDetail(APIView):
    api_part = ApiPart.COURSES

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, public_id):
        course = access.get_course(request.user, public_id)
        audit.record(request, VIEW, course, detail="course (api)")
        body = {
            **CourseSerializer(course).data,
            "role": access.role_in(request.user, course),
            "meetings": MeetingSummarySerializer(course.meetings.order_by("number"), many=True).data,
            "day_plan": _plan(services.day_plan(course)),
            "participants": _people(services.enrolled(course)),
            "waiting_list": _people(services.waiting(course).order_by("joined_at", "pk")),
        }
        return Response(body)


class Enrol(APIView):
    """POST {"user": staff member's public id}: a place, or the waiting list when the course is full."""

    api_part = ApiPart.COURSES

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def post(self, request, public_id):
        course = access.get_course(request.user, public_id, roles=(LEADER,))
        given = _uuids([request.data.get("user")])
        user = User.objects.filter(public_id__in=given, is_active=True).first()
        if user is None:
            raise ValidationError({"user": [_("No active staff member has this id.")]})
        place = services.enrol(course=course, user=user)
        audit.record(request, UPDATE, course, detail="participants (api)")
        return Response({**PersonField().to_representation(place), "status": place.status}, status.HTTP_201_CREATED)


class Rota(APIView):
    api_part = ApiPart.COURSES

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, public_id):
        course = access.get_course(request.user, public_id, roles=(LEADER,))
        proposed = services.propose_rota(course=course)
        audit.record(request, UPDATE, course, detail="rota (api)")
        return Response({str(number): _people(people) for number, people in proposed.items()})


class MeetingDetail(APIView):
    api_part = ApiPart.COURSES

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, public_id):
        meeting = access.get_meeting(request.user, public_id)
        audit.record(request, VIEW, meeting, detail="meeting (api)")
        role = access.role_in(request.user, meeting.course)
        body = {
            **MeetingSummarySerializer(meeting).data,
            "theme": meeting.theme,
            "theory": meeting.theory,
            "day_plan": _plan(services.day_plan(meeting.course, meeting)),
            "roles": {key: _people(services.people_in(meeting, key)) for key in MeetingRole.Role.values},
            "scoring_study": str(meeting.scoring_study.public_id) if meeting.scoring_study else None,
        }
        if role in (LEADER, SUPERVISOR):
            rows = meeting.attendance.select_related("participant")
            body["attendance"] = {str(row.participant.public_id): row.status for row in rows}
        return Response(body)


def _participants_by_id(meeting: Meeting, ids) -> dict[str, Participant]:
    if not isinstance(ids, list | dict):
        raise ValidationError(_("Give a list of participant ids."))
    found = {str(p.public_id): p for p in services.enrolled(meeting.course).filter(public_id__in=_uuids(ids))}
    unknown = [str(value) for value in ids if str(value) not in found]
    if unknown:
        raise ValidationError({"participants": [_("No participant of this course has this id.")], "ids": unknown})
    return found


def _uuids(values) -> list[str]:
    valid = []
    for value in values:
        try:
            valid.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return valid


class MeetingRoles(APIView):
    """PUT {"co_therapist": [ids], "clinical": [ids], "theory": [ids]}: each role named replaces its holders."""

    api_part = ApiPart.COURSES

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def put(self, request, public_id):
        meeting = access.get_meeting(request.user, public_id, roles=(LEADER,))
        chosen = {role: request.data[role] for role in MeetingRole.Role.values if role in request.data}
        resolved = {role: list(_participants_by_id(meeting, ids).values()) for role, ids in chosen.items()}
        if len(resolved.get(MeetingRole.Role.CO_THERAPIST, [])) > 2:
            raise ValidationError({"co_therapist": [_("Two participants play co-therapists at a meeting.")]})
        for role, people in resolved.items():
            services.set_role(meeting=meeting, role=role, participants=people)
        audit.record(request, UPDATE, meeting, detail="roles (api)")
        return Response({key: _people(services.people_in(meeting, key)) for key in MeetingRole.Role.values})


class MeetingAttendance(APIView):
    """PUT {participant id: "present" | "announced" | "absent" | ""}."""

    api_part = ApiPart.COURSES

    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
    def put(self, request, public_id):
        meeting = access.get_meeting(request.user, public_id, roles=(LEADER,))
        if not isinstance(request.data, dict):
            raise ValidationError(_("Give each participant's attendance by their id."))
        people = _participants_by_id(meeting, list(request.data))
        allowed = {"", *Attendance.Status.values}
        wrong = [key for key, value in request.data.items() if value not in allowed]
        if wrong:
            raise ValidationError({"status": [_("Attendance is present, announced, absent or empty.")], "ids": wrong})
        services.record_attendance(
            meeting=meeting, statuses={people[key]: value for key, value in request.data.items()}
        )
        audit.record(request, UPDATE, meeting, detail="attendance (api)")
        rows = meeting.attendance.select_related("participant")
        return Response({str(row.participant.public_id): row.status for row in rows})


class ParticipantDetail(APIView):
    api_part = ApiPart.COURSES

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, public_id):
        participant = access.get_participant(request.user, public_id)
        audit.record(request, VIEW, participant, detail="participant (api)")
        state = services.preparation_state(participant, participant.course.readings.count())
        body = {
            **PersonField().to_representation(participant),
            "status": participant.status,
            "group": str(participant.group.public_id) if participant.group else None,
            "group_declaration": participant.group_declaration,
            "aims_at_mbt_g": participant.aims_at_mbt_g,
            "character": {"name": participant.character_name, "description": participant.character_description},
            "next_roles": [
                {"meeting": entry.meeting.number, "date": entry.meeting.date, "role": entry.role}
                for entry in services.next_roles(participant, timezone.localdate())
            ],
            "preparation": {
                "group_account": state.group_account,
                "descriptions": state.descriptions,
                "long_descriptions": state.long_descriptions,
                "case_formulation": state.case_formulation,
                "readings_read": state.readings_read,
                "readings": state.readings,
                "sent_at": state.sent_at,
                "complete": state.complete,
            },
        }
        return Response(body)


class DescriptionSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=40)
    text = serializers.CharField()


class PreparationSerializer(serializers.Serializer):
    group_account = serializers.CharField()
    case_formulation = serializers.CharField(required=False, allow_blank=True, default="")
    descriptions = DescriptionSerializer(many=True)
    send = serializers.BooleanField(default=False)


class Preparation(APIView):
    """PUT the participant's own preparation; descriptions over 10 lines are stored and named in `warnings`."""

    api_part = ApiPart.COURSES

    @extend_schema(request=PreparationSerializer, responses=OpenApiTypes.OBJECT)
    def put(self, request, public_id):
        participant = access.get_participant(request.user, public_id)
        if participant.user_id != request.user.pk:
            raise PermissionDenied(_("Only the participant sends their preparation."))
        given = PreparationSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        descriptions = [(entry["label"], entry["text"], None) for entry in data["descriptions"]]
        services.save_preparation(
            participant=participant,
            group_account=data["group_account"],
            case_formulation=data["case_formulation"],
            descriptions=descriptions,
            send=data["send"],
        )
        audit.record(request, UPDATE, participant, detail="preparation (api)")
        long = [label for label, text, _member in descriptions if too_long(text)]
        return Response({"saved": True, "sent": data["send"], "warnings": {"longer_than_10_lines": long}})


class Dossier(APIView):
    api_part = ApiPart.COURSES

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, public_id):
        participant = access.get_participant(request.user, public_id)
        audit.record(request, VIEW, participant, detail="dossier (api)")
        found = dossier.requirements(participant)
        return Response(
            {
                "all_met": all(requirement.met for requirement in found),
                "requirements": [{"key": r.key, "title": r.title, "met": r.met, "reason": r.reason} for r in found],
            }
        )


app_name = "courses-api"
urlpatterns = [
    path("", Courses.as_view(), name="courses"),
    path("<uuid:public_id>/", CourseDetail.as_view(), name="course"),
    path("<uuid:public_id>/participants/", Enrol.as_view(), name="course_participants"),
    path("<uuid:public_id>/rota/", Rota.as_view(), name="course_rota"),
    path("meetings/<uuid:public_id>/", MeetingDetail.as_view(), name="course_meeting"),
    path("meetings/<uuid:public_id>/roles/", MeetingRoles.as_view(), name="course_meeting_roles"),
    path("meetings/<uuid:public_id>/attendance/", MeetingAttendance.as_view(), name="course_meeting_attendance"),
    path("participants/<uuid:public_id>/", ParticipantDetail.as_view(), name="course_participant"),
    path("participants/<uuid:public_id>/preparation/", Preparation.as_view(), name="course_preparation"),
    path("participants/<uuid:public_id>/dossier/", Dossier.as_view(), name="course_dossier"),
]
