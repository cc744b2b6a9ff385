"""The e-mails of a course, in its language, each sent once (any earlier attempt counts): before a
meeting, to each participant, the date, the venue, the start of the day plan and their roles that
day (co-therapist, presenter), `NOTICE_DAYS` ahead; and a reminder of the preparation to those who
have not sent it, `NOTICE_DAYS` before it is due."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from allianse.delivery import services as delivery
from allianse.delivery.models import Channel, Message

from . import services
from .models import Course, Meeting, MeetingRole, Participant
from .templatetags.course_time import clock

COURSE_NOTICE = "course_meeting"
PREPARATION_REMINDER = "course_preparation"
NOTICE_DAYS = 7


def send_due_notices(today: date) -> list[Message]:
    """Notices of the meetings in the coming `NOTICE_DAYS` days, and preparation reminders."""
    return _meeting_notices(today) + _preparation_reminders(today)


def _untried(purpose: str, references: dict[str, Participant]) -> list[tuple[str, Participant]]:
    tried = set(
        Message.objects.filter(purpose=purpose, reference__in=list(references)).values_list("reference", flat=True)
    )
    return [(reference, participant) for reference, participant in references.items() if reference not in tried]


def _preparation_reminders(today: date) -> list[Message]:
    courses = Course.objects.filter(
        preparation_due__gte=today, preparation_due__lte=today + timedelta(days=NOTICE_DAYS)
    )
    sent = []
    for course in courses:
        waiting = services.enrolled(course).exclude(user__email="").exclude(preparation__sent_at__isnull=False)
        references = {f"{course.public_id}/{participant.public_id}": participant for participant in waiting}
        for reference, participant in _untried(PREPARATION_REMINDER, references):
            with translation.override(course.language):
                subject = _("Your preparation for %(course)s") % {"course": course.title}
                body = _(
                    "Hello. Please send the course leader your preparation by %(due)s: a short account of your "
                    "group and its frame, a description of each patient (5 to 10 lines), the draft case "
                    "formulation and the readings. Your page: %(url)s"
                ) % {
                    "due": course.preparation_due.strftime("%d.%m.%Y"),
                    "url": settings.SITE_URL + reverse("courses:participant", args=[participant.public_id]),
                }
            email = participant.user.email
            sent.append(
                delivery.send(Channel.EMAIL, email, subject, body, purpose=PREPARATION_REMINDER, reference=reference)
            )
    return sent


def _meeting_notices(today: date) -> list[Message]:
    meetings = Meeting.objects.filter(date__gte=today, date__lte=today + timedelta(days=NOTICE_DAYS))
    sent = []
    for meeting in meetings.select_related("course"):
        people = services.enrolled(meeting.course).exclude(user__email="")
        references = {f"{meeting.public_id}/{participant.public_id}": participant for participant in people}
        for reference, participant in _untried(COURSE_NOTICE, references):
            subject, body = notice_texts(meeting, participant)
            sent.append(
                delivery.send(
                    Channel.EMAIL, participant.user.email, subject, body, purpose=COURSE_NOTICE, reference=reference
                )
            )
    return sent


def notice_texts(meeting: Meeting, participant: Participant) -> tuple[str, str]:
    """The subject and body, in the course's language."""
    with translation.override(meeting.course.language):
        roles = [MeetingRole.Role(entry.role).label for entry in participant.roles.filter(meeting=meeting)]
        plan = services.day_plan(meeting.course, meeting)
        lines = [
            _("Meeting %(number)s of %(course)s: %(title)s, %(date)s.")
            % {
                "number": meeting.number,
                "course": meeting.course.title,
                "title": meeting.title,
                "date": meeting.date.strftime("%d.%m.%Y"),
            }
        ]
        if plan:
            lines.append(_("We start at %(time)s.") % {"time": clock(plan[0].starts)})
        if meeting.course.venue:
            lines.append(meeting.course.venue)
        if roles:
            lines.append(_("Your roles that day: %(roles)s.") % {"roles": ", ".join(str(role) for role in roles)})
        else:
            lines.append(_("You have no role of your own that day."))
        url = settings.SITE_URL + reverse("courses:meeting", args=[meeting.public_id])
        lines.append(_("The meeting's page: %(url)s") % {"url": url})
        return _("Course meeting %(number)s on %(date)s") % {
            "number": meeting.number,
            "date": meeting.date.strftime("%d.%m.%Y"),
        }, "\n".join(lines)
