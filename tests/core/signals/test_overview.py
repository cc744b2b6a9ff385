"""The clinic overview's figures from plain facts (no database)."""

from datetime import datetime, timedelta

from allianse.core.signals.overview import EpisodeFact, TreatmentFact, overview_figures, treatment_group

START = datetime(2026, 3, 2, 10)


def episode(treatment, status="closed", outcome="resolved", first=3, end=5, days=14, recovery="recovered"):
    closed = START + timedelta(days=days) if status == "closed" else None
    return EpisodeFact(treatment, status, outcome, first, end, START, closed, recovery)


def test_shares_rates_and_medians():
    treatments = [TreatmentFact(i, dropout=i == 4) for i in range(1, 7)]
    episodes = [
        episode(1, end=4, days=7),
        episode(2, outcome="partly_resolved", end=6, days=21),
        episode(3, outcome="unresolved", recovery="not_recovered"),
        episode(4, outcome="dropout", recovery="pending"),
        episode(5, status="open", outcome="", recovery="pending"),
    ]
    figures = overview_figures(treatments, episodes)
    assert (figures.treatments, figures.with_ruptures, figures.episodes, figures.open_episodes) == (6, 5, 5, 1)
    assert figures.share_with_ruptures == 5 / 6
    assert figures.outcomes == {"resolved": 1, "partly_resolved": 1, "unresolved": 1, "dropout": 1}
    assert figures.resolution_rate == 0.5
    assert figures.median_sessions_to_resolution == 2.0  # (1 + 3) / 2
    assert figures.median_days_to_resolution == 14.0
    groups = {group.key: (group.treatments, group.dropouts) for group in figures.dropout_groups}
    assert groups == {"no_rupture": (1, 0), "resolved": (2, 0), "unresolved": (2, 1), "in_progress": (1, 0)}


def test_an_open_episode_counts_by_what_the_patients_checks_say():
    assert treatment_group([episode(1, status="open", outcome="", recovery="recovered")]) == "resolved"
    assert treatment_group([episode(1, status="open", outcome="", recovery="not_recovered")]) == "unresolved"
    assert treatment_group([episode(1), episode(1, status="open", outcome="", recovery="pending")]) == "in_progress"
    assert treatment_group([]) == "no_rupture"


def test_small_selections_and_groups_are_not_shown():
    figures = overview_figures([TreatmentFact(1, dropout=True), TreatmentFact(2, dropout=False)], [episode(1)])
    assert figures.suppressed
    assert not any(group.shown for group in figures.dropout_groups)


def test_no_closed_episode_gives_no_rate_rather_than_zero():
    figures = overview_figures([TreatmentFact(1, dropout=False)], [])
    assert figures.resolution_rate is None and figures.median_days_to_resolution is None
