"""REST API v1: what the clinic pages do, for scripts and other systems.

Each view calls the same access helper and service as its page (allianse.clinic, allianse.feedback)
and writes the same audit events. Sign-in is the session of the pages with the second factor
(permissions.VerifiedStaff); a therapist reaches only the treatments they are part of (another's
object answers 404, exactly as an unknown one). Errors come in the user's language (Accept-Language).
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.response import Response
from rest_framework.views import APIView

from allianse.accounts import audit
from allianse.accounts.models import ApiPart, AuditEvent
from allianse.accounts.permissions import Therapist
from allianse.caseload.pages import active_treatments, with_latest_check
from allianse.clinic import services as clinic
from allianse.clinic.access import get_session_for_user, get_treatment_for_user
from allianse.feedback import services as feedback
from allianse.feedback.series import series_frame, session_rows
from allianse.instruments import registry as instruments
from allianse.instruments.answer_errors import AnswerErrorsSerializer, answer_errors

from . import serializers
from .input import Conflict


class Patients(generics.ListAPIView):
    permission_classes = [Therapist]
    api_part = ApiPart.CLINIC
    serializer_class = serializers.PatientSerializer
    list_filters = {
        "code": ("patient__code", str, "The patient's code."),
        "started_from": ("started_on__gte", date, "Treatment started on or after (date)."),
        "started_to": ("started_on__lte", date, "Treatment started on or before (date)."),
    }

    def get_queryset(self):
        return active_treatments(self.request.user)

    def list(self, request, *args, **kwargs):
        """The user's active treatments with their latest patient check, as on the caseload page."""
        treatments = with_latest_check(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        audit.record_patients_shown(request, [treatment.patient for treatment in treatments], detail="api patient list")
        return self.get_paginated_response(self.get_serializer(treatments, many=True).data)

    @extend_schema(request=serializers.NewPatientSerializer, responses={201: serializers.PatientSerializer})
    def post(self, request):
        """Register a patient and their treatment with the user as therapist."""
        incoming = serializers.NewPatientSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        treatment = clinic.register_patient(therapist=request.user, **incoming.validated_data)
        audit.record(request, AuditEvent.Action.CREATE, treatment.patient, patient=treatment.patient)
        return Response(serializers.PatientSerializer(treatment).data, status=status.HTTP_201_CREATED)


class Series(APIView):
    permission_classes = [Therapist]
    api_part = ApiPart.FEEDBACK

    @extend_schema(responses=serializers.SessionRowSerializer(many=True))
    def get(self, request, public_id):
        """Every session of the treatment with the patient's and the therapist's checks side by side."""
        treatment = get_treatment_for_user(request.user, public_id)
        audit.record(request, AuditEvent.Action.VIEW, treatment, patient=treatment.patient, detail="api series")
        rows = session_rows(treatment)
        items = serializers.series_items(rows, series_frame(str(treatment.public_id), rows))
        return Response(serializers.SessionRowSerializer(items, many=True).data)


class Sessions(APIView):
    permission_classes = [Therapist]
    api_part = ApiPart.CLINIC

    @extend_schema(request=serializers.SessionSerializer, responses={201: serializers.SessionSerializer})
    def post(self, request, public_id):
        """Add the next session to the treatment."""
        treatment = get_treatment_for_user(request.user, public_id)
        incoming = serializers.SessionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        session = clinic.add_session(treatment=treatment, **incoming.validated_data)
        audit.record(request, AuditEvent.Action.CREATE, session, patient=treatment.patient)
        return Response(serializers.SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class TreatmentEnd(APIView):
    permission_classes = [Therapist]
    api_part = ApiPart.CLINIC

    @extend_schema(request=serializers.EndTreatmentSerializer, responses={200: serializers.TreatmentSerializer})
    def post(self, request, public_id):
        """End the treatment with a date and a reason (as on the patient page); its check links stop
        working. A treatment that has ended already answers 409."""
        treatment = get_treatment_for_user(request.user, public_id)
        incoming = serializers.EndTreatmentSerializer(data=request.data, context={"treatment": treatment})
        incoming.is_valid(raise_exception=True)
        try:
            clinic.end_treatment(treatment=treatment, **incoming.validated_data)
        except clinic.AlreadyEnded:
            raise Conflict(_("This treatment has ended already.")) from None
        audit.record(
            request, AuditEvent.Action.UPDATE, treatment, patient=treatment.patient, detail="api treatment ended"
        )
        return Response(serializers.TreatmentSerializer(treatment).data)


class CheckLink(APIView):
    permission_classes = [Therapist]
    api_part = ApiPart.FEEDBACK

    @extend_schema(request=None, responses={201: serializers.CheckLinkSerializer})
    def post(self, request, public_id):
        """A new check link for the patient; earlier unanswered links for the session stop working."""
        session = get_session_for_user(request.user, public_id)
        try:
            administration = feedback.issue_check(session=session, by=request.user)
        except feedback.TreatmentEnded:
            raise Conflict(_("This treatment has ended: it gets no new check links.")) from None
        audit.record(
            request,
            AuditEvent.Action.CREATE,
            administration,
            patient=session.treatment.patient,
            detail="check link issued",
        )
        data = serializers.CheckLinkSerializer(administration, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class TherapistCheck(APIView):
    permission_classes = [Therapist]
    api_part = ApiPart.FEEDBACK

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={201: serializers.StoredResponseSerializer, 400: AnswerErrorsSerializer},
    )
    def post(self, request, public_id):
        """The therapist's view of the session: a JSON object of item id -> answer (see
        /instruments/alliance-therapist/). A later one supersedes the earlier."""
        session = get_session_for_user(request.user, public_id)
        answers = request.data
        if not isinstance(answers, dict):
            raise ParseError(_("Send the answers as a JSON object of item ids and answers."))
        known = {item.id for item in instruments.get(feedback.THERAPIST_CHECK).items}
        unknown = {item: "unknown_item" for item in answers if item not in known}
        if unknown:
            return Response(answer_errors(unknown), status=status.HTTP_400_BAD_REQUEST)
        submission = feedback.record_therapist_check(session=session, therapist=request.user, answers=answers)
        if submission.response is None:
            return Response(answer_errors(submission.checked.errors), status=status.HTTP_400_BAD_REQUEST)
        audit.record(request, AuditEvent.Action.SUBMIT, submission.response, patient=session.treatment.patient)
        return Response(serializers.StoredResponseSerializer(submission.response).data, status=status.HTTP_201_CREATED)


class Instruments(APIView):
    api_part = None  # any token may read the instruments' data dictionaries

    @extend_schema(responses=serializers.InstrumentSummarySerializer(many=True))
    def get(self, request):
        """The instruments Allianse ships, by key and version."""
        return Response(serializers.InstrumentSummarySerializer(instruments.all_instruments(), many=True).data)


class InstrumentDetail(APIView):
    api_part = None  # any token may read the instruments' data dictionaries

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, key):
        """One instrument's data dictionary: items, ranges, anchors, scores and bands, in both languages."""
        try:
            instrument = instruments.get(key)
        except KeyError as error:
            raise NotFound from error
        return Response(instruments.data_dictionary(instrument))
