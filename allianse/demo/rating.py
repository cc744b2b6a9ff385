"""Demo of observer rating: consented recordings (small videos generated now, never committed),
segments, a course's MBT-G scoring exercise rated by four raters with realistic disagreement and
an expert's reference ratings, a supervision group coding rupture markers, and one recording
blocked because its patient withdrew consent.

Raters differ as trained raters do (Folmo et al. 2017 report single-rater G-coefficients around
.6): one is lenient, one strict, and a trainee starts noisy and comes closer to the reference
over the weeks (calibration).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group

from allianse.accounts.models import Role, User
from allianse.core.measures import Instrument
from allianse.demo.clinic import DEMO_PASSWORD, DemoContext, demo_user
from allianse.instruments import registry as instruments
from allianse.rating import consents, services
from allianse.rating.media import session_recording
from allianse.rating.models import Assignment, Purpose, Rating, RatingStudy, Recording, Segment

RECORDING_SECONDS = 240
SEGMENT_SECONDS = 60


@dataclass(frozen=True)
class RaterStyle:
    """How a demo rater departs from the truth: a constant bias and noise that may shrink."""

    username: str
    first: str
    last: str
    bias: float
    noise: float
    noise_later: float


RATERS = [
    RaterStyle("rater1", "Sofie", "Nilsen", 0.0, 0.55, 0.55),
    RaterStyle("rater2", "Erik", "Dahl", 0.7, 0.6, 0.6),  # lenient
    RaterStyle("rater3", "Leila", "Hansen", -0.5, 0.6, 0.6),  # strict
    RaterStyle("rater4", "Mats", "Strand", 0.3, 1.6, 0.5),  # trainee: noisy at first, calibrated later
]


def build(context: DemoContext) -> None:
    supervisor = demo_user("supervisor", Role.SUPERVISOR, "Hanne", "Vik")
    supervisor.groups.add(Group.objects.get_or_create(name=Role.COURSE_LEADER)[0])
    raters = [demo_user(style.username, Role.RATER, style.first, style.last) for style in RATERS]
    sessions = [_recorded_session(context, index) for index in range(4)]
    course_recordings = [_record(context, session, Purpose.COURSE, index) for index, session in enumerate(sessions)]
    course = services.create_study(
        name="MBT-G-kurs 2026, møte 7: skåring av videosekvenser",
        description="Sekvenser fra deltakernes egne grupper, skåret med MBT-G-skalaen.",
        instrument_key="mbt-g-aqs",
        purpose=Purpose.COURSE,
        leader=supervisor,
    )
    segments = [segment for recording in course_recordings[:3] for segment in _segments(recording, 3)]
    _rate_study(context, course, segments, raters, supervisor)
    blocked = _segments(course_recordings[3], 1)
    _rate_study(context, course, blocked, raters[:2], supervisor)
    consent = sessions[3].treatment.patient.consents.get(purpose=Purpose.COURSE)
    consents.withdraw_consent(consent=consent, by=consent.recorded_by)
    supervision_recording = _supervision_study(context, sessions[0], raters[:3], supervisor)
    context.say(
        "Video rating: 'supervisor' leads the MBT-G course study (agreement pages under Video rating);"
        " rater1-rater4 have rated its segments (rater4 has one draft and one not started);"
        f" one patient withdrew consent, so one recording is blocked. Password: {DEMO_PASSWORD}."
    )
    context.say(_recordings_note([*course_recordings, supervision_recording]))


def _recordings_note(recordings: list[Recording]) -> str:
    """Which kind of file the demo generated (video, or audio where no encoder was available)."""
    kinds = ", ".join(sorted({recording.content_type for recording in recordings}))
    sizes = [recording.size_bytes // 1024 for recording in recordings]
    video = all(recording.content_type.startswith("video/") for recording in recordings)
    reason = "" if video else " (no video encoder was available, so audio only)"
    return (
        f"Video rating: {len(recordings)} recordings of {RECORDING_SECONDS} s generated as {kinds}{reason},"
        f" {min(sizes)}-{max(sizes)} kB each."
    )


# A one-page PDF standing in for a signed, scanned consent form (the demo ships no documents).
SCANNED_FORM = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def scanned_form() -> consents.UploadedForm:
    return consents.UploadedForm("samtykke.pdf", SCANNED_FORM[:64], len(SCANNED_FORM), iter([SCANNED_FORM]))


def _recorded_session(context: DemoContext, index: int):
    treatment = context.treatments[index]
    session = treatment.sessions.filter(attended=True).order_by("-number")[index % 2]
    therapist = treatment.therapists.first()
    for purpose in (Purpose.COURSE, Purpose.SUPERVISION):
        stored, content_type = consents.store_form(scanned_form())
        consents.record_consent(
            patient=treatment.patient,
            purpose=purpose,
            given_at=(context.now - timedelta(days=60)).date(),
            document_reference=f"Skannet samtykkeskjema i journal, {treatment.patient.code}",
            by=therapist,
            form_file=stored,
            form_content_type=content_type,
        )
    return session


def _record(context: DemoContext, session, purpose: str, index: int) -> Recording:
    by = session.treatment.therapists.first()
    return store_generated(session, purpose, seed=index, title=f"Opptak, time {session.number}", by=by)


def store_generated(session, purpose: str, *, seed: int, title: str, by: User) -> Recording:
    """A generated recording of RECORDING_SECONDS stored for `session` (individual or group)."""
    generated = session_recording(RECORDING_SECONDS, seed=seed)
    data = generated.data
    chunks = (data[start : start + 65536] for start in range(0, len(data), 65536))
    return services.store_recording(
        session=session,
        name=f"opptak.{generated.extension}",
        head=data[:64],
        size=len(data),
        chunks=chunks,
        purpose=purpose,
        title=title,
        duration_seconds=RECORDING_SECONDS,
        by=by,
    )


def _segments(recording: Recording, count: int) -> list[Segment]:
    """The whole recording as one segment (not rated here), and `count` one-minute excerpts."""
    by = recording.uploaded_by
    services.add_segment(
        recording=recording, name="Hele opptaket", start_seconds=0, end_seconds=RECORDING_SECONDS, by=by
    )
    return [
        services.add_segment(
            recording=recording,
            start_seconds=n * SEGMENT_SECONDS + 30,
            end_seconds=(n + 1) * SEGMENT_SECONDS + 30,
            by=by,
        )
        for n in range(count)
    ]


def _truth(context: DemoContext, instrument: Instrument) -> dict[str, float]:
    level = context.rng.uniform(2.6, 5.6)
    return {
        item.id: min(item.max, max(item.min, level + context.rng.gauss(0, 0.8)))
        for item in instrument.items
        if item.type == "scale"
    }


def _rate_study(context, study: RatingStudy, segments: list[Segment], raters: list[User], leader: User) -> None:
    instrument = instruments.get(study.instrument_key)
    for segment in segments:
        services.add_to_study(study=study, segment=segment)
    for order, segment in enumerate(segments):
        truth = _truth(context, instrument)
        days_ago = 7 * (len(segments) - order)
        (expert,) = services.assign(study=study, segments=[segment], raters=[leader], kind="expert", by=leader)
        _submit(expert, _answers(context, truth, None, 0.0), context.now - timedelta(days=days_ago + 1))
        for rater, style in zip(raters, RATERS, strict=False):
            (assignment,) = services.assign(study=study, segments=[segment], raters=[rater], kind="rater", by=leader)
            answers = _answers(context, truth, style, order / max(len(segments) - 1, 1))
            if style.username == "rater4" and order == len(segments) - 1:
                continue
            if style.username == "rater4" and order == len(segments) - 2:
                partial = services.RatingInput(answers=dict(list(answers.items())[:9]))
                services.save_draft(assignment=assignment, entered=partial)
                continue
            _submit(assignment, answers, context.now - timedelta(days=days_ago, hours=-context.rng.randint(1, 48)))


def _answers(context, truth: dict[str, float], style: RaterStyle | None, progress: float) -> dict[str, int]:
    """A rater's ratings of one segment: the truth, their bias, and noise shrinking with practice."""
    bias = style.bias if style else 0.0
    noise = (style.noise + (style.noise_later - style.noise) * progress) if style else 0.3
    return {item: round(min(7, max(1, value + bias + context.rng.gauss(0, noise)))) for item, value in truth.items()}


def _submit(assignment: Assignment, answers: dict[str, int], when) -> None:
    instrument = instruments.get(assignment.study.instrument_key)
    entered = services.RatingInput(
        answers={key: min(value, instrument.item(key).max) for key, value in answers.items()},
        time_stamps={next(iter(answers)): assignment.segment.start_seconds + 12},
    )
    rating = services.submit_rating(assignment=assignment, entered=entered, by=assignment.rater).rating
    Rating.objects.filter(pk=rating.pk).update(submitted_at=when)


def _supervision_study(context, session, raters: list[User], leader: User) -> Recording:
    recording = _record(context, session, Purpose.SUPERVISION, 9)
    study = services.create_study(
        name="Veiledningsgruppe: bruddmarkører",
        description="Femminutterssegmenter kodet for tilbaketrekking, konfrontasjon og reparasjon (3RS-kategorier).",
        instrument_key="rupture-markers",
        purpose=Purpose.SUPERVISION,
        leader=leader,
    )
    _rate_study(context, study, _segments(recording, 3), raters, leader)
    return recording
