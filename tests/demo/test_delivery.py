"""The demo shows delivery: check links sent by SMS and by e-mail, a reminder, a link the SMS gateway
refused and one only created, on the session and check-link pages; printed, never sent."""

import random

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from allianse.clinic.models import Session
from allianse.delivery.models import Message
from allianse.demo import delivery
from allianse.demo.clinic import DemoContext
from allianse.demo.clinic import build as build_clinic
from allianse.feedback.sending import CHECK_LINK, CHECK_REMINDER
from tests.conftest import sign_in


@pytest.fixture
def built(db, settings):
    settings.SMS_BACKEND = "allianse.delivery.sms.GatewayBackend"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/never-called"
    context = DemoContext(now=timezone.now(), rng=random.Random(2026))
    build_clinic(context)
    delivery.build(context)
    return context


def test_the_demo_records_each_kind_of_delivery(built):
    attempts = {(m.purpose, m.channel, m.status) for m in Message.objects.all()}
    assert attempts == {
        (CHECK_LINK, "sms", "sent"),
        (CHECK_LINK, "email", "sent"),
        (CHECK_REMINDER, "sms", "sent"),
        (CHECK_LINK, "sms", "failed"),
    }
    assert Message.objects.filter(purpose=CHECK_LINK, channel="sms", status="sent").count() == 2
    assert Message.objects.get(status="failed").error == "the SMS gateway answered HTTP 400"
    assert all(message.sent_by in built.therapists for message in Message.objects.filter(purpose=CHECK_LINK))
    assert any("sent by SMS" in line and "refused by the SMS gateway" in line for line in built.lines)


def test_the_messages_are_printed_not_sent(capsys, built):
    printed = capsys.readouterr().out
    assert printed.count("SMS to +4740000") == 2 + 1  # two links and the reminder; the refused one never left
    assert "To: pasient.demo@example.org" in printed
    assert not mail.outbox


def _page(client, name: str, session: Session) -> str:
    return client.get(reverse(name, args=[session.public_id])).content.decode()


def test_the_session_and_link_pages_show_each_state(client, built):
    states = {}
    for session in Session.objects.filter(starts_at__gt=built.now - timezone.timedelta(days=2)):
        sign_in(client, session.treatment.therapists.first())
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for name in ("caseload:session", "feedback:check_link"):
            page = _page(client, name, session)
            for state in ("sent by SMS at", "sent by e-mail at", "created", "sending by SMS failed at"):
                if state in page:
                    states.setdefault(state, set()).add(name)
    assert states == {
        state: {"caseload:session", "feedback:check_link"}
        for state in ("sent by SMS at", "sent by e-mail at", "created", "sending by SMS failed at")
    }
