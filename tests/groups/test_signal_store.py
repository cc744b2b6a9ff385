"""The group signals refreshed after a member's answers: the same as a refresh of the whole group,
at a cost that does not grow with the group's history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from allianse.core.measures import check_answers
from allianse.groups import checks, signal_store
from allianse.groups.models import GroupSignal
from allianse.groups.series import ALLIANCE, CLIMATE
from allianse.instruments import registry as instruments
from allianse.ruptures.models import RuptureEpisode
from tests.groups.conftest import (
    ALLIANCE_ANSWERS,
    CLIMATE_ANSWERS,
    add_members,
    add_session,
    link_for,
    long_ago,
    make_group,
)

MEMBERS = 6


def climate(cohesion: int, conflict: int) -> dict:
    return {
        **CLIMATE_ANSWERS,
        **{f"cohesion_{i}": cohesion for i in (1, 2, 3)},
        **{f"conflict_{i}": conflict for i in (1, 2, 3)},
    }


def history(therapist, sessions: int, *, name: str = "Group", waiting: int = 0):
    """A group of six members with `sessions` weekly sessions, answered without refreshing the
    signals on each answer (cohesion and conflict vary, so that the rules find something; member 1
    misses every fifth session, member 2 has not yet answered session `waiting`), then refreshed once
    for the whole group."""
    group = make_group(therapist, name=name)
    members = add_members(group, therapist, MEMBERS, started_on=long_ago(7 * sessions + 14))
    for number in range(1, sessions + 1):
        absent = [members[1]] if number % 5 == 0 else []
        session = add_session(group, members, absent=absent, days_ago=7 * (sessions - number + 1))
        checks.issue_member_checks(session=session, by=therapist)
        for index, member in enumerate(members):
            if member in absent or (number, index) == (waiting, 2):
                continue
            answers = {
                CLIMATE: climate(3 + (number + index) % 3, 4 if number % 7 == 0 else (number + index) % 2),
                ALLIANCE: ALLIANCE_ANSWERS,
            }
            link = link_for(session, member)
            for key in checks.pending_keys(link):
                if key in answers:
                    checked = check_answers(instruments.get(key), answers[key])
                    checks.store_member_response(check=link, instrument_key=key, checked=checked, refresh_signals=False)
    signal_store.refresh_group_signals(group=group)
    return group, members


def stored(group) -> list[tuple]:
    rows = GroupSignal.objects.filter(group=group).values_list(
        "session__number", "membership_id", "kind", "detail", "value", "threshold", "explanation_en", "explanation_nb"
    )
    # Window sums differ from sums over the whole history in the last bit (the rules allow for it).
    rounded = [(*row[:4], round(row[4], 9), *row[5:]) for row in rows]
    return sorted(rounded, key=lambda row: (row[0], row[1] or 0, row[3]))


@pytest.fixture
def frames(monkeypatch) -> list:
    """The frames the core's group rules are given."""
    given = []
    detect = signal_store.core.detect_group_signals

    def spy(frame, rules):
        given.append(frame)
        return detect(frame, rules)

    monkeypatch.setattr(signal_store.core, "detect_group_signals", spy)
    return given


def test_a_members_answers_cost_the_same_at_5_and_at_20_sessions_of_history(therapist, frames):
    """The same queries, and the same rows of the other members, whatever the group's age; a
    refresh of the whole group read every member's every session."""

    def submission(sessions: int) -> tuple[int, int]:
        group, members = history(therapist, sessions, name=f"{sessions} sessions")
        latest = add_session(group, members)
        checks.issue_member_checks(session=latest, by=therapist)
        link = link_for(latest, members[0])
        frames.clear()
        with CaptureQueriesContext(connection) as queries:
            checks.submit_member_check(token=link.token, instrument_key=CLIMATE, answers=climate(0, 5))
        others = frames[0][frames[0]["member"] != str(members[0].pk)]
        return len(queries), len(others)

    small, large = submission(5), submission(20)
    assert small == large
    assert small[1] < MEMBERS * 6  # not every session of the group


WITHDRAWAL = {"cohesion_own_level", "cohesion_below_group"}


@pytest.mark.parametrize(("back", "found"), [(0, WITHDRAWAL), (2, WITHDRAWAL), (5, {*WITHDRAWAL, "conflict_high"})])
def test_a_members_answers_store_what_a_refresh_of_the_whole_group_stores(therapist, back, found):
    """A withdrawal, a member below the group (and, in a session of high conflict, that conflict),
    answered in the latest session or late, `back` sessions before it: the stored signals are those
    of a refresh of the whole group, and the withdrawal opens an episode."""
    group, members = history(therapist, 12, waiting=12 - back)
    session = group.sessions.get(number=12 - back)
    link = link_for(session, members[2])
    before = stored(group)
    checks.submit_member_check(token=link.token, instrument_key=CLIMATE, answers=climate(0, 6))
    answered = stored(group)
    assert answered != before
    assert {row[3] for row in answered if row[0] == session.number and row[1] in (members[2].pk, None)} >= found
    signal_store.refresh_group_signals(group=group)
    assert stored(group) == answered
    assert RuptureEpisode.objects.filter(membership=members[2], first_group_session=session).exists()
