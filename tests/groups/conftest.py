"""Personas and small builders for the groups tests: a group led by `therapist` and a co-therapist."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from allianse.accounts.models import Role
from allianse.groups import checks, services
from allianse.groups.models import Attendance, MemberCheck
from tests.conftest import make_user

PRESENT = Attendance.Status.PRESENT
CLIMATE_ANSWERS = {
    **{f"engagement_{i}": 4 for i in (1, 2, 3)},
    **{f"avoidance_{i}": 2 for i in (1, 2, 3)},
    **{f"conflict_{i}": 1 for i in (1, 2, 3)},
    **{f"cohesion_{i}": 5 for i in (1, 2, 3)},
}
ALLIANCE_ANSWERS = {
    **{name: 6 for name in ("goal_1", "goal_2", "task_1", "task_2", "bond_1", "bond_2")},
    "rupture": "no",
    "held_back": "no",
}


def long_ago(days: int = 60):
    return timezone.localdate() - timedelta(days=days)


def make_group(therapist, co_therapist=None, *, name: str = "Tirsdagsgruppa", max_size: int = 12, **frame):
    settings = {"kind": "dynamic", "cadence": "weekly", "duration_minutes": 90, "admission": "slow_open"}
    settings.update(frame)
    return services.create_group(
        therapist=therapist,
        co_therapist=co_therapist,
        name=name,
        max_size=max_size,
        started_on=long_ago(),
        **settings,
    )


def add_members(group, by, count: int, *, started_on=None) -> list:
    return [
        services.add_member(group=group, by=by, started_on=started_on or long_ago(), description=f"Member {i}")
        for i in range(count)
    ]


def add_session(group, memberships, *, absent=(), days_ago: int = 0):
    attendance = {m.pk: Attendance.Status.ABSENT_NO_NOTICE if m in absent else PRESENT for m in memberships}
    return services.add_session(
        group=group,
        starts_at=timezone.now() - timedelta(days=days_ago),
        therapists_present=list(group.therapists.all()),
        attendance=attendance,
    )


def link_for(session, membership) -> MemberCheck:
    return MemberCheck.objects.filter(session=session, membership=membership, revoked_at__isnull=True).latest(
        "created_at"
    )


FACTOR_ANSWERS = {
    name: 3 for name in ("hope", "universality", "information", "altruism", "family", "socializing", "imitation")
} | {"interpersonal_learning": 5, "cohesion": 4, "catharsis": 2, "existential": 1}


def answer_all(session, memberships, *, by, cohesion=None):
    """Every member answers what their link asks (group-climate with cohesion per member, default 5)."""
    checks.issue_member_checks(session=session, by=by)
    for membership in memberships:
        value = (cohesion or {}).get(membership.pk, 5)
        answers = {
            "group-climate": {**CLIMATE_ANSWERS, **{f"cohesion_{i}": value for i in (1, 2, 3)}},
            "alliance-patient": ALLIANCE_ANSWERS,
            "therapeutic-factors": FACTOR_ANSWERS,
        }
        link = link_for(session, membership)
        for key in checks.pending_keys(link):
            checks.submit_member_check(token=link.token, instrument_key=key, answers=answers[key])


@pytest.fixture
def english(settings):
    """Pages in English (the default language is Norwegian bokmål)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def co_therapist(db):
    return make_user("co_therapist", Role.THERAPIST)


@pytest.fixture
def group(therapist, co_therapist):
    return make_group(therapist, co_therapist)


@pytest.fixture
def members(group, therapist):
    return add_members(group, therapist, 4)


@pytest.fixture
def group_session(group, members):
    return add_session(group, members)
