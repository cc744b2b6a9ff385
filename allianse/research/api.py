"""Research exports through the API (/api/v1/research/): the projects, and one table of a period in
CSV, XLSX, SPSS or Stata, as on the page and audited alike; administrators only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.views import APIView

from allianse.accounts.models import ApiPart
from allianse.accounts.permissions import Administrator

from . import views, writers
from .forms import ExportForm
from .models import ResearchProject

OPEN_ENDED = {"start": "0001-01-01", "end": "9999-12-31", "file_format": "csv", "label_language": "en"}


class ProjectSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = ResearchProject
        fields = ["id", "name", "description", "created_at"]


class Projects(ListAPIView):
    api_part = ApiPart.RESEARCH
    permission_classes = [Administrator]
    serializer_class = ProjectSerializer
    queryset = ResearchProject.objects.order_by("name")


class Export(APIView):
    """One table as a file: of the period from `start` to `end` (each open-ended when left out), as
    `file_format` (CSV unless asked otherwise), with labels in `label_language` (SPSS, Stata)."""

    api_part = ApiPart.RESEARCH
    permission_classes = [Administrator]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
            OpenApiParameter("file_format", str, enum=["csv", "xlsx", "sav", "dta"]),
            OpenApiParameter("label_language", str, enum=["nb", "en"]),
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, public_id, dataset_table):
        project = get_object_or_404(ResearchProject, public_id=public_id)
        query = request.query_params.copy()
        query["table"] = dataset_table
        for name, default in OPEN_ENDED.items():
            query.setdefault(name, default)
        form = ExportForm(query)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        try:
            return views.export(request, project, form.cleaned_data)
        except writers.TooLarge as refused:
            raise ValidationError({"file_format": [str(refused)]}) from refused


urlpatterns = [
    path("projects/", Projects.as_view(), name="research_projects"),
    path("projects/<uuid:public_id>/tables/<str:dataset_table>/", Export.as_view(), name="research_export"),
]
