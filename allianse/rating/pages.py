"""What the rating pages show, built without the request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from allianse.accounts.models import User
from allianse.clinic.models import Session
from allianse.core.measures import Instrument, Item
from allianse.groups.models import GroupSession, Membership, TherapyGroup

from . import access, consents, services
from .files import RecordingRejected
from .forms import (
    MISSING_REASON_LABELS,
    AddToStudyForm,
    RatingForm,
    RecordingForm,
    SegmentForm,
    format_clock,
)
from .models import Assignment, Purpose, Rating, RatingDraft, RatingStudy, Recording, Segment


def consent_sentences(problems: list[consents.ConsentProblem]) -> list[str]:
    texts = {
        "patient_missing": _("Patient %(person)s has no written consent on record for this purpose."),
        "patient_withdrawn": _("Patient %(person)s has withdrawn their consent for this purpose."),
        "member_missing": _("Member %(person)s has no written consent on record for this purpose."),
        "member_withdrawn": _("Member %(person)s has withdrawn their consent for this purpose."),
        "superior_missing": _("The superior of %(person)s has not given written consent for this purpose."),
        "superior_withdrawn": _("The superior's consent for %(person)s has been withdrawn."),
    }
    return [texts[problem.code] % {"person": problem.person} for problem in problems]


# -- Home ---------------------------------------------------------------------------------------------------


def assignments_of(user: User) -> QuerySet[Assignment]:
    """The user's assignments, each with `submitted` and `drafted`; those still to rate first."""
    return (
        Assignment.objects.filter(rater=user)
        .select_related("study", "segment__recording")
        .annotate(
            submitted=Exists(Rating.objects.filter(assignment=OuterRef("pk"))),
            drafted=Exists(RatingDraft.objects.filter(assignment=OuterRef("pk"))),
        )
        .order_by("submitted", "study__name", "segment__name")
    )


def home_context(user: User) -> dict[str, Any]:
    is_leader = access.is_study_leader(user)
    sessions = (
        Session.objects.filter(treatment__therapists=user)
        .select_related("treatment__patient")
        .annotate(recording_count=Count("recordings"))
        .order_by("-starts_at")[:15]
        if user.is_therapist
        else []
    )
    group_sessions = (
        GroupSession.objects.filter(group__therapists=user)
        .select_related("group")
        .annotate(recording_count=Count("recordings"))
        .order_by("-starts_at")[:15]
        if user.is_therapist
        else []
    )
    return {
        "group_sessions": group_sessions,
        "assignments": assignments_of(user),
        "studies": user.led_studies.annotate(segment_count=Count("segments")) if is_leader else None,
        "sessions": sessions,
        "is_leader": is_leader,
    }


# -- Recordings ---------------------------------------------------------------------------------------------


def upload(form: RecordingForm, *, session: consents.RecordedSession, by: User) -> Recording | None:
    data = form.cleaned_data
    upload = data["file"]
    head = next(upload.chunks(chunk_size=64), b"")
    upload.seek(0)
    try:
        return services.store_recording(
            session=session,
            name=upload.name,
            head=head,
            size=upload.size,
            chunks=upload.chunks(),
            purpose=data["purpose"],
            title=data["title"],
            duration_seconds=data["duration"],
            by=by,
        )
    except consents.ConsentMissing as missing:
        for sentence in consent_sentences(missing.problems):
            form.add_error(None, sentence)
        form.add_error(None, _("Record the written consent first; then upload the recording."))
    except RecordingRejected as rejected:
        message = RecordingForm.REJECTIONS[rejected.code] % {"limit": filesizeformat(settings.RECORDING_MAX_BYTES)}
        form.add_error("file", message)
    return None


def upload_purposes(session: consents.RecordedSession) -> list[tuple[str, str]]:
    """The purposes a recording of `session` may be uploaded for: none whose consent was withdrawn."""
    return [
        (value, label)
        for value, label in Purpose.choices
        if not any(problem.code.endswith("_withdrawn") for problem in consents.consent_problems(session, value))
    ]


def session_recordings_context(session: Session, form: RecordingForm) -> dict[str, Any]:
    gates = [(label, consent_sentences(consents.consent_problems(session, value))) for value, label in Purpose.choices]
    return {
        "session": session,
        "patient": session.treatment.patient,
        "patients": consents.patients_present(session),
        "gates": gates,
        "recordings": session.recordings.annotate(segment_count=Count("segments")),
        "form": form,
    }


def group_upload_purposes(session: GroupSession) -> list[tuple[str, str]]:
    """A group recording is uploaded only for a purpose whose gate passes (every member present and,
    where required, every superior has a valid consent)."""
    return [(value, label) for value, label in Purpose.choices if not consents.consent_problems(session, value)]


def group_recordings_context(session: GroupSession, form: RecordingForm | None) -> dict[str, Any]:
    """The recordings section of a group session: consent per purpose, the recordings, and the
    upload form (None when no purpose's gate passes: the reasons are shown instead)."""
    problems = consents.consent_problems_by_purpose(session, list(Purpose.values))
    gates = [(label, consent_sentences(problems[value])) for value, label in Purpose.choices]
    purposes = [(value, label) for value, label in Purpose.choices if not problems[value]]
    if form is None and purposes:
        form = RecordingForm(purposes=purposes)
    return {
        "session": session,
        "group": session.group,
        "gates": gates,
        "recordings": session.recordings.annotate(segment_count=Count("segments")),
        "form": form if purposes else None,
        "limit": filesizeformat(settings.RECORDING_MAX_BYTES),
    }


def member_consents_context(user: User, group: TherapyGroup, form) -> dict[str, Any]:
    """Every membership of the group (current and former), each with its consents over time, and
    the group's recordings blocked by a withdrawal (whose files may be deleted)."""
    memberships = list(
        group.memberships.select_related("patient")
        .prefetch_related("consents__recorded_by", "consents__withdrawn_by")
        .order_by("ended_on", "patient__code")
    )
    for membership in memberships:
        membership.consenting = any(consent.withdrawn_at is None for consent in membership.consents.all())
    recordings = Recording.objects.filter(group_session__group=group).select_related("group_session")
    return {
        "group": group,
        "memberships": memberships,
        "form": form,
        "withdrawn": [recording for recording in recordings if consents.is_withdrawn(recording)],
        "manages": group.therapists.filter(pk=user.pk).exists(),
    }


def member_choices(group: TherapyGroup):
    return Membership.objects.filter(group=group).select_related("patient").order_by("patient__code")


def add_segment(form: SegmentForm, *, recording: Recording, by: User) -> Segment | None:
    data = form.cleaned_data
    try:
        return services.add_segment(
            recording=recording, name=data["name"], start_seconds=data["start"], end_seconds=data["end"], by=by
        )
    except services.SegmentProblem as problem:
        if problem.code == "file_deleted":
            form.add_error(None, _("The recording's file is deleted; no new segment can be cut from it."))
        else:
            form.add_error("end", _("The segment ends after the end of the recording."))
    except consents.ConsentMissing as missing:
        for sentence in consent_sentences(missing.problems):
            form.add_error(None, sentence)
    return None


def recording_context(recording: Recording, form: SegmentForm) -> dict[str, Any]:
    segments = recording.segments.prefetch_related("studies")
    problems = consents.recording_problems(recording)
    return {
        "recording": recording,
        "session": recording.recorded,
        "problems": consent_sentences(problems),
        "withdrawn": any(problem.code.endswith("_withdrawn") for problem in problems),
        "segments": segments,
        "form": form,
        "study_form": AddToStudyForm(segments=segments, studies=services.open_studies(recording.purpose)),
        "player": player(recording, None),
    }


def player(recording: Recording, segment: Segment | None) -> dict[str, Any]:
    """The player's source: the whole recording, or a segment's own file, whose clock starts at 0
    at the segment's start (`offset`: rating.js stamps recording times, as they are stored)."""
    if segment is None:
        url, content_type = reverse("rating:stream", args=[recording.public_id]), recording.content_type
    else:
        url = reverse("rating:segment_stream", args=[segment.public_id])
        content_type = services.SEGMENT_TYPES[recording.is_video]
    return {"url": url, "is_video": recording.is_video, "content_type": content_type, "segment": segment}


# -- Studies -------------------------------------------------------------------------------------------------


def study_raters(study: RatingStudy) -> list[User]:
    """The study's raters, each with a link to their calibration page."""
    assigned = study.assignments.filter(kind=Assignment.Kind.RATER).values("rater_id")
    return list(User.objects.filter(pk__in=assigned).order_by("username"))


def linked_rows(result, raters: list[tuple[User, str]]) -> list[dict[str, Any]]:
    """The agreement's rater rows, each with the public id of the rater (for the link to their
    calibration page), matched by the label they are shown by."""
    ids = {label: rater.public_id for rater, label in raters}
    return [{**row, "public_id": ids.get(row["rater"])} for row in result.rater_rows]


# -- Rating ---------------------------------------------------------------------------------------------------


def screen_context(assignment: Assignment, form: RatingForm, draft: RatingDraft | None) -> dict[str, Any]:
    segment = assignment.segment
    return {
        "assignment": assignment,
        "segment": segment,
        "study": assignment.study,
        "instrument": form.instrument,
        "form": form,
        "draft": draft,
        "player": player(segment.recording, segment),
        "segment_start": format_clock(segment.start_seconds),
        "segment_end": format_clock(segment.end_seconds),
    }


def shown_answer(instrument: Instrument, item: Item, rating: Rating | None, language: str) -> str:
    if rating is None:
        return ""
    if item.id in rating.missing_reasons:
        return f"({MISSING_REASON_LABELS[rating.missing_reasons[item.id]]})"
    value = rating.answers.get(item.id)
    if value is None or value == []:
        return "–"
    if item.type == "multi_choice":
        texts = {option.value: option.text[language] for option in item.options}
        return "; ".join(texts[choice] for choice in value)
    if item.type == "choice":
        return next(option.text[language] for option in item.options if option.value == value)
    return str(value)
