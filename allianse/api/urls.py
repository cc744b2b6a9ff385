"""The v1 URL list of the REST API (mounted at /api/v1/; NamespaceVersioning reads "v1").

Each app's routes are one entry of `urlpatterns`; add a new app's routes as one more entry."""

from django.urls import include, path

from . import docs, episodes, recordings, summaries, views

app_name = "v1"
urlpatterns = [
    path("ruptures/", include("allianse.ruptures.api")),
    path("ruptures/", include(episodes.urlpatterns)),
    path("", include("allianse.groups.api")),  # groups/ and group-sessions/
    path("", include(summaries.urlpatterns)),  # group-sessions/{id}/summary/ and group-summaries/
    path("rating/", include("allianse.rating.api")),
    path("rating/", include("allianse.rating.recordings_api")),  # recordings, member consents, assignments
    path("rating/", include(recordings.urlpatterns)),  # the lists of recordings and consents, patients' consents
    path("courses/", include("allianse.courses.api")),
    path("research/", include("allianse.research.api")),
    path("patients/", views.Patients.as_view(), name="patients"),
    path("treatments/<uuid:public_id>/series/", views.Series.as_view(), name="series"),
    path("treatments/<uuid:public_id>/sessions/", views.Sessions.as_view(), name="sessions"),
    path("treatments/<uuid:public_id>/end/", views.TreatmentEnd.as_view(), name="treatment_end"),
    path("sessions/<uuid:public_id>/check-link/", views.CheckLink.as_view(), name="check_link"),
    path("sessions/<uuid:public_id>/therapist-check/", views.TherapistCheck.as_view(), name="therapist_check"),
    path("fhir/", include("allianse.fhir.api")),  # FHIR R4: Questionnaire, QuestionnaireResponse, Observation, Bundle
    path("instruments/", views.Instruments.as_view(), name="instruments"),
    path("instruments/<str:key>/", views.InstrumentDetail.as_view(), name="instrument"),
    path("schema/", docs.Schema.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
]
