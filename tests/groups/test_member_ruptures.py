"""Rupture episodes with group members: opened by a withdrawal, widened by absence after it."""

import pytest
from django.db import IntegrityError, transaction

from allianse.groups import member_ruptures as member_episodes
from allianse.groups import signal_store
from allianse.groups.models import GroupSignal
from allianse.ruptures import services
from allianse.ruptures.models import EpisodeEvent, EpisodeKind, RuptureEpisode
from tests.ruptures import conftest as rupture_fixtures
from tests.ruptures.conftest import conflict_signal, group_sessions

withdrawing, member_episode = rupture_fixtures.withdrawing, rupture_fixtures.member_episode  # fixtures used here

OPENED, JOINED = EpisodeEvent.Action.OPENED, EpisodeEvent.Action.SIGNAL_JOINED


def test_a_members_withdrawal_opens_a_withdrawal_episode_with_them(member_episode, withdrawing):
    assert RuptureEpisode.objects.get() == member_episode
    assert member_episode.is_member_episode and member_episode.treatment is None
    assert member_episode.kind == EpisodeKind.WITHDRAWAL
    assert (member_episode.first_group_session.number, member_episode.last_group_session.number) == (5, 5)
    assert member_episode.patient == withdrawing.patient
    event = member_episode.events.get()
    assert (event.action, event.data) == (OPENED, {"session": 5, "kinds": ["withdrawal"]})


def test_refreshing_the_signals_again_changes_no_episode(member_episode, group):
    signal_store.refresh_group_signals(group=group)
    signal_store.refresh_group_signals(group=group)
    assert RuptureEpisode.objects.count() == 1
    assert member_episode.events.count() == 1


def test_repeated_absence_after_the_withdrawal_joins_the_episode(member_episode, group, therapist, members):
    group_sessions(group, members, 2, by=therapist, first_days_ago=21, absent=[members[0]])
    member_episode.refresh_from_db()
    assert member_episode.last_group_session.number == 7
    joined = member_episode.events.get(action=JOINED)
    assert joined.data == {"session": 7, "kinds": ["absence"]}


def test_repeated_absence_alone_opens_no_episode(group, therapist, members):
    group_sessions(group, members, 3, by=therapist, first_days_ago=21, absent=[members[1]])
    assert GroupSignal.objects.filter(membership=members[1], kind="absence").exists()
    assert not RuptureEpisode.objects.exists()


def test_conflict_in_the_group_opens_no_episode(group, therapist, members):
    session = group_sessions(group, members, 1, by=therapist, first_days_ago=7)[0]
    conflict = conflict_signal(session, explanation_en="High conflict.", explanation_nb="Høy konflikt.")
    member_episodes.update_member_episodes(group=group, signals=[conflict])
    assert not RuptureEpisode.objects.exists()


def test_a_withdrawal_after_a_closed_episode_opens_a_new_one(member_episode, group, therapist, members):
    services.close_episode(episode=member_episode, by=therapist, outcome="resolved")
    group_sessions(group, members, 1, by=therapist, first_days_ago=21, cohesion={members[0].pk: 0})
    episodes = list(RuptureEpisode.objects.filter(membership=members[0]).order_by("opened_at", "id"))
    assert [episode.status for episode in episodes] == ["closed", "open"]
    assert episodes[1].first_group_session.number == 6


def test_an_episode_belongs_to_a_treatment_or_a_member_never_both(member_episode, session):
    both = {"treatment": session.treatment, "first_session": session, "last_session": session}
    with pytest.raises(IntegrityError), transaction.atomic():
        RuptureEpisode.objects.filter(pk=member_episode.pk).update(**both)
    neither = {"membership": None, "first_group_session": None, "last_group_session": None}
    with pytest.raises(IntegrityError), transaction.atomic():
        RuptureEpisode.objects.filter(pk=member_episode.pk).update(**neither)


def test_the_guide_notes_and_closing_work_for_a_member_episode(member_episode, therapist, co_therapist):
    services.add_note(
        episode=member_episode, by=therapist, stage=1, strategies=["metacommunication"], text="Spurte.", advance=True
    )
    services.close_episode(episode=member_episode, by=co_therapist, outcome="partly_resolved")
    member_episode.refresh_from_db()
    assert (member_episode.stage, member_episode.status, member_episode.outcome) == (2, "closed", "partly_resolved")
    actions = list(member_episode.events.values_list("action", flat=True))
    assert actions == ["opened", "note_added", "stage_changed", "closed"]
