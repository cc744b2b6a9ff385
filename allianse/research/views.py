"""Research datasets, for administrators: projects (each with its own pseudonym key) and the
export of one table of a period in the format a statistics package reads. Every export is audited."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allianse.accounts import audit
from allianse.accounts.decorators import administrator_required
from allianse.accounts.models import AuditEvent
from allianse.exports import csv_lines

from . import writers
from .forms import ExportForm, ProjectForm
from .models import ResearchProject
from .tables import Builder, Period, table_keys

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
}


@administrator_required
@require_http_methods(["GET", "POST"])
def projects(request):
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = form.save(commit=False)
        project.created_by = request.user
        project.save()
        audit.record(request, AuditEvent.Action.CREATE, project, detail="research project")
        messages.success(request, _("The project is created with its own pseudonym key."))
        return redirect("research:project", public_id=project.public_id)
    return render(request, "research/projects.html", {"projects": ResearchProject.objects.all(), "form": form})


@administrator_required
@require_http_methods(["GET", "POST"])
def project(request, public_id):
    chosen = get_object_or_404(ResearchProject, public_id=public_id)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return export(request, chosen, form.cleaned_data)
        except writers.TooLarge as refused:
            form.add_error(None, str(refused))
    return render(request, "research/project.html", {"project": chosen, "form": form})


def export(request, project: ResearchProject, data: dict):
    """The chosen table of the period as a file, audited (the page and the API alike);
    `writers.TooLarge` (nothing exported, nothing audited) for an SPSS or Stata file of too many rows."""
    period = Period(data["start"], data["end"])
    table = Builder(project.key, period).table(data["table"])
    stem = f"{_slug(project)}_{table.key}_{period.start}_{period.end}"
    response = _download(table, data["file_format"], data["label_language"], stem)
    detail = f"research {table.key} {data['file_format']} {period.start}..{period.end}"
    audit.record(request, AuditEvent.Action.EXPORT, project, detail=detail)
    return response


@administrator_required
def dictionary(request, public_id):
    """The data dictionary of every table the project's datasets offer, as CSV."""
    chosen = get_object_or_404(ResearchProject, public_id=public_id)
    builder = Builder(chosen.key, Period.unbounded())
    tables = [builder.table(key) for key, _title in table_keys()]
    audit.record(request, AuditEvent.Action.EXPORT, chosen, detail="research data dictionary")
    response = StreamingHttpResponse(
        csv_lines(writers.DICTIONARY_HEADER, writers.dictionary_rows(tables)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_slug(chosen)}_dictionary.csv"'
    return response


def _download(table, file_format: str, language: str, stem: str):
    if file_format == "csv":
        response = StreamingHttpResponse(writers.csv_stream(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    if file_format == "xlsx":
        return FileResponse(
            writers.xlsx_file(table, [table]),
            as_attachment=True,
            filename=f"{stem}.xlsx",
            content_type=CONTENT_TYPES["xlsx"],
        )
    with tempfile.TemporaryDirectory() as directory:
        path = writers.labelled_file(table, file_format, language, Path(directory))
        content = path.read_bytes()
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response


def _slug(project: ResearchProject) -> str:
    return "".join(char if char.isalnum() else "_" for char in project.name.lower())[:40]
