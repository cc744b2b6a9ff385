"""Demo delivery: the latest sessions' check links sent the way a clinic sends them, so the session
and check-link pages show each state a link can be in: sent by SMS, sent by e-mail, reminded the
day after, refused by the SMS gateway, and only created (on the newest session, where `allianse
demo` prints a fresh link).

The messages go through the delivery app as the therapist's "Send the link" does, but always with
its console backends, whatever the settings name: the numbers and addresses are made up, so they
are printed, never sent.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.test import override_settings

from allianse.accounts.models import User
from allianse.clinic.models import Treatment
from allianse.clinic.services import add_session
from allianse.delivery import services as delivery
from allianse.delivery import sms
from allianse.delivery.models import Channel, Message
from allianse.feedback import sending
from allianse.feedback.models import Administration
from allianse.feedback.services import issue_check

from .clinic import DemoContext

CONSOLE = {
    "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    "SMS_BACKEND": "allianse.delivery.sms.ConsoleBackend",
}


class RefusingGateway(sms.BaseBackend):
    """An SMS gateway that refuses the number, as a real one refuses a number no phone has."""

    def send(self, to: str, message: str) -> None:
        raise sms.SmsError("the SMS gateway answered HTTP 400")


def build(context: DemoContext) -> None:
    running = [treatment for treatment in context.treatments if treatment.ended_on is None]
    by_sms, by_email, reminded, refused, created = running[-5:]
    with override_settings(**CONSOLE):
        _send(context, by_sms, Channel.SMS, "+4740000001", hours_ago=5)
        _send(context, by_email, Channel.EMAIL, "pasient.demo@example.org", hours_ago=4)
        _remind(_send(context, reminded, Channel.SMS, "+4740000003", hours_ago=26), Channel.SMS)
        with override_settings(SMS_BACKEND=f"{__name__}.RefusingGateway"):
            _send(context, refused, Channel.SMS, "+4740000004", hours_ago=3)
        _session_link(context, created, hours_ago=2)
    context.say(
        "Check links of the latest sessions (the session pages): "
        f"{by_sms.patient.code} sent by SMS, {by_email.patient.code} by e-mail, "
        f"{reminded.patient.code} reminded by SMS a day later, {refused.patient.code} refused by the SMS gateway, "
        f"{created.patient.code} only created."
    )


def _session_link(context: DemoContext, treatment: Treatment, *, hours_ago: int) -> tuple[Administration, User]:
    """A new attended session that ended an hour after it began, and its patient's check link,
    issued then."""
    therapist = treatment.therapists.order_by("pk").first()
    assert therapist is not None, "every demo treatment has a therapist"
    session = add_session(treatment=treatment, starts_at=context.now - timedelta(hours=hours_ago), attended=True)
    link = issue_check(session=session, by=therapist)
    issued = session.starts_at + timedelta(hours=1)
    expires = issued + timedelta(hours=settings.CHECK_LINK_HOURS)
    Administration.objects.filter(pk=link.pk).update(created_at=issued, expires_at=expires)
    link.refresh_from_db()
    return link, therapist


def _send(context: DemoContext, treatment: Treatment, channel: str, to: str, *, hours_ago: int) -> Administration:
    """The link of a new session, sent by its therapist to `to` (normalised) when it was issued."""
    link, therapist = _session_link(context, treatment, hours_ago=hours_ago)
    message = sending.send_check_link(link, channel, to, therapist)
    Message.objects.filter(pk=message.pk).update(sent_at=link.created_at)
    return link


def _remind(link: Administration, channel: str) -> Message:
    """The one reminder of the link, now, by the channel it was sent by, to the address kept for it."""
    address = delivery.kept_address(sending.owner(link), channel)
    assert address is not None, "the demo clinic keeps contact details"
    subject, body = sending.link_texts(sending.check_url(link), link.expires_at, link.language, reminder=True)
    return delivery.send(channel, address, subject, body, purpose=sending.CHECK_REMINDER, reference=str(link.public_id))
