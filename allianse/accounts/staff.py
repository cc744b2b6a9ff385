"""Administrators manage staff: invitations with a one-time enrolment link, roles, deactivation
(accounts are never deleted: the audit log names them), and resetting a lost second factor.

The clinic always keeps one active administrator: the last one can neither lose the role nor be
deactivated, and nobody deactivates their own account."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role, User


class StaffChangeRefused(Exception):
    """A change that would break a rule above; the message is for the administrator."""


class EnrolmentTokens(PasswordResetTokenGenerator):
    """Django's password-reset tokens under a salt of their own. A token covers the account's
    password and last sign-in, so it stops working once the password is set, and it expires after
    PASSWORD_RESET_TIMEOUT seconds."""

    key_salt = "allianse.accounts.staff.enrolment"


tokens = EnrolmentTokens()


@dataclass(frozen=True)
class EnrolmentLink:
    url: str
    expires_at: datetime


def enrolment_token(user: User) -> str:
    """The account's public id (32 hex digits) followed by the signed token."""
    return f"{user.public_id.hex}{tokens.make_token(user)}"


def enrolment_link(user: User) -> EnrolmentLink:
    path = reverse("accounts:enrol", kwargs={"token": enrolment_token(user)})
    expires_at = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return EnrolmentLink(url=f"{settings.SITE_URL}{path}", expires_at=expires_at)


def user_for_enrolment(token: str) -> User | None:
    """The active account an unused, unexpired enrolment link was made for; None otherwise."""
    try:
        public_id = uuid.UUID(hex=token[:32])
    except ValueError:
        return None
    user = User.objects.filter(public_id=public_id, is_active=True).first()
    return user if user is not None and tokens.check_token(user, token[32:]) else None


@transaction.atomic
def invite(
    *, username: str, first_name: str, last_name: str, email: str, roles: Iterable[str]
) -> tuple[User, EnrolmentLink]:
    """A new account without a password: the person sets one through the link, then enrols an
    authenticator app at their first sign-in."""
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_unusable_password()
    user.save()
    user.groups.set(_groups(roles))
    return user, enrolment_link(user)


def renew_invitation(user: User) -> EnrolmentLink:
    """A new link for someone who has not set a password yet; earlier links stop working."""
    if user.has_usable_password():
        raise StaffChangeRefused(_("This person has already set a password."))
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return enrolment_link(user)


def email_enrolment_link(user: User, link: EnrolmentLink) -> bool:
    """Send the link to the person's e-mail address; False if it could not be sent."""
    expires = date_format(timezone.localtime(link.expires_at), "SHORT_DATETIME_FORMAT")
    body = _(
        "You have been given an account in Allianse. Open this link to choose your password, then set "
        "up two-step sign-in with an authenticator app:\n\n%(url)s\n\nThe link works once, until %(expires)s."
    ) % {"url": link.url, "expires": expires}
    try:
        send_mail(_("Your Allianse account"), body, None, [user.email])
    except OSError:
        return False
    return True


@transaction.atomic
def set_roles(*, user: User, roles: Iterable[str]) -> None:
    roles = set(roles)
    if Role.ADMINISTRATOR not in roles and user.is_administrator and _is_last_administrator(user):
        raise StaffChangeRefused(_("The clinic needs an administrator: give someone else the role first."))
    user.groups.set(_groups(roles))
    vars(user).pop("_role_cache", None)


@transaction.atomic
def set_active(*, user: User, active: bool, by: User) -> None:
    if not active and user.pk == by.pk:
        raise StaffChangeRefused(_("You cannot deactivate your own account."))
    if not active and user.is_administrator and _is_last_administrator(user):
        raise StaffChangeRefused(_("The clinic needs an administrator: give someone else the role first."))
    user.is_active = active
    user.save(update_fields=["is_active"])


def reset_second_factor(*, user: User, reason: str) -> None:
    """Remove the person's authenticator apps: at their next sign-in, within PASSWORD_RESET_TIMEOUT
    seconds, they set up a new one after their password."""
    if not reason.strip():
        raise StaffChangeRefused(_("Give the reason for the reset."))
    TOTPDevice.objects.filter(user=user).delete()
    user.may_enrol_until = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    user.save(update_fields=["may_enrol_until"])


def _groups(roles: Iterable[str]) -> list[Group]:
    return [Group.objects.get_or_create(name=Role(role).value)[0] for role in roles]


def _is_last_administrator(user: User) -> bool:
    """Whether no other active administrator is left; the administrator role's row is locked
    first, so two such changes at once are made one after the other."""
    list(Group.objects.select_for_update().filter(name=Role.ADMINISTRATOR))
    others = User.objects.filter(is_active=True, groups__name=Role.ADMINISTRATOR).exclude(pk=user.pk)
    return not others.exists()
