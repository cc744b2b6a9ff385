"""REST API v1 of observer rating (/api/v1/rating/): a rater's own assignments, drafts and
submission, and a study's agreement for its leader.

Each view calls the same access helper and service as its page (views.py, pages.py) and writes the
same audit events. Blinding holds as on the pages: a rater reaches only their own assignments
(another's answers 404, exactly as an unknown one) and sees only their own draft and rating, never another
rater's or a reference rating. A submitted rating is immutable here: draft and submit answer 409
(a correction is made on the rating's page, with a reason). Errors come in the user's language.
"""

from __future__ import annotations

import math
import uuid

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from allianse.accounts import audit
from allianse.accounts.models import ApiPart, AuditEvent
from allianse.instruments.answer_errors import AnswerErrorSerializer, AnswerErrorsSerializer, answer_errors
from allianse.instruments.language import current_language

from . import access, agreement, consents, pages, services
from .forms import RATING_ERRORS
from .models import Assignment, RatingDraft

# The form's sentences per error code; an unknown item id gets its own (the form has no such field).
MESSAGES = {**RATING_ERRORS, "unknown_item": _("This rating scale has no item with this id.")}

# The core's statistics errors (allianse.core.stats.errors.InsufficientData) in the user's language.
STATISTICS_ERRORS = {
    "too_few_raters": _("At least two raters must have rated the item."),
    "too_few_targets": _(
        "At least two segments rated by every rater are needed; segments with a missing rating are left out."
    ),
    "no_pairable_units": _("At least one segment must have been rated by two or more raters."),
    "no_variance": _("All ratings are identical, so agreement beyond chance cannot be estimated."),
}


class Submitted(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This rating is submitted and can no longer be changed here. Correct it on the rating's page.")
    default_code = "submitted"


# -- Serializers ------------------------------------------------------------------------------------------


class FiniteFloatField(serializers.FloatField):
    """A number of the statistics, None where it is undefined (NaN)."""

    def to_representation(self, value):
        number = float(value)
        return number if math.isfinite(number) else None


class SegmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    start_seconds = serializers.FloatField()
    end_seconds = serializers.FloatField()


class AssignmentSerializer(serializers.Serializer):
    """An assignment of the user's (pages.home_context annotates `submitted`)."""

    id = serializers.UUIDField(source="public_id")
    study = serializers.UUIDField(source="study.public_id")
    study_name = serializers.CharField(source="study.name")
    kind = serializers.ChoiceField(choices=Assignment.Kind.choices)
    scale = serializers.CharField(source="study.instrument_key")
    segment = SegmentSerializer()
    stream_url = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    consent_withdrawn = serializers.SerializerMethodField()

    def get_consent_withdrawn(self, assignment) -> bool:
        """Someone in the recording withdrew consent: a submitted rating is kept, left out of agreement."""
        withdrawn = self.context.get("withdrawn_recordings")
        if withdrawn is None:
            return consents.is_withdrawn(assignment.segment.recording)
        return assignment.segment.recording_id in withdrawn

    def get_stream_url(self, assignment) -> str:
        """The segment's own file; its clock starts at the segment's start (time stamps do not)."""
        url = reverse("rating:segment_stream", args=[assignment.segment.public_id])
        return self.context["request"].build_absolute_uri(url)

    def get_status(self, assignment) -> str:
        return "submitted" if assignment.submitted else "draft"


class DraftSerializer(serializers.ModelSerializer):
    class Meta:
        model = RatingDraft
        fields = ["answers", "missing_reasons", "time_stamps", "saved_at"]


class OwnRatingSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    instrument_key = serializers.CharField()
    instrument_version = serializers.CharField()
    answers = serializers.JSONField()
    missing_reasons = serializers.JSONField()
    time_stamps = serializers.JSONField()
    scores = serializers.JSONField()
    submitted_at = serializers.DateTimeField()


class AssignmentDetailSerializer(AssignmentSerializer):
    """One assignment with the user's own draft or own rating, and nothing of anyone else's."""

    draft = DraftSerializer(allow_null=True, read_only=True)
    rating = serializers.SerializerMethodField()

    @extend_schema_field(OwnRatingSerializer(allow_null=True))
    def get_rating(self, assignment) -> dict | None:
        rating = self.context["rating"]
        return None if rating is None else OwnRatingSerializer(rating).data

    def get_status(self, assignment) -> str:
        return "draft" if self.context["rating"] is None else "submitted"


class RatingInputSerializer(serializers.Serializer):
    """What a rater entered: item id -> answer, item id -> why it is left empty, item id -> seconds."""

    answers = serializers.DictField(child=serializers.JSONField(allow_null=True), default=dict)
    missing_reasons = serializers.DictField(child=serializers.CharField(), default=dict)
    time_stamps = serializers.DictField(child=serializers.FloatField(min_value=0), default=dict)


class ItemAgreementSerializer(serializers.Serializer):
    """One item or score of agreement.study_agreement: the core's report entry, or why there is none."""

    key = serializers.CharField()
    label = serializers.CharField()
    is_score = serializers.BooleanField()
    statistics = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    def get_statistics(self, row) -> dict:
        return {key: value for key, value in row.entry.items() if key != "error"}

    @extend_schema_field(AnswerErrorSerializer(allow_null=True))
    def get_error(self, row) -> dict | None:
        code = row.entry.get("error", {}).get("code")
        return None if code is None else {"code": code, "message": str(STATISTICS_ERRORS.get(code, row.error))}


class RaterAgainstOthersSerializer(serializers.Serializer):
    rater = serializers.CharField()
    ratings = serializers.IntegerField()
    mean_difference = FiniteFloatField(allow_null=True)
    mean_absolute = FiniteFloatField(allow_null=True)
    within_one = FiniteFloatField(allow_null=True)


class PairSerializer(serializers.Serializer):
    item = serializers.CharField()
    label = serializers.CharField()
    rater_a = serializers.CharField()
    rater_b = serializers.CharField()
    segments = serializers.IntegerField()
    mean_absolute = FiniteFloatField(allow_null=True)


class AgreementSerializer(serializers.Serializer):
    """The numbers of the agreement page (agreement.StudyAgreement), without its chart."""

    scale = serializers.CharField(source="instrument.key")
    raters = serializers.ListField(child=serializers.CharField())
    segments = serializers.IntegerField()
    blocked_segments = serializers.IntegerField()
    problem = serializers.CharField(allow_null=True)
    scores = ItemAgreementSerializer(source="score_rows", many=True)
    items = ItemAgreementSerializer(source="item_rows", many=True)
    raters_against_others = RaterAgainstOthersSerializer(source="rater_rows", many=True)
    largest_differences = PairSerializer(source="pairs", many=True)


# -- Views ------------------------------------------------------------------------------------------------


def _refuse_if_blocked(assignment: Assignment) -> None:
    """The consent gate of the rating screen (views.rate): 403 with the reasons."""
    problems = consents.consent_problems(assignment.segment.recording.recorded, assignment.study.purpose)
    if problems:
        raise PermissionDenied(" ".join(pages.consent_sentences(problems)))


def _open_assignment(user, public_id) -> Assignment:
    """The user's assignment, still to be rated: 409 once submitted, 403 without consent."""
    assignment = access.get_assignment_for_rater(user, public_id)
    if services.current_rating(assignment) is not None:
        raise Submitted
    _refuse_if_blocked(assignment)
    return assignment


def _entered(request, assignment: Assignment) -> tuple[services.RatingInput, dict[str, str]]:
    """The request's rating input, and the item ids in it that the scale does not have."""
    incoming = RatingInputSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    entered = services.RatingInput(**incoming.validated_data)
    known = {item.id for item in services.instrument_of(assignment).items}
    named = [*entered.answers, *entered.missing_reasons, *entered.time_stamps]
    return entered, {item: "unknown_item" for item in named if item not in known}


class Assignments(generics.ListAPIView):
    """The user's own assignments, as on the rating home page (not yet submitted first)."""

    api_part = ApiPart.RATING
    serializer_class = AssignmentSerializer
    list_filters = {
        "study": ("study__public_id", uuid.UUID, "The study's public id."),
        "submitted": ("submitted", bool, "true: rated and submitted; false: still to rate."),
    }

    def get_queryset(self):
        return (
            pages.assignments_of(self.request.user)
            .select_related("segment")
            .order_by("submitted", "study__name", "segment__name", "pk")
        )

    def get_serializer(self, *args, **kwargs):
        """A page's withdrawn consents are looked up once for all its recordings."""
        if kwargs.get("many") and args:
            recordings = [assignment.segment.recording for assignment in args[0]]
            kwargs["context"] = {
                **self.get_serializer_context(),
                "withdrawn_recordings": consents.withdrawn_recordings(recordings),
            }
        return super().get_serializer(*args, **kwargs)


class AssignmentDetail(APIView):
    api_part = ApiPart.RATING

    @extend_schema(responses=AssignmentDetailSerializer)
    def get(self, request, public_id):
        """One own assignment with the saved draft, or the own rating once submitted."""
        assignment = access.get_assignment_for_rater(request.user, public_id)
        rating = services.current_rating(assignment)
        if rating is None:
            _refuse_if_blocked(assignment)
        patients = consents.patient_ids(assignment.segment.recording)
        audit.record_for_patients(request, AuditEvent.Action.VIEW, assignment, patients, detail="api assignment")
        context = {"request": request, "rating": rating}
        return Response(AssignmentDetailSerializer(assignment, context=context).data)


class Draft(APIView):
    api_part = ApiPart.RATING

    @extend_schema(request=RatingInputSerializer, responses={200: DraftSerializer, 400: AnswerErrorsSerializer})
    def put(self, request, public_id):
        """Keep what was entered so far; nothing but the item ids is checked until submitting."""
        assignment = _open_assignment(request.user, public_id)
        entered, unknown = _entered(request, assignment)
        if unknown:
            return Response(answer_errors(unknown, MESSAGES), status=status.HTTP_400_BAD_REQUEST)
        draft = services.save_draft(assignment=assignment, entered=entered)
        return Response(DraftSerializer(draft).data)


class Submit(APIView):
    api_part = ApiPart.RATING

    @extend_schema(request=RatingInputSerializer, responses={201: OwnRatingSerializer, 400: AnswerErrorsSerializer})
    def post(self, request, public_id):
        """Submit the rating; with problems it is kept as the draft (as on the page) and answers 400."""
        assignment = _open_assignment(request.user, public_id)
        entered, unknown = _entered(request, assignment)
        if unknown:
            return Response(answer_errors(unknown, MESSAGES), status=status.HTTP_400_BAD_REQUEST)
        submission = services.submit_rating(assignment=assignment, entered=entered, by=request.user)
        if submission.errors:
            services.save_draft(assignment=assignment, entered=entered)
            return Response(answer_errors(submission.errors, MESSAGES), status=status.HTTP_400_BAD_REQUEST)
        patients = consents.patient_ids(assignment.segment.recording)
        audit.record_for_patients(request, AuditEvent.Action.SUBMIT, submission.rating, patients, detail="")
        return Response(OwnRatingSerializer(submission.rating).data, status=status.HTTP_201_CREATED)


class StudyAgreement(APIView):
    api_part = ApiPart.RATING

    @extend_schema(responses=AgreementSerializer)
    def get(self, request, public_id):
        """The study's agreement, as on its agreement page; for the study's leader only."""
        study = access.get_study_for_leader(request.user, public_id)
        audit.record(request, AuditEvent.Action.VIEW, study, detail="api agreement")
        return Response(AgreementSerializer(agreement.study_agreement(study, current_language())).data)


app_name = "rating-api"
urlpatterns = [
    path("assignments/", Assignments.as_view(), name="assignments"),
    path("assignments/<uuid:public_id>/", AssignmentDetail.as_view(), name="assignment"),
    path("assignments/<uuid:public_id>/draft/", Draft.as_view(), name="draft"),
    path("assignments/<uuid:public_id>/submit/", Submit.as_view(), name="submit"),
    path("studies/<uuid:public_id>/agreement/", StudyAgreement.as_view(), name="agreement"),
]
