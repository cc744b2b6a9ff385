"""REST API v1 for therapy groups: what the group pages show and do, for scripts and other systems.

/api/v1/groups/ (the user's groups), /api/v1/groups/{id}/ (members, sessions and the latest
signals, as on the group page), /api/v1/groups/{id}/heatmap/ (members x sessions, from the frame
the page's heatmap is drawn from), POST /api/v1/groups/{id}/sessions/ (a session with attendance)
and POST /api/v1/group-sessions/{id}/check-links/ (the members' personal links). Like the rest of
API v1 (allianse.api.views): the access helpers and services of the pages, the same audit events,
another therapist's group answers 404 as an unknown one and errors come in the user's language.
"""

from __future__ import annotations

import uuid

import pandas as pd
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from allianse.accounts import audit
from allianse.accounts.models import ApiPart, AuditEvent
from allianse.accounts.permissions import Therapist
from allianse.clinic.dates import plausible_date
from allianse.core.groups import Eligibility
from allianse.instruments.language import current_language

from . import checks, pages, services
from .access import get_group_for_user, get_group_session_for_user
from .models import Attendance, GroupSession, GroupSignal, MemberCheck, Membership, TherapyGroup
from .series import group_scores, load_group_data

VIEW = AuditEvent.Action.VIEW
CREATE = AuditEvent.Action.CREATE


class EligibilitySerializer(serializers.Serializer):
    """Certification eligibility (core.groups.certification_eligibility) and the page's sentence about it."""

    eligible = serializers.BooleanField()
    members = serializers.IntegerField()
    borderline = serializers.IntegerField()
    reason = serializers.SerializerMethodField()

    def get_reason(self, eligibility: Eligibility) -> str:
        return pages.eligibility_reason(eligibility)


class GroupSerializer(serializers.ModelSerializer):
    """A group's frame and therapists; `context["eligibility"]`: group pk -> its Eligibility."""

    therapists = serializers.SerializerMethodField()
    current_members = serializers.SerializerMethodField()
    eligibility = serializers.SerializerMethodField()

    class Meta:
        model = TherapyGroup
        fields = [
            "public_id",
            "name",
            "kind",
            "cadence",
            "duration_minutes",
            "admission",
            "max_size",
            "factors_every",
            "ask_alliance",
            "started_on",
            "ended_on",
            "therapists",
            "current_members",
            "eligibility",
        ]

    def get_therapists(self, group: TherapyGroup) -> list[str]:
        return [therapist.display_name for therapist in group.therapists.all()]

    def get_current_members(self, group: TherapyGroup) -> int:
        return self.context["eligibility"][group.pk].members

    @extend_schema_field(EligibilitySerializer)
    def get_eligibility(self, group: TherapyGroup) -> dict:
        return EligibilitySerializer(self.context["eligibility"][group.pk]).data


class GroupSignalSerializer(serializers.ModelSerializer):
    """A stored group signal (allianse.core.signals.group), explained in the user's language."""

    session = serializers.IntegerField(source="session.number")
    explanation = serializers.CharField()

    class Meta:
        model = GroupSignal
        fields = ["session", "kind", "detail", "value", "threshold", "explanation"]


class MemberSerializer(serializers.Serializer):
    """A membership (pages.MemberRow) by its public id and the patient's pseudonymous code."""

    public_id = serializers.UUIDField(source="membership.public_id")
    code = serializers.CharField(source="membership.patient.code")
    started_on = serializers.DateField(source="membership.started_on")
    ended_on = serializers.DateField(source="membership.ended_on", allow_null=True)
    end_reason = serializers.ChoiceField(
        source="membership.end_reason", choices=Membership.EndReason.choices, allow_blank=True
    )
    signals = GroupSignalSerializer(many=True)


class GroupSessionRowSerializer(serializers.Serializer):
    """A row of the group page's session table: how many of the session's members were present."""

    public_id = serializers.UUIDField(source="session.public_id")
    number = serializers.IntegerField(source="session.number")
    starts_at = serializers.DateTimeField(source="session.starts_at")
    present = serializers.IntegerField()
    members = serializers.IntegerField()


class GroupDetailSerializer(GroupSerializer):
    """`context` also holds `members` (pages.MemberRow), `sessions` (rows of the session table)
    and `signals` (about the whole group)."""

    members = serializers.SerializerMethodField()
    sessions = serializers.SerializerMethodField()
    signals = serializers.SerializerMethodField()

    class Meta(GroupSerializer.Meta):
        fields = [*GroupSerializer.Meta.fields, "members", "sessions", "signals"]

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, group: TherapyGroup) -> list:
        return MemberSerializer(self.context["members"], many=True).data

    @extend_schema_field(GroupSessionRowSerializer(many=True))
    def get_sessions(self, group: TherapyGroup) -> list:
        return GroupSessionRowSerializer(self.context["sessions"], many=True).data

    @extend_schema_field(GroupSignalSerializer(many=True))
    def get_signals(self, group: TherapyGroup) -> list:
        return GroupSignalSerializer(self.context["signals"], many=True).data


class HeatmapCellSerializer(serializers.Serializer):
    """One member in one session of their membership; a score is null when not answered."""

    session = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Attendance.Status.choices)
    attended = serializers.BooleanField()
    engagement = serializers.FloatField(allow_null=True)
    avoidance = serializers.FloatField(allow_null=True)
    conflict = serializers.FloatField(allow_null=True)
    cohesion = serializers.FloatField(allow_null=True)


class HeatmapRowSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(source="membership.public_id")
    code = serializers.CharField(source="membership.patient.code")
    cells = HeatmapCellSerializer(many=True)


class HeatmapSerializer(serializers.Serializer):
    sessions = serializers.ListField(child=serializers.IntegerField())
    members = HeatmapRowSerializer(many=True)


def heatmap_rows(memberships: list[Membership], frame: pd.DataFrame) -> list[dict]:
    """Each membership with its rows of series.load_group_data's frame, missing values (NaN) as None."""
    cells: dict[int, list[dict]] = {membership.pk: [] for membership in memberships}
    shown = frame.loc[:, ["member", "session", "status", "attended", *group_scores().climate]]
    for record in shown.astype(object).where(shown.notna(), None).to_dict("records"):
        cells[record.pop("member")].append(record)
    return [{"membership": membership, "cells": cells[membership.pk]} for membership in memberships]


class NewSessionSerializer(serializers.Serializer):
    """A session as the page's GroupSessionForm takes it: the therapists present (of the group's,
    by public id) and the attendance of every member of the group on the session's day
    (membership public id -> status). `context["group"]`: the group."""

    starts_at = serializers.DateTimeField(validators=[plausible_date])
    therapists_present = serializers.ListField(child=serializers.UUIDField(), allow_empty=False)
    attendance = serializers.DictField(child=serializers.ChoiceField(choices=Attendance.Status.choices))

    def validate_therapists_present(self, public_ids: list[uuid.UUID]) -> list:
        therapists = {therapist.public_id: therapist for therapist in self.context["group"].therapists.all()}
        if not set(public_ids) <= set(therapists):
            raise serializers.ValidationError(_("Only the group's therapists can be recorded as present."))
        return [therapists[public_id] for public_id in public_ids]

    def validate(self, data: dict) -> dict:
        day = timezone.localtime(data["starts_at"]).date()
        on_the_day = services.members_on(self.context["group"], day).values_list("public_id", "pk")
        members = {str(public_id): pk for public_id, pk in on_the_day}
        try:
            given = {str(uuid.UUID(key)): value for key, value in data["attendance"].items()}
        except ValueError:
            given = None
        if given is None or set(given) != set(members):
            raise serializers.ValidationError(
                {
                    "attendance": _(
                        "Give the attendance of every member of the group on the session's day, and of no one else."
                    )
                }
            )
        return {**data, "attendance": {members[key]: value for key, value in given.items()}}


class AttendanceSerializer(serializers.ModelSerializer):
    member = serializers.UUIDField(source="membership.public_id")
    code = serializers.CharField(source="membership.patient.code")

    class Meta:
        model = Attendance
        fields = ["member", "code", "status"]


class GroupSessionSerializer(serializers.ModelSerializer):
    attendance = AttendanceSerializer(many=True)

    class Meta:
        model = GroupSession
        fields = ["public_id", "number", "starts_at", "attendance"]


class MemberLinkSerializer(serializers.ModelSerializer):
    """A member's personal check link: the absolute address to show or send, and when it stops working."""

    member = serializers.UUIDField(source="membership.public_id")
    code = serializers.CharField(source="membership.patient.code")
    url = serializers.SerializerMethodField()

    class Meta:
        model = MemberCheck
        fields = ["member", "code", "instrument_keys", "url", "expires_at"]

    def get_url(self, check: MemberCheck) -> str:
        return self.context["request"].build_absolute_uri(reverse("groups:member_check", args=[check.token]))


def _eligibility(groups: list[TherapyGroup]) -> dict[int, Eligibility]:
    """Each group's eligibility from its memberships (patients' diagnoses prefetched)."""
    return {group.pk: pages.eligibility_of(list(group.memberships.all())) for group in groups}


def _rule_error(error: services.GroupRuleError) -> serializers.ValidationError:
    return serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(error)]})


class Groups(generics.ListAPIView):
    permission_classes = [Therapist]
    api_part = ApiPart.GROUPS
    serializer_class = GroupSerializer
    list_filters = {
        "kind": ("kind", str, "The kind of group."),
        "running": ("ended_on__isnull", bool, "true: groups that have not ended; false: ended groups."),
    }

    def get_queryset(self):
        return (
            TherapyGroup.objects.filter(therapists=self.request.user)
            .prefetch_related("therapists", "memberships__patient__diagnoses")
            .order_by("name", "pk")
        )

    def list(self, request, *args, **kwargs):
        """The groups the user leads, with their frame, current size and certification eligibility."""
        groups = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        current = [m.patient for group in groups for m in group.memberships.all() if m.is_current]
        audit.record_patients_shown(request, current, detail="api group list")
        context = {"eligibility": _eligibility(groups)}
        return self.get_paginated_response(GroupSerializer(groups, many=True, context=context).data)


class GroupDetail(APIView):
    api_part = ApiPart.GROUPS

    @extend_schema(responses=GroupDetailSerializer)
    def get(self, request, public_id):
        """The group page's data: members by code with their dates and latest signals, every session
        with how many were present, and the latest signals about the whole group."""
        group = get_group_for_user(request.user, public_id)
        memberships = list(group.memberships.select_related("patient").prefetch_related("patient__diagnoses"))
        frame = load_group_data(group).frame
        sessions = list(group.sessions.select_related("summary").order_by("number"))
        rows = [pages.MemberRow(membership, membership.patient.code) for membership in memberships]
        context = {
            "eligibility": {group.pk: pages.eligibility_of(memberships)},
            "members": rows,
            "signals": pages.latest_signals(rows, group, [session.number for session in sessions]),
            "sessions": pages.session_table(sessions, frame, current_language()).rows,
        }
        audit.record_for_patients(
            request, VIEW, group, [membership.patient_id for membership in memberships], detail="api group"
        )
        return Response(GroupDetailSerializer(group, context=context).data)


class Heatmap(APIView):
    api_part = ApiPart.GROUPS

    @extend_schema(responses=HeatmapSerializer)
    def get(self, request, public_id):
        """Members x sessions: attendance and the group-climate scores, from the frame of the page's heatmap."""
        group = get_group_for_user(request.user, public_id)
        memberships = list(group.memberships.select_related("patient"))
        heatmap = {
            "sessions": list(group.sessions.order_by("number").values_list("number", flat=True)),
            "members": heatmap_rows(memberships, load_group_data(group).frame),
        }
        audit.record_for_patients(
            request, VIEW, group, [membership.patient_id for membership in memberships], detail="api group heatmap"
        )
        return Response(HeatmapSerializer(heatmap).data)


class Sessions(APIView):
    api_part = ApiPart.GROUPS

    @extend_schema(request=NewSessionSerializer, responses={201: GroupSessionSerializer})
    def post(self, request, public_id):
        """Record the group's next session with the therapists present and each member's attendance."""
        group = get_group_for_user(request.user, public_id)
        incoming = NewSessionSerializer(data=request.data, context={"group": group})
        incoming.is_valid(raise_exception=True)
        try:
            session = services.add_session(group=group, **incoming.validated_data)
        except services.GroupRuleError as error:
            raise _rule_error(error) from error
        rows = Attendance.objects.select_related("membership__patient").order_by("membership__patient__code")
        prefetch_related_objects([session], Prefetch("attendance", queryset=rows))
        memberships = [row.membership for row in session.attendance.all()]
        audit.record_for_patients(
            request,
            CREATE,
            session,
            [membership.patient_id for membership in memberships],
            detail="api group session and attendance",
        )
        return Response(GroupSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class CheckLinks(APIView):
    api_part = ApiPart.GROUPS

    @extend_schema(request=None, responses={201: MemberLinkSerializer(many=True)})
    def post(self, request, public_id):
        """A new personal link for every present member with something left to answer; their earlier
        links for the session stop working."""
        session = get_group_session_for_user(request.user, public_id)
        issued = checks.issue_member_checks(session=session, by=request.user)
        prefetch_related_objects(issued, "membership__patient")
        audit.record_for_patients(
            request, CREATE, session, [check.membership.patient_id for check in issued], detail="api links"
        )
        data = MemberLinkSerializer(issued, many=True, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


app_name = "groups-api"
urlpatterns = [
    path("groups/", Groups.as_view(), name="groups"),
    path("groups/<uuid:public_id>/", GroupDetail.as_view(), name="group"),
    path("groups/<uuid:public_id>/heatmap/", Heatmap.as_view(), name="heatmap"),
    path("groups/<uuid:public_id>/sessions/", Sessions.as_view(), name="sessions"),
    path("group-sessions/<uuid:public_id>/check-links/", CheckLinks.as_view(), name="check_links"),
]
