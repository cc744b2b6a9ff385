from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from . import audit, services
from .forms import TokenForm
from .models import AuditEvent


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(self.request, AuditEvent.Action.LOGIN, self.request.user, detail="password")
        return response

    def get_success_url(self):
        target = _safe_next(self.request)
        url = reverse("accounts:two_factor")
        return f"{url}?{urlencode({'next': target})}" if target else url


@login_required
def two_factor(request):
    """Second step of sign-in: enter the code, or enrol an authenticator app the first time if an
    enrolment link or an administrator allows it."""
    device = services.confirmed_device(request.user)
    enrolling = device is None
    if enrolling:
        through_link = request.session.get(services.ENROLMENT_LINK_SESSION_KEY) == request.user.pk
        if not services.may_enrol(request.user, came_through_link=through_link):
            return render(request, "accounts/enrolment_needed.html", status=403)
        device = services.pending_device(request.user)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if enrolling:
            services.confirm_enrolment(request.user, device)
            request.session.pop(services.ENROLMENT_LINK_SESSION_KEY, None)
        otp_login(request, device)
        request.session.cycle_key()
        audit.record(request, AuditEvent.Action.LOGIN, request.user, detail="second factor")
        return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
    context = {
        "form": form,
        "enrolling": enrolling,
        "qr_svg": services.enrolment_qr_svg(device) if enrolling else None,
        "secret": b32encode(device.bin_key).decode() if enrolling else None,
        "demo_code": services.demo_code(request.user, device),
    }
    return render(request, "accounts/two_factor.html", context)


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers to a sign-in refused for too many wrong passwords."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return None
