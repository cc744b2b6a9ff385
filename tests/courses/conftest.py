"""Personas of a course: its leader, its supervisor, participants, and someone else."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.test import Client

from allianse.accounts.models import Role
from allianse.courses import services
from allianse.courses.models import Course, DayBlock, Meeting
from tests.conftest import make_user, sign_in

SEED_DATES = [
    date(2026, 2, 6),
    date(2026, 3, 13),
    date(2026, 4, 17),
    date(2026, 5, 29),
    date(2026, 8, 21),
    date(2026, 10, 2),
    date(2026, 10, 30),
    date(2026, 12, 4),
]
SEED_PLAN = [
    (time(9, 0), time(10, 30), DayBlock.Kind.ROLE_PLAY),
    (time(10, 45), time(11, 25), DayBlock.Kind.THEORY),
    (time(11, 30), time(12, 15), DayBlock.Kind.SUPERVISION),
    (time(12, 0), time(12, 45), DayBlock.Kind.LUNCH),
    (time(12, 45), time(16, 0), DayBlock.Kind.SUPERVISION),
]


@pytest.fixture
def leader(db):
    return make_user("leader", Role.COURSE_LEADER)


@pytest.fixture
def supervisor(db):
    return make_user("course_supervisor", Role.SUPERVISOR)


@pytest.fixture
def course(leader, supervisor) -> Course:
    course = Course.objects.create(title="MBT-G 2026", capacity=12)
    course.leaders.add(leader)
    course.supervisors.add(supervisor)
    for number, day in enumerate(SEED_DATES, start=1):
        mode = Meeting.Mode.PSYCHOEDUCATIONAL if number <= 2 else Meeting.Mode.DYNAMIC
        Meeting.objects.create(course=course, number=number, date=day, title=f"Møte {number}", mode=mode)
    for starts, ends, kind in SEED_PLAN:
        services.add_block(course=course, starts=starts, ends=ends, kind=kind)
    return course


@pytest.fixture
def participants(course):
    return [services.enrol(course=course, user=make_user(f"p{n:02d}", Role.THERAPIST)) for n in range(12)]


@pytest.fixture
def outsider(db):
    return make_user("someone_else", Role.THERAPIST, Role.COURSE_LEADER, Role.SUPERVISOR)


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client
