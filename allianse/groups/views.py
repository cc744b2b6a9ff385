import contextlib

import segno
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from allianse.accounts import audit
from allianse.accounts.decorators import staff_required, therapist_required
from allianse.accounts.models import AuditEvent
from allianse.clinic import services as clinic_services
from allianse.delivery.forms import outcome
from allianse.feedback.services import LinkProblem
from allianse.instruments.forms import InstrumentForm
from allianse.instruments.language import current_language, respondent_language
from allianse.ruptures.forms import PeriodForm

from . import checks, pages, response_rates, sending, services, summaries
from .access import get_group_for_user, get_group_session_for_user, get_membership_for_user, get_summary_for_user
from .forms import (
    AddendumForm,
    AttendanceForm,
    DiagnosisForm,
    EndMembershipForm,
    EventForm,
    GroupForm,
    GroupSessionForm,
    MemberForm,
    ProfileForm,
    SignSummaryForm,
    StartSummaryForm,
    SummaryForm,
)
from .models import InterpersonalEvent, TherapyGroup

VIEW = AuditEvent.Action.VIEW
CREATE = AuditEvent.Action.CREATE
UPDATE = AuditEvent.Action.UPDATE


@therapist_required
def group_list(request):
    groups = TherapyGroup.objects.filter(therapists=request.user).prefetch_related("therapists").order_by("name")
    return render(request, "groups/list.html", {"groups": groups})


@therapist_required
@require_http_methods(["GET", "POST"])
def group_new(request):
    form = GroupForm(request.POST or None, therapist=request.user)
    if request.method == "POST" and form.is_valid():
        group = services.create_group(therapist=request.user, **form.cleaned_data)
        audit.record(request, CREATE, group, detail="group created")
        return redirect("groups:group", public_id=group.public_id)
    return render(request, "groups/group_new.html", {"form": form})


@staff_required
def group(request, public_id):
    group = get_group_for_user(request.user, public_id)
    measure = request.GET.get("measure", pages.default_measure())
    if measure not in dict(pages.measure_choices(current_language())):
        measure = pages.default_measure()
    context = pages.group_context(
        group,
        measure=measure,
        show_all=request.GET.get("sessions") == "all",
        shown=request.GET.getlist("member"),
        language=current_language(),
    )
    memberships = [*context["current"], *context["former"]]
    period_form = PeriodForm(request.GET or None)
    context |= response_rates.group_rates_context(group, period_form.period(timezone.localdate()), memberships)
    audit.record_for_patients(
        request, VIEW, group, [membership.patient_id for membership in memberships], detail="group page"
    )
    return render(request, "groups/group.html", {"group": group, "period_form": period_form, **context})


@staff_required
@require_http_methods(["GET", "POST"])
def member_new(request, public_id):
    group = get_group_for_user(request.user, public_id)
    form = MemberForm(request.POST or None, therapist=request.user, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_member(group=group, by=request.user, **form.cleaned_data)
        except services.GroupRuleError as error:
            form.add_error(None, str(error))
        else:
            audit.record(request, CREATE, membership, patient=membership.patient, detail="member joined")
            return redirect("groups:member", public_id=membership.public_id)
    return render(request, "groups/member_new.html", {"form": form, "group": group})


@staff_required
def member(request, public_id):
    return _member_page(request, get_membership_for_user(request.user, public_id))


def _member_page(request, membership, *, status: int = 200, **forms):
    audit.record(request, VIEW, membership, patient=membership.patient, detail="member page")
    context = {
        "membership": membership,
        "group": membership.group,
        "profile_form": ProfileForm(instance=membership),
        "diagnosis_form": DiagnosisForm(),
        "end_form": EndMembershipForm() if membership.is_current else None,
        **forms,
        **pages.member_context(membership, language=current_language()),
    }
    return render(request, "groups/member.html", context, status=status)


@staff_required
@require_POST
def member_profile(request, public_id):
    membership = get_membership_for_user(request.user, public_id)
    form = ProfileForm(request.POST, instance=membership)
    if not form.is_valid():
        return _member_page(request, membership, profile_form=form, status=400)
    services.update_member_profile(membership=membership, by=request.user, **form.cleaned_data)
    audit.record(request, UPDATE, membership, patient=membership.patient, detail="member description")
    return redirect("groups:member", public_id=membership.public_id)


@staff_required
@require_POST
def member_end(request, public_id):
    membership = get_membership_for_user(request.user, public_id)
    form = EndMembershipForm(request.POST)
    if form.is_valid():
        try:
            services.end_membership(membership=membership, by=request.user, **form.cleaned_data)
        except services.GroupRuleError as error:
            form.add_error(None, str(error))
        else:
            audit.record(request, UPDATE, membership, patient=membership.patient, detail="member left")
            return redirect("groups:group", public_id=membership.group.public_id)
    return _member_page(request, membership, end_form=form, status=400)


@staff_required
@require_POST
def diagnosis_new(request, public_id):
    membership = get_membership_for_user(request.user, public_id)
    form = DiagnosisForm(request.POST)
    if not form.is_valid():
        return _member_page(request, membership, diagnosis_form=form, status=400)
    diagnosis = clinic_services.record_diagnosis(patient=membership.patient, by=request.user, **form.cleaned_data)
    audit.record(request, CREATE, diagnosis, patient=membership.patient, detail="diagnosis recorded")
    return redirect("groups:member", public_id=membership.public_id)


@staff_required
@require_http_methods(["GET", "POST"])
def session_new(request, public_id):
    group = get_group_for_user(request.user, public_id)
    day = timezone.localdate()
    members = services.members_on(group, day).select_related("patient").order_by("patient__code")
    form = GroupSessionForm(request.POST or None, group=group, memberships=members)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.add_session(
                group=group,
                starts_at=form.cleaned_data["starts_at"],
                therapists_present=form.cleaned_data["therapists_present"],
                attendance=form.attendance(),
            )
        except services.GroupRuleError as error:
            form.add_error(None, str(error))
        else:
            audit.record_for_patients(
                request,
                CREATE,
                session,
                [membership.patient_id for membership in members],
                detail="group session and attendance",
            )
            return redirect("groups:session", public_id=session.public_id)
    return render(request, "groups/session_new.html", {"form": form, "group": group})


@staff_required
def session(request, public_id):
    session = get_group_session_for_user(request.user, public_id)
    attendance = list(session.attendance.select_related("membership__patient").order_by("membership__patient__code"))
    audit.record_for_patients(
        request, VIEW, session, [row.membership.patient_id for row in attendance], detail="group session page"
    )
    context = {
        "session": session,
        "group": session.group,
        "attendance": attendance,
        "attendance_form": AttendanceForm(
            memberships=[row.membership for row in attendance],
            initial_status={row.membership_id: row.status for row in attendance},
        ),
        **response_rates.session_checks(session, [row for row in attendance if row.present]),
        "summary": getattr(session, "summary", None),
        "start_summary_form": StartSummaryForm(initial={"language": current_language()}),
    }
    return render(request, "groups/session.html", context)


@staff_required
@require_POST
def session_attendance(request, public_id):
    session = get_group_session_for_user(request.user, public_id)
    memberships = [row.membership for row in session.attendance.select_related("membership__patient")]
    form = AttendanceForm(request.POST, memberships=memberships)
    if form.is_valid():
        services.record_attendance(session=session, attendance=form.attendance())
        audit.record_for_patients(
            request,
            UPDATE,
            session,
            [membership.patient_id for membership in memberships],
            detail="attendance corrected",
        )
    else:
        messages.error(request, _("The attendance was not saved: choose one of the options for every member."))
    return redirect("groups:session", public_id=session.public_id)


@staff_required
@require_POST
def checks_issue(request, public_id):
    session = get_group_session_for_user(request.user, public_id)
    issued = checks.issue_member_checks(session=session, by=request.user)
    audit.record_for_patients(
        request, CREATE, session, [check.membership.patient_id for check in issued], detail="member links"
    )
    return redirect("groups:check_links", public_id=session.public_id)


@staff_required
def check_links(request, public_id):
    """Each present member's personal link with its QR code, to show on their phone or send."""
    session = get_group_session_for_user(request.user, public_id)
    links = []
    for check in checks.live_checks(session):
        url = request.build_absolute_uri(reverse("groups:member_check", args=[check.token]))
        qr = segno.make(url, error="m").svg_inline(scale=4)
        links.append({"check": check, "url": url, "qr": qr, "send_form": sending.send_form(check)})
    audit.record_for_patients(
        request, VIEW, session, [link["check"].membership.patient_id for link in links], detail="member links shown"
    )
    return render(request, "groups/check_links.html", {"session": session, "group": session.group, "links": links})


@staff_required
@require_POST
def check_link_send(request, public_id):
    """Send one member's live link (the form's `link`, its public id) by e-mail or SMS."""
    session = get_group_session_for_user(request.user, public_id)
    check = next((c for c in checks.live_checks(session) if str(c.public_id) == request.POST.get("link")), None)
    if check is None:
        raise Http404
    form = sending.send_form(check, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("groups:check_links", public_id=session.public_id)
    message = sending.send_member_check_link(check, form.cleaned_data["channel"], form.cleaned_data["to"], request.user)
    audit.record(request, CREATE, message, patient=check.membership.patient, detail=f"member link {message}")
    (messages.success if message.status == message.Status.SENT else messages.error)(request, outcome(message))
    return redirect("groups:check_links", public_id=session.public_id)


@require_http_methods(["GET", "POST"])
def member_check(request, token):
    """A member's own form after a group session: no account, their language, each form once."""
    try:
        check, key = checks.open_member_check(token)
    except LinkProblem as problem:
        return _link_problem(request, problem)
    language = respondent_language(request, check.language)
    instrument = checks.member_form_instrument(key)
    form = InstrumentForm(request.POST or None, instrument=instrument, language=language)
    if request.method == "POST":
        try:
            submission = checks.submit_opened_check(
                check=check, expected=key, instrument_key=request.POST.get("instrument", ""), answers=form.raw_answers()
            )
        except LinkProblem:
            return redirect(f"{request.path}?lang={language}")
        if submission.response is not None:
            done = not checks.pending_keys(check)
            return redirect(f"{reverse('groups:member_thanks') if done else request.path}?lang={language}")
        form.is_valid()
        form.show_errors(submission.checked)
    part = (check.instrument_keys.index(key) + 1, len(check.instrument_keys))
    context = {
        "form": form,
        "instrument": instrument,
        "language": language,
        "part": part,
        "length": checks.check_length(check),
    }
    return render(request, "groups/member_check.html", context, status=400 if form.errors else 200)


def _link_problem(request, problem: LinkProblem):
    respondent_language(request, problem.administration.language if problem.administration else "nb")
    return render(request, "groups/member_link_problem.html", {"reason": problem.reason}, status=410)


def member_thanks(request):
    respondent_language(request, "nb")
    return render(request, "groups/member_thanks.html")


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
    audit.record(request, VIEW, summary, detail="interpersonal event form")
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
    return _summary_page(request, summary, addendum_form=form, form=SummaryForm(instance=summary), status=400)
