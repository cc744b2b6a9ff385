"""Supervision of a group: the page its therapists and supervisors share, supervisors added and
removed by the therapists, supervisors' notes, and a signed summary read, printed (PDF) or copied
as plain text. Every read is audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from allianse import pdf
from allianse.accounts import audit
from allianse.accounts.decorators import staff_required
from allianse.accounts.models import AuditEvent

from . import extensions, supervision
from .access import get_group_for_supervision, get_group_for_user, get_signed_summary_for_supervision, supervises
from .forms import SupervisionNoteForm, SupervisorForm
from .models import SessionSummary, Supervisor

VIEW = AuditEvent.Action.VIEW
UPDATE = AuditEvent.Action.UPDATE


@staff_required
def group_supervision(request, public_id):
    group = get_group_for_supervision(request.user, public_id)
    leads = group.therapists.filter(pk=request.user.pk).exists()
    own = group.supervisors.filter(user=request.user).first()
    memberships = list(group.memberships.select_related("patient").order_by("ended_on", "patient__code"))
    context = {
        "group": group,
        "leads": leads,
        "supervisors": group.supervisors.select_related("user"),
        "summaries": SessionSummary.objects.filter(session__group=group, signed_at__isnull=False)
        .select_related("session", "signed_by")
        .order_by("-session__number"),
        "notes": group.supervision_notes.filter(summary=None).select_related("written_by"),
        "measures": supervision.session_measures(group),
        "formulations": memberships if leads or (own and own.sees_case_formulations) else None,
        "note_form": SupervisionNoteForm() if own else None,
        "supervisor_form": SupervisorForm(group=group) if leads else None,
        "sections": extensions.supervision_sections_for(request.user, group),
    }
    shown = [membership.patient_id for membership in memberships] if context["formulations"] is not None else []
    audit.record_for_patients(request, VIEW, group, shown, detail="group supervision page")
    return render(request, "groups/supervision.html", context)


@staff_required
@require_POST
def supervisor_add(request, public_id):
    group = get_group_for_user(request.user, public_id)
    form = SupervisorForm(request.POST, group=group)
    if form.is_valid():
        added = supervision.add_supervisor(group=group, by=request.user, **form.cleaned_data)
        audit.record(request, UPDATE, group, detail=f"supervisor added: {added.user.username}")
        messages.success(request, _("The supervisor is added."))
    else:
        messages.error(request, _("Choose a staff member with the supervisor role."))
    return redirect("groups:supervision", public_id=group.public_id)


@staff_required
@require_POST
def supervisor_change(request, public_id, supervisor_id):
    group = get_group_for_user(request.user, public_id)
    supervisor = get_object_or_404(Supervisor, group=group, public_id=supervisor_id)
    if request.POST.get("action") == "remove":
        supervision.remove_supervisor(supervisor)
        audit.record(request, UPDATE, group, detail=f"supervisor removed: {supervisor.user.username}")
    else:
        shared = request.POST.get("sees_case_formulations") == "on"
        supervision.share_case_formulations(supervisor=supervisor, shared=shared)
        detail = f"case formulations shared with {supervisor.user.username}: {shared}"
        audit.record(request, UPDATE, group, detail=detail)
    return redirect("groups:supervision", public_id=group.public_id)


@staff_required
@require_http_methods(["GET", "POST"])
def summary_supervision(request, public_id):
    summary = get_signed_summary_for_supervision(request.user, public_id)
    group = summary.session.group
    is_supervisor = supervises(request.user, group)
    form = SupervisionNoteForm(request.POST or None)
    if request.method == "POST":
        if not is_supervisor:
            raise PermissionDenied
        if form.is_valid():
            supervision.write_note(group=group, summary=summary, by=request.user, text=form.cleaned_data["text"])
            audit.record(request, UPDATE, summary, detail="supervision note")
            return redirect("groups:summary_supervision", public_id=summary.public_id)
    document = supervision.summary_document(summary)
    audit.record_for_patients(
        request, VIEW, summary, [row.membership.patient_id for row in document["attendance"]], detail="signed summary"
    )
    context = {
        **document,
        "notes": summary.supervision_notes.select_related("written_by"),
        "note_form": form if is_supervisor else None,
        "plain_text": supervision.summary_text(summary),
    }
    return render(request, "groups/summary_supervision.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def group_note(request, public_id):
    group = get_group_for_supervision(request.user, public_id)
    form = SupervisionNoteForm(request.POST)
    if form.is_valid():
        try:
            supervision.write_note(group=group, by=request.user, text=form.cleaned_data["text"])
        except supervision.SupervisionError as error:
            messages.error(request, str(error))
        else:
            audit.record(request, UPDATE, group, detail="supervision note")
    return redirect("groups:supervision", public_id=group.public_id)


@staff_required
def summary_text(request, public_id):
    summary = get_signed_summary_for_supervision(request.user, public_id)
    _audit_summary(request, summary, "signed summary as plain text")
    return HttpResponse(supervision.summary_text(summary), content_type="text/plain; charset=utf-8")


@staff_required
def summary_pdf(request, public_id):
    summary = get_signed_summary_for_supervision(request.user, public_id)
    _audit_summary(request, summary, "signed summary as PDF")
    document = pdf.render_pdf("groups/summary_pdf.html", supervision.summary_document(summary), request)
    return pdf.pdf_response(document, f"summary-{summary.session.number}.pdf")


def _audit_summary(request, summary, detail: str) -> None:
    patients = summary.session.attendance.values_list("membership__patient_id", flat=True)
    audit.record_for_patients(request, VIEW, summary, patients, detail=detail)
