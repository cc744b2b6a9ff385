"""Working on a rupture episode through the API, as on its page: a note (optionally moving on to the
next stage), the stage reached, and closing with the outcome.

The page's forms check the values and the page's services make the change (allianse.ruptures);
an episode of another therapist's treatment answers 404 as an unknown one, and a closed episode
409. Group members' episodes are not in API v1 (as in its lists).
"""

from __future__ import annotations

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from allianse.accounts import audit
from allianse.accounts.models import ApiPart, AuditEvent
from allianse.accounts.permissions import Therapist
from allianse.ruptures import services
from allianse.ruptures.access import get_episode_for_user
from allianse.ruptures.api import EpisodeSerializer, NoteSerializer
from allianse.ruptures.forms import CloseForm, NoteForm, StageForm
from allianse.ruptures.models import Outcome

from .input import Conflict, body, validated


class NoteInput(serializers.Serializer):
    stage = serializers.IntegerField(min_value=1)
    strategies = serializers.ListField(child=serializers.CharField(), required=False)
    text = serializers.CharField(required=False, max_length=4000)
    advance = serializers.BooleanField(required=False)


class StageInput(serializers.Serializer):
    stage = serializers.IntegerField(min_value=1)


class CloseInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(required=False, max_length=4000)


def _episode(request, public_id):
    episode = get_episode_for_user(request.user, public_id)
    if episode.treatment_id is None:
        raise Http404
    return episode


class _EpisodeChange(APIView):
    """Validate the body with the page's form, call the service, audit, answer the episode."""

    permission_classes = [Therapist]
    api_part = ApiPart.RUPTURES
    form_class: type
    detail: str

    def form(self, data: dict, episode):
        return self.form_class(data, episode=episode)

    def change(self, request, episode, data: dict):
        raise NotImplementedError

    def post(self, request, public_id):
        episode = _episode(request, public_id)
        data = validated(self.form(body(request), episode))
        try:
            result = self.change(request, episode, data)
        except services.EpisodeClosed:
            raise Conflict(_("This episode is closed; it can no longer be changed.")) from None
        audit.record(request, AuditEvent.Action.UPDATE, episode, patient=episode.patient, detail=f"api {self.detail}")
        return result


def _episode_response(episode, status_code=status.HTTP_200_OK) -> Response:
    fresh = (
        type(episode)
        .objects.select_related("treatment__patient", "first_session", "last_session", "recovery_session")
        .prefetch_related("notes__author")
        .get(pk=episode.pk)
    )
    return Response(EpisodeSerializer(fresh).data, status=status_code)


class Notes(_EpisodeChange):
    form_class = NoteForm
    detail = "episode note"

    @extend_schema(request=NoteInput, responses={201: NoteSerializer})
    def post(self, request, public_id):
        """Write what was tried at a stage (strategies by key of the repair guide, a text, or both);
        `advance` moves the episode on to the next stage in the same step."""
        return super().post(request, public_id)

    def change(self, request, episode, data):
        note = services.add_note(episode=episode, by=request.user, **data)
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class Stage(_EpisodeChange):
    form_class = StageForm
    detail = "episode stage"

    @extend_schema(request=StageInput, responses={200: EpisodeSerializer})
    def post(self, request, public_id):
        """Set the stage of the repair path the episode has reached."""
        return super().post(request, public_id)

    def change(self, request, episode, data):
        return _episode_response(services.set_stage(episode=episode, by=request.user, **data))


class Close(_EpisodeChange):
    form_class = CloseForm
    detail = "episode closed"

    def form(self, data: dict, episode):
        return CloseForm(data)

    @extend_schema(request=CloseInput, responses={200: EpisodeSerializer})
    def post(self, request, public_id):
        """Close the episode with the therapist's judgement of the outcome, and an optional closing note."""
        return super().post(request, public_id)

    def change(self, request, episode, data):
        return _episode_response(services.close_episode(episode=episode, by=request.user, **data))


urlpatterns = [
    path("episodes/<uuid:public_id>/notes/", Notes.as_view(), name="episode_notes"),
    path("episodes/<uuid:public_id>/stage/", Stage.as_view(), name="episode_stage"),
    path("episodes/<uuid:public_id>/close/", Close.as_view(), name="episode_close"),
]
