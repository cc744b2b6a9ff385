"""The address a request comes from, as the audit log and the rate limits see it."""

from __future__ import annotations

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; behind a proxy (BEHIND_PROXY) and only for a request that comes from one of
    TRUSTED_PROXIES, the right-most address of X-Forwarded-For that is not a trusted proxy: each
    proxy appends the address it was reached from, so those left of it are whatever the client
    wrote."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = set(settings.TRUSTED_PROXIES)
    if not settings.BEHIND_PROXY or remote not in trusted:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    client = next((part for part in reversed(forwarded) if part and part not in trusted), None)
    return client if client is not None and _is_address(client) else remote


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True
