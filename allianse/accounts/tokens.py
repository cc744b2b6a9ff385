"""Access tokens of the REST API: made, checked and revoked.

A token is `alli_<prefix>_<secret>`: 48 random bits of prefix to find its row and 256 random bits
of secret. With that much randomness a plain SHA-256 is as good as a slow password hash, and it
keeps every API call fast; the token itself is shown once and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .models import AccessToken, ApiPart, ServiceAccount, User

TOKEN_START = "alli_"


class TokenRefused(Exception):
    """The token is unknown, revoked, expired or its account is deactivated (the reason is `code`)."""

    def __init__(self, code: str, token: AccessToken | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.token = token


@dataclass(frozen=True)
class IssuedToken:
    token: AccessToken
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(*, user: User, kind: str, name: str, can_write: bool, parts: list[str], days: int, by: User) -> IssuedToken:
    """A new token for `user`, valid for `days` days from now."""
    prefix = secrets.token_hex(6)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = AccessToken.objects.create(
        user=user,
        kind=kind,
        name=name,
        prefix=prefix,
        secret_hash=hash_secret(secret),
        can_write=can_write,
        parts=sorted(set(parts) & set(ApiPart.values)),
        created_by=by,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return IssuedToken(token, secret)


def issue_personal(*, user: User, name: str, can_write: bool, parts: list[str], days: int) -> IssuedToken:
    """A staff member's own token: it acts as them, with their roles, within its scope."""
    return issue(
        user=user, kind=AccessToken.Kind.PERSONAL, name=name, can_write=can_write, parts=parts, days=days, by=user
    )


@transaction.atomic
def create_service_account(*, username: str, description: str, roles: list[str], by: User) -> ServiceAccount:
    """An account for another system: no password (it cannot sign in on the pages), the given roles."""
    user = User(username=username, first_name=description[:150])
    user.set_unusable_password()
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    return ServiceAccount.objects.create(user=user, description=description, created_by=by)


def issue_for_service(
    *, account: ServiceAccount, name: str, can_write: bool, parts: list[str], days: int, by: User
) -> IssuedToken:
    return issue(
        user=account.user,
        kind=AccessToken.Kind.SERVICE,
        name=name,
        can_write=can_write,
        parts=parts,
        days=days,
        by=by,
    )


def revoke(*, token: AccessToken) -> bool:
    """Stop the token working; False if it was revoked already."""
    return bool(AccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def check(secret: str) -> AccessToken:
    """The usable token with this secret (its user loaded), or TokenRefused."""
    parts = secret.removeprefix(TOKEN_START).split("_", 1)
    if not secret.startswith(TOKEN_START) or len(parts) != 2:
        raise TokenRefused("malformed")
    token = AccessToken.objects.select_related("user").filter(prefix=parts[0]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        raise TokenRefused("unknown", token)
    now = timezone.now()
    if not token.is_usable(now):
        raise TokenRefused(
            "revoked" if token.revoked_at else "expired" if now >= token.expires_at else "inactive", token
        )
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
