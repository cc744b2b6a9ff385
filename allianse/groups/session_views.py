"""The pages of a group session: recording it, its attendance, the members' personal links (shown
with QR codes and short codes, or sent) and the member's own check that a link opens."""

import segno
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from allianse.accounts import audit
from allianse.accounts.decorators import staff_required
from allianse.accounts.models import AuditEvent
from allianse.delivery.forms import outcome
from allianse.feedback.services import LinkProblem
from allianse.instruments.forms import InstrumentForm
from allianse.instruments.language import current_language, respondent_language

from . import checks, extensions, response_rates, sending, services
from .access import get_group_for_user, get_group_session_for_user
from .forms import AttendanceForm, GroupSessionForm, StartSummaryForm

VIEW = AuditEvent.Action.VIEW
CREATE = AuditEvent.Action.CREATE
UPDATE = AuditEvent.Action.UPDATE


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
    audit.record_for_patients(
        request, VIEW, group, [membership.patient_id for membership in members], detail="new group session form"
    )
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
        "sections": extensions.sections_for(request.user, session),
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
    """Each present member's personal link with its QR code and short code (typed on feedback's
    start page), to show on their phone or send."""
    session = get_group_session_for_user(request.user, public_id)
    links = []
    for check in checks.live_checks(session):
        url = request.build_absolute_uri(reverse("groups:member_check", args=[check.token]))
        qr = segno.make(url, error="m").svg_inline(scale=4)
        links.append({"check": check, "url": url, "qr": qr, "send_form": sending.send_form(check)})
    audit.record_for_patients(
        request, VIEW, session, [link["check"].membership.patient_id for link in links], detail="member links shown"
    )
    context = {
        "session": session,
        "group": session.group,
        "links": links,
        "start_url": request.build_absolute_uri(reverse("feedback:start")),
    }
    return render(request, "groups/check_links.html", context)


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


@never_cache
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
            if not submission.was_duplicate:  # one query, never the answers; a member has no account
                entry = (submission.response, check.membership.patient_id)
                audit.record_many(request, CREATE, [entry], detail="patient check submitted")
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


@never_cache
def member_thanks(request):
    respondent_language(request, "nb")
    return render(request, "groups/member_thanks.html")
