"""A tiny factory for session series: real sessions and stored responses, no mocks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from allianse.clinic.models import Session
from allianse.core.measures import check_answers
from allianse.feedback.models import Administration, Respondent
from allianse.feedback.services import PATIENT_CHECK, THERAPIST_CHECK, store_response
from allianse.groups.models import GroupSignal
from allianse.instruments import registry as instruments
from allianse.ruptures.models import RuptureEpisode
from tests.groups.conftest import add_session as add_group_session
from tests.groups.conftest import answer_all, co_therapist, group, members  # noqa: F401  (the group personas)

ITEMS = ("goal_1", "goal_2", "task_1", "task_2", "bond_1", "bond_2")


def alliance(level: int, **extra) -> dict:
    """Answers whose alliance score is `level` (task_2 is a reversed item)."""
    answers = {item: (8 - level if item == "task_2" else level) for item in ITEMS}
    return answers | {"rupture": False, "held_back": False} | extra


def therapist_view(level: int, **extra) -> dict:
    return {item: (8 - level if item == "task_2" else level) for item in ITEMS} | {"rupture": False} | extra


def add_session(treatment, *, patient: dict | None = None, therapist: dict | None = None, attended=True, days_ago=None):
    """The next session of the treatment, a week after the previous one, with the given answers."""
    number = treatment.next_session_number()
    starts_at = timezone.now() - timedelta(days=days_ago if days_ago is not None else 7 * (30 - number))
    session = Session.objects.create(treatment=treatment, number=number, starts_at=starts_at, attended=attended)
    if patient is not None:
        store(session, PATIENT_CHECK, patient)
    if therapist is not None:
        store(session, THERAPIST_CHECK, therapist, by=treatment.therapists.first())
    return session


def store(session, key: str, answers: dict, by=None):
    respondent = Respondent.PATIENT if key == PATIENT_CHECK else Respondent.THERAPIST
    administration = Administration.objects.create(
        session=session,
        patient=session.treatment.patient if respondent == Respondent.PATIENT else None,
        instrument_key=key,
        respondent=respondent,
        created_by=by or session.treatment.therapists.first(),
        expires_at=session.starts_at + timedelta(hours=72),
    )
    checked = check_answers(instruments.get(key), answers)
    assert checked.is_valid, checked.errors
    return store_response(administration, checked, submitted_by=by).response


# A tense session as the patient reports it: low alliance, a rupture, something held back.
TENSE = {
    "goal_1": "3",
    "goal_2": "3",
    "task_1": "3",
    "task_2": "5",
    "bond_1": "3",
    "bond_2": "3",
    "rupture": "yes",
    "rupture_intensity": "4",
    "rupture_resolution": "2",
    "held_back": "yes",
}


@pytest.fixture
def steady(treatment):
    """Four steady sessions at alliance 6: enough history for every rule to speak."""
    for _ in range(4):
        add_session(treatment, patient=alliance(6), therapist=therapist_view(6))
    return treatment


# --- a group member drifting away from the group (allianse.groups.member_ruptures) ---


def group_sessions(therapy_group, memberships, count: int, *, by, first_days_ago: int, cohesion=None, absent=()):
    """`count` weekly group sessions in which every present member answers (cohesion per member, default 5)."""
    sessions = []
    for week in range(count):
        session = add_group_session(therapy_group, memberships, absent=absent, days_ago=first_days_ago - 7 * week)
        answer_all(session, [m for m in memberships if m not in absent], by=by, cohesion=cohesion)
        sessions.append(session)
    return sessions


def conflict_signal(session, *, explanation_en: str, explanation_nb: str):
    """A stored group-wide conflict signal of `session` (allianse.core.signals.group: conflict_high)."""
    return GroupSignal.objects.create(
        group=session.group,
        session=session,
        kind="conflict",
        detail="conflict_high",
        value=4.5,
        threshold=4,
        explanation_en=explanation_en,
        explanation_nb=explanation_nb,
    )


@pytest.fixture
def withdrawing(group, therapist, members):  # noqa: F811  (the group personas imported above)
    """Four sessions at cohesion 5, then the first member's cohesion falls to 1 (session 5)."""
    group_sessions(group, members, 4, by=therapist, first_days_ago=56)
    group_sessions(group, members, 1, by=therapist, first_days_ago=28, cohesion={members[0].pk: 1})
    return members[0]


@pytest.fixture
def member_episode(withdrawing):
    return RuptureEpisode.objects.get(membership=withdrawing)
