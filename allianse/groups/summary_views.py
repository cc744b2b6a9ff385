"""The pages of a group session's summary: starting, writing and signing it, its interpersonal
events and addenda."""

import contextlib

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from allianse.accounts import audit
from allianse.accounts.decorators import staff_required
from allianse.accounts.models import AuditEvent
from allianse.instruments.language import current_language

from . import services, summaries
from .access import get_group_session_for_user, get_summary_for_user
from .forms import AddendumForm, EventForm, SignSummaryForm, StartSummaryForm, SummaryForm
from .models import InterpersonalEvent

VIEW = AuditEvent.Action.VIEW
CREATE = AuditEvent.Action.CREATE
UPDATE = AuditEvent.Action.UPDATE


@staff_required
@require_POST
def summary_start(request, public_id):
    session = get_group_session_for_user(request.user, public_id)
    form = StartSummaryForm(request.POST)
    language = form.cleaned_data["language"] if form.is_valid() else current_language()
    summary = summaries.start_summary(session=session, by=request.user, language=language)
    audit.record(request, CREATE, summary, detail="group session summary")
    return redirect("groups:summary", public_id=summary.public_id)


@staff_required
@require_http_methods(["GET", "POST"])
def summary(request, public_id):
    summary = get_summary_for_user(request.user, public_id)
    form = SummaryForm(request.POST or None, instance=summary)
    if request.method == "POST" and form.is_valid():
        try:
            summaries.update_summary(summary=summary, by=request.user, **form.cleaned_data)
        except summaries.SummarySigned as error:
            form.add_error(None, str(error))
        else:
            audit.record(request, UPDATE, summary, detail="group session summary")
            return redirect("groups:summary", public_id=summary.public_id)
    return _summary_page(request, summary, form=form, status=400 if form.errors else 200)


def _summary_page(request, summary, *, status: int = 200, **forms):
    session = summary.session
    attendance = list(session.attendance.select_related("membership__patient").order_by("membership__patient__code"))
    audit.record_for_patients(
        request, VIEW, summary, [row.membership.patient_id for row in attendance], detail="group session summary"
    )
    context = {
        "summary": summary,
        "session": session,
        "group": session.group,
        "attendance": attendance,
        "form": SummaryForm(instance=summary),
        "events": summary.events.prefetch_related("members__patient"),
        "addenda": summary.addenda.select_related("written_by"),
        "event_form": EventForm(session=session),
        "addendum_form": AddendumForm(),
        "sign_form": SignSummaryForm(),
        **forms,
    }
    return render(request, "groups/summary.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def event(request, public_id, event_id=None):
    summary = get_summary_for_user(request.user, public_id)
    instance = get_object_or_404(InterpersonalEvent, summary=summary, public_id=event_id) if event_id else None
    form = EventForm(request.POST or None, instance=instance, session=summary.session)
    if request.method == "POST" and form.is_valid():
        try:
            summaries.save_event(summary=summary, by=request.user, event=instance, **form.cleaned_data)
        except summaries.SummarySigned as error:
            form.add_error(None, str(error))
        else:
            audit.record(request, UPDATE, summary, detail="interpersonal event")
            return redirect("groups:summary", public_id=summary.public_id)
    audit.record_for_patients(
        request,
        VIEW,
        summary,
        form.fields["members"].queryset.values_list("patient_id", flat=True),
        detail="interpersonal event form",
    )
    context = {"summary": summary, "session": summary.session, "form": form, "event": instance}
    return render(request, "groups/event.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def event_remove(request, public_id, event_id):
    summary = get_summary_for_user(request.user, public_id)
    instance = get_object_or_404(InterpersonalEvent, summary=summary, public_id=event_id)
    with contextlib.suppress(summaries.SummarySigned):  # the summary page says it is signed
        summaries.remove_event(event=instance, by=request.user)
    audit.record(request, UPDATE, summary, detail="interpersonal event removed")
    return redirect("groups:summary", public_id=summary.public_id)


@staff_required
@require_POST
def summary_sign(request, public_id):
    summary = get_summary_for_user(request.user, public_id)
    form = SignSummaryForm(request.POST)
    if not form.is_valid():
        return _summary_page(request, summary, sign_form=form, status=400)
    with contextlib.suppress(summaries.SummarySigned):  # already signed: the page shows by whom
        summaries.sign_summary(summary=summary, by=request.user)
    audit.record(request, UPDATE, summary, detail="group session summary signed")
    return redirect("groups:summary", public_id=summary.public_id)


@staff_required
@require_POST
def addendum_new(request, public_id):
    summary = get_summary_for_user(request.user, public_id)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            summaries.add_addendum(summary=summary, by=request.user, text=form.cleaned_data["text"])
        except services.GroupRuleError as error:
            form.add_error(None, str(error))
        else:
            audit.record(request, CREATE, summary, detail="summary addendum")
            return redirect("groups:summary", public_id=summary.public_id)
    return _summary_page(request, summary, addendum_form=form, status=400)
