"""Places and the waiting list, the day plan's overlaps, the stored rota, attendance and preparation."""

from __future__ import annotations

from datetime import time

from django.utils import translation

from allianse.accounts.models import Role
from allianse.courses import dossier, services
from allianse.courses.models import Attendance, MeetingRole, Participant, Reading
from tests.conftest import make_user
from tests.groups.conftest import add_members, make_group


def test_the_thirteenth_goes_on_the_waiting_list_and_takes_a_freed_place(course, participants):
    assert services.enrolled(course).count() == 12
    late = services.enrol(course=course, user=make_user("late", Role.THERAPIST))
    later = services.enrol(course=course, user=make_user("later", Role.THERAPIST))
    assert late.status == later.status == Participant.Status.WAITING

    moved = services.withdraw(participant=participants[0])

    assert moved == late
    late.refresh_from_db()
    assert late.status == Participant.Status.ENROLLED
    assert list(services.waiting(course)) == [later]
    assert services.enrolled(course).count() == 12


def test_leaving_the_waiting_list_moves_nobody_and_more_places_fill_from_it(course, participants):
    waiting = [services.enrol(course=course, user=make_user(f"w{n}", Role.THERAPIST)) for n in range(2)]
    assert services.withdraw(participant=waiting[0]) is None
    course.capacity = 14
    course.save()
    services.fill_places(course)
    waiting[1].refresh_from_db()
    assert waiting[1].status == Participant.Status.ENROLLED


def test_enrolling_twice_keeps_one_place(course, participants):
    again = services.enrol(course=course, user=participants[3].user)
    assert again == participants[3] and course.participants.count() == 12


def test_the_seeds_day_plan_flags_supervision_and_lunch_and_the_leader_can_confirm_it(course):
    (overlap,) = services.plan_overlaps(services.day_plan(course))
    assert (overlap.first.kind, overlap.second.kind, overlap.minutes) == ("supervision", "lunch", 15)
    assert not overlap.confirmed
    services.confirm_overlap(block=overlap.marked, intended=True)
    (overlap,) = services.plan_overlaps(services.day_plan(course))
    assert overlap.confirmed


def test_a_meetings_own_plan_replaces_the_courses(course):
    meeting = course.meetings.get(number=7)
    services.add_block(course=course, meeting=meeting, starts=time(9), ends=time(15), kind="scoring")
    assert [block.kind for block in services.day_plan(course, meeting)] == ["scoring"]
    assert len(services.day_plan(course, course.meetings.get(number=6))) == 5


def test_the_stored_rota_keeps_settled_meetings_and_leaves_out_announced_absences(course, participants):
    first = course.meetings.get(number=1)
    services.set_role(meeting=first, role=MeetingRole.Role.CO_THERAPIST, participants=participants[:2])
    services.record_attendance(meeting=course.meetings.get(number=3), statuses={participants[5]: "announced"})

    proposed = services.propose_rota(course=course)

    assert sorted(proposed) == [2, 3, 4, 5, 6, 7, 8]
    assert services.people_in(first, MeetingRole.Role.CO_THERAPIST) == participants[:2]
    assert participants[5] not in proposed[3]
    assert not set(proposed[2]) & set(participants[:2])
    everyone = [person for pair in [participants[:2], *proposed.values()] for person in pair]
    assert len(set(everyone)) == 12 and max(everyone.count(person) for person in everyone) == 2
    assert services.propose_rota(course=course) == {}


def test_preparation_counts_long_descriptions_and_is_complete_only_when_sent_and_read(course, participants):
    participant = participants[0]
    Reading.objects.create(course=course, title="Kasusformulering")
    long_text = "\n".join(f"linje {n}" for n in range(11))
    services.save_preparation(
        participant=participant,
        group_account="Gruppa",
        case_formulation="Utkast",
        descriptions=[("A", "Kort.", None), ("B", long_text, None), ("C", "  ", None)],
        send=False,
    )
    state = services.preparation_state(participant, 1)
    assert (state.descriptions, state.long_descriptions, state.complete) == (2, 1, False)
    services.mark_read(participant=participant, reading=course.readings.get(), read=True)
    services.save_preparation(
        participant=participant,
        group_account="Gruppa",
        case_formulation="Utkast",
        descriptions=[("A", "K", None)],
        send=True,
    )
    assert services.preparation_state(participant, 1).complete


def test_the_dossier_says_why_each_requirement_is_not_yet_met(course, participants):
    participant = participants[0]
    with translation.override("en"):
        reasons = {requirement.key: requirement for requirement in dossier.requirements(participant)}
    assert not any(requirement.met for key, requirement in reasons.items() if key != "scoring")
    assert reasons["group"].reason == "No MBT group is named yet."
    assert reasons["attendance"].reason == "No meeting has been held yet."


def test_attendance_and_the_groups_eligibility_count_in_the_dossier(course, participants):
    participant = participants[0]
    group = make_group(participant.user, name="Tirsdagsgruppa")
    add_members(group, participant.user, 3)
    participant.group, participant.aims_at_mbt_g = group, True
    participant.save()
    meetings = list(course.meetings.order_by("number")[:4])
    for index, meeting in enumerate(meetings):
        status = Attendance.Status.ABSENT if index == 0 else Attendance.Status.PRESENT
        services.record_attendance(meeting=meeting, statuses={participant: status, participants[1]: "present"})
    with translation.override("en"):
        found = {requirement.key: requirement for requirement in dossier.requirements(participant)}
    assert found["group"].met
    assert found["attendance"].met and "3 of 4" in found["attendance"].reason
    assert not found["certification"].met
