"""The one reminder of a patient's check link: due after the clinic's waiting time if unanswered,
by the channel it was sent by, never in quiet hours, after expiry or twice, and none without a
kept address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from allianse.accounts.models import AuditEvent
from allianse.delivery.models import ContactDetail, Message
from allianse.feedback.reminders import send_due_reminders
from allianse.feedback.sending import check_url, send_check_link
from allianse.feedback.services import issue_check, submit_check
from tests.delivery.conftest import sms_outbox  # noqa: F401 (fixture)
from tests.delivery.helpers import at_local, clinic_settings
from tests.feedback.test_check_flow import GOOD

HOURS = timedelta(hours=1)


@pytest.fixture
def link(therapist, session):
    return issue_check(session=session, by=therapist)


@pytest.fixture
def sent(link, therapist):
    return send_check_link(link, "email", "kari@example.no", therapist)


def test_due_after_the_waiting_time_by_the_same_channel(link, sent):
    noon = at_local(sent.sent_at, 12, after=24 * HOURS)
    (reminder,) = send_due_reminders(noon)
    assert (reminder.channel, reminder.purpose, reminder.reference, reminder.status) == (
        "email",
        "check_reminder",
        str(link.public_id),
        "sent",
    )
    assert reminder.sent_by is None
    assert mail.outbox[-1].to == ["kari@example.no"]
    assert check_url(link) in mail.outbox[-1].body
    assert mail.outbox[-1].subject == "En påminnelse om et kort spørsmål"
    event = AuditEvent.objects.get(object_id=str(reminder.public_id))
    assert (event.actor, event.patient) == (None, link.patient)


def test_not_due_before_the_waiting_time(sent):
    assert send_due_reminders(sent.sent_at + 23 * HOURS) == []
    assert len(mail.outbox) == 1


def test_a_second_run_sends_nothing(sent):
    noon = at_local(sent.sent_at, 12, after=24 * HOURS)
    assert len(send_due_reminders(noon)) == 1
    assert send_due_reminders(noon) == []
    assert send_due_reminders(noon + HOURS) == []
    assert Message.objects.filter(purpose="check_reminder").count() == 1


@pytest.mark.parametrize("hour", [21, 23, 2, 7])
def test_none_in_quiet_hours(sent, hour):
    assert send_due_reminders(at_local(sent.sent_at, hour, after=24 * HOURS)) == []


def test_quiet_hours_are_the_clinics_choice(sent):
    clinic_settings(quiet_hours_start="11:00", quiet_hours_end="13:00")
    noon = at_local(sent.sent_at, 12, after=24 * HOURS)
    assert send_due_reminders(noon) == []
    assert len(send_due_reminders(noon + 2 * HOURS)) == 1


def test_none_once_the_link_has_expired(link, sent):
    assert send_due_reminders(at_local(link.expires_at, 12, after=HOURS)) == []


def test_none_once_the_link_was_answered(link, sent):
    assert submit_check(administration=link, answers=GOOD).response is not None
    assert send_due_reminders(at_local(sent.sent_at, 12, after=24 * HOURS)) == []


def test_none_for_a_link_only_created(link):
    assert send_due_reminders(at_local(link.created_at, 12, after=24 * HOURS)) == []


def test_none_when_the_address_was_deleted_after_use(therapist, link):
    clinic_settings(keep_contact_details=False)
    message = send_check_link(link, "email", "kari@example.no", therapist)
    assert not ContactDetail.objects.exists()
    assert send_due_reminders(at_local(message.sent_at, 12, after=24 * HOURS)) == []
    assert len(mail.outbox) == 1


def test_by_sms_when_the_link_went_by_sms(therapist, link, sms_outbox):  # noqa: F811
    message = send_check_link(link, "sms", "+4791234567", therapist)
    (reminder,) = send_due_reminders(at_local(message.sent_at, 12, after=24 * HOURS))
    assert reminder.channel == "sms" and reminder.recipient == "••••4567"
    assert sms_outbox().count("SMS to +4791234567") == 2


def test_the_command_sends_what_is_due_now_and_then_nothing(sent, capsys):
    clinic_settings(quiet_hours_start="00:00", quiet_hours_end="00:00")
    Message.objects.filter(pk=sent.pk).update(sent_at=sent.sent_at - 25 * HOURS)
    call_command("send_reminders")
    call_command("send_reminders")
    output = capsys.readouterr().out.splitlines()
    assert output == [
        "patient checks: 1 reminders sent",
        "member links: 0 reminders sent",
        "rating assignments: 0 reminders sent",
        "patient checks: 0 reminders sent",
        "member links: 0 reminders sent",
        "rating assignments: 0 reminders sent",
    ]


def test_the_command_waits_in_quiet_hours(sent, capsys):
    now = timezone.localtime()
    start, end = (now - HOURS).time(), (now + HOURS).time()
    clinic_settings(quiet_hours_start=start, quiet_hours_end=end)
    Message.objects.filter(pk=sent.pk).update(sent_at=sent.sent_at - 25 * HOURS)
    call_command("send_reminders")
    assert capsys.readouterr().out == f"Quiet hours: no reminders until {end:%H:%M}.\n"
    assert not Message.objects.filter(purpose="check_reminder").exists()
