"""FHIR R4 under /api/v1/fhir/ (content type application/fhir+json): Questionnaires for signed-in
staff; a response, its scores and a treatment's Bundle for the treatment's therapists only (404
otherwise, as for an unknown id), each read audited."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from allianse.accounts import audit
from allianse.accounts.models import ApiPart, AuditEvent
from allianse.accounts.permissions import Therapist
from allianse.clinic.access import get_treatment_for_user
from allianse.instruments import registry

from . import services
from .access import get_response_for_user

ISSUE_CODES = {401: "login", 403: "forbidden", 404: "not-found", 405: "not-supported", 406: "not-supported"}


class FhirJSONRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"


class FhirView(APIView):
    """Answers in FHIR JSON; errors as an OperationOutcome."""

    api_part = ApiPart.FHIR
    renderer_classes = [FhirJSONRenderer, JSONRenderer]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error",
                    "code": ISSUE_CODES.get(response.status_code, "processing"),
                    "diagnostics": str(detail),
                }
            ],
        }
        return response


class Questionnaires(FhirView):
    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="fhir_Questionnaire_list")
    def get(self, request):
        """Every instrument (imported ones too) as a searchset Bundle of Questionnaires."""
        resources = [services.questionnaire(instrument) for instrument in registry.all_instruments(imported=True)]
        return Response(
            {
                "resourceType": "Bundle",
                "type": "searchset",
                "total": len(resources),
                "entry": [
                    {"fullUrl": resource["url"], "resource": resource, "search": {"mode": "match"}}
                    for resource in resources
                ],
            }
        )


class QuestionnaireDetail(FhirView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, key):
        """One instrument as a FHIR R4 Questionnaire (nb, with English translations)."""
        try:
            instrument = registry.get(key, imported=True)
        except KeyError:
            raise NotFound from None
        return Response(services.questionnaire(instrument))


class QuestionnaireResponseDetail(FhirView):
    permission_classes = [Therapist]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, public_id):
        """One response as a QuestionnaireResponse pointing at its Questionnaire by canonical URL and version."""
        response = get_response_for_user(request.user, public_id)
        audit.record(
            request,
            AuditEvent.Action.EXPORT,
            response,
            patient=response.session.treatment.patient,
            detail="fhir QuestionnaireResponse",
        )
        return Response(services.response_resources(response)[0])


class ObservationDetail(FhirView):
    permission_classes = [Therapist]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, public_id):
        """A response's scores as an Observation (its id is the response's)."""
        response = get_response_for_user(request.user, public_id)
        resources = services.response_resources(response)
        if len(resources) < 2:
            raise NotFound
        audit.record(
            request,
            AuditEvent.Action.EXPORT,
            response,
            patient=response.session.treatment.patient,
            detail="fhir Observation",
        )
        return Response(resources[1])


class TreatmentBundle(FhirView):
    permission_classes = [Therapist]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, public_id):
        """A treatment's data as a collection Bundle under pseudonymous identifiers."""
        treatment = get_treatment_for_user(request.user, public_id)
        bundle = services.treatment_bundle(treatment, services.treatment_responses(treatment))
        audit.record(request, AuditEvent.Action.EXPORT, treatment, patient=treatment.patient, detail="fhir Bundle")
        return Response(bundle)


urlpatterns = [
    path("Questionnaire/", Questionnaires.as_view(), name="fhir_questionnaires"),
    path("Questionnaire/<str:key>/", QuestionnaireDetail.as_view(), name="fhir_questionnaire"),
    path(
        "QuestionnaireResponse/<uuid:public_id>/",
        QuestionnaireResponseDetail.as_view(),
        name="fhir_questionnaire_response",
    ),
    path("Observation/<uuid:public_id>/", ObservationDetail.as_view(), name="fhir_observation"),
    path("Bundle/<uuid:public_id>/", TreatmentBundle.as_view(), name="fhir_bundle"),
]
