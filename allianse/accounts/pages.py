"""What the administration pages show, built without the request."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit_log, extensions, services
from .forms import AuditFilterForm, ResetSecondFactorForm, RolesForm
from .models import Role, User


@dataclass(frozen=True)
class StaffRow:
    member: User
    roles: list[str]
    second_factor: bool
    invited: bool  # no password set yet


STAFF_PAGE = 50


def staff_list(*, search: str = "", page: str | int | None = None) -> dict:
    """A page of the staff (active first, by name), those whose name or username holds `search`
    if given: the same few queries for a clinic of ten or a trust of thousands."""
    members = User.objects.order_by("-is_active", "last_name", "first_name", "username")
    if search.strip():
        term = search.strip()
        members = members.filter(
            Q(username__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term)
        )
    shown = Paginator(members.prefetch_related("groups"), STAFF_PAGE).get_page(page)
    ids = [member.pk for member in shown]
    enrolled = set(TOTPDevice.objects.filter(confirmed=True, user_id__in=ids).values_list("user_id", flat=True))
    rows = [
        StaffRow(member, _role_labels(member), member.pk in enrolled, not member.has_usable_password())
        for member in shown
    ]
    return {"rows": rows, "page": shown, "search": search}


def staff_member(
    member: User, *, roles_form: RolesForm | None = None, reset_form: ResetSecondFactorForm | None = None
) -> dict:
    return {
        "member": member,
        "roles": _role_labels(member),
        "second_factor": services.confirmed_device(member) is not None,
        "invited": not member.has_usable_password(),
        "enrol_until": member.may_enrol_until if services.may_enrol(member, came_through_link=False) else None,
        "roles_form": roles_form or RolesForm(initial={"roles": [group.name for group in member.groups.all()]}),
        "reset_form": reset_form or ResetSecondFactorForm(),
    }


def clinic_settings() -> dict:
    return {"settings_pages": list(extensions.settings_pages)}


def audit_page(form: AuditFilterForm, cursor: str | None) -> dict:
    """The events the form asks for (all of them if it asks nothing valid), one page of lines."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = audit_log.Filters(
        patient_code=data.get("patient", ""),
        actor=data.get("actor"),
        action=data.get("action", ""),
        start=data.get("start"),
        end=data.get("end"),
    )
    patient_id = extensions.patient_id_for_code(filters.patient_code) if filters.patient_code else None
    return {
        "form": form,
        "page": audit_log.page(audit_log.search(filters), cursor),
        "patient_code": filters.patient_code,
        "patient_id": patient_id,
        "older_page": bool(cursor),
    }


def _role_labels(member: User) -> list[str]:
    names = {group.name for group in member.groups.all()}
    return [str(label) for value, label in Role.choices if value in names]
