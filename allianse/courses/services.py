"""Workflows of a course: places and the waiting list, the day plan, the rota and the other roles,
attendance, preparation, videos shown, supervision notes and scoring exercises."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from allianse.accounts.models import User
from allianse.core import courses as core
from allianse.groups.models import Membership, TherapyGroup
from allianse.rating import services as rating
from allianse.rating.consents import require_consent
from allianse.rating.models import Assignment, Purpose, RatingStudy, Recording, Segment

from .models import (
    Attendance,
    Course,
    DayBlock,
    Meeting,
    MeetingRole,
    Participant,
    PatientDescription,
    Preparation,
    Reading,
    SupervisionNote,
    VideoPresentation,
)

SCALE = "mbt-g-aqs"

# -- Places and the waiting list ----------------------------------------------------------------


def enrolled(course: Course) -> QuerySet[Participant]:
    return course.participants.filter(status=Participant.Status.ENROLLED).select_related("user")


def waiting(course: Course) -> QuerySet[Participant]:
    return course.participants.filter(status=Participant.Status.WAITING).select_related("user")


def enrol(*, course: Course, user: User) -> Participant:
    """A place while the course has one, else the end of the waiting list; someone who withdrew
    comes back the same way."""
    with transaction.atomic():
        Course.objects.select_for_update().get(pk=course.pk)
        full = enrolled(course).count() >= course.capacity
        status = Participant.Status.WAITING if full else Participant.Status.ENROLLED
        participant, created = Participant.objects.get_or_create(course=course, user=user, defaults={"status": status})
        if not created and participant.status == Participant.Status.WITHDRAWN:
            participant.status, participant.joined_at = status, timezone.now()
            participant.save(update_fields=["status", "joined_at"])
        return participant


def withdraw(*, participant: Participant) -> Participant | None:
    """The participant leaves; the first on the waiting list takes a freed place (returned)."""
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=participant.course_id)
        was_enrolled = participant.status == Participant.Status.ENROLLED
        participant.status = Participant.Status.WITHDRAWN
        participant.save(update_fields=["status"])
        return fill_places(course) if was_enrolled else None


def fill_places(course: Course) -> Participant | None:
    """Move people from the waiting list into free places, first come first; the last moved."""
    moved = None
    for candidate in waiting(course).order_by("joined_at", "pk"):
        if enrolled(course).count() >= course.capacity:
            break
        candidate.status = Participant.Status.ENROLLED
        candidate.save(update_fields=["status"])
        moved = candidate
    return moved


# -- The day plan -------------------------------------------------------------------------------


def day_plan(course: Course, meeting: Meeting | None = None) -> list[DayBlock]:
    """A meeting's own blocks where it has any, else the course's plan."""
    if meeting is not None:
        own = list(meeting.blocks.all())
        if own:
            return own
    return list(course.blocks.filter(meeting=None))


def _minutes(moment: time) -> int:
    return core.minutes_of(moment.hour, moment.minute)


@dataclass(frozen=True)
class PlanOverlap:
    first: DayBlock
    second: DayBlock
    start: int
    minutes: int

    @property
    def confirmed(self) -> bool:
        """The leader marked one of the two blocks as overlapping on purpose."""
        return self.first.overlap_confirmed or self.second.overlap_confirmed

    @property
    def marked(self) -> DayBlock:
        """The block that carries the leader's confirmation (the later one, until confirmed)."""
        return self.first if self.first.overlap_confirmed else self.second


def plan_overlaps(blocks: Sequence[DayBlock]) -> list[PlanOverlap]:
    """The overlapping blocks of a plan, found by the core's check."""
    found = core.overlaps([core.Block(_minutes(block.starts), _minutes(block.ends)) for block in blocks])
    return [PlanOverlap(blocks[o.first], blocks[o.second], o.start, o.minutes) for o in found]


def add_block(
    *, course: Course, starts: time, ends: time, kind: str, description: str = "", meeting: Meeting | None = None
) -> DayBlock:
    with transaction.atomic():
        return DayBlock.objects.create(
            course=course, meeting=meeting, starts=starts, ends=ends, kind=kind, description=description
        )


def confirm_overlap(*, block: DayBlock, intended: bool) -> None:
    block.overlap_confirmed = intended
    block.save(update_fields=["overlap_confirmed"])


# -- Roles: the rota of co-therapists, presenters -------------------------------------------------


def people_in(meeting: Meeting, role: str) -> list[Participant]:
    return [entry.participant for entry in meeting.roles.filter(role=role).select_related("participant__user")]


def announced_absences(course: Course) -> dict[int, set[int]]:
    """Per meeting number, the participants (pks) who announced or had an absence."""
    absences: dict[int, set[int]] = {}
    rows = Attendance.objects.filter(meeting__course=course).exclude(status=Attendance.Status.PRESENT)
    for number, participant in rows.values_list("meeting__number", "participant"):
        absences.setdefault(number, set()).add(participant)
    return absences


def propose_rota(*, course: Course) -> dict[int, list[Participant]]:
    """Co-therapists for every meeting that has none yet, by the core's fair rota; meetings
    already settled are kept and counted. Stores and returns the new ones by meeting number."""
    meetings = list(course.meetings.order_by("number"))
    people = list(enrolled(course).order_by("joined_at", "pk"))
    by_pk = {participant.pk: participant for participant in people}
    fixed = {
        index: [entry.participant_id for entry in meeting.roles.filter(role=MeetingRole.Role.CO_THERAPIST)]
        for index, meeting in enumerate(meetings)
    }
    fixed = {index: chosen for index, chosen in fixed.items() if chosen}
    absences = announced_absences(course)
    absent = {index: absences.get(meeting.number, set()) for index, meeting in enumerate(meetings)}
    rota = core.propose_rota([person.pk for person in people], len(meetings), absent=absent, fixed=fixed)
    proposed: dict[int, list[Participant]] = {}
    with transaction.atomic():
        for index, chosen in enumerate(rota):
            if index in fixed:
                continue
            meeting = meetings[index]
            proposed[meeting.number] = [by_pk[pk] for pk in chosen]
            set_role(meeting=meeting, role=MeetingRole.Role.CO_THERAPIST, participants=proposed[meeting.number])
    return proposed


def set_role(*, meeting: Meeting, role: str, participants: Iterable[Participant]) -> None:
    """The people who hold `role` at the meeting, replacing those who held it."""
    with transaction.atomic():
        meeting.roles.filter(role=role).delete()
        MeetingRole.objects.bulk_create(
            MeetingRole(meeting=meeting, participant=participant, role=role) for participant in participants
        )


def next_roles(participant: Participant, today: date) -> list[MeetingRole]:
    return list(
        participant.roles.filter(meeting__date__gte=today).select_related("meeting").order_by("meeting__number")
    )


# -- Attendance ---------------------------------------------------------------------------------


def record_attendance(*, meeting: Meeting, statuses: dict[Participant, str]) -> None:
    """Each participant's attendance (an empty status removes the row)."""
    with transaction.atomic():
        for participant, status in statuses.items():
            if status:
                Attendance.objects.update_or_create(
                    meeting=meeting, participant=participant, defaults={"status": status}
                )
            else:
                Attendance.objects.filter(meeting=meeting, participant=participant).delete()


def held_meetings(course: Course) -> QuerySet[Meeting]:
    """Meetings with attendance taken (present or absent; an absence announced ahead is not that):
    they have taken place."""
    taken = [Attendance.Status.PRESENT, Attendance.Status.ABSENT]
    return course.meetings.filter(attendance__status__in=taken).distinct()


# -- Preparation --------------------------------------------------------------------------------


def preparation_of(participant: Participant) -> Preparation | None:
    """The participant's stored preparation, if they have begun one (reading creates nothing)."""
    return Preparation.objects.filter(participant=participant).prefetch_related("descriptions").first()


def group_frame(group: TherapyGroup) -> str:
    """The group's frame as Allianse has it, to start the account from (not typed twice)."""
    return (
        f"{group.name}: {group.get_kind_display()}, {group.get_cadence_display()}, "
        f"{group.duration_minutes} min, {group.get_admission_display()}, "
        f"{group.memberships.filter(ended_on__isnull=True).count()}/{group.max_size}."
    )


def current_members(group: TherapyGroup | None) -> list[Membership]:
    if group is None:
        return []
    return list(group.memberships.filter(ended_on__isnull=True).select_related("patient"))


def save_preparation(
    *,
    participant: Participant,
    group_account: str,
    case_formulation: str,
    descriptions: Sequence[tuple[str, str, Membership | None]],
    send: bool,
) -> Preparation:
    """Store the participant's preparation (descriptions replace the earlier ones); with `send`,
    it is marked as sent to the leader."""
    with transaction.atomic():
        preparation = Preparation.objects.get_or_create(participant=participant)[0]
        preparation.group_account, preparation.case_formulation = group_account, case_formulation
        preparation.updated_at = timezone.now()
        if send:
            preparation.sent_at = preparation.updated_at
        preparation.save()
        preparation.descriptions.all().delete()
        PatientDescription.objects.bulk_create(
            PatientDescription(preparation=preparation, label=label, text=text, membership=membership)
            for label, text, membership in descriptions
            if text.strip()
        )
    return preparation


def mark_read(*, participant: Participant, reading: Reading, read: bool) -> None:
    if read:
        reading.read_by.add(participant)
    else:
        reading.read_by.remove(participant)


@dataclass(frozen=True)
class PreparationState:
    """Who has sent what: the parts of one participant's preparation."""

    participant: Participant
    group_account: bool
    descriptions: int
    long_descriptions: int
    case_formulation: bool
    readings_read: int
    readings: int
    sent_at: object

    @property
    def complete(self) -> bool:
        return (
            self.group_account
            and self.descriptions > 0
            and self.case_formulation
            and self.readings_read == self.readings
            and self.sent_at is not None
        )


def preparation_state(participant: Participant, readings: int) -> PreparationState:
    preparation = Preparation.objects.filter(participant=participant).prefetch_related("descriptions").first()
    descriptions = list(preparation.descriptions.all()) if preparation else []
    return PreparationState(
        participant=participant,
        group_account=bool(preparation and preparation.group_account.strip()),
        descriptions=len(descriptions),
        long_descriptions=sum(core.too_long(description.text) for description in descriptions),
        case_formulation=bool(preparation and preparation.case_formulation.strip()),
        readings_read=participant.readings_read.count(),
        readings=readings,
        sent_at=preparation.sent_at if preparation else None,
    )


# -- Videos, supervision ------------------------------------------------------------------------


class ConsentNotConfirmed(ValueError):
    """A video is recorded as shown only with the patients' written consent on record."""


def record_video(
    *,
    participant: Participant,
    meeting: Meeting,
    by: User,
    recording: Recording | None = None,
    consent_confirmed: bool = False,
    note: str = "",
) -> VideoPresentation:
    """A recording in Allianse passes rating's consent gate for the course; one shown from
    elsewhere needs the leader's word that the written consents are on record."""
    if recording is not None:
        require_consent(recording.recorded, Purpose.COURSE)
        consent_confirmed = True
    if not consent_confirmed:
        raise ConsentNotConfirmed
    with transaction.atomic():
        return VideoPresentation.objects.create(
            participant=participant,
            meeting=meeting,
            recording=recording,
            consent_confirmed=True,
            note=note,
            recorded_by=by,
        )


def add_supervision_note(
    *, participant: Participant, meeting: Meeting | None, basis: str, text: str, by: User
) -> SupervisionNote:
    with transaction.atomic():
        return SupervisionNote.objects.create(
            participant=participant, meeting=meeting, basis=basis, text=text, written_by=by
        )


# -- Scoring exercises --------------------------------------------------------------------------


def start_scoring_exercise(*, meeting: Meeting, segment: Segment, by: User) -> RatingStudy:
    """A rating study for the course with the MBT-G scale: every enrolled participant rates the
    segment, and the leader gives the reference rating (rating's agreement and calibration)."""
    with transaction.atomic():
        study = meeting.scoring_study or rating.create_study(
            name=f"{meeting.course.title}, {meeting.number}: {meeting.title}",
            description=meeting.theme,
            instrument_key=SCALE,
            purpose=Purpose.COURSE,
            leader=by,
        )
        if not study.segments.filter(pk=segment.pk).exists():
            rating.add_to_study(study=study, segment=segment)
        raters = [participant.user for participant in enrolled(meeting.course)]
        rating.assign(study=study, segments=[segment], raters=raters, kind=Assignment.Kind.RATER, by=by)
        rating.assign(study=study, segments=[segment], raters=[by], kind=Assignment.Kind.EXPERT, by=by)
        meeting.scoring_study = study
        meeting.save(update_fields=["scoring_study"])
    return study


def recordings_of(users) -> QuerySet[Recording]:
    """Course recordings of the sessions and group sessions these staff members treat or lead."""
    own = Q(session__treatment__therapists__in=users) | Q(group_session__group__therapists__in=users)
    return Recording.objects.filter(own, purpose=Purpose.COURSE).distinct()


def exercise_segments(meeting: Meeting, user: User) -> QuerySet[Segment]:
    """Segments the leader may use for a meeting's scoring exercise: of the course recordings of
    the participants' own sessions and groups, of the leader's, and of studies the leader leads."""
    people = [*enrolled(meeting.course).values_list("user", flat=True), user.pk]
    own = recordings_of(people)
    reached = Q(recording__in=own) | Q(studies__leader=user, recording__purpose=Purpose.COURSE)
    return Segment.objects.filter(reached).distinct()
