"""Access to staff pages: signed in with password and a second factor."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect


def staff_required(view):
    """Signed in and verified with TOTP; otherwise to sign-in, enrolment or code entry."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_verified():
            return redirect("accounts:two_factor")
        return view(request, *args, **kwargs)

    return wrapper
