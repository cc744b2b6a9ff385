"""The study leader's consensus view and release of blinded ratings."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from allianse.accounts import audit
from allianse.accounts.decorators import staff_required
from allianse.accounts.models import AuditEvent
from allianse.instruments.language import current_language

from . import access, consents, services, study_pages
from .forms import RatingForm
from .pages import consent_sentences


@staff_required
def consensus(request, public_id):
    study = access.get_study_for_leader(request.user, public_id)
    audit.record(request, AuditEvent.Action.VIEW, study, detail="consensus")
    return render(request, "rating/consensus.html", study_pages.consensus_overview(study, current_language()))


@staff_required
@require_http_methods(["GET", "POST"])
def consensus_segment(request, public_id, segment_id):
    """One segment's ratings side by side; the leader records the consensus as its reference."""
    study, segment = access.get_study_segment_for_leader(request.user, public_id, segment_id)
    language = current_language()
    instrument = services.instruments.get(study.instrument_key)
    ratings = study_pages.rater_ratings(study, segment)
    current = services.current_consensus(study, segment)
    initial = study_pages.consensus_initial(instrument, ratings, current)
    posted = request.POST if request.method == "POST" else None
    form = RatingForm(posted, instrument=instrument, language=language, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.record_consensus(
                study=study, segment=segment, entered=form.entered(), by=request.user
            )
        except consents.ConsentMissing as missing:
            for sentence in consent_sentences(missing.problems):
                form.add_error(None, sentence)
        else:
            if submission.rating is not None and not submission.errors:
                patients = consents.patient_ids(segment.recording)
                audit.record_for_patients(
                    request, AuditEvent.Action.SUBMIT, submission.rating, patients, detail="consensus"
                )
                messages.success(request, _("The consensus is recorded as the segment's reference rating."))
                return redirect("rating:consensus_segment", public_id=study.public_id, segment_id=segment.public_id)
            form.show_errors(submission.errors)
    patients = consents.patient_ids(segment.recording)
    audit.record_for_patients(request, AuditEvent.Action.VIEW, study, patients, detail="consensus segment")
    context = study_pages.consensus_segment(study, segment, ratings, request.user, form, language)
    context["current"] = current
    return render(request, "rating/consensus_segment.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def release(request, public_id):
    study = access.get_study_for_leader(request.user, public_id)
    services.release_ratings(study)
    audit.record(request, AuditEvent.Action.CREATE, study, detail="ratings released to raters")
    messages.success(request, _("Raters who have submitted can now see the other ratings."))
    return redirect("rating:study", public_id=study.public_id)
