"""When to remind someone of a link they have not answered, without Django.

One reminder at most: once `after` has passed since the link was sent, while it is still
unanswered and open, and never inside the quiet hours. The quiet hours are a wall-clock window in
the clinic's time zone (`now` is given in it); a window whose start is later than its end crosses
midnight (21:00-08:00 is quiet from nine in the evening until eight in the morning), and a window
whose start equals its end is no window at all.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta


def in_quiet_hours(moment: time, quiet_start: time, quiet_end: time) -> bool:
    """Whether a wall-clock time lies in the quiet window [start, end)."""
    if quiet_start == quiet_end:
        return False
    if quiet_start < quiet_end:
        return quiet_start <= moment < quiet_end
    return moment >= quiet_start or moment < quiet_end


def reminder_due(
    *,
    sent_at: datetime,
    now: datetime,
    expires_at: datetime | None,
    answered: bool,
    reminded: bool,
    after: timedelta,
    quiet_start: time,
    quiet_end: time,
) -> bool:
    """Whether the one reminder of a link sent at `sent_at` should go now (`expires_at` None: the
    request never expires, as a rating assignment)."""
    if answered or reminded or now < sent_at + after:
        return False
    if expires_at is not None and now >= expires_at:
        return False
    return not in_quiet_hours(now.time(), quiet_start, quiet_end)


def next_send_time(now: datetime, quiet_start: time, quiet_end: time) -> datetime:
    """`now` outside the quiet hours, else the moment they end (today or tomorrow)."""
    if not in_quiet_hours(now.time(), quiet_start, quiet_end):
        return now
    end = now.replace(hour=quiet_end.hour, minute=quiet_end.minute, second=0, microsecond=0)
    return end if end > now else end + timedelta(days=1)
