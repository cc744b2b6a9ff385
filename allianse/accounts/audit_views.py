"""The audit log for administrators: search, and one patient's access log as CSV. Read-only: no
page adds, changes or deletes an event, and reading the log is itself recorded."""

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from allianse.exports import csv_lines

from . import audit, audit_log, extensions, pages
from .decorators import administrator_required
from .forms import AuditFilterForm
from .models import AuditEvent


@administrator_required
@require_safe
def audit_search(request):
    form = AuditFilterForm(request.GET or None)
    context = pages.audit_page(form, cursor=request.GET.get("older"))
    audit.record_many(
        request, AuditEvent.Action.VIEW, [(audit_log.AuditLog(), context["patient_id"])], detail="audit log"
    )
    return render(request, "accounts/audit_log.html", context, status=400 if form.errors else 200)


@administrator_required
@require_safe
def access_log(request):
    """Every event about one patient (their right to see who has read their data), as CSV."""
    code = request.GET.get("patient", "").strip().upper()
    patient_id = extensions.patient_id_for_code(code) if code else None
    if patient_id is None:
        messages.error(request, _("Search for the patient by their code first, then export their access log."))
        return redirect("accounts:audit")
    audit.record_many(request, AuditEvent.Action.EXPORT, [(audit_log.AuditLog(), patient_id)], detail="access log")
    header, rows = audit_log.access_log(patient_id)
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    filename = f"access-log-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
