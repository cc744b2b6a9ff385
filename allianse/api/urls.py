"""The v1 URL list of the REST API (mounted at /api/v1/; NamespaceVersioning reads "v1")."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import views
from .permissions import VerifiedStaff

app_name = "v1"
urlpatterns = [
    path("ruptures/", include("allianse.ruptures.api")),
    path("", include("allianse.groups.api")),  # groups/ and group-sessions/
    path("rating/", include("allianse.rating.api")),
    path("patients/", views.Patients.as_view(), name="patients"),
    path("treatments/<uuid:public_id>/series/", views.Series.as_view(), name="series"),
    path("treatments/<uuid:public_id>/sessions/", views.Sessions.as_view(), name="sessions"),
    path("sessions/<uuid:public_id>/check-link/", views.CheckLink.as_view(), name="check_link"),
    path("sessions/<uuid:public_id>/therapist-check/", views.TherapistCheck.as_view(), name="therapist_check"),
    path("instruments/", views.Instruments.as_view(), name="instruments"),
    path("instruments/<str:key>/", views.InstrumentDetail.as_view(), name="instrument"),
    # The schema describes no patient data, but the API is for signed-in staff, so is its map.
    path("schema/", SpectacularAPIView.as_view(permission_classes=[VerifiedStaff]), name="schema"),
]
