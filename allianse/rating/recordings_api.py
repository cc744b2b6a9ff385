"""REST API v1 of recordings and consent to them (/api/v1/rating/): a group session's recordings
(listing and upload), a recording and its segments, deleting a recording's file, a group's member
consents (record, withdraw) and a study's new assignments.

As on the pages (group_views.py, views.py): the same access helpers, services and audit events; an
object the user may not reach answers 404 as an unknown one, a role that may not use an endpoint
403. The consent gate answers 403 with the reasons in the user's language: `detail` (the sentences
of the page) and `problems` (each with its code and the member's pseudonymous code or therapist).
"""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from allianse.accounts import audit
from allianse.accounts.models import ApiPart, AuditEvent
from allianse.accounts.permissions import Therapist

from . import access, consents, pages, services
from .files import RecordingRejected
from .forms import RecordingForm, rater_choices
from .models import Assignment, ConsentRecord, Purpose

VIEW, CREATE, UPDATE = AuditEvent.Action.VIEW, AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


class ConsentRefused(APIException):
    """The consent gate: 403 with the page's sentences and the problems behind them."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "consent_missing"

    def __init__(self, problems: list[consents.ConsentProblem]) -> None:
        sentences = pages.consent_sentences(problems)
        super().__init__({"detail": " ".join(sentences), "problems": problem_rows(problems)})


class FileDeleted(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "file_deleted"


def problem_rows(problems: list[consents.ConsentProblem]) -> list[dict]:
    sentences = pages.consent_sentences(problems)
    return [
        {"code": problem.code, "person": problem.person, "message": sentence}
        for problem, sentence in zip(problems, sentences, strict=True)
    ]


# -- Serializers ------------------------------------------------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    person = serializers.CharField(help_text="A member's or patient's pseudonymous code, or a therapist's name.")
    message = serializers.CharField()


class GateSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    allowed = serializers.BooleanField()
    problems = ProblemSerializer(many=True)


class RecordingSegmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    start_seconds = serializers.FloatField()
    end_seconds = serializers.FloatField()


class RecordingSerializer(serializers.Serializer):
    """A recording; `blocked` and `problems` are the consent gate now, `file_deleted` its file's state."""

    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()
    duration_seconds = serializers.FloatField(allow_null=True)
    uploaded_at = serializers.DateTimeField()
    file_deleted = serializers.BooleanField()
    problems = serializers.SerializerMethodField()
    segments = RecordingSegmentSerializer(many=True, source="segments.all")

    @extend_schema_field(ProblemSerializer(many=True))
    def get_problems(self, recording) -> list[dict]:
        return problem_rows(consents.recording_problems(recording))


class SessionRecordingsSerializer(serializers.Serializer):
    gates = GateSerializer(many=True)
    recordings = RecordingSerializer(many=True)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    title = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    duration_seconds = serializers.FloatField(min_value=0, required=False, allow_null=True, default=None)


class NewSegmentSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, default="", allow_blank=True)
    start_seconds = serializers.FloatField(min_value=0)
    end_seconds = serializers.FloatField(min_value=0)

    def validate(self, data):
        if data["end_seconds"] <= data["start_seconds"]:
            raise serializers.ValidationError({"end_seconds": _("The segment must end after it starts.")})
        return data


class ConsentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    given_at = serializers.DateField()
    document_reference = serializers.CharField()
    has_scanned_form = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by.display_name")
    recorded_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)

    def get_has_scanned_form(self, consent) -> bool:
        return bool(consent.form_file_name)


class MemberConsentsSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    code = serializers.CharField(source="patient.code")
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    consents = ConsentSerializer(many=True, source="consents.all")


class NewMemberConsentSerializer(serializers.Serializer):
    membership = serializers.UUIDField()
    purposes = serializers.ListField(child=serializers.ChoiceField(choices=Purpose.choices), allow_empty=False)
    given_at = serializers.DateField()
    document_reference = serializers.CharField(max_length=200)


class NewAssignmentsSerializer(serializers.Serializer):
    segments = serializers.ListField(child=serializers.UUIDField(), allow_empty=False)
    raters = serializers.ListField(child=serializers.UUIDField(), allow_empty=False)
    kind = serializers.ChoiceField(choices=Assignment.Kind.choices, default=Assignment.Kind.RATER)


class AssignmentCreatedSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    segment = serializers.UUIDField(source="segment.public_id")
    rater = serializers.CharField(source="rater.username")
    kind = serializers.ChoiceField(choices=Assignment.Kind.choices)


# -- Views ------------------------------------------------------------------------------------------------


def _members(session) -> list[int]:
    return [membership.patient_id for membership in consents.members_present(session)]


class GroupSessionRecordings(APIView):
    api_part = ApiPart.RATING
    permission_classes = [Therapist]
    parser_classes = [MultiPartParser]

    @extend_schema(responses=SessionRecordingsSerializer)
    def get(self, request, public_id):
        """The consent gate per purpose and the session's recordings, as in the session page's section."""
        session = access.get_group_session_to_record(request.user, public_id)
        audit.record_for_patients(request, VIEW, session, _members(session), detail="api group recordings")
        gates = []
        for value, _label in Purpose.choices:
            problems = consents.consent_problems(session, value)
            gates.append({"purpose": value, "allowed": not problems, "problems": problem_rows(problems)})
        recordings = session.recordings.prefetch_related("segments")
        return Response(SessionRecordingsSerializer({"gates": gates, "recordings": recordings}).data)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: RecordingSerializer})
    def post(self, request, public_id):
        """Upload a recording (multipart): refused with 403 and the reasons unless every member present
        (and, where required, every superior) has consented to its purpose."""
        session = access.get_group_session_to_record(request.user, public_id)
        incoming = UploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        upload = data["file"]
        head = next(upload.chunks(chunk_size=64), b"")
        upload.seek(0)
        try:
            recording = services.store_recording(
                session=session,
                name=upload.name,
                head=head,
                size=upload.size,
                chunks=upload.chunks(),
                purpose=data["purpose"],
                title=data["title"],
                duration_seconds=data["duration_seconds"],
                by=request.user,
            )
        except consents.ConsentMissing as missing:
            raise ConsentRefused(missing.problems) from missing
        except RecordingRejected as rejected:
            message = str(RecordingForm.REJECTIONS[rejected.code]) % {
                "limit": filesizeformat(settings.RECORDING_MAX_BYTES)
            }
            raise serializers.ValidationError({"file": [message]}) from rejected
        audit.record_for_patients(request, CREATE, recording, _members(session), detail="api group recording uploaded")
        return Response(RecordingSerializer(recording).data, status=status.HTTP_201_CREATED)


class RecordingDetail(APIView):
    api_part = ApiPart.RATING

    @extend_schema(responses=RecordingSerializer)
    def get(self, request, public_id):
        """A recording its therapists manage (individual or group), with its segments and its gate."""
        recording = access.get_recording_to_manage(request.user, public_id)
        audit.record_for_patients(request, VIEW, recording, consents.patient_ids(recording), detail="api recording")
        return Response(RecordingSerializer(recording).data)


class RecordingSegments(APIView):
    api_part = ApiPart.RATING

    @extend_schema(request=NewSegmentSerializer, responses={201: RecordingSegmentSerializer})
    def post(self, request, public_id):
        """A new segment: 403 with the reasons while consent is missing, 409 once the file is deleted."""
        recording = access.get_recording_to_manage(request.user, public_id)
        incoming = NewSegmentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            segment = services.add_segment(recording=recording, by=request.user, **incoming.validated_data)
        except consents.ConsentMissing as missing:
            raise ConsentRefused(missing.problems) from missing
        except services.SegmentProblem as problem:
            if problem.code == "file_deleted":
                raise FileDeleted(_("The recording's file is deleted; no new segment can be cut from it.")) from problem
            raise serializers.ValidationError(
                {"end_seconds": [_("The segment ends after the end of the recording.")]}
            ) from problem
        patients = consents.patient_ids(recording)
        audit.record_for_patients(request, CREATE, segment, patients, detail="api segment")
        return Response(RecordingSegmentSerializer(segment).data, status=status.HTTP_201_CREATED)


class RecordingFile(APIView):
    api_part = ApiPart.RATING

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, public_id):
        """Delete the recording's file and its segments' files; the recording and its ratings stay."""
        recording = access.get_recording_to_manage(request.user, public_id)
        if not recording.file_deleted:
            services.delete_recording_file(recording=recording, by=request.user)
            patients = consents.patient_ids(recording)
            audit.record_for_patients(request, UPDATE, recording, patients, detail="api recording file deleted")
        return Response(status=status.HTTP_204_NO_CONTENT)


def _keeper(request) -> None:
    if not access.keeps_member_consents(request.user):
        raise PermissionDenied


class GroupConsents(APIView):
    api_part = ApiPart.RATING

    @extend_schema(responses=MemberConsentsSerializer(many=True))
    def get(self, request, public_id):
        """Every membership of the group with its consents over time."""
        _keeper(request)
        group = access.get_group_for_consents(request.user, public_id)
        memberships = list(pages.member_choices(group).prefetch_related("consents__recorded_by"))
        patients = [membership.patient_id for membership in memberships]
        audit.record_for_patients(request, VIEW, group, patients, detail="api member consents")
        return Response(MemberConsentsSerializer(memberships, many=True).data)

    @extend_schema(request=NewMemberConsentSerializer, responses={201: ConsentSerializer(many=True)})
    def post(self, request, public_id):
        """Record a member's written consent for one or more purposes (the scanned form: on the page)."""
        _keeper(request)
        group = access.get_group_for_consents(request.user, public_id)
        incoming = NewMemberConsentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        membership = pages.member_choices(group).filter(public_id=data.pop("membership")).first()
        if membership is None:
            raise serializers.ValidationError({"membership": [_("This member is not in the group.")]})
        records = consents.record_member_consent(membership=membership, by=request.user, **data)
        detail = f"api member consent recorded: {','.join(record.purpose for record in records)}"
        audit.record(request, CREATE, membership, patient=membership.patient, detail=detail)
        return Response(ConsentSerializer(records, many=True).data, status=status.HTTP_201_CREATED)


class MemberWithdraw(APIView):
    api_part = ApiPart.RATING

    @extend_schema(request=None, responses={200: ConsentSerializer(many=True)})
    def post(self, request, public_id):
        """The member withdraws every consent at once; returns the consents withdrawn now."""
        _keeper(request)
        membership = access.get_membership_for_consents(request.user, public_id)
        withdrawn = consents.withdraw_member_consents(membership=membership, by=request.user)
        detail = f"api member consent withdrawn: {','.join(consent.purpose for consent in withdrawn)}"
        audit.record(request, UPDATE, membership, patient=membership.patient, detail=detail)
        fresh = ConsentRecord.objects.filter(pk__in=[consent.pk for consent in withdrawn]).select_related("recorded_by")
        return Response(ConsentSerializer(fresh, many=True).data)


class StudyAssignments(APIView):
    api_part = ApiPart.RATING

    @extend_schema(request=NewAssignmentsSerializer, responses={201: AssignmentCreatedSerializer(many=True)})
    def post(self, request, public_id):
        """Ask raters to rate segments of the study (the study's leader): 403 with the reasons while
        consent for a segment's recording is missing."""
        study = access.get_study_for_leader(request.user, public_id)
        incoming = NewAssignmentsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        segments = list(study.segments.filter(public_id__in=data["segments"]).select_related("recording"))
        raters = list(rater_choices().filter(public_id__in=data["raters"]))
        if len(segments) != len(set(data["segments"])) or len(raters) != len(set(data["raters"])):
            raise NotFound
        try:
            created = services.assign(study=study, segments=segments, raters=raters, kind=data["kind"], by=request.user)
        except consents.ConsentMissing as missing:
            raise ConsentRefused(missing.problems) from missing
        audit.record(request, CREATE, study, detail=f"api assignments: {len(created)}")
        return Response(AssignmentCreatedSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


app_name = "recordings-api"
urlpatterns = [
    path("group-sessions/<uuid:public_id>/recordings/", GroupSessionRecordings.as_view(), name="group_recordings"),
    path("recordings/<uuid:public_id>/", RecordingDetail.as_view(), name="recording"),
    path("recordings/<uuid:public_id>/segments/", RecordingSegments.as_view(), name="segments"),
    path("recordings/<uuid:public_id>/file/", RecordingFile.as_view(), name="file"),
    path("groups/<uuid:public_id>/consents/", GroupConsents.as_view(), name="group_consents"),
    path("group-members/<uuid:public_id>/withdraw/", MemberWithdraw.as_view(), name="member_withdraw"),
    path("studies/<uuid:public_id>/assignments/", StudyAssignments.as_view(), name="assignments"),
]
