"""Two-factor enrolment and verification (TOTP, RFC 6238, through django-otp).

A password alone never suffices to set up the second factor: an account without one may enrol in
the session that came through an administrator's enrolment link, or, after an administrator's
reset, until `User.may_enrol_until`."""

from __future__ import annotations

import segno
from django.conf import settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


# Set in the session that came through an enrolment link, to the account's id.
ENROLMENT_LINK_SESSION_KEY = "allianse_enrolment_link"


def may_enrol(user: User, *, came_through_link: bool) -> bool:
    return came_through_link or (user.may_enrol_until is not None and user.may_enrol_until > timezone.now())


def confirm_enrolment(user: User, device: TOTPDevice) -> None:
    """The device becomes the account's second factor; the administrator's permission to enrol is
    used up."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user.may_enrol_until = None
    user.save(update_fields=["may_enrol_until"])


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device a user is enrolling, created on first need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def enrolment_qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff")


def demo_code(user: User, device: TOTPDevice) -> str | None:
    """The current code of a demo account, shown only while DEBUG is on; never in production."""
    if not (settings.DEBUG and user.is_demo):
        return None
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
