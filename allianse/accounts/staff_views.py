"""Staff and roles for administrators; the enrolment link a new staff member opens; the clinic's
settings pages."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import audit, pages, services, staff
from .decorators import administrator_required
from .forms import InviteForm, ResetSecondFactorForm, RolesForm
from .models import AuditEvent, User

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


@administrator_required
def staff_list(request):
    context = pages.staff_list(search=request.GET.get("q", ""), page=request.GET.get("page"))
    return render(request, "accounts/staff_list.html", context)


@administrator_required
@require_http_methods(["GET", "POST"])
def staff_invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in ("username", "first_name", "last_name", "email", "roles")}
        member, link = staff.invite(**fields)
        audit.record(request, CREATE, member, detail=f"staff invited with roles {', '.join(sorted(data['roles']))}")
        return _show_link(request, member, link, send=data["send_email"])
    return render(request, "accounts/staff_invite.html", {"form": form}, status=400 if form.errors else 200)


@administrator_required
def staff_member(request, public_id):
    member = get_object_or_404(User, public_id=public_id)
    return render(request, "accounts/staff_member.html", pages.staff_member(member))


@administrator_required
@require_POST
def staff_roles(request, public_id):
    member = get_object_or_404(User, public_id=public_id)
    form = RolesForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/staff_member.html", pages.staff_member(member, roles_form=form), status=400)
    roles = sorted(form.cleaned_data["roles"])
    if _changed(request, staff.set_roles, user=member, roles=roles):
        audit.record(request, UPDATE, member, detail=f"roles set to {', '.join(roles)}")
        messages.success(request, _("The roles are saved."))
    return redirect("accounts:staff_member", public_id=member.public_id)


@administrator_required
@require_POST
def staff_active(request, public_id):
    member = get_object_or_404(User, public_id=public_id)
    active = request.POST.get("active") == "1"
    if _changed(request, staff.set_active, user=member, active=active, by=request.user):
        audit.record(request, UPDATE, member, detail="reactivated" if active else "deactivated")
        messages.success(request, _("The account is active again.") if active else _("The account is deactivated."))
    return redirect("accounts:staff_member", public_id=member.public_id)


@administrator_required
@require_POST
def staff_second_factor(request, public_id):
    member = get_object_or_404(User, public_id=public_id)
    form = ResetSecondFactorForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/staff_member.html", pages.staff_member(member, reset_form=form), status=400)
    reason = form.cleaned_data["reason"]
    if _changed(request, staff.reset_second_factor, user=member, reason=reason):
        audit.record(request, UPDATE, member, detail=f"second factor reset: {reason}")
        messages.success(request, _("The second factor is reset. At the next sign-in the person sets up a new one."))
    return redirect("accounts:staff_member", public_id=member.public_id)


@administrator_required
@require_POST
def staff_link(request, public_id):
    """A new enrolment link for someone who has not yet set a password (the old one stops working)."""
    member = get_object_or_404(User, public_id=public_id)
    try:
        link = staff.renew_invitation(member)
    except staff.StaffChangeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("accounts:staff_member", public_id=member.public_id)
    audit.record(request, UPDATE, member, detail="new enrolment link")
    return _show_link(request, member, link, send=False)


@require_http_methods(["GET", "POST"])
def enrol(request, token):
    """A new staff member's one-time link: choose a password, then set up the second factor."""
    member = staff.user_for_enrolment(token)
    if member is None:
        return render(request, "accounts/enrol_invalid.html", status=410)
    form = SetPasswordForm(member, request.POST or None, label_suffix="")
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, member, backend="django.contrib.auth.backends.ModelBackend")
        request.session[services.ENROLMENT_LINK_SESSION_KEY] = member.pk
        audit.record(request, UPDATE, member, detail="password set with enrolment link")
        return redirect("accounts:two_factor")
    return render(request, "accounts/enrol.html", {"form": form, "member": member}, status=400 if form.errors else 200)


@administrator_required
def clinic_settings(request):
    return render(request, "accounts/clinic_settings.html", pages.clinic_settings())


def _show_link(request, member, link, *, send: bool):
    """The page with the enrolment link to hand over; it is shown once and never stored."""
    emailed = send and staff.email_enrolment_link(member, link)
    if send and not emailed:
        messages.error(request, _("The e-mail could not be sent. Hand over the link yourself."))
    return render(request, "accounts/staff_link.html", {"member": member, "link": link, "emailed": emailed})


def _changed(request, change, **arguments) -> bool:
    """Make the change; if a rule refuses it, say why and return False."""
    try:
        change(**arguments)
    except staff.StaffChangeRefused as refusal:
        messages.error(request, str(refusal))
        return False
    return True
