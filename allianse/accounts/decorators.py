"""Access to staff pages: signed in with password and a second factor, and holding the role a
page is for."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
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


def therapist_required(view):
    """A page of the therapist's own work (caseload, new patient, new group): staff without the
    therapist role are refused (403), whatever else they hold."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_therapist:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def administrator_required(view):
    """A staff page for administrators only; anyone else is refused (403)."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_administrator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
