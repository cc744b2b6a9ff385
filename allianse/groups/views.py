"""The pages of groups and their members: the therapist's groups, a group, joining, a member's
page with their description, diagnoses and leaving. Sessions and member links are in
`session_views`, session summaries in `summary_views`."""

from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from allianse.accounts import audit
from allianse.accounts.decorators import staff_required, therapist_required
from allianse.accounts.models import AuditEvent
from allianse.clinic import services as clinic_services
from allianse.instruments.language import current_language
from allianse.ruptures.forms import PeriodForm

from . import extensions, pages, response_rates, services
from .access import get_group_for_user, get_membership_for_user
from .forms import DiagnosisForm, EndMembershipForm, GroupForm, MemberForm, ProfileForm
from .models import TherapyGroup

VIEW = AuditEvent.Action.VIEW
CREATE = AuditEvent.Action.CREATE
UPDATE = AuditEvent.Action.UPDATE


@therapist_required
def group_list(request):
    groups = TherapyGroup.objects.filter(therapists=request.user).prefetch_related("therapists").order_by("name")
    return render(request, "groups/list.html", {"groups": groups})


@therapist_required
@require_http_methods(["GET", "POST"])
def group_new(request):
    form = GroupForm(request.POST or None, therapist=request.user)
    if request.method == "POST" and form.is_valid():
        group = services.create_group(therapist=request.user, **form.cleaned_data)
        audit.record(request, CREATE, group, detail="group created")
        return redirect("groups:group", public_id=group.public_id)
    return render(request, "groups/group_new.html", {"form": form})


@staff_required
def group(request, public_id):
    group = get_group_for_user(request.user, public_id)
    measure = request.GET.get("measure", pages.default_measure())
    if measure not in dict(pages.measure_choices(current_language())):
        measure = pages.default_measure()
    context = pages.group_context(
        group,
        measure=measure,
        show_all=request.GET.get("sessions") == "all",
        shown=request.GET.getlist("member"),
        language=current_language(),
    )
    memberships = [*context["current"], *context["former"]]
    period_form = PeriodForm(request.GET or None)
    context |= response_rates.group_rates_context(group, period_form.period(timezone.localdate()), memberships)
    audit.record_for_patients(
        request, VIEW, group, [membership.patient_id for membership in memberships], detail="group page"
    )
    context["extra_links"] = extensions.links_for(request.user, group)
    return render(request, "groups/group.html", {"group": group, "period_form": period_form, **context})


@staff_required
@require_http_methods(["GET", "POST"])
def member_new(request, public_id):
    group = get_group_for_user(request.user, public_id)
    form = MemberForm(request.POST or None, therapist=request.user, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_member(group=group, by=request.user, **form.cleaned_data)
        except services.GroupRuleError as error:
            form.add_error(None, str(error))
        else:
            audit.record(request, CREATE, membership, patient=membership.patient, detail="member joined")
            return redirect("groups:member", public_id=membership.public_id)
    audit.record_patients_shown(request, form.fields["patient"].queryset, detail="patients to add to a group")
    return render(request, "groups/member_new.html", {"form": form, "group": group})


@staff_required
def member(request, public_id):
    return _member_page(request, get_membership_for_user(request.user, public_id))


def _member_page(request, membership, *, status: int = 200, **forms):
    audit.record(request, VIEW, membership, patient=membership.patient, detail="member page")
    context = {
        "membership": membership,
        "group": membership.group,
        "profile_form": ProfileForm(instance=membership),
        "diagnosis_form": DiagnosisForm(),
        "end_form": EndMembershipForm() if membership.is_current else None,
        **forms,
        **pages.member_context(membership, language=current_language()),
    }
    return render(request, "groups/member.html", context, status=status)


@staff_required
@require_POST
def member_profile(request, public_id):
    membership = get_membership_for_user(request.user, public_id)
    form = ProfileForm(request.POST, instance=membership)
    if not form.is_valid():
        return _member_page(request, membership, profile_form=form, status=400)
    services.update_member_profile(membership=membership, by=request.user, **form.cleaned_data)
    audit.record(request, UPDATE, membership, patient=membership.patient, detail="member description")
    return redirect("groups:member", public_id=membership.public_id)


@staff_required
@require_POST
def member_end(request, public_id):
    membership = get_membership_for_user(request.user, public_id)
    form = EndMembershipForm(request.POST)
    if form.is_valid():
        try:
            services.end_membership(membership=membership, by=request.user, **form.cleaned_data)
        except services.GroupRuleError as error:
            form.add_error(None, str(error))
        else:
            audit.record(request, UPDATE, membership, patient=membership.patient, detail="member left")
            return redirect("groups:group", public_id=membership.group.public_id)
    return _member_page(request, membership, end_form=form, status=400)


@staff_required
@require_POST
def diagnosis_new(request, public_id):
    membership = get_membership_for_user(request.user, public_id)
    form = DiagnosisForm(request.POST)
    if not form.is_valid():
        return _member_page(request, membership, diagnosis_form=form, status=400)
    diagnosis = clinic_services.record_diagnosis(patient=membership.patient, by=request.user, **form.cleaned_data)
    audit.record(request, CREATE, diagnosis, patient=membership.patient, detail="diagnosis recorded")
    return redirect("groups:member", public_id=membership.public_id)
