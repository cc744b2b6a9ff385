"""The reminder rule: one reminder after a while, never in quiet hours, never after expiry."""

from datetime import datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allianse.core.reminders import in_quiet_hours, next_send_time, reminder_due

EVENING, MORNING = time(21), time(8)
SENT = datetime(2026, 3, 2, 10, 0)
DAY = timedelta(hours=24)


def due(now, *, sent_at=SENT, expires_at=SENT + timedelta(hours=72), answered=False, reminded=False, after=DAY):
    return reminder_due(
        sent_at=sent_at,
        now=now,
        expires_at=expires_at,
        answered=answered,
        reminded=reminded,
        after=after,
        quiet_start=EVENING,
        quiet_end=MORNING,
    )


def test_due_once_the_waiting_time_has_passed():
    assert not due(SENT + DAY - timedelta(minutes=1))
    assert due(SENT + DAY)


def test_not_due_when_answered_or_already_reminded():
    assert not due(SENT + DAY, answered=True)
    assert not due(SENT + DAY, reminded=True)


def test_not_due_once_the_link_has_expired():
    assert due(SENT + DAY, expires_at=SENT + DAY + timedelta(seconds=1))
    assert not due(SENT + DAY, expires_at=SENT + DAY)


def test_a_request_without_expiry_stays_due():
    assert due(SENT + timedelta(days=30), expires_at=None)


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [
        (time(20, 59), False),
        (time(21), True),
        (time(23, 30), True),
        (time(0), True),
        (time(7, 59), True),
        (time(8), False),
    ],
)
def test_quiet_hours_across_midnight(clock, quiet):
    assert in_quiet_hours(clock, EVENING, MORNING) is quiet
    now = datetime.combine(SENT.date() + timedelta(days=1), clock)
    assert due(now, sent_at=now - DAY, expires_at=now + DAY) is not quiet


def test_quiet_hours_within_one_day_and_none():
    assert in_quiet_hours(time(13), time(12), time(14))
    assert not in_quiet_hours(time(14), time(12), time(14))
    assert not in_quiet_hours(time(3), time(8), time(8))


def test_next_send_time_waits_for_the_morning():
    late = datetime(2026, 3, 2, 22, 15)
    early = datetime(2026, 3, 3, 6, 40)
    assert next_send_time(late, EVENING, MORNING) == datetime(2026, 3, 3, 8, 0)
    assert next_send_time(early, EVENING, MORNING) == datetime(2026, 3, 3, 8, 0)
    noon = datetime(2026, 3, 3, 12, 0)
    assert next_send_time(noon, EVENING, MORNING) == noon


moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31))
clock_times = st.times().map(lambda moment: moment.replace(second=0, microsecond=0))


@given(
    now=moments,
    sent_ago=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)),
    lifetime=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)),
    after=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
    start=clock_times,
    end=clock_times,
)
def test_never_a_reminder_inside_quiet_hours_or_after_expiry(now, sent_ago, lifetime, after, start, end):
    sent_at = now - sent_ago
    expires_at = sent_at + lifetime
    result = reminder_due(
        sent_at=sent_at,
        now=now,
        expires_at=expires_at,
        answered=False,
        reminded=False,
        after=after,
        quiet_start=start,
        quiet_end=end,
    )
    if in_quiet_hours(now.time(), start, end) or now >= expires_at:
        assert not result
    else:
        assert result == (now >= sent_at + after)


@given(now=moments, start=clock_times, end=clock_times)
def test_next_send_time_is_never_quiet_and_never_earlier(now, start, end):
    moment = next_send_time(now, start, end)
    assert moment >= now
    assert moment - now <= timedelta(days=1)
    assert not in_quiet_hours(moment.time(), start, end)
