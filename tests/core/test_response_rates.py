"""Response rates (docs/methods.md#response-rates): counts, renewed links, periods, empty input and
Wilson's interval against the published values of Newcombe (1998)."""

from datetime import date

import pandas as pd
import pytest

from allianse.core.response_rates import (
    NO_CHECKS,
    Period,
    Rate,
    last_weeks,
    rates_by,
    response_rates,
    total_rate,
    week_of,
    wilson_interval,
)

MAY_4 = date(2026, 5, 4)  # a Monday


def link(check, answered, *, day=MAY_4, therapist="A"):
    return {"check": check, "day": day, "answered": answered, "therapist": therapist}


@pytest.mark.parametrize(
    ("answered", "checks", "low", "high"),
    # Newcombe (1998), Statistics in Medicine 17:857-872, table II, method 3 (score, no continuity correction)
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_the_wilson_interval_matches_the_published_examples(answered, checks, low, high):
    lows, highs = wilson_interval([answered], [checks])
    assert (round(lows[0], 4), round(highs[0], 4)) == (low, high)


def test_the_interval_of_all_answered_reaches_one_and_is_wide_for_few_checks():
    lows, highs = wilson_interval([3, 300], [3, 300])
    assert highs.tolist() == pytest.approx([1.0, 1.0])
    assert lows[0] == pytest.approx(0.4385, abs=1e-4) and lows[1] > 0.98


def test_rates_count_checks_and_answers_per_therapist():
    links = [link(1, True), link(2, False), link(3, True), link(4, True), link(5, False, therapist="B")]
    table = response_rates(links, by=["therapist"])
    rates = rates_by(table, "therapist")
    assert (rates["A"].answered, rates["A"].checks, rates["A"].rate, rates["A"].unanswered) == (3, 4, 0.75, 1)
    assert (rates["B"].answered, rates["B"].checks, rates["B"].rate) == (0, 1, 0.0)
    assert rates["A"].low < 0.75 < rates["A"].high


def test_a_renewed_link_is_the_same_check_answered_if_any_of_its_links_was():
    links = [link(1, False), link(1, True), link(2, False), link(2, False)]
    rate = total_rate(response_rates(links))
    assert (rate.answered, rate.checks) == (1, 2)


def test_a_check_of_two_therapists_counts_for_each_and_once_in_the_total():
    links = [link(1, True, therapist="A"), link(1, True, therapist="B"), link(2, False, therapist="A")]
    rates = rates_by(response_rates(links, by=["therapist"]), "therapist")
    assert (rates["A"].checks, rates["B"].checks) == (2, 1)
    assert total_rate(response_rates(links)).checks == 2


def test_the_period_keeps_the_checks_of_its_sessions_both_ends_included():
    days = [date(2026, 4, 30), date(2026, 5, 1), date(2026, 5, 15), date(2026, 5, 16)]
    links = [link(number, True, day=day) for number, day in enumerate(days)]
    rate = total_rate(response_rates(links, period=Period(date(2026, 5, 1), date(2026, 5, 15))))
    assert (rate.answered, rate.checks) == (2, 2)


def test_a_data_frame_gives_the_same_as_plain_records():
    links = [link(1, True), link(2, False), link(3, True, therapist="B")]
    from_records = response_rates(links, by=["therapist"])
    from_frame = response_rates(pd.DataFrame(links), by=["therapist"])
    pd.testing.assert_frame_equal(from_records, from_frame)


def test_no_links_give_no_rows_per_group_and_a_total_of_no_checks():
    assert response_rates([], by=["therapist"]).empty
    assert total_rate(response_rates([])) == NO_CHECKS
    assert NO_CHECKS.rate is None
    nothing_in_period = response_rates([link(1, True)], period=Period(date(2027, 1, 1), date(2027, 1, 2)))
    assert total_rate(nothing_in_period) == NO_CHECKS


def test_a_small_rate_is_shown_only_from_the_minimum():
    assert not Rate(answered=2, checks=2).at_least(3)
    assert Rate(answered=2, checks=3).at_least(3)


def test_the_default_period_is_four_weeks_up_to_today_and_a_week_runs_monday_to_sunday():
    assert last_weeks(date(2026, 5, 28)) == Period(date(2026, 5, 1), date(2026, 5, 28))
    assert week_of(date(2026, 5, 10)) == Period(MAY_4, date(2026, 5, 10))
    assert week_of(MAY_4) == week_of(date(2026, 5, 7))


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2026, 5, 2), date(2026, 5, 1))
