"""The lists of recordings and written consents, and a patient's consent recorded and withdrawn,
through the API (/api/v1/rating/), as on the rating pages: the same access helpers, forms, services
and audit events (allianse.rating). A recording itself, its segments and group members' consents
are in allianse.rating.recordings_api.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db.models import Q
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from allianse.accounts import audit
from allianse.accounts.models import ApiPart, AuditEvent
from allianse.clinic.models import Patient
from allianse.groups.models import Attendance
from allianse.rating import access, consents
from allianse.rating.api import SegmentSerializer
from allianse.rating.forms import ConsentForm
from allianse.rating.models import ConsentRecord, Recording

from .input import body, validated

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


class RecordingListSerializer(serializers.ModelSerializer):
    """A recording in the list: its metadata and segments (the consent gate: on the recording itself)."""

    id = serializers.UUIDField(source="public_id")
    session = serializers.UUIDField(source="session.public_id", allow_null=True)
    group_session = serializers.UUIDField(source="group_session.public_id", allow_null=True)
    patient_code = serializers.CharField(source="session.treatment.patient.code", allow_null=True)
    segments = SegmentSerializer(many=True, read_only=True)

    class Meta:
        model = Recording
        fields = [
            "id",
            "session",
            "group_session",
            "patient_code",
            "purpose",
            "title",
            "content_type",
            "size_bytes",
            "duration_seconds",
            "uploaded_at",
            "file_deleted_at",
            "segments",
        ]


def _recording_patients(recordings: list[Recording]) -> set[int]:
    """The patients in the recordings (consents.patient_ids of each), in one query."""
    present = Attendance.objects.filter(
        session_id__in=[recording.group_session_id for recording in recordings if recording.is_group],
        status=Attendance.Status.PRESENT,
    ).values_list("session_id", "membership__patient_id")
    members: dict[int, list[int]] = {}
    for session_id, patient_id in present:
        members.setdefault(session_id, []).append(patient_id)
    return {
        patient_id
        for recording in recordings
        for patient_id in (
            members.get(recording.group_session_id, [])
            if recording.is_group
            else [recording.session.treatment.patient_id]
        )
    }


def _shown(request, patient_ids: set[int], detail: str) -> None:
    """The list's one audit event, naming the patients whose data it showed."""
    audit.record_patients_shown(request, Patient.objects.filter(pk__in=patient_ids), detail=detail)


class Recordings(generics.ListAPIView):
    """The recordings of the user's treatments and groups, newest first, with their segments."""

    serializer_class = RecordingListSerializer
    api_part = ApiPart.RATING
    list_filters = {
        "patient": ("session__treatment__patient__code", str, "The patient's code."),
        "group": ("group_session__group__public_id", uuid.UUID, "The group's public id."),
        "purpose": ("purpose", str, "What the recording is used for."),
        "uploaded_from": ("uploaded_at__date__gte", date, "Uploaded on or after (date)."),
        "uploaded_to": ("uploaded_at__date__lte", date, "Uploaded on or before (date)."),
    }

    def get_queryset(self):
        user = self.request.user
        return (
            Recording.objects.filter(Q(session__treatment__therapists=user) | Q(group_session__group__therapists=user))
            .distinct()
            .select_related(*access.RECORDING_RELATED)
            .prefetch_related("segments")
            .order_by("-uploaded_at", "pk")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        _shown(request, _recording_patients(page), "api recording list")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PatientConsentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    patient = serializers.UUIDField(source="patient.public_id", allow_null=True)
    patient_code = serializers.CharField(source="patient.code", allow_null=True, read_only=True)
    member = serializers.UUIDField(source="membership.public_id", allow_null=True, read_only=True)
    active = serializers.SerializerMethodField()

    class Meta:
        model = ConsentRecord
        fields = [
            "id",
            "kind",
            "patient",
            "patient_code",
            "member",
            "superior_name",
            "purpose",
            "given_at",
            "document_reference",
            "recorded_at",
            "withdrawn_at",
            "active",
        ]
        read_only_fields = ["kind", "superior_name", "recorded_at", "withdrawn_at"]

    def get_active(self, consent: ConsentRecord) -> bool:
        return consent.withdrawn_at is None


class ConsentTarget(serializers.Serializer):
    patient = serializers.UUIDField()


def _consent_patient(consent: ConsentRecord) -> int | None:
    if consent.patient_id is not None:
        return consent.patient_id
    return consent.membership.patient_id if consent.membership_id is not None else None


class Consents(generics.ListAPIView):
    """Written consents the user keeps: of their patients, of members of their groups, their
    superior's; an administrator keeps every one."""

    serializer_class = PatientConsentSerializer
    api_part = ApiPart.RATING
    list_filters = {
        "patient": ("patient__code", str, "The patient's code."),
        "purpose": ("purpose", str, "What the consent covers."),
        "kind": ("kind", str, "patient, member or superior."),
        "active": ("withdrawn_at__isnull", bool, "true: not withdrawn; false: withdrawn."),
    }

    def get_queryset(self):
        user = self.request.user
        consents_ = ConsentRecord.objects.select_related("patient", "membership")
        if not user.is_administrator:
            consents_ = consents_.filter(
                Q(patient__treatments__therapists=user) | Q(membership__group__therapists=user) | Q(therapist=user)
            ).distinct()
        return consents_.order_by("-recorded_at", "pk")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        _shown(request, {_consent_patient(consent) for consent in page} - {None}, "api consents")
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=PatientConsentSerializer, responses={201: PatientConsentSerializer})
    def post(self, request):
        """Record a patient's written consent for a purpose (`patient`: the patient's public id)."""
        data = body(request)
        target = ConsentTarget(data=data)
        target.is_valid(raise_exception=True)
        patient = access.get_patient_for_consent(request.user, target.validated_data["patient"])
        consent = consents.record_consent(patient=patient, by=request.user, **validated(ConsentForm(data)))
        audit.record(request, CREATE, consent, patient=patient, detail="api consent recorded")
        return Response(PatientConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class Withdraw(APIView):
    api_part = ApiPart.RATING

    @extend_schema(request=None, responses=PatientConsentSerializer)
    def post(self, request, public_id):
        """Withdraw the consent: from now on the recordings it covered are blocked."""
        consent = access.get_consent_for_user(request.user, public_id)
        if consent.withdrawn_at is None:
            consents.withdraw_consent(consent=consent, by=request.user)
            audit.record_many(request, UPDATE, [(consent, _consent_patient(consent))], detail="api consent withdrawn")
        return Response(PatientConsentSerializer(consent).data)


urlpatterns = [
    path("recordings/", Recordings.as_view(), name="recordings"),
    path("consents/", Consents.as_view(), name="consents"),
    path("consents/<uuid:public_id>/withdraw/", Withdraw.as_view(), name="consent_withdraw"),
]
