"""The clinic overview's rates: Wilson intervals checked against published values and scipy,
and rates beside the published figures (no database)."""

import pytest
from scipy.stats import binomtest

from allianse.core.signals.overview import (
    MIN_GROUP,
    OverviewFigures,
    Rate,
    dropout_groups,
    perspective_rates,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857-872, table II, method 3 (Wilson score).
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_intervals_match_newcombes_published_examples(count, n, low, high):
    found = wilson_interval(count, n)
    assert found == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize(("count", "n"), [(0, 1), (1, 1), (3, 7), (19, 42), (43, 100), (999, 1000)])
def test_wilson_intervals_match_scipy(count, n):
    expected = binomtest(count, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert wilson_interval(count, n) == pytest.approx((expected.low, expected.high), abs=1e-12)


def test_no_interval_without_cases_and_an_impossible_count_is_refused():
    assert wilson_interval(0, 0) is None and Rate("x", 0, 0).rate is None
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_perspectives_sit_beside_the_published_ranges():
    rates = {rate.key: rate for rate in perspective_rates({"patient": (10, 3), "observer": (4, 4)})}
    assert (rates["patient"].count, rates["patient"].n, rates["patient"].published) == (3, 10, (0.19, 0.42))
    assert rates["therapist"].n == 0 and rates["therapist"].published == (0.43, 0.56)
    assert rates["observer"].published == (0.41, 1.0) and rates["observer"].rate == 1.0


def test_small_groups_are_not_shown_and_every_repair_status_is_listed():
    groups = dropout_groups({"resolved": (MIN_GROUP, 1), "unresolved": (MIN_GROUP - 1, 1)})
    assert [group.key for group in groups] == ["no_rupture", "resolved", "unresolved", "in_progress"]
    assert [group.shown for group in groups] == [False, True, False, False]
    assert OverviewFigures(treatments=MIN_GROUP - 1, with_ruptures=0, episodes=0, open_episodes=0).suppressed


def test_no_closed_episode_gives_no_rate_rather_than_zero():
    figures = OverviewFigures(treatments=5, with_ruptures=0, episodes=0, open_episodes=0, outcomes={})
    assert figures.resolution_rate is None and figures.share_with_ruptures == 0
