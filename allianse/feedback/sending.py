"""Sending a patient their check link by e-mail or SMS (through `allianse.delivery`).

The text is short and kind, in the patient's language, and holds only the link and when it
closes: no name, no patient code, nothing about their health.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from allianse.delivery import services as delivery
from allianse.delivery.models import Message

from .models import Administration

CHECK_LINK = "check_link"
CHECK_REMINDER = "check_reminder"


def link_texts(
    url: str, expires_at: datetime, language: str, *, reminder: bool = False, code: str | None = None
) -> tuple[str, str]:
    """The subject and body of a message with an answer link (patients' and group members' alike);
    with a short `code`, the body also says where it can be typed instead."""
    with translation.override(language):
        closes = formats.date_format(timezone.localtime(expires_at), "SHORT_DATETIME_FORMAT")
        if reminder:
            subject = _("A reminder of a short question")
            body = _(
                "Hello again. If you have a minute, the short question after your appointment is open until "
                "%(closes)s: %(url)s If you have answered already or would rather not, just ignore this message."
            )
        else:
            subject = _("A short question after your appointment")
            body = _(
                "Hello. Thank you for today. We would like to hear how the appointment felt for you: it takes "
                "about a minute, and the link works once, until %(closes)s: %(url)s"
            )
        body %= {"closes": closes, "url": url}
        if code:
            start = settings.SITE_URL + reverse("feedback:start")
            body += " " + _("You can also type the code %(code)s at %(start)s") % {"code": code, "start": start}
        return subject, body


def check_url(administration: Administration) -> str:
    return settings.SITE_URL + reverse("feedback:check", args=[administration.token])


def send_check_link(administration: Administration, channel: str, to: str, by) -> Message:
    """Send the patient's link to `to` (normalised), or to their kept address if `to` is empty."""
    subject, body = link_texts(check_url(administration), administration.expires_at, administration.language)
    return delivery.send_to_owner(
        owner(administration),
        channel,
        to,
        subject,
        body,
        purpose=CHECK_LINK,
        reference=str(administration.public_id),
        by=by,
    )


def owner(administration: Administration) -> str:
    """Whose contact details a link is sent with: the patient's (by public id)."""
    assert administration.patient is not None, "only a patient's link is sent"
    return str(administration.patient.public_id)


def link_delivery(administration: Administration) -> dict[str, Message | None]:
    """How the link went out: `sent`, its latest successful message (None: it was only created),
    and `failed`, the latest attempt if it failed."""
    reference = str(administration.public_id)
    attempt = delivery.latest(reference, CHECK_LINK)
    return {
        "sent": delivery.latest_sent([reference], CHECK_LINK).get(reference),
        "failed": attempt if attempt is not None and attempt.status == Message.Status.FAILED else None,
    }
