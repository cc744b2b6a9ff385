"""A group session's summary through the API, as on its pages (allianse.groups.summary_views):
start it, read it, write it, add, change and remove interpersonal events, sign it, add addenda.

The page's forms check the values and allianse.groups.summaries makes the change; members are named
by their membership's public id. A summary of a group the user does not lead answers 404 as an
unknown one; a change of a signed summary answers 409 (add an addendum instead).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from allianse.accounts import audit
from allianse.accounts.models import ApiPart, AuditEvent
from allianse.accounts.permissions import Therapist
from allianse.clinic.models import Language
from allianse.groups import services, summaries
from allianse.groups.access import get_group_session_for_user, get_summary_for_user
from allianse.groups.forms import AddendumForm, EventForm, SignSummaryForm, StartSummaryForm, SummaryForm
from allianse.groups.models import Attendance, InterpersonalEvent, Membership, SessionSummary

from .input import Conflict, body, validated

VIEW, CREATE, UPDATE = AuditEvent.Action.VIEW, AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


class EventSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    members = serializers.SlugRelatedField(
        slug_field="public_id", many=True, queryset=Membership.objects.none(), help_text="Memberships' public ids."
    )

    class Meta:
        model = InterpersonalEvent
        fields = ["id", "members", "what_happened", "failure", "intervention", "intervention_note", "created_at"]
        read_only_fields = ["created_at"]


class AddendumSerializer(serializers.Serializer):
    text = serializers.CharField()
    written_by = serializers.CharField(source="written_by.display_name", read_only=True)
    written_at = serializers.DateTimeField(read_only=True)


class SummarySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    session = serializers.UUIDField(source="session.public_id", read_only=True)
    signed_by = serializers.CharField(source="signed_by.display_name", allow_null=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)
    addenda = AddendumSerializer(many=True, read_only=True)

    class Meta:
        model = SessionSummary
        fields = ["id", "session", "themes", "phases", "agreements", "signed_by", "signed_at", "events", "addenda"]
        read_only_fields = ["signed_at"]


class StartInput(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices)


class SignInput(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="true: the summary has been read; signing locks it.")


def _loaded(summary: SessionSummary) -> SessionSummary:
    events = InterpersonalEvent.objects.prefetch_related("members").order_by("created_at")
    return (
        SessionSummary.objects.select_related("session", "signed_by")
        .prefetch_related(Prefetch("events", queryset=events), "addenda__written_by")
        .get(pk=summary.pk)
    )


def _present(summary: SessionSummary) -> list[int]:
    """The patients of the session's members: every event about the summary is in their logs."""
    return list(
        Attendance.objects.filter(session_id=summary.session_id).values_list("membership__patient_id", flat=True)
    )


def _answer(request, summary, action: str, detail: str, status_code=status.HTTP_200_OK) -> Response:
    audit.record_for_patients(request, action, summary, _present(summary), detail=f"api {detail}")
    return Response(SummarySerializer(_loaded(summary)).data, status=status_code)


def _event_form(data: dict, summary: SessionSummary, instance=None) -> EventForm:
    """The page's event form, taking members by their membership's public id."""
    form = EventForm(data, instance=instance, session=summary.session)
    form.fields["members"].to_field_name = "public_id"
    return form


class _SummaryView(APIView):
    permission_classes = [Therapist]
    api_part = ApiPart.GROUPS


class Start(_SummaryView):
    @extend_schema(request=StartInput, responses={201: SummarySerializer})
    def post(self, request, public_id):
        """Start the session's summary from the template in `language` (nb or en); an existing
        summary is answered as it is."""
        session = get_group_session_for_user(request.user, public_id)
        language = validated(StartSummaryForm(body(request)))["language"]
        summary = summaries.start_summary(session=session, by=request.user, language=language)
        return _answer(request, summary, CREATE, "group session summary", status.HTTP_201_CREATED)


class Summary(_SummaryView):
    @extend_schema(responses=SummarySerializer)
    def get(self, request, public_id):
        """The summary with its interpersonal events and addenda."""
        summary = get_summary_for_user(request.user, public_id)
        return _answer(request, summary, VIEW, "group session summary")

    @extend_schema(request=SummarySerializer, responses=SummarySerializer)
    def put(self, request, public_id):
        """Write the summary's themes, phases and agreements (a draft only)."""
        summary = get_summary_for_user(request.user, public_id)
        data = validated(SummaryForm(body(request), instance=summary))
        try:
            summaries.update_summary(summary=summary, by=request.user, **data)
        except summaries.SummarySigned as error:
            raise Conflict(str(error)) from None
        return _answer(request, summary, UPDATE, "group session summary")


class Events(_SummaryView):
    @extend_schema(request=EventSerializer, responses={201: SummarySerializer})
    def post(self, request, public_id):
        """Add an interpersonal event: who (members present at the session), what happened, where the
        mentalizing failed and what the therapists did."""
        summary = get_summary_for_user(request.user, public_id)
        _save_event(request, summary, None)
        return _answer(request, summary, UPDATE, "interpersonal event", status.HTTP_201_CREATED)


class Event(_SummaryView):
    @extend_schema(request=EventSerializer, responses=SummarySerializer)
    def put(self, request, public_id, event_id):
        """Change an interpersonal event of a draft summary."""
        summary = get_summary_for_user(request.user, public_id)
        _save_event(request, summary, get_object_or_404(InterpersonalEvent, summary=summary, public_id=event_id))
        return _answer(request, summary, UPDATE, "interpersonal event")

    @extend_schema(responses=SummarySerializer)
    def delete(self, request, public_id, event_id):
        """Remove an interpersonal event from a draft summary."""
        summary = get_summary_for_user(request.user, public_id)
        event = get_object_or_404(InterpersonalEvent, summary=summary, public_id=event_id)
        try:
            summaries.remove_event(event=event, by=request.user)
        except summaries.SummarySigned as error:
            raise Conflict(str(error)) from None
        return _answer(request, summary, UPDATE, "interpersonal event removed")


def _save_event(request, summary, instance) -> None:
    data = validated(_event_form(body(request), summary, instance))
    try:
        summaries.save_event(summary=summary, by=request.user, event=instance, **data)
    except summaries.SummarySigned as error:
        raise Conflict(str(error)) from None


class Sign(_SummaryView):
    @extend_schema(request=SignInput, responses=SummarySerializer)
    def post(self, request, public_id):
        """Sign the summary (with `confirm`: true); from then on it never changes."""
        summary = get_summary_for_user(request.user, public_id)
        validated(SignSummaryForm(body(request)))
        try:
            summaries.sign_summary(summary=summary, by=request.user)
        except summaries.SummarySigned as error:
            raise Conflict(str(error)) from None
        return _answer(request, summary, UPDATE, "group session summary signed")


class Addenda(_SummaryView):
    @extend_schema(request=AddendumSerializer, responses={201: SummarySerializer})
    def post(self, request, public_id):
        """Add a correction or addition to a signed summary."""
        summary = get_summary_for_user(request.user, public_id)
        text = validated(AddendumForm(body(request)))["text"]
        try:
            summaries.add_addendum(summary=summary, by=request.user, text=text)
        except services.GroupRuleError as error:
            raise Conflict(str(error)) from None
        return _answer(request, summary, CREATE, "summary addendum", status.HTTP_201_CREATED)


urlpatterns = [
    path("group-sessions/<uuid:public_id>/summary/", Start.as_view(), name="summary_start"),
    path("group-summaries/<uuid:public_id>/", Summary.as_view(), name="summary"),
    path("group-summaries/<uuid:public_id>/events/", Events.as_view(), name="summary_events"),
    path("group-summaries/<uuid:public_id>/events/<uuid:event_id>/", Event.as_view(), name="summary_event"),
    path("group-summaries/<uuid:public_id>/sign/", Sign.as_view(), name="summary_sign"),
    path("group-summaries/<uuid:public_id>/addenda/", Addenda.as_view(), name="summary_addenda"),
]
