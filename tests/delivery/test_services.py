"""Sending and its log: masked recipients, failures recorded not raised, contact details encrypted
at rest and kept or deleted as the clinic chooses."""

from __future__ import annotations

import logging
import socket

import pytest
from django.core import mail
from django.db import connection

from allianse.delivery import contacts, services
from allianse.delivery.forms import SendForm
from allianse.delivery.models import Channel, ContactDetail, DeliverySettings, Message

pytestmark = pytest.mark.django_db

OWNER = "patient-public-id"


def test_an_email_is_sent_and_logged_with_the_recipient_masked(therapist):
    message = services.send(
        Channel.EMAIL, "kari@example.no", "Emne", "Tekst", purpose="check_link", reference="ref-1", by=therapist
    )
    (sent,) = mail.outbox
    assert (sent.to, sent.subject, sent.body) == (["kari@example.no"], "Emne", "Tekst")
    stored = Message.objects.get()
    assert stored == message
    assert (stored.channel, stored.purpose, stored.reference, stored.status) == ("email", "check_link", "ref-1", "sent")
    assert stored.sent_by == therapist
    assert stored.recipient == "k…@…no"
    assert stored.error == ""


def test_a_mail_server_that_cannot_be_reached_is_a_failed_delivery(settings, caplog):
    with socket.socket() as probe:  # a port on this machine that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with caplog.at_level(logging.WARNING, logger="allianse.delivery"):
        message = services.send(Channel.EMAIL, "kari@example.no", "Emne", "Tekst", purpose="p", reference="r")
    assert message.status == Message.Status.FAILED
    assert "could not be reached" in message.error
    assert "kari" not in message.error
    assert "kari" not in caplog.text
    assert str(message.public_id) in caplog.text


@pytest.mark.parametrize(
    ("channel", "to", "masked"),
    [
        ("email", "kari.nordmann@example.no", "k…@…no"),
        ("email", "ola@klinikk.com", "o…@…com"),
        ("sms", "+4791234567", "••••4567"),
        ("sms", "91234567", "••••4567"),
    ],
)
def test_masking(channel, to, masked):
    assert contacts.mask(channel, to) == masked


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [("912 34 567", "91234567"), ("+47 912-34-567", "+4791234567"), ("0047 91234567", "+4791234567")],
)
def test_phone_numbers_are_normalised(typed, normalised):
    assert contacts.normalise(Channel.SMS, typed) == normalised


@pytest.mark.parametrize("typed", ["1234", "ring meg", "+47 912 34 567 890 123 45"])
def test_a_wrong_phone_number_is_refused(typed):
    form = SendForm({"channel": "sms", "to": typed}, stored={})
    assert not form.is_valid()
    assert "to" in form.errors


def test_contact_details_are_encrypted_at_rest():
    contacts.remember(OWNER, Channel.EMAIL, "kari@example.no")
    contacts.remember(OWNER, Channel.SMS, "+4791234567")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT email_encrypted, phone_encrypted FROM {ContactDetail._meta.db_table}")
        (row,) = cursor.fetchall()
    assert "kari" not in row[0] and "example" not in row[0]
    assert "91234567" not in row[1]
    assert contacts.stored(OWNER, Channel.EMAIL) == "kari@example.no"
    assert contacts.stored(OWNER, Channel.SMS) == "+4791234567"


def test_a_key_from_the_settings_encrypts_and_another_key_cannot_read(settings):
    from cryptography.fernet import Fernet

    settings.CONTACT_ENCRYPTION_KEY = Fernet.generate_key().decode()
    contacts.remember(OWNER, Channel.EMAIL, "kari@example.no")
    assert contacts.stored(OWNER, Channel.EMAIL) == "kari@example.no"
    settings.CONTACT_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert contacts.stored(OWNER, Channel.EMAIL) is None


def test_a_typed_address_is_kept_and_used_when_none_is_typed():
    services.send_to_owner(OWNER, Channel.EMAIL, "kari@example.no", "E", "T", purpose="p", reference="r")
    assert services.stored_recipients(OWNER) == {"email": "k…@…no"}
    services.send_to_owner(OWNER, Channel.EMAIL, "", "E", "T", purpose="p", reference="r")
    assert [sent.to for sent in mail.outbox] == [["kari@example.no"], ["kari@example.no"]]


def test_contact_details_are_deleted_after_use_when_the_clinic_says_so():
    contacts.remember(OWNER, Channel.SMS, "+4791234567")
    clinic = DeliverySettings.get()
    clinic.keep_contact_details = False
    clinic.save()
    assert services.kept_address(OWNER, Channel.SMS) is None
    services.send_to_owner(OWNER, Channel.EMAIL, "kari@example.no", "E", "T", purpose="p", reference="r")
    assert len(mail.outbox) == 1
    assert not ContactDetail.objects.exists()
    assert services.stored_recipients(OWNER) == {}


def test_the_form_needs_an_address_unless_one_is_kept():
    assert not SendForm({"channel": "email", "to": ""}, stored={}).is_valid()
    form = SendForm({"channel": "email", "to": ""}, stored={"email": "k…@…no"})
    assert form.is_valid()
    assert "k…@…no" in form.fields["to"].help_text
    assert not SendForm({"channel": "sms", "to": ""}, stored={"email": "k…@…no"}).is_valid()


def test_latest_sent_skips_failures():
    first = Message.objects.create(channel="sms", purpose="p", reference="r", status="sent", recipient="••••4567")
    Message.objects.create(channel="email", purpose="p", reference="r", status="failed", recipient="k…@…no")
    assert services.latest_sent(["r", "other"], "p") == {"r": first}
    assert services.latest("r", "p").status == "failed"


def test_delivery_settings_are_one_row_with_the_defaults():
    clinic = DeliverySettings.get()
    assert DeliverySettings.get().pk == clinic.pk == 1
    assert (clinic.keep_contact_details, clinic.reminder_after_hours) == (True, 24)
    assert (clinic.quiet_hours_start.hour, clinic.quiet_hours_end.hour) == (21, 8)
