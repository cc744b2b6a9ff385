"""Sending the patient's check link by e-mail or SMS from the link page: the treating therapist
only, a short kind text in the patient's language, the outcome on the link and session pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from allianse.accounts.models import AuditEvent
from allianse.delivery.models import ContactDetail, Message
from allianse.feedback.sending import check_url, send_check_link
from allianse.feedback.services import issue_check
from tests.delivery.conftest import sms_outbox  # noqa: F401 (fixture)
from tests.delivery.helpers import clinic_settings


def send_url(session) -> str:
    return reverse("feedback:send_check_link", args=[session.public_id])


def show_url(session) -> str:
    return reverse("feedback:check_link", args=[session.public_id])


@pytest.fixture
def link(therapist, session):
    return issue_check(session=session, by=therapist)


@pytest.fixture
def english(therapist_client):
    therapist_client.cookies["django_language"] = "en"
    return therapist_client


def test_a_link_only_created_says_so(english, session, link):
    page = english.get(show_url(session)).content.decode()
    assert "Status: created" in page
    assert 'action="' + send_url(session) + '"' in page
    session_page = english.get(reverse("caseload:session", args=[session.public_id])).content.decode()
    assert "Status: created" in session_page


def test_the_therapist_sends_the_link_by_sms(english, therapist, session, link, sms_outbox):  # noqa: F811
    response = english.post(send_url(session), {"channel": "sms", "to": "912 34 567"})
    assert response.status_code == 302 and response.url == show_url(session)
    written = sms_outbox()
    assert "SMS to 91234567" in written
    assert check_url(link) in written
    message = Message.objects.get()
    assert (message.channel, message.purpose, message.reference, message.status, message.sent_by) == (
        "sms",
        "check_link",
        str(link.public_id),
        "sent",
        therapist,
    )
    assert message.recipient == "••••4567"
    page = english.get(show_url(session)).content.decode()
    assert "The link was sent by SMS." in page
    assert "Status: sent by SMS at" in page
    assert "91234567" not in page and "912 34 567" not in page
    assert "Leave empty to use the one kept: SMS ••••4567." in page
    session_page = english.get(reverse("caseload:session", args=[session.public_id])).content.decode()
    assert "sent by SMS at" in session_page
    event = AuditEvent.objects.get(object_type="Message")
    assert (event.actor, event.patient, event.object_id) == (
        therapist,
        session.treatment.patient,
        str(message.public_id),
    )
    assert "4567" not in event.detail


def test_the_kept_number_is_used_when_none_is_typed(english, session, link, sms_outbox):  # noqa: F811
    english.post(send_url(session), {"channel": "sms", "to": "+47 912 34 567"})
    english.post(send_url(session), {"channel": "sms", "to": ""})
    assert sms_outbox().count("SMS to +4791234567") == 2
    assert ContactDetail.objects.count() == 1


def test_nothing_is_kept_when_the_clinic_deletes_after_use(english, session, link):
    clinic_settings(keep_contact_details=False)
    english.post(send_url(session), {"channel": "email", "to": "kari@example.no"})
    assert mail.outbox[0].to == ["kari@example.no"]
    assert not ContactDetail.objects.exists()
    assert "Leave empty" not in english.get(show_url(session)).content.decode()


def test_a_wrong_number_shows_the_page_again_with_the_error(english, session, link, sms_outbox):  # noqa: F811
    response = english.post(send_url(session), {"channel": "sms", "to": "12"})
    assert response.status_code == 400
    assert "Enter a phone number of 8 to 15 digits" in response.content.decode()
    assert not Message.objects.exists() and sms_outbox() == ""


def test_a_failed_sending_is_reported_and_the_link_still_only_created(english, settings, session, link):
    settings.SMS_BACKEND = "allianse.delivery.sms.GatewayBackend"
    settings.SMS_GATEWAY_URL = ""
    response = english.post(send_url(session), {"channel": "sms", "to": "91234567"}, follow=True)
    page = response.content.decode()
    assert "The link could not be sent." in page
    assert "Status: created" in page and "sending by SMS failed at" in page
    assert Message.objects.get().status == "failed"


def test_another_therapist_can_not_send_the_link(outsider_client, session, link):
    response = outsider_client.post(send_url(session), {"channel": "email", "to": "kari@example.no"})
    assert response.status_code == 404
    assert "Vi fant ikke denne siden." in response.content.decode()
    assert not mail.outbox and not Message.objects.exists() and not ContactDetail.objects.exists()


def test_sending_is_by_post_only(therapist_client, session, link):
    assert therapist_client.get(send_url(session)).status_code == 405


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("nb", "Et kort spørsmål etter timen din", "Takk for i dag"),
        ("en", "A short question after your appointment", "Thank you for today"),
    ],
)
def test_the_text_is_in_the_patients_language_without_name_or_code(therapist, session, language, subject, words):
    patient = session.treatment.patient
    patient.language = language
    patient.save()
    link = issue_check(session=session, by=therapist)
    send_check_link(link, "email", "kari@example.no", therapist)
    (sent,) = mail.outbox
    assert sent.subject == subject
    assert words in sent.body
    assert check_url(link) in sent.body
    assert patient.code not in sent.body and patient.code not in sent.subject
