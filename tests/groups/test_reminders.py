"""Sending a member their personal link by e-mail or SMS, and its one reminder while questions are
left: the group's therapists only, by the channel it went by, never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from allianse.delivery.models import Message
from allianse.groups import checks
from allianse.groups.reminders import send_due_reminders
from allianse.groups.sending import member_url, send_member_check_link
from tests.delivery.conftest import sms_outbox  # noqa: F401 (fixture)
from tests.delivery.helpers import at_local, clinic_settings
from tests.groups.conftest import ALLIANCE_ANSWERS, CLIMATE_ANSWERS, FACTOR_ANSWERS, link_for

DAY = timedelta(hours=24)


@pytest.fixture
def member_link(group_session, members, therapist):
    checks.issue_member_checks(session=group_session, by=therapist)
    return link_for(group_session, members[0])


def send_url(group_session) -> str:
    return reverse("groups:check_link_send", args=[group_session.public_id])


def test_a_therapist_of_the_group_sends_a_members_link(therapist_client, group_session, member_link, sms_outbox):  # noqa: F811
    therapist_client.cookies["django_language"] = "en"
    page = therapist_client.get(reverse("groups:check_links", args=[group_session.public_id])).content.decode()
    assert f'name="link" value="{member_link.public_id}"' in page
    response = therapist_client.post(
        send_url(group_session), {"link": str(member_link.public_id), "channel": "sms", "to": "91234567"}, follow=True
    )
    assert "The link was sent by SMS." in response.content.decode()
    assert member_url(member_link) in sms_outbox()
    message = Message.objects.get()
    assert (message.purpose, message.reference, message.recipient) == (
        "member_check_link",
        str(member_link.public_id),
        "••••4567",
    )


def test_a_wrong_address_is_reported_and_nothing_sent(therapist_client, group_session, member_link):
    therapist_client.cookies["django_language"] = "en"
    response = therapist_client.post(
        send_url(group_session), {"link": str(member_link.public_id), "channel": "email", "to": "kari"}, follow=True
    )
    assert "Enter a valid email address." in response.content.decode()
    assert not Message.objects.exists() and not mail.outbox


def test_a_link_of_another_session_or_none_is_not_found(therapist_client, group_session, member_link):
    response = therapist_client.post(send_url(group_session), {"link": "nothing", "channel": "email", "to": "k@x.no"})
    assert response.status_code == 404


def test_a_therapist_of_another_group_can_not_send(outsider_client, group_session, member_link):
    response = outsider_client.post(
        send_url(group_session), {"link": str(member_link.public_id), "channel": "email", "to": "kari@example.no"}
    )
    assert response.status_code == 404
    assert "Vi fant ikke denne siden." in response.content.decode()
    assert not Message.objects.exists() and not mail.outbox


def test_one_reminder_while_questions_are_left(member_link, therapist):
    sent = send_member_check_link(member_link, "email", "kari@example.no", therapist)
    assert send_due_reminders(sent.sent_at + DAY - timedelta(minutes=1)) == []
    noon = at_local(sent.sent_at, 12, after=DAY)
    (reminder,) = send_due_reminders(noon)
    assert (reminder.purpose, reminder.reference, reminder.channel) == (
        "member_check_reminder",
        str(member_link.public_id),
        "email",
    )
    assert member_url(member_link) in mail.outbox[-1].body
    assert send_due_reminders(noon) == []
    assert send_due_reminders(noon + DAY) == []


def test_no_reminder_in_quiet_hours_or_after_expiry(member_link, therapist):
    sent = send_member_check_link(member_link, "email", "kari@example.no", therapist)
    assert send_due_reminders(at_local(sent.sent_at, 22, after=DAY)) == []
    assert send_due_reminders(at_local(member_link.expires_at, 12, after=timedelta(0))) == []


def test_no_reminder_once_everything_is_answered(member_link, therapist):
    sent = send_member_check_link(member_link, "email", "kari@example.no", therapist)
    answers = {
        "group-climate": CLIMATE_ANSWERS,
        "alliance-patient": ALLIANCE_ANSWERS,
        "therapeutic-factors": FACTOR_ANSWERS,
    }
    for key in checks.pending_keys(member_link):
        checks.submit_member_check(token=member_link.token, instrument_key=key, answers=answers[key])
    assert checks.pending_keys(member_link) == []
    assert send_due_reminders(at_local(sent.sent_at, 12, after=DAY)) == []


def test_no_reminder_when_the_address_was_deleted_after_use(member_link, therapist):
    clinic_settings(keep_contact_details=False)
    sent = send_member_check_link(member_link, "email", "kari@example.no", therapist)
    assert send_due_reminders(at_local(sent.sent_at, 12, after=DAY)) == []
