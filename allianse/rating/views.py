from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseGone, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allianse import pdf
from allianse.accounts import audit
from allianse.accounts.decorators import staff_required, therapist_required
from allianse.accounts.models import AuditEvent
from allianse.clinic.access import get_session_for_user
from allianse.exports import csv_lines, xlsx_file
from allianse.instruments.language import current_language

from . import access, agreement, consents, exports, files, media, pages, services, study_pages
from .forms import (
    AddToStudyForm,
    AssignForm,
    ConsentForm,
    CorrectionForm,
    RatingForm,
    RecordingForm,
    SegmentForm,
    StudyForm,
    SuperiorConsentForm,
    initial_from,
)
from .models import Assignment, Rating, RatingDraft, RatingSettings, RatingStudy, Segment

VIEW, CREATE, SUBMIT, EXPORT = (
    AuditEvent.Action.VIEW,
    AuditEvent.Action.CREATE,
    AuditEvent.Action.SUBMIT,
    AuditEvent.Action.EXPORT,
)


@staff_required
def home(request):
    if not access.uses_rating(request.user):
        raise PermissionDenied
    context = pages.home_context(request.user)
    audit.record_patients_shown(
        request, [session.treatment.patient for session in context["sessions"]], detail="sessions to record"
    )
    return render(request, "rating/home.html", context)


# -- Consent ------------------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def patient_consents(request, public_id):
    patient = access.get_patient_for_consent(request.user, public_id)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consent = consents.record_consent(patient=patient, by=request.user, **form.cleaned_data)
        audit.record(request, CREATE, consent, patient=patient, detail="consent recorded")
        messages.success(request, _("The consent is recorded."))
        return redirect("rating:patient_consents", public_id=patient.public_id)
    audit.record(request, VIEW, patient, patient=patient, detail="consents")
    records = patient.consents.select_related("recorded_by", "withdrawn_by")
    return render(request, "rating/patient_consents.html", {"patient": patient, "consents": records, "form": form})


@therapist_required
@require_http_methods(["GET", "POST"])
def superior_consents(request):
    form = SuperiorConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consent = consents.record_consent(therapist=request.user, by=request.user, **form.cleaned_data)
        audit.record(request, CREATE, consent, detail="superior's consent recorded")
        messages.success(request, _("The consent is recorded."))
        return redirect("rating:superior_consents")
    context = {
        "consents": request.user.superior_consents.all(),
        "form": form,
        "required": RatingSettings.get().requires_superior_consent,
    }
    return render(request, "rating/superior_consents.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def consent(request, public_id):
    """A consent and where the recordings it covers have been used; withdrawal on POST."""
    record = access.get_consent_for_user(request.user, public_id)
    patient = record.patient or (record.membership.patient if record.membership else None)
    if request.method == "POST" and record.withdrawn_at is None:
        consents.withdraw_consent(consent=record, by=request.user)
        audit.record(request, AuditEvent.Action.UPDATE, record, patient=patient, detail="consent withdrawn")
        messages.warning(request, _("The consent is withdrawn. The recordings it covered are blocked from now on."))
        return redirect("rating:consent", public_id=record.public_id)
    audit.record(request, VIEW, record, patient=patient, detail="consent and its use")
    return render(request, "rating/consent.html", {"consent": record, "usage": consents.consent_usage(record)})


# -- Recordings -------------------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def session_recordings(request, public_id):
    session = get_session_for_user(request.user, public_id)
    form = RecordingForm(request.POST or None, request.FILES or None, purposes=pages.upload_purposes(session))
    if request.method == "POST" and form.is_valid():
        recording = pages.upload(form, session=session, by=request.user)
        if recording is not None:
            audit.record(request, CREATE, recording, patient=session.treatment.patient, detail="recording uploaded")
            messages.success(request, _("The recording is stored."))
            return redirect("rating:recording", public_id=recording.public_id)
    audit.record(request, VIEW, session, patient=session.treatment.patient, detail="recordings")
    context = pages.session_recordings_context(session, form)
    context["limit"] = filesizeformat(settings.RECORDING_MAX_BYTES)
    return render(request, "rating/session_recordings.html", context, status=400 if form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def recording(request, public_id):
    """The recording with its segments; its therapists add segments, the supervisors of its group and
    the leaders of studies using it watch."""
    if request.method == "POST":
        recording = access.get_recording_to_manage(request.user, public_id)
    else:
        recording = access.get_recording_to_play(request.user, public_id)
    form = SegmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        segment = pages.add_segment(form, recording=recording, by=request.user)
        if segment is not None:
            messages.success(request, _("The segment is added."))
            return redirect("rating:recording", public_id=recording.public_id)
    _record(request, VIEW, recording, recording, detail="recording page")
    context = pages.recording_context(recording, form)
    context["manages"] = access.manages_recording(request.user, recording)
    return render(request, "rating/recording.html", context)


@staff_required
@require_POST
def recording_add_to_study(request, public_id):
    recording = access.get_recording_to_manage(request.user, public_id)
    form = AddToStudyForm(
        request.POST, segments=recording.segments.all(), studies=services.open_studies(recording.purpose)
    )
    if form.is_valid():
        _add_to_study(request, **form.cleaned_data)
    return redirect("rating:recording", public_id=recording.public_id)


@staff_required
@require_GET
def stream(request, public_id):
    """The whole recording's bytes, for its therapists and study leaders (raters: segment_stream)."""
    recording = access.get_recording_to_play(request.user, public_id)
    if recording.file_deleted:
        return HttpResponseGone()
    _refuse_if_blocked(recording)
    return _ranged(request, recording, recording.path, recording.size_bytes, recording.content_type, recording)


@staff_required
@require_GET
def segment_stream(request, public_id):
    """A segment's own file (cut on first play), for its raters, study leaders and therapists."""
    segment = access.get_segment_to_play(request.user, public_id)
    if segment.recording.file_deleted:
        return HttpResponseGone()
    _refuse_if_blocked(segment.recording)
    try:
        segment = services.segment_file(segment)
    except media.MediaError:
        return HttpResponse(status=503)
    return _ranged(request, segment, segment.path, segment.size_bytes, segment.content_type, segment.recording)


def _refuse_if_blocked(recording) -> None:
    """No bytes of a recording whose consent does not hold (403)."""
    if consents.is_blocked(recording):
        raise PermissionDenied


def _ranged(request, played, path, size: int, content_type: str, recording) -> HttpResponse:
    response = files.ranged_response(request.headers.get("Range"), path, size, content_type)
    if response.status_code == 200 or response["Content-Range"].startswith("bytes 0-"):
        _record(request, VIEW, played, recording, detail="played")  # once a playback, not every seek
    return response


def _record(request, action: str, obj, recording, *, detail: str = "") -> None:
    """The audit event about `obj`, for each patient in `recording` (one, or the members present)."""
    audit.record_for_patients(request, action, obj, consents.patient_ids(recording), detail=detail)


# -- Studies ----------------------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def studies(request):
    if not access.is_study_leader(request.user):
        raise PermissionDenied
    form = StudyForm(request.POST or None, language=current_language())
    if request.method == "POST" and form.is_valid():
        study = services.create_study(leader=request.user, **form.cleaned_data)
        return redirect("rating:study", public_id=study.public_id)
    led = request.user.led_studies.all()
    return render(request, "rating/studies.html", {"studies": led, "form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def study(request, public_id):
    study = access.get_study_for_leader(request.user, public_id)
    form = AssignForm(request.POST or None, study=study)
    if request.method == "POST" and form.is_valid() and _assign(request, study=study, **form.cleaned_data):
        return redirect("rating:study", public_id=study.public_id)
    audit.record(request, VIEW, study, detail="study")
    context = study_pages.study_page(
        study,
        request.user,
        state=request.GET.get("state", ""),
        segment=request.GET.get("segment", ""),
        page=request.GET.get("page"),
    )
    return render(request, "rating/study.html", {**context, "form": form})


@staff_required
def study_agreement(request, public_id):
    study = access.get_study_for_leader(request.user, public_id)
    audit.record(request, VIEW, study, detail="agreement")
    labels = agreement.rater_labels(study, request.user)
    result = agreement.study_agreement(study, current_language(), labels)
    raters = [(rater, labels.get(rater.pk, rater.display_name)) for rater in pages.study_raters(study)]
    context = {"study": study, "agreement": result, "raters": raters, "rater_rows": pages.linked_rows(result, raters)}
    return render(request, "rating/agreement.html", context)


@staff_required
def study_agreement_pdf(request, public_id):
    """The agreement report as PDF: the study, its scale and the coefficients as the page shows them."""
    study = access.get_study_for_leader(request.user, public_id)
    audit.record(request, VIEW, study, detail="agreement as PDF")
    result = agreement.study_agreement(study, current_language(), agreement.rater_labels(study, request.user))
    document = pdf.render_pdf("rating/agreement_pdf.html", {"study": study, "agreement": result}, request)
    return pdf.pdf_response(document, f"agreement-{study.public_id}.pdf")


@staff_required
def study_export(request, public_id, table, extension):
    study = access.get_study_for_leader(request.user, public_id)
    if table not in ("items", "ratings"):
        raise Http404
    labels = agreement.rater_labels(study, request.user)
    names = {str(segment.public_id): segment.name for segment in study.segments.all()}
    if (table, extension) == ("ratings", "csv"):  # the ratings alone: no coefficients to work out
        tables = {"ratings": exports.ratings_table(agreement.study_ratings_frame(study, labels), names)}
    else:
        result = agreement.study_agreement(study, current_language(), labels)
        tables = {"items": exports.items_table(result), "ratings": exports.ratings_table(result.frame, names)}
    audit.record(request, EXPORT, study, detail=f"agreement {table}.{extension}")
    # Streamed: the CSV line by line, the XLSX from a file written row by row (allianse.exports).
    filename = f"agreement-{study.public_id}-{table}.{extension}"
    if extension == "csv":
        response = StreamingHttpResponse(
            (line.encode() for line in csv_lines(*tables[table])), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        xlsx_file(tables),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@staff_required
def calibration(request, public_id, rater_id):
    study, rater = access.get_calibration_for_user(request.user, public_id, rater_id)
    audit.record(request, VIEW, study, detail="calibration")
    result = agreement.rater_calibration(study, rater, current_language())
    label = agreement.rater_labels(study, request.user).get(rater.pk, rater.display_name)
    context = {"study": study, "calibration": result, "rater_label": label}
    return render(request, "rating/calibration.html", context)


# -- Rating -----------------------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def rate(request, public_id):
    """The rating screen: the segment's player beside the items; a draft is kept as one goes."""
    assignment = access.get_assignment_for_rater(request.user, public_id)
    current = services.current_rating(assignment)
    if current is not None:
        return redirect("rating:rating", public_id=current.public_id)
    recording = assignment.segment.recording
    blocked = consents.consent_problems(recording.recorded, assignment.study.purpose)
    if blocked:
        return render(request, "rating/blocked.html", {"problems": blocked, "assignment": assignment}, status=403)
    outcome = _rate(request, assignment, current_language())
    if outcome.redirect_to is not None:
        if outcome.rating is not None:
            _record(request, SUBMIT, outcome.rating, recording)
        return redirect(outcome.redirect_to)
    _record(request, VIEW, assignment, recording, detail="rating screen")
    return render(request, "rating/rate.html", outcome.context, status=400 if outcome.context["form"].errors else 200)


@staff_required
@require_POST
def autosave(request, public_id):
    """The rating screen's script saves the draft here every few seconds (204, no page)."""
    assignment = access.get_assignment_for_rater(request.user, public_id)
    if services.current_rating(assignment) is not None or consents.is_blocked(assignment.segment.recording):
        return HttpResponse(status=409)
    _save_draft(request, assignment, current_language())
    return HttpResponse(status=204)


@staff_required
def rating(request, public_id):
    """A submitted rating; beside it, now that it is in, the other raters' and the reference."""
    rating = access.get_rating_for_user(request.user, public_id)
    _record(request, VIEW, rating, rating.assignment.segment.recording, detail="rating")
    return render(request, "rating/rating.html", study_pages.rating_page(request.user, rating, current_language()))


@staff_required
@require_http_methods(["GET", "POST"])
def correct(request, public_id):
    rating = access.get_rating_for_user(request.user, public_id)
    if rating.assignment.rater_id != request.user.pk or hasattr(rating, "superseded_by"):
        raise PermissionDenied
    outcome = _correct(request, rating, current_language())
    recording = rating.assignment.segment.recording
    if outcome.redirect_to is not None:
        _record(request, SUBMIT, outcome.rating, recording)
        return redirect(outcome.redirect_to)
    _record(request, VIEW, rating, recording, detail="correction screen")
    status = 400 if outcome.context["form"].errors or outcome.context["correction"].errors else 200
    return render(request, "rating/correct.html", outcome.context, status=status)


# -- Forms into services, with the user's messages -----------------------------------------------------


def _add_to_study(request, *, segment: Segment, study: RatingStudy) -> None:
    try:
        services.add_to_study(study=study, segment=segment)
    except services.SegmentProblem:
        messages.error(request, _("The study's purpose is not the one the recording may be used for."))
    except consents.ConsentMissing as missing:
        for sentence in pages.consent_sentences(missing.problems):
            messages.error(request, sentence)
    else:
        messages.success(request, _("The segment is added to the study."))


def _assign(request, *, study: RatingStudy, segments, raters, kind: str) -> bool:
    try:
        created = services.assign(study=study, segments=segments, raters=raters, kind=kind, by=request.user)
    except consents.ConsentMissing as missing:
        for sentence in pages.consent_sentences(missing.problems):
            messages.error(request, sentence)
        return False
    except services.SelfAssessmentRefused as refused:
        text = _("%(person)s did not lead the session of %(segment)s, so cannot assess themselves on it.")
        messages.error(request, text % {"person": refused.rater.display_name, "segment": refused.segment.name})
        return False
    messages.success(request, _("%(count)s assignments are in place.") % {"count": len(created)})
    return True


@dataclass
class Outcome:
    context: dict[str, Any] = field(default_factory=dict)
    redirect_to: str | None = None
    rating: Rating | None = None


def _draft(assignment: Assignment) -> RatingDraft | None:
    return RatingDraft.objects.filter(assignment=assignment).first()


def _rating_form(request, assignment: Assignment, language: str, initial: dict) -> RatingForm:
    instrument = services.instrument_of(assignment)
    posted = request.POST if request.method == "POST" else None  # an empty POST is still a POST
    return RatingForm(posted, instrument=instrument, language=language, initial=initial)


def _rate(request, assignment: Assignment, language: str) -> Outcome:
    """Save draft (button or script) or submit; a submit with problems keeps the draft too."""
    draft = _draft(assignment)
    initial = initial_from(draft.answers, draft.missing_reasons, draft.time_stamps, draft.notes) if draft else {}
    form = _rating_form(request, assignment, language, initial)
    if request.method == "POST":
        form.is_valid()
        entered = form.entered()
        if request.POST.get("action") == "submit" and not form.errors:
            submission = services.submit_rating(assignment=assignment, entered=entered, by=request.user)
            if submission.rating is not None:
                return Outcome(
                    redirect_to=reverse("rating:rating", args=[submission.rating.public_id]), rating=submission.rating
                )
            form.show_errors(submission.errors)
        draft = services.save_draft(assignment=assignment, entered=entered)
        if not form.errors:
            saved = formats.time_format(timezone.localtime(draft.saved_at), "H:i")
            messages.success(request, _("Draft saved at %(time)s.") % {"time": saved})
            return Outcome(redirect_to=reverse("rating:rate", args=[assignment.public_id]))
    context = pages.screen_context(assignment, form, draft)
    stamped = [("", draft.time_stamps, draft.notes)] if draft else []
    context["timeline"] = study_pages.timeline(assignment.segment, form.instrument, stamped, language)
    return Outcome(context=context)


def _save_draft(request, assignment: Assignment, language: str) -> None:
    form = _rating_form(request, assignment, language, {})
    form.is_valid()
    services.save_draft(assignment=assignment, entered=form.entered())


def _correct(request, rating: Rating, language: str) -> Outcome:
    initial = initial_from(rating.answers, rating.missing_reasons, rating.time_stamps, rating.notes)
    form = _rating_form(request, rating.assignment, language, initial)
    correction = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() & correction.is_valid():
        submission = services.correct_rating(
            rating=rating, entered=form.entered(), reason=correction.cleaned_data["reason"], by=request.user
        )
        if submission.rating is not None:
            return Outcome(
                redirect_to=reverse("rating:rating", args=[submission.rating.public_id]), rating=submission.rating
            )
        form.show_errors(submission.errors)
    context = pages.screen_context(rating.assignment, form, None)
    context.update({"rating": rating, "correction": correction})
    return Outcome(context=context)
