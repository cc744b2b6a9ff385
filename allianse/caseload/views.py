from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from allianse import pdf
from allianse.accounts import audit
from allianse.accounts.decorators import therapist_required
from allianse.accounts.models import AuditEvent
from allianse.clinic import services
from allianse.clinic.access import get_patient_for_user, get_session_for_user, get_treatment_for_user
from allianse.clinic.forms import EndTreatmentForm, NewPatientForm, SessionForm, TreatmentApproachForm
from allianse.feedback.models import CheckStatus
from allianse.feedback.services import TreatmentEnded, check_status, issue_check, patient_links
from allianse.ruptures.forms import PeriodForm

from .pages import alliance_range, caseload, session_context, trajectory_context
from .response_rates import rates_context
from .services import register_patient
from .summary import summary_document, summary_text


@therapist_required
def home(request):
    search = request.GET.get("code", "")
    treatments = caseload(request.user, search=search, page=request.GET.get("page"))
    audit.record_patients_shown(request, [treatment.patient for treatment in treatments], detail="caseload")
    context = {"treatments": treatments, "search": search, "alliance_range": alliance_range()}
    return render(request, "caseload/home.html", context)


@therapist_required
@require_http_methods(["GET", "POST"])
def patient_new(request):
    """The patient, their treatment and, if asked, the first session and its check link, in one
    step; then the link's page to hand it over, or else the patient's page."""
    form = NewPatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new = register_patient(therapist=request.user, **form.cleaned_data)
        patient = new.treatment.patient
        audit.record(request, AuditEvent.Action.CREATE, patient, patient=patient)
        if new.session is not None:
            audit.record(request, AuditEvent.Action.CREATE, new.session, patient=patient)
        if new.link is not None:
            audit.record(request, AuditEvent.Action.CREATE, new.link, patient=patient, detail="check link issued")
            return redirect("feedback:check_link", public_id=new.session.public_id)
        return redirect("caseload:patient", public_id=patient.public_id)
    return render(request, "caseload/patient_new.html", {"form": form})


@therapist_required
def patient(request, public_id):
    patient, treatments = get_patient_for_user(request.user, public_id)
    chosen = request.GET.get("treatment")
    treatment = next((t for t in treatments if str(t.public_id) == chosen), treatments[0])
    audit.record(request, AuditEvent.Action.VIEW, patient, patient=patient, detail="patient page")
    return _patient_page(request, treatment, treatments)


def _patient_page(request, treatment, treatments, status=200, **forms):
    context = {
        "patient": treatment.patient,
        "treatment": treatment,
        "treatments": treatments,
        "end_form": forms.get("end_form") or EndTreatmentForm(treatment=treatment),
        "approach_form": forms.get("approach_form") or TreatmentApproachForm(instance=treatment),
    }
    context.update(trajectory_context(treatment, request.GET.getlist("show")))
    context["summary_text"] = summary_text({**context, "code": treatment.patient.code})  # the page's own data
    return render(request, "caseload/patient.html", context, status=status)


def _treatment_page_url(treatment) -> str:
    return reverse("caseload:patient", args=[treatment.patient.public_id]) + f"?treatment={treatment.public_id}"


@therapist_required
def treatment_summary_text(request, public_id):
    """The treatment's alliance summary as plain text, for the patient journal."""
    treatment = get_treatment_for_user(request.user, public_id)
    audit.record(request, AuditEvent.Action.VIEW, treatment, patient=treatment.patient, detail="summary as plain text")
    return HttpResponse(summary_text(summary_document(treatment)), content_type="text/plain; charset=utf-8")


@therapist_required
def treatment_summary_pdf(request, public_id):
    """The treatment's alliance summary as PDF, for the patient journal."""
    treatment = get_treatment_for_user(request.user, public_id)
    audit.record(request, AuditEvent.Action.VIEW, treatment, patient=treatment.patient, detail="summary as PDF")
    document = pdf.render_pdf("caseload/treatment_summary_pdf.html", summary_document(treatment), request)
    return pdf.pdf_response(document, f"alliance-{treatment.patient.code}.pdf")


@therapist_required
@require_POST
def treatment_end(request, public_id):
    """End the treatment with a date and a reason; its checks and reminders stop."""
    treatment = get_treatment_for_user(request.user, public_id)
    form = EndTreatmentForm(request.POST, treatment=treatment)
    if not form.is_valid():
        treatments = get_patient_for_user(request.user, treatment.patient.public_id)[1]
        return _patient_page(request, treatment, treatments, status=400, end_form=form)
    try:
        services.end_treatment(treatment=treatment, **form.cleaned_data)
    except services.AlreadyEnded:
        messages.info(request, _("This treatment has ended already."))
    else:
        audit.record(request, AuditEvent.Action.UPDATE, treatment, patient=treatment.patient, detail="treatment ended")
        messages.success(request, _("The treatment is ended. Its check links no longer work."))
    return redirect(_treatment_page_url(treatment))


@therapist_required
@require_POST
def treatment_approach(request, public_id):
    treatment = get_treatment_for_user(request.user, public_id)
    form = TreatmentApproachForm(request.POST, instance=treatment)
    if not form.is_valid():
        treatments = get_patient_for_user(request.user, treatment.patient.public_id)[1]
        return _patient_page(request, treatment, treatments, status=400, approach_form=form)
    form.save()
    audit.record(request, AuditEvent.Action.UPDATE, treatment, patient=treatment.patient, detail="approach")
    messages.success(request, _("The approach is saved."))
    return redirect(_treatment_page_url(treatment))


@therapist_required
@require_http_methods(["GET", "POST"])
def session_new(request, public_id):
    treatment = get_treatment_for_user(request.user, public_id)
    form = SessionForm(request.POST or None, initial={"attended": True})
    if request.method == "POST" and form.is_valid():
        session = services.add_session(treatment=treatment, **form.cleaned_data)
        audit.record(request, AuditEvent.Action.CREATE, session, patient=treatment.patient)
        return redirect("caseload:session", public_id=session.public_id)
    audit.record(request, AuditEvent.Action.VIEW, treatment, patient=treatment.patient, detail="new session form")
    return render(request, "caseload/session_new.html", {"form": form, "treatment": treatment})


@therapist_required
def session(request, public_id):
    session = get_session_for_user(request.user, public_id)
    audit.record(request, AuditEvent.Action.VIEW, session, patient=session.treatment.patient, detail="session page")
    return render(request, "caseload/session.html", session_context(session))


@therapist_required
def response_rates(request):
    """How many of the therapist's patients' checks were answered, and this week's unanswered ones."""
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    context = rates_context(request.user, period=form.period(today), today=today)
    audit.record_patients_shown(
        request, [row.patient for row in context["patients"]], detail="response rates: unanswered checks"
    )
    return render(request, "caseload/response_rates.html", {"form": form, **context})


@therapist_required
@require_POST
def resend_check(request, public_id):
    """A new link for a session's unanswered check (the old one stops working), then its page to
    hand it over or send it."""
    session = get_session_for_user(request.user, public_id)
    patient = session.treatment.patient
    if check_status(patient_links(session)) == CheckStatus.ANSWERED:
        messages.info(request, _("The patient has answered this check already."))
        return redirect("caseload:session", public_id=session.public_id)
    try:
        link = issue_check(session=session, by=request.user)
    except TreatmentEnded:
        messages.info(request, _("This treatment has ended: it gets no new check links."))
        return redirect("caseload:session", public_id=session.public_id)
    audit.record(request, AuditEvent.Action.CREATE, link, patient=patient, detail="check link reissued")
    return redirect("feedback:check_link", public_id=session.public_id)
