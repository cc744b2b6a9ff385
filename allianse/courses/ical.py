"""A course's meetings as an iCalendar feed (RFC 5545): one event per meeting, from the first block
of its day plan to the last, with the plan and, in a participant's feed, their roles that day."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from . import services
from .models import Course, Meeting, MeetingRole, Participant

DEFAULT_DAY = (time(9, 0), time(16, 0))


def feed(course: Course, participant: Participant | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Allianse//courses//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", course.title)
    for meeting in course.meetings.order_by("number"):
        calendar.add_component(_event(meeting, participant))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(meeting: Meeting, participant: Participant | None) -> Event:
    zone = ZoneInfo(settings.TIME_ZONE)
    plan = services.day_plan(meeting.course, meeting)
    starts, ends = (plan[0].starts, max(block.ends for block in plan)) if plan else DEFAULT_DAY
    event = Event()
    event.add("uid", f"{meeting.public_id}@allianse")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", datetime.combine(meeting.date, starts, tzinfo=zone))
    event.add("dtend", datetime.combine(meeting.date, ends, tzinfo=zone))
    event.add("summary", f"{meeting.course.title} {meeting.number}: {meeting.title}")
    if meeting.course.venue:
        event.add("location", meeting.course.venue)
    lines = [
        f"{block.starts:%H.%M}–{block.ends:%H.%M} {block.description or block.get_kind_display()}" for block in plan
    ]
    if participant is not None:
        roles = participant.roles.filter(meeting=meeting)
        lines += [_("Your role: %(role)s") % {"role": MeetingRole.Role(role.role).label} for role in roles]
    event.add("description", "\n".join(lines))
    return event
