"""Strict security headers on every response, beyond what Django's SecurityMiddleware sets; an
absolute limit on a signed-in session besides the idle timeout."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

SIGNED_IN_AT = "allianse_signed_in_at"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.setdefault("Cache-Control", "no-store")
        return response


def note_sign_in_time(sender, request: HttpRequest, user, **kwargs) -> None:
    """Django's `user_logged_in` signal: the session remembers when the password was given."""
    request.session[SIGNED_IN_AT] = timezone.now().timestamp()


class SessionLimitMiddleware:
    """Signs out a session SESSION_ABSOLUTE_SECONDS after its sign-in, however active it has been,
    so a session taken over cannot be kept alive for good. The request goes on signed out: a page
    sends the person to sign in again, where the message says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("You were signed out because you signed in too long ago. Sign in again."))
        return self.get_response(request)
