"""The API's map: the OpenAPI schema and its interactive documentation (Swagger UI), served by the
product itself from drf-spectacular-sidecar's files, so it works without the internet and within
the pages' Content-Security-Policy (no inline script)."""

from django.shortcuts import render
from drf_spectacular.views import SpectacularAPIView

from allianse.accounts.api_auth import TokenScope
from allianse.accounts.decorators import staff_required

from .permissions import VerifiedStaff


class Schema(SpectacularAPIView):
    """The schema describes no patient data, but the API is for staff and their tokens, so is its map."""

    permission_classes = [VerifiedStaff, TokenScope]
    api_part = None  # any token may read it


@staff_required
def docs(request):
    return render(request, "api/docs.html")
