from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from allianse.clinic.health import healthz

urlpatterns = [
    path("", include("allianse.home.urls")),
    path("", include("allianse.caseload.urls")),
    path("", include("allianse.feedback.urls")),
    path("", include("allianse.groups.urls")),
    path("accounts/", include("allianse.accounts.urls")),
    path("clinic/", include("allianse.clinic.urls")),
    path("delivery/", include("allianse.delivery.urls")),
    path("rating/", include("allianse.rating.urls")),
    path("courses/", include("allianse.courses.urls")),
    path("fhir/", include("allianse.fhir.urls")),
    path("ruptures/", include("allianse.ruptures.urls")),
    path("instruments/", include("allianse.instruments.urls")),
    path("research/", include("allianse.research.urls")),
    path("api/v1/", include("allianse.api.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
