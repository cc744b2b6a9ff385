"""The demo shows every signal kind, episodes at each stage, repaired and unrepaired, with notes."""

import random

from django.utils import timezone

from allianse.demo.clinic import DemoContext
from allianse.demo.clinic import build as build_clinic
from allianse.demo.ruptures import build
from allianse.ruptures.models import EpisodeStageNote, RuptureEpisode, Signal, SignalKind
from allianse.ruptures.overview import clinic_overview


def test_the_demo_shows_every_part_of_the_ruptures(db):
    context = DemoContext(now=timezone.now(), rng=random.Random(2026))
    build_clinic(context)
    build(context)
    assert set(Signal.objects.values_list("kind", flat=True)) == set(SignalKind.values)
    assert set(RuptureEpisode.objects.values_list("stage", flat=True)) == {1, 2, 3, 4, 5}
    assert set(RuptureEpisode.objects.values_list("outcome", flat=True)) >= {"resolved", "unresolved", "dropout", ""}
    assert RuptureEpisode.objects.filter(opened_by__isnull=False).exists()  # opened by hand
    assert any(episode.close_suggested for episode in RuptureEpisode.objects.all())
    assert EpisodeStageNote.objects.exists()
    figures = clinic_overview()
    assert not figures.suppressed and figures.resolution_rate is not None
    assert context.lines
