"""Access tokens on the REST API: who calls (authentication) and what the token lets them reach
(TokenScope). The pages keep their session sign-in; the API takes both.

A token stands in for the second factor: a personal one is made from a session that passed it, a
service account's by an administrator who did. Every call with a token writes one audit row (the
views add their own rows about what the call read or changed).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from . import audit, tokens
from .models import AccessToken, AuditEvent

KEYWORDS = (b"bearer", b"token")

# A view of the API declares the part it belongs to as `api_part` (an ApiPart value), or None for
# what any token may read (the instruments, the schema). A view that declares nothing takes no token.
UNDECLARED = object()


class AccessTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>` or `Authorization: Token <token>`."""

    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() not in KEYWORDS:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Bearer, with no spaces in it."))
        try:
            token = tokens.check(words[1].decode("latin-1"))
        except tokens.TokenRefused as refusal:
            if refusal.token is not None:
                # The Django request: asking the API's request for its user would authenticate again.
                failed = AuditEvent.Action.LOGIN_FAILED
                audit.record(request._request, failed, refusal.token, detail=f"api token {refusal.code}")
            raise exceptions.AuthenticationFailed(_("The token is not valid: unknown, expired or revoked.")) from None
        user = token.user
        user.otp_device = None
        user.is_verified = lambda: True
        request.user = user  # the audit row names its actor
        audit.record(request, AuditEvent.Action.API_CALL, token, detail=f"{request.method} {request.path}")
        return user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class TokenScope(BasePermission):
    """A call with a token reaches only the parts it names, and changes nothing without write access
    (read = GET, HEAD, OPTIONS). A call with the pages' session is not limited here."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, AccessToken):
            return True
        part = getattr(view, "api_part", UNDECLARED)
        if part is UNDECLARED:
            self.message = _("This part of the API cannot be used with a token.")
            return False
        if request.method not in SAFE_METHODS and not token.can_write:
            self.message = _("This token may only read.")
            return False
        if part is not None and part not in token.parts:
            self.message = _("This token does not reach this part of the API.")
            return False
        return True
