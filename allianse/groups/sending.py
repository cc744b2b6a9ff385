"""Sending a member their personal link by e-mail or SMS (through `allianse.delivery`), with the
same short text as a patient's check link (`feedback.sending.link_texts`) and the link's short code."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from allianse.delivery import services as delivery
from allianse.delivery.forms import SendForm
from allianse.delivery.models import Message
from allianse.feedback.sending import link_texts

from .models import MemberCheck

MEMBER_CHECK_LINK = "member_check_link"
MEMBER_CHECK_REMINDER = "member_check_reminder"


def member_url(check: MemberCheck) -> str:
    return settings.SITE_URL + reverse("groups:member_check", args=[check.token])


def owner(check: MemberCheck) -> str:
    """Whose contact details a member's link is sent with: the member's patient (by public id), so
    an address kept for their individual checks serves here too."""
    return str(check.membership.patient.public_id)


def member_texts(check: MemberCheck, *, reminder: bool = False) -> tuple[str, str]:
    """The subject and body of a message with the member's link and its short code."""
    return link_texts(member_url(check), check.expires_at, check.language, reminder=reminder, code=check.short_code)


def send_member_check_link(check: MemberCheck, channel: str, to: str, by) -> Message:
    """Send the member's link to `to` (normalised), or to their kept address if `to` is empty."""
    subject, body = member_texts(check)
    return delivery.send_to_owner(
        owner(check), channel, to, subject, body, purpose=MEMBER_CHECK_LINK, reference=str(check.public_id), by=by
    )


def send_form(check: MemberCheck, data=None) -> SendForm:
    """The send form of one member's link (its own field ids, as the page has one per member)."""
    return SendForm(data, stored=delivery.stored_recipients(owner(check)), auto_id=f"id_{check.public_id}_%s")
