"""The demo builder: both kinds of group, members coming and going, a conflict phase, summaries, and the
rupture episodes of the members who withdraw."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from allianse.demo import groups as demo
from allianse.demo.clinic import DemoContext, create_staff
from allianse.groups.models import GroupSignal, MemberResponse, Membership, SessionSummary, TherapyGroup
from allianse.groups.pages import eligibility_of
from allianse.ruptures.models import Outcome, RuptureEpisode


@pytest.fixture
def built(db):
    context = DemoContext(now=timezone.now(), rng=random.Random(2026))
    create_staff(context)
    demo.build(context)
    return context


def test_the_demo_has_a_psychoeducational_and_a_dynamic_group(built):
    kinds = set(TherapyGroup.objects.values_list("kind", flat=True))
    assert kinds == {TherapyGroup.Kind.PSYCHOEDUCATIONAL, TherapyGroup.Kind.DYNAMIC}
    for group in TherapyGroup.objects.all():
        assert set(group.therapists.all()) <= set(built.therapists)
        assert group.therapists.count() == 2


def test_one_demo_group_is_eligible_and_the_other_has_exactly_half(built):
    dynamic = TherapyGroup.objects.get(kind=TherapyGroup.Kind.DYNAMIC)
    psychoeducational = TherapyGroup.objects.get(kind=TherapyGroup.Kind.PSYCHOEDUCATIONAL)
    members = {
        group: list(group.memberships.prefetch_related("patient__diagnoses")) for group in (dynamic, psychoeducational)
    }
    assert eligibility_of(members[dynamic]).eligible
    half = eligibility_of(members[psychoeducational])
    assert (half.borderline * 2, half.eligible) == (half.members, False)


def test_members_join_leave_and_withdraw(built):
    dynamic = TherapyGroup.objects.get(kind=TherapyGroup.Kind.DYNAMIC)
    reasons = set(dynamic.memberships.exclude(end_reason="").values_list("end_reason", flat=True))
    assert reasons == {Membership.EndReason.COMPLETED, Membership.EndReason.DROPOUT, Membership.EndReason.TRANSFERRED}
    assert dynamic.memberships.filter(started_on__gt=dynamic.started_on).count() == 3
    dropout = dynamic.memberships.get(end_reason=Membership.EndReason.DROPOUT)
    kinds = set(GroupSignal.objects.filter(membership=dropout).values_list("detail", flat=True))
    assert {"repeated_absence", "cohesion_own_level"} <= kinds
    assert GroupSignal.objects.filter(group=dynamic, membership__isnull=True, kind="conflict").exists()


def test_summaries_are_signed_drafted_and_corrected(built):
    summaries = SessionSummary.objects.filter(session__group__kind=TherapyGroup.Kind.DYNAMIC)
    assert summaries.filter(signed_at__isnull=True).count() == 2
    assert summaries.filter(signed_at__isnull=False, addenda__isnull=False).exists()
    assert summaries.filter(events__failure="psychic_equivalence").exists()


def test_members_answered_all_three_instruments(built):
    keys = set(MemberResponse.objects.values_list("instrument_key", flat=True))
    assert keys == {"group-climate", "alliance-patient", "therapeutic-factors"}


def test_withdrawing_members_have_rupture_episodes_worked_through_with_the_guide(built):
    dynamic = TherapyGroup.objects.get(kind=TherapyGroup.Kind.DYNAMIC)
    episodes = RuptureEpisode.objects.filter(membership__group=dynamic)
    dropout = episodes.get(membership__end_reason=Membership.EndReason.DROPOUT, outcome=Outcome.DROPOUT)
    assert dropout.stage == 3 and dropout.notes.count() == 3
    assert dropout.events.filter(action="signal_joined", data__kinds=["absence"]).exists()
    current = episodes.get(status=RuptureEpisode.Status.OPEN, stage=2)
    assert current.membership.is_current and current.kind == "withdrawal" and current.notes.count() == 2
    assert all(episode.opened_at < built.now - timedelta(days=1) for episode in episodes)
