from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from allianse.accounts import audit
from allianse.accounts.decorators import staff_required
from allianse.accounts.models import AuditEvent
from allianse.clinic import services
from allianse.clinic.access import get_patient_for_user, get_session_for_user, get_treatment_for_user
from allianse.clinic.forms import NewPatientForm, SessionForm
from allianse.deferred import after_response

from .pages import alliance_range, caseload, session_context, trajectory_context


@staff_required
def home(request):
    return render(
        request, "caseload/home.html", {"treatments": caseload(request.user), "alliance_range": alliance_range()}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def patient_new(request):
    form = NewPatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        treatment = services.register_patient(therapist=request.user, **form.cleaned_data)
        audit.record(request, AuditEvent.Action.CREATE, treatment.patient, patient=treatment.patient)
        return redirect("caseload:patient", public_id=treatment.patient.public_id)
    return render(request, "caseload/patient_new.html", {"form": form})


@staff_required
def patient(request, public_id):
    patient, treatments = get_patient_for_user(request.user, public_id)
    chosen = request.GET.get("treatment")
    treatment = next((t for t in treatments if str(t.public_id) == chosen), treatments[0])
    audit.record(request, AuditEvent.Action.VIEW, patient, patient=patient, detail="patient page")
    context = {"patient": patient, "treatment": treatment, "treatments": treatments}
    context.update(trajectory_context(treatment, request.GET.getlist("show")))
    return render(request, "caseload/patient.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def session_new(request, public_id):
    treatment = get_treatment_for_user(request.user, public_id)
    form = SessionForm(request.POST or None, initial={"attended": True})
    if request.method == "POST" and form.is_valid():
        session = services.add_session(treatment=treatment, defer=after_response(request), **form.cleaned_data)
        audit.record(request, AuditEvent.Action.CREATE, session, patient=treatment.patient)
        return redirect("caseload:session", public_id=session.public_id)
    return render(request, "caseload/session_new.html", {"form": form, "treatment": treatment})


@staff_required
def session(request, public_id):
    session = get_session_for_user(request.user, public_id)
    audit.record(request, AuditEvent.Action.VIEW, session, patient=session.treatment.patient, detail="session page")
    return render(request, "caseload/session.html", session_context(session))
