"""The SMS backends: console, file, and the HTTP gateway against a real local server."""

from __future__ import annotations

import io

import pytest

from allianse.delivery import sms
from allianse.delivery.models import Channel, Message
from allianse.delivery.services import send

pytestmark = pytest.mark.django_db


def test_console_backend_prints_the_message():
    stream = io.StringIO()
    sms.ConsoleBackend(stream).send("+4791234567", "Hei")
    assert "SMS to +4791234567" in stream.getvalue()
    assert "Hei" in stream.getvalue()


def test_file_backend_appends_under_its_directory(sms_outbox):
    sms.get_backend().send("91234567", "første")
    sms.get_backend().send("91234567", "andre")
    written = sms_outbox()
    assert written.index("første") < written.index("andre")


def test_gateway_receives_the_protocol(gateway):
    message = send(Channel.SMS, "912 34 567".replace(" ", ""), "", "Hei der", purpose="check_link", reference="r1")
    assert message.status == Message.Status.SENT
    (request,) = gateway.requests
    assert request["path"] == "/rest/mtsms"
    assert request["headers"]["Authorization"] == "Bearer gateway-test-token"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["json"] == {"sender": "Klinikken", "recipients": [{"msisdn": 4791234567}], "message": "Hei der"}


def test_gateway_takes_an_international_number_as_it_is(gateway):
    send(Channel.SMS, "+46701234567", "", "Hej", purpose="check_link", reference="r1")
    assert gateway.requests[0]["json"]["recipients"] == [{"msisdn": 46701234567}]


@pytest.mark.parametrize(("status", "error"), [(500, "HTTP 500"), (503, "HTTP 503")])
def test_a_gateway_error_is_a_failed_delivery(gateway, status, error):
    gateway.status = status
    message = send(Channel.SMS, "91234567", "", "Hei", purpose="check_link", reference="r1")
    assert message.status == Message.Status.FAILED
    assert error in message.error
    assert "91234567" not in message.error


def test_a_wrong_token_is_a_failed_delivery(gateway, settings):
    settings.SMS_GATEWAY_TOKEN = "wrong"
    message = send(Channel.SMS, "91234567", "", "Hei", purpose="check_link", reference="r1")
    assert (message.status, message.error) == (Message.Status.FAILED, "the SMS gateway answered HTTP 401")


def test_a_gateway_that_does_not_answer_in_time_is_a_failed_delivery(gateway, settings):
    settings.SMS_GATEWAY_TIMEOUT = 0.2
    gateway.delay = 1
    message = send(Channel.SMS, "91234567", "", "Hei", purpose="check_link", reference="r1")
    assert message.status == Message.Status.FAILED
    assert "could not be reached" in message.error


def test_an_unreachable_or_unconfigured_gateway_is_a_failed_delivery(gateway, settings):
    gateway.server.shutdown()
    gateway.server.server_close()
    message = send(Channel.SMS, "91234567", "", "Hei", purpose="check_link", reference="r1")
    assert message.status == Message.Status.FAILED
    settings.SMS_GATEWAY_URL = ""
    message = send(Channel.SMS, "91234567", "", "Hei", purpose="check_link", reference="r2")
    assert message.error == "no SMS gateway configured (SMS_GATEWAY_URL)"
