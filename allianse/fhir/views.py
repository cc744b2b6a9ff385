"""The administrators' page for importing FHIR Questionnaires as instruments."""

from django.contrib import messages as flash
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from allianse.accounts import audit
from allianse.accounts.decorators import administrator_required
from allianse.accounts.models import AuditEvent

from . import messages, pages, services
from .forms import ImportForm


@administrator_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_questionnaire(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["questionnaire"]
        outcome = services.import_questionnaire(
            upload.read(),
            file_name=upload.name,
            user=request.user,
            validation_source=form.cleaned_data["validation_source"],
        )
        if outcome.stored is not None:
            stored = outcome.stored
            audit.record(request, AuditEvent.Action.CREATE, stored, detail=f"fhir import {stored.key} {stored.version}")
            flash.success(request, _("%(key)s is imported as an instrument.") % {"key": stored.key})
            return redirect("fhir:import")
    context = {
        "form": form,
        "outcome": outcome,
        "problems": messages.lines(outcome.problems) if outcome else [],
        "notes": messages.lines(outcome.notes) if outcome else [],
        "imported": pages.imported_instruments(),
    }
    return render(request, "fhir/import.html", context, status=400 if outcome and not outcome.accepted else 200)
