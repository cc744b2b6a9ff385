"""Workflows of the rating app: recordings, segments, studies, assignments and ratings (consent:
`consent.py`)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from allianse.accounts.models import User
from allianse.core.measures import CheckedAnswers, Instrument, check_answers, printable, score_response
from allianse.groups.models import GroupSession
from allianse.instruments import registry as instruments

from . import files, media, observers
from .access import manages_recording
from .clock import format_clock
from .consents import RecordedSession, blocked_recordings, require_consent
from .models import Assignment, Rating, RatingDraft, RatingStudy, Recording, Segment

RATING_SCALES = ("mbt-g-aqs", "rupture-markers")


# -- Recordings and segments ------------------------------------------------------------------------


def store_recording(
    *,
    session: RecordedSession,
    name: str,
    head: bytes,
    size: int,
    chunks: Iterator[bytes],
    purpose: str,
    title: str,
    duration_seconds: float | None,
    by: User,
) -> Recording:
    """Check consent, size and type, then write the file and record its size and SHA-256.
    `session` is an individual session or a group session.

    Raises ConsentMissing or files.RecordingRejected before anything is written.
    """
    require_consent(session, purpose)
    file_type = files.accepted_type(name, head, size)
    stored = files.store(chunks, file_type.extension)
    recorded: dict[str, RecordedSession] = (
        {"group_session": session} if isinstance(session, GroupSession) else {"session": session}
    )
    try:
        with transaction.atomic():
            return Recording.objects.create(
                **recorded,
                purpose=purpose,
                title=title,
                file_name=stored.file_name,
                content_type=file_type.content_type,
                size_bytes=stored.size_bytes,
                sha256=stored.sha256,
                duration_seconds=duration_seconds,
                uploaded_by=by,
            )
    except Exception:
        files.remove(stored.file_name)
        raise


class SegmentProblem(ValueError):
    """code: beyond_end (the segment ends after the recording), purpose_mismatch or file_deleted."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def add_segment(*, recording: Recording, name: str = "", start_seconds: float, end_seconds: float, by: User) -> Segment:
    """A segment of the recording; without a name it is named by its session and its real times.

    Raises ConsentMissing while someone in the recording lacks consent for its purpose."""
    if recording.file_deleted:
        raise SegmentProblem("file_deleted")
    require_consent(recording.recorded, recording.purpose)
    name = name or segment_name(recording, start_seconds, end_seconds)
    if recording.duration_seconds is not None and end_seconds > recording.duration_seconds + 0.5:
        raise SegmentProblem("beyond_end")
    with transaction.atomic():
        return Segment.objects.create(
            recording=recording, name=name, start_seconds=start_seconds, end_seconds=end_seconds, created_by=by
        )


SEGMENT_EXTENSION, SEGMENT_TYPES = "webm", {True: "video/webm", False: "audio/webm"}


def segment_file(segment: Segment) -> Segment:
    """The segment with its own file, cut from the recording the first time it is asked for.

    Raises media.MediaError where ffmpeg is missing or fails.
    """
    if segment.file_name and segment.path.exists():
        return segment
    if segment.recording.file_deleted:
        raise media.MediaError("the recording's file is deleted")
    executable = media.ffmpeg_executable()
    if executable is None:
        raise media.MediaError("no ffmpeg binary for this platform")
    recording = segment.recording
    with tempfile.TemporaryDirectory(prefix="allianse-segment-") as directory:
        cut = Path(directory) / f"segment.{SEGMENT_EXTENSION}"
        media.cut(
            recording.path,
            cut,
            start=segment.start_seconds,
            seconds=segment.duration_seconds,
            video=recording.is_video,
            executable=executable,
        )
        with cut.open("rb") as source:
            stored = files.store(iter(lambda: source.read(files.CHUNK_BYTES), b""), SEGMENT_EXTENSION)
    previous = segment.file_name
    segment.file_name, segment.size_bytes, segment.sha256 = stored.file_name, stored.size_bytes, stored.sha256
    segment.content_type = SEGMENT_TYPES[recording.is_video]
    segment.save(update_fields=["file_name", "size_bytes", "sha256", "content_type"])
    if previous:
        files.remove(previous)
    return segment


def segment_name(recording: Recording, start_seconds: float, end_seconds: float) -> str:
    """E.g. "Session 20, 1:30–2:30": the session and the segment's start and end as m:ss."""
    return _("Session %(number)s, %(start)s–%(end)s") % {
        "number": recording.recorded.number,
        "start": format_clock(start_seconds),
        "end": format_clock(end_seconds),
    }


# -- Studies and assignments -------------------------------------------------------------------------


def create_study(
    *,
    name: str,
    description: str,
    instrument_key: str,
    purpose: str,
    leader: User,
    reveal: str = RatingStudy.Reveal.OWN_SUBMITTED,
    naming: str = RatingStudy.Naming.NAMES,
) -> RatingStudy:
    with transaction.atomic():
        return RatingStudy.objects.create(
            name=name,
            description=description,
            instrument_key=instrument_key,
            purpose=purpose,
            leader=leader,
            reveal=reveal,
            naming=naming,
        )


def release_ratings(study: RatingStudy) -> None:
    """The leader lets raters who have submitted see the others' and the reference ratings."""
    with transaction.atomic():
        RatingStudy.objects.filter(pk=study.pk, released_at__isnull=True).update(released_at=timezone.now())
    study.refresh_from_db(fields=["released_at"])


def add_to_study(*, study: RatingStudy, segment: Segment) -> None:
    """A segment joins a study only for the purpose its patients consented to."""
    if segment.recording.purpose != study.purpose:
        raise SegmentProblem("purpose_mismatch")
    require_consent(segment.recording.recorded, study.purpose)
    with transaction.atomic():
        study.segments.add(segment)


def open_studies(purpose: str) -> QuerySet[RatingStudy]:
    return RatingStudy.objects.filter(purpose=purpose).select_related("leader")


class SelfAssessmentRefused(ValueError):
    """A self-assessment of a segment of a session the person did not lead."""

    def __init__(self, rater: User, segment: Segment) -> None:
        super().__init__(f"{rater} did not lead the session of {segment}")
        self.rater, self.segment = rater, segment


def assign(
    *, study: RatingStudy, segments: Iterable[Segment], raters: Iterable[User], kind: str, by: User
) -> list[Assignment]:
    """Ask each rater to rate each segment; an existing assignment is kept as it is. A
    self-assessment is only for the therapist who led the session (raises SelfAssessmentRefused)."""
    segments, raters = list(segments), list(raters)
    for segment in segments:
        require_consent(segment.recording.recorded, study.purpose)
        if kind == Assignment.Kind.SELF:
            for rater in raters:
                if not manages_recording(rater, segment.recording):
                    raise SelfAssessmentRefused(rater, segment)
    with transaction.atomic():
        return [
            Assignment.objects.get_or_create(
                study=study, segment=segment, rater=rater, kind=kind, defaults={"assigned_by": by}
            )[0]
            for segment in segments
            for rater in raters
        ]


# -- Rating -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingInput:
    """What a rater entered: raw answers, reasons for empty items, and time stamps in seconds."""

    answers: dict[str, Any]
    missing_reasons: dict[str, str] = field(default_factory=dict)
    time_stamps: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RatingSubmission:
    checked: CheckedAnswers
    errors: dict[str, str]
    rating: Rating | None = None


def instrument_of(assignment: Assignment) -> Instrument:
    return instruments.get(assignment.study.instrument_key)


def current_rating(assignment: Assignment) -> Rating | None:
    return assignment.ratings.filter(superseded_by__isnull=True).order_by("-submitted_at").first()


def save_draft(*, assignment: Assignment, entered: RatingInput) -> RatingDraft:
    """Keep what the rater has entered so far; nothing is checked until they submit, but texts lose
    the characters the answer rule drops (PostgreSQL refuses NUL)."""
    with transaction.atomic():
        draft, _ = RatingDraft.objects.update_or_create(
            assignment=assignment,
            defaults={
                "answers": printable(entered.answers),
                "missing_reasons": printable(entered.missing_reasons),
                "time_stamps": entered.time_stamps,
                "notes": printable(entered.notes),
                "saved_at": timezone.now(),
            },
        )
    return draft


def check_rating(instrument: Instrument, entered: RatingInput) -> tuple[CheckedAnswers, dict[str, str]]:
    """The core's item checks, plus the rating rule of docs/methods.md#rating-reasons: a scale item
    left empty needs a reason (not applicable, not observed), so an empty rating is never a
    forgotten one."""
    checked = check_answers(instrument, entered.answers, entered.missing_reasons)
    errors = dict(checked.errors)
    for item in instrument.items:
        answered = item.id in checked.answers or item.id in checked.missing_reasons
        if item.type == "scale" and not answered and item.id not in errors:
            errors[item.id] = "needs_reason"
    known = {item.id for item in instrument.items}
    for item_id in [*entered.time_stamps, *entered.notes]:
        if item_id not in known:
            errors.setdefault(item_id, "unknown_item")
    return checked, errors


def submit_rating(*, assignment: Assignment, entered: RatingInput, by: User) -> RatingSubmission:
    """Store the rating once; the draft is then removed. A second submit stores nothing new."""
    require_consent(assignment.segment.recording.recorded, assignment.study.purpose)
    existing = current_rating(assignment)
    instrument = instrument_of(assignment)
    checked, errors = check_rating(instrument, entered)
    if existing is not None or errors:
        return RatingSubmission(checked=checked, errors=errors, rating=existing)
    with transaction.atomic():
        rating = _create_rating(assignment, instrument, checked, entered, by)
        RatingDraft.objects.filter(assignment=assignment).delete()
    return RatingSubmission(checked=checked, errors={}, rating=rating)


def correct_rating(*, rating: Rating, entered: RatingInput, reason: str, by: User) -> RatingSubmission:
    """A correction is a new rating that supersedes the current one; both are kept."""
    assignment = rating.assignment
    require_consent(assignment.segment.recording.recorded, assignment.study.purpose)
    instrument = instrument_of(assignment)
    checked, errors = check_rating(instrument, entered)
    if errors:
        return RatingSubmission(checked=checked, errors=errors)
    with transaction.atomic():
        latest = current_rating(assignment)
        assert latest is not None, "a rating being corrected means its assignment has a current one"
        current = Rating.objects.select_for_update().get(pk=latest.pk)
        correction = _create_rating(assignment, instrument, checked, entered, by, supersedes=current, reason=reason)
    return RatingSubmission(checked=checked, errors={}, rating=correction)


def _create_rating(
    assignment: Assignment,
    instrument: Instrument,
    checked: CheckedAnswers,
    entered: RatingInput,
    by: User,
    *,
    supersedes: Rating | None = None,
    reason: str = "",
) -> Rating:
    rating = Rating.objects.create(
        assignment=assignment,
        instrument_key=instrument.key,
        instrument_version=instrument.version,
        answers=checked.answers,
        missing_reasons=checked.missing_reasons,
        time_stamps=entered.time_stamps,
        notes=printable(entered.notes),
        scores=score_response(instrument, checked.answers).scores,
        submitted_by=by,
        supersedes=supersedes,
        correction_reason=reason,
    )
    observers.rating_stored(rating)
    return rating


def blocked_segments(study: RatingStudy) -> list[int]:
    """The study's segments (pks) whose consent no longer holds, in a few queries however many
    recordings they come from."""
    segments = list(study.segments.select_related("recording"))
    recordings = {segment.recording_id: segment.recording for segment in segments}
    blocked = blocked_recordings(list(recordings.values()))
    return [segment.pk for segment in segments if segment.recording_id in blocked]


def delete_recording_file(*, recording: Recording, by: User) -> Recording:
    """Delete the recording's file and its segments' cut files from disk; the rows stay (ratings
    keep their context), the recording marked as having no file. The product keeps no other copy
    (docs/recordings.md#deleting-a-recording-file)."""
    with transaction.atomic():
        locked = Recording.objects.select_for_update().get(pk=recording.pk)
        if locked.file_deleted:
            return locked
        locked.file_deleted_at, locked.file_deleted_by = timezone.now(), by
        locked.save(update_fields=["file_deleted_at", "file_deleted_by"])
        recording.file_deleted_at, recording.file_deleted_by = locked.file_deleted_at, by
        cut = list(locked.segments.exclude(file_name="").values_list("file_name", flat=True))
        locked.segments.update(file_name="", size_bytes=None, sha256="", content_type="")
    for file_name in [locked.file_name, *cut]:
        files.remove(file_name)
    return locked


def not_superseded() -> Q:
    """Ratings no correction replaced, as NOT EXISTS: PostgreSQL plans it as an anti-join, while
    `superseded_by__isnull` (a left join kept where null) it expects to match one rating and then
    looks up the assignment of each of thousands one by one."""
    return ~Q(Exists(Rating.objects.filter(supersedes=OuterRef("pk"))))


def current_ratings(study: RatingStudy, blocked: list[int] | None = None) -> QuerySet[Rating]:
    """The current (not superseded) ratings of a study, of segments whose consent still holds
    (`blocked`: the study's blocked_segments, where the caller has them already)."""
    if blocked is None:
        blocked = blocked_segments(study)
    return (
        Rating.objects.filter(not_superseded(), assignment__study=study)
        .exclude(assignment__segment__in=blocked)
        .select_related("assignment__rater", "assignment__segment")
    )


def current_consensus(study: RatingStudy, segment: Segment) -> Rating | None:
    return (
        Rating.objects.filter(
            assignment__study=study,
            assignment__segment=segment,
            assignment__kind=Assignment.Kind.CONSENSUS,
            superseded_by__isnull=True,
        )
        .order_by("-submitted_at")
        .first()
    )


def record_consensus(*, study: RatingStudy, segment: Segment, entered: RatingInput, by: User) -> RatingSubmission:
    """The consensus the leader records for a segment becomes its reference rating (calibration and
    the raters' comparison use it before any expert's); a later consensus supersedes it."""
    (assignment,) = assign(study=study, segments=[segment], raters=[by], kind=Assignment.Kind.CONSENSUS, by=by)
    existing = current_rating(assignment)
    if existing is None:
        return submit_rating(assignment=assignment, entered=entered, by=by)
    return correct_rating(rating=existing, entered=entered, reason=_("The consensus was revised."), by=by)
