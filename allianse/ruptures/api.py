"""REST API (read-only) for the signals and rupture episodes of the user's own treatments.

/api/v1/ruptures/signals/ and /api/v1/ruptures/episodes/, in pages, each filterable by `treatment`
(its public id), `patient` (code), `kind` and dates. A list holds only the user's treatments; an
object of another therapist's treatment answers 404, as an unknown id and as the pages do. Every
read is written to the audit log.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.db.models import OuterRef, Subquery
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from allianse.accounts import audit
from allianse.accounts.access import get_visible_or_404
from allianse.accounts.models import ApiPart
from allianse.clinic.models import Session, Treatment

from .models import EpisodeStageNote, RuptureEpisode, Signal
from .services import stage_count


class SignalSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    treatment = serializers.UUIDField(source="treatment.public_id")
    patient_code = serializers.CharField(source="treatment.patient.code")
    session = serializers.IntegerField(source="session.number")
    episode = serializers.UUIDField(source="episode.public_id", allow_null=True)

    class Meta:
        model = Signal
        fields = [
            "id",
            "treatment",
            "patient_code",
            "session",
            "kind",
            "detail",
            "value",
            "threshold",
            "explanation_en",
            "explanation_nb",
            "episode",
            "created_at",
            "seen_at",
            "acknowledged_at",
        ]


class NoteSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name")

    class Meta:
        model = EpisodeStageNote
        fields = ["stage", "strategies", "text", "author", "at"]


EPISODE_SESSIONS = ("first_session", "last_session", "recovery_session")


def _session_number(field: str) -> Subquery:
    return Subquery(Session.objects.filter(pk=OuterRef(f"{field}_id")).values("number"))


class SessionNumber(serializers.IntegerField):
    """The number of one of an episode's sessions: the annotation `<field>_number` where the
    episode was read with it (`EpisodeViewSet`), else the session's own (the answers of
    allianse.api.episodes, one episode each)."""

    def get_attribute(self, instance):
        annotated = f"{self.field_name}_number"
        if hasattr(instance, annotated):
            return getattr(instance, annotated)
        session = getattr(instance, self.field_name)
        return None if session is None else session.number


class EpisodeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    treatment = serializers.UUIDField(source="treatment.public_id")
    patient_code = serializers.CharField(source="treatment.patient.code")
    first_session = SessionNumber()
    last_session = SessionNumber()
    stages = serializers.SerializerMethodField()
    recovery_session = SessionNumber(allow_null=True)
    notes = NoteSerializer(many=True, read_only=True)

    class Meta:
        model = RuptureEpisode
        fields = [
            "id",
            "treatment",
            "patient_code",
            "kind",
            "markers",
            "intensity",
            "first_session",
            "last_session",
            "stage",
            "stages",
            "status",
            "outcome",
            "recovery",
            "recovery_session",
            "opened_at",
            "closed_at",
            "notes",
        ]

    def get_stages(self, episode: RuptureEpisode) -> int:
        """How many stages the repair path of the episode's kind has."""
        return stage_count(episode.kind)


# Filters of both lists (query parameter -> lookup, type, description; see allianse.api.filters).
TREATMENT_FILTERS = {
    "treatment": ("treatment__public_id", uuid.UUID, "The treatment's public id."),
    "patient": ("treatment__patient__code", str, "The patient's code."),
    "kind": ("kind", str, "The kind of signal or rupture."),
}


class _OwnTreatments(viewsets.ReadOnlyModelViewSet):
    """Lists hold the user's treatments only; retrieving another's object answers 404."""

    lookup_field = "public_id"
    lookup_value_converter = "uuid"
    api_part = ApiPart.RUPTURES

    def get_queryset(self):
        # A subquery rather than a join: a join needs DISTINCT over every column, which PostgreSQL
        # sorts whole before it can count or page.
        own = Treatment.objects.for_therapist(self.request.user).values("pk")
        return self.base_queryset().filter(treatment__in=own)

    def get_object(self):
        return get_visible_or_404(
            self.base_queryset(),
            lambda found: found.treatment.therapists.filter(pk=self.request.user.pk).exists(),
            public_id=self.kwargs["public_id"],
        )

    def list(self, request, *args, **kwargs):
        found = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        audit.record_patients_shown(
            request, [obj.treatment.patient for obj in found], detail=f"api {self.basename} list"
        )
        return self.get_paginated_response(self.get_serializer(found, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        found = self.get_object()
        audit.record_patients_shown(request, [found.treatment.patient], detail=f"api {self.basename}")
        return Response(self.get_serializer(found).data)


class SignalViewSet(_OwnTreatments):
    serializer_class = SignalSerializer
    list_filters = {
        **TREATMENT_FILTERS,
        "created_from": ("created_at__date__gte", date, "Signalled on or after (date)."),
        "created_to": ("created_at__date__lte", date, "Signalled on or before (date)."),
    }

    def base_queryset(self):
        return Signal.objects.current().select_related("treatment__patient", "session", "episode").order_by("id")


class EpisodeViewSet(_OwnTreatments):
    serializer_class = EpisodeSerializer
    list_filters = {
        **TREATMENT_FILTERS,
        "status": ("status", str, "open or closed."),
        "opened_from": ("opened_at__date__gte", date, "Opened on or after (date)."),
        "opened_to": ("opened_at__date__lte", date, "Opened on or before (date)."),
    }

    def base_queryset(self):
        # The sessions' numbers as subqueries, not joins: PostgreSQL plans a join of the sessions
        # table three times over longer than it runs the query (about 10 ms against 2 at L).
        return (
            RuptureEpisode.objects.filter(treatment__isnull=False)  # group members' episodes: not in API v1
            .select_related("treatment__patient")
            .annotate(**{f"{field}_number": _session_number(field) for field in EPISODE_SESSIONS})
            .prefetch_related("notes__author")
            .order_by("opened_at", "id")
        )


router = SimpleRouter(use_regex_path=False)  # path converters: lookup_value_converter applies
router.register("signals", SignalViewSet, basename="signal")
router.register("episodes", EpisodeViewSet, basename="episode")

app_name = "ruptures-api"
urlpatterns = router.urls
