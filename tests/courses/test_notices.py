"""The e-mail before a meeting: each participant once, with their roles, in the course's language."""

from __future__ import annotations

from datetime import date

from django.core import mail
from django.core.management import call_command

from allianse.courses import notices, services
from allianse.courses.models import MeetingRole


def test_each_participant_gets_one_notice_a_week_ahead_with_their_roles(course, participants):
    meeting = course.meetings.get(number=3)  # 17 April 2026
    services.set_role(meeting=meeting, role=MeetingRole.Role.CO_THERAPIST, participants=participants[:2])
    for participant in participants:
        participant.user.email = f"{participant.user.username}@example.org"
        participant.user.save()

    assert notices.send_due_notices(date(2026, 4, 1)) == []
    sent = notices.send_due_notices(date(2026, 4, 10))
    again = notices.send_due_notices(date(2026, 4, 11))

    assert len(sent) == 12 and again == []
    first = next(message for message in mail.outbox if message.to == ["p00@example.org"])
    other = next(message for message in mail.outbox if message.to == ["p05@example.org"])
    assert first.subject == "Kurssamling 3 den 17.04.2026"
    assert "Dine roller den dagen: koterapeut i rollespillet." in first.body
    assert "We start at" not in first.body and "Vi starter kl. 09.00." in first.body
    assert "Du har ingen egen rolle den dagen." in other.body


def test_the_command_says_how_many_were_sent(course, participants, capsys):
    call_command("send_course_notices")
    assert "course notices: 0 sent" in capsys.readouterr().out


def test_those_who_have_not_sent_their_preparation_are_reminded_once_a_week_before_it_is_due(course, participants):
    course.preparation_due = date(2026, 1, 23)
    course.save()
    for participant in participants[:2]:
        participant.user.email = f"{participant.user.username}@example.org"
        participant.user.save()
    services.save_preparation(
        participant=participants[0], group_account="G", case_formulation="", descriptions=[], send=True
    )
    assert notices.send_due_notices(date(2026, 1, 10)) == []
    sent = notices.send_due_notices(date(2026, 1, 17))
    assert [message.purpose for message in sent] == [notices.PREPARATION_REMINDER]
    assert mail.outbox[0].to == ["p01@example.org"] and "innen 23.01.2026" in mail.outbox[0].body
    assert notices.send_due_notices(date(2026, 1, 18)) == []
