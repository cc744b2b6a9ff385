"""The shapes of the API's requests and answers. Serializers only shape data: validation of
answers is the core's (`check_answers`), workflows are the apps' services.

Objects are named by their public UUIDs; a patient's name is accepted at registration and
never returned.
"""

from __future__ import annotations

import pandas as pd
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from allianse.clinic.dates import plausible_date
from allianse.clinic.models import EndReason, Language, Patient, Session, Treatment
from allianse.feedback.models import CheckStatus, Response
from allianse.feedback.series import SessionRow


class PatientSerializer(serializers.Serializer):
    """One active treatment of the caseload (clinic.services.caseload) with its latest patient check."""

    public_id = serializers.UUIDField(source="patient.public_id")
    code = serializers.CharField(source="patient.code")
    language = serializers.ChoiceField(source="patient.language", choices=Language.choices)
    treatment = serializers.UUIDField(source="public_id")
    latest_session = serializers.IntegerField(source="latest.session.number", allow_null=True)
    latest_alliance = serializers.FloatField(source="latest.primary_score", allow_null=True)
    latest_rupture = serializers.BooleanField(source="latest.rupture_reported", allow_null=True)
    latest_held_back = serializers.BooleanField(source="latest.held_back", allow_null=True)


class NewPatientSerializer(serializers.ModelSerializer):
    started_on = serializers.DateField(validators=[plausible_date])

    class Meta:
        model = Patient
        fields = ["name", "language", "started_on"]
        extra_kwargs = {"name": {"default": ""}, "language": {"required": True}}


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["public_id", "number", "starts_at", "attended"]
        read_only_fields = ["public_id", "number"]
        extra_kwargs = {"attended": {"default": True}, "starts_at": {"validators": [plausible_date]}}


class EndTreatmentSerializer(serializers.Serializer):
    ended_on = serializers.DateField(validators=[plausible_date])
    reason = serializers.ChoiceField(choices=EndReason.choices)

    def validate_ended_on(self, value):
        if value < self.context["treatment"].started_on:
            raise serializers.ValidationError(_("A treatment cannot end before it started."))
        return value


class TreatmentSerializer(serializers.ModelSerializer):
    patient = serializers.UUIDField(source="patient.public_id", read_only=True)
    approach = serializers.StringRelatedField()

    class Meta:
        model = Treatment
        fields = ["public_id", "patient", "started_on", "ended_on", "end_reason", "approach"]


class PerspectiveSerializer(serializers.Serializer):
    """One respondent's check for one session: the alliance scores and whether they saw a rupture."""

    goal = serializers.FloatField(allow_null=True)
    task = serializers.FloatField(allow_null=True)
    bond = serializers.FloatField(allow_null=True)
    alliance = serializers.FloatField(allow_null=True)
    rupture = serializers.BooleanField(allow_null=True)


class PatientViewSerializer(PerspectiveSerializer):
    """The patient's check also says how strong a rupture was, how far it was resolved before the
    session ended, and whether they held something back."""

    rupture_intensity = serializers.IntegerField(allow_null=True)
    rupture_resolution = serializers.IntegerField(allow_null=True)
    held_back = serializers.BooleanField(allow_null=True)


class SessionRowSerializer(serializers.Serializer):
    """One item of series_items: a session with both perspectives side by side."""

    public_id = serializers.UUIDField(source="session.public_id")
    number = serializers.IntegerField(source="session.number")
    starts_at = serializers.DateTimeField(source="session.starts_at")
    attended = serializers.BooleanField(source="session.attended")
    check_status = serializers.ChoiceField(source="status", choices=CheckStatus.choices)
    patient = PatientViewSerializer()
    therapist = PerspectiveSerializer()


def series_items(rows: list[SessionRow], frame: pd.DataFrame) -> list[dict]:
    """Each session with its columns of clinic.series.series_frame split by perspective (the
    therapist's columns carry the prefix `therapist_`), missing values (NaN) as None."""
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [
        {
            "session": row.session,
            "status": row.status,
            "patient": record,
            "therapist": {
                key.removeprefix("therapist_"): value for key, value in record.items() if key.startswith("therapist_")
            },
        }
        for row, record in zip(rows, records, strict=True)
    ]


class CheckLinkSerializer(serializers.Serializer):
    """A patient's check link: the absolute address to send or show, the short code to type on the
    start page instead (at `start_url`), and when it stops working."""

    url = serializers.SerializerMethodField()
    short_code = serializers.CharField()
    start_url = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()

    def get_url(self, administration) -> str:
        return self.context["request"].build_absolute_uri(reverse("feedback:check", args=[administration.token]))

    def get_start_url(self, administration) -> str:
        return self.context["request"].build_absolute_uri(reverse("feedback:start"))


class StoredResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Response
        fields = ["public_id", "instrument_key", "instrument_version", "answers", "scores", "bands", "submitted_at"]


class InstrumentSummarySerializer(serializers.Serializer):
    key = serializers.CharField()
    version = serializers.CharField()
    respondent = serializers.CharField()
    validated = serializers.BooleanField()
    title = serializers.DictField(child=serializers.CharField())
