"""The demo's group recordings: two recorded sessions of the MBT-G group, every member's consent,
one withdrawal that blocks exactly one recording, and segments of the other one."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from allianse.demo import group_recordings, groups
from allianse.demo.clinic import DemoContext, create_staff
from allianse.rating import consents
from allianse.rating.models import ConsentRecord, Recording


@pytest.fixture
def built(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    context = DemoContext(now=timezone.now(), rng=random.Random(2026))
    create_staff(context)
    groups.build(context)
    group_recordings.build(context)
    return context


def test_one_recording_is_open_one_blocked_by_a_withdrawal_and_the_segments_are_found(built):
    """One test, as building the group demo takes a while."""
    open_, blocked = (
        Recording.objects.get(title=group_recordings.CONSENTED_TITLE),
        Recording.objects.get(title=group_recordings.BLOCKED_TITLE),
    )
    assert open_.group_session.group == blocked.group_session.group
    assert consents.recording_problems(open_) == []
    (problem,) = consents.recording_problems(blocked)
    withdrawn = ConsentRecord.objects.filter(withdrawn_at__isnull=False)
    assert {consent.membership.patient.code for consent in withdrawn} == {problem.person}
    assert problem.code == "member_withdrawn"
    assert any(line.startswith("Group recordings:") for line in built.lines)
    group = open_.group_session.group
    assert all(membership.consents.exists() for membership in group.memberships.all())
    scanned = ConsentRecord.objects.exclude(form_file_name="").first()
    assert scanned.form_path.read_bytes().startswith(b"%PDF")
    segments = group_recordings.consented_segments()
    assert [segment.name for segment in segments] == [
        f"{group_recordings.SEGMENT_PREFIX} {n}" for n in range(1, group_recordings.SEGMENTS + 1)
    ]
