"""The session forms start with a date and time, so the browser's picker never blocks them empty."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from allianse.clinic.forms import SessionForm, now_to_the_quarter_hour

OSLO = ZoneInfo("Europe/Oslo")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("10:07:29", "10:00"),
        ("10:07:31", "10:15"),
        ("10:15:00", "10:15"),
        ("10:52:30", "11:00"),
        ("23:59:00", "00:00"),
    ],
)
def test_now_goes_to_the_nearest_quarter_hour_in_local_time(monkeypatch, settings, now, expected):
    settings.TIME_ZONE = "Europe/Oslo"
    moment = datetime.strptime(f"2026-11-20 {now}", "%Y-%m-%d %H:%M:%S").replace(tzinfo=OSLO)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    rounded = now_to_the_quarter_hour()
    assert rounded.strftime("%H:%M") == expected and rounded.second == rounded.microsecond == 0


def test_the_session_form_shows_the_rounded_time_and_keeps_other_initial_values(monkeypatch, settings):
    settings.TIME_ZONE = "Europe/Oslo"
    moment = datetime(2026, 11, 20, 9, 1, tzinfo=OSLO)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    form = SessionForm(initial={"attended": True})
    assert 'value="2026-11-20T09:00"' in str(form["starts_at"])
    assert form["attended"].value() is True
