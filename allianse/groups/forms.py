from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from allianse.accounts.models import Role, User
from allianse.clinic.models import Diagnosis, Language, Patient
from allianse.core.groups import InvalidCode, normalise_code

from .models import Attendance, InterpersonalEvent, Membership, SessionSummary, TherapyGroup
from .supervision import eligible_supervisors

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GroupForm(forms.ModelForm):
    co_therapist = forms.ModelChoiceField(
        label=_("Co-therapist"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty if you lead the group alone."),
    )

    class Meta:
        model = TherapyGroup
        fields = [
            "name",
            "kind",
            "cadence",
            "duration_minutes",
            "admission",
            "max_size",
            "started_on",
            "factors_every",
            "ask_alliance",
        ]
        widgets = {"started_on": DATE}

    def __init__(self, *args, therapist, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = timezone.localdate
        therapists = User.objects.filter(groups__name=Role.THERAPIST, is_active=True).exclude(pk=therapist.pk)
        self.fields["co_therapist"].queryset = therapists.order_by("last_name", "username")
        self.fields["co_therapist"].label_from_instance = lambda user: user.display_name


class MemberForm(forms.Form):
    """A new member: one of the therapist's own patients, or a new pseudonymous patient."""

    patient = forms.ModelChoiceField(
        label=_("One of your patients"),
        queryset=Patient.objects.none(),
        required=False,
        help_text=_("For a patient you also see individually. Leave empty to register a new patient."),
    )
    name = forms.CharField(
        label=_("Name (optional)"),
        max_length=120,
        required=False,
        help_text=_("Leave empty to keep the member identified by code only."),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices, initial=Language.NB)
    started_on = forms.DateField(label=_("Joined"), initial=timezone.localdate, widget=DATE)
    description = forms.CharField(
        label=_("Short description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=Membership._meta.get_field("description").help_text,
    )

    def __init__(self, *args, therapist, group, **kwargs):
        super().__init__(*args, **kwargs)
        current = group.memberships.filter(ended_on__isnull=True).values("patient")
        own = Patient.objects.filter(treatments__therapists=therapist).exclude(pk__in=current).distinct()
        self.fields["patient"].queryset = own


class EndMembershipForm(forms.Form):
    ended_on = forms.DateField(label=_("Left"), initial=timezone.localdate, widget=DATE)
    reason = forms.ChoiceField(label=_("Reason for leaving"), choices=Membership.EndReason.choices)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["description", "case_formulation"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "case_formulation": forms.Textarea(attrs={"rows": 12}),
        }


class DiagnosisForm(forms.ModelForm):
    class Meta:
        model = Diagnosis
        fields = ["system", "code"]
        help_texts = {"code": _("For example F60.3 (ICD-10) or 6D10.1&6D11.5 (ICD-11).")}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("system") and cleaned.get("code"):
            try:
                cleaned["code"] = normalise_code(cleaned["system"], cleaned["code"])
            except InvalidCode:
                self.add_error("code", _("This is not written as a code of the chosen classification."))
        return cleaned


class AttendanceForm(forms.Form):
    """One choice per member of the group on the session's day."""

    def __init__(self, *args, memberships, initial_status=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = list(memberships)
        for membership in self.memberships:
            self.fields[self._name(membership)] = forms.ChoiceField(
                label=membership.patient.code,
                choices=Attendance.Status.choices,
                initial=(initial_status or {}).get(membership.pk, Attendance.Status.PRESENT),
                widget=forms.RadioSelect,
            )

    @staticmethod
    def _name(membership) -> str:
        return f"member_{membership.public_id.hex}"

    def attendance_fields(self) -> list[forms.BoundField]:
        return [self[self._name(membership)] for membership in self.memberships]

    def attendance(self) -> dict[int, str]:
        return {membership.pk: self.cleaned_data[self._name(membership)] for membership in self.memberships}


class GroupSessionForm(AttendanceForm):
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    therapists_present = forms.ModelMultipleChoiceField(
        label=_("Therapists present"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapists_present"].queryset = group.therapists.all()
        self.fields["therapists_present"].label_from_instance = lambda user: user.display_name
        self.fields["therapists_present"].initial = list(group.therapists.all())
        self.order_fields(["starts_at", "therapists_present"])


class StartSummaryForm(forms.Form):
    language = forms.ChoiceField(label=_("Template language"), choices=Language.choices)


class SummaryForm(forms.ModelForm):
    class Meta:
        model = SessionSummary
        fields = ["themes", "phases", "agreements"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}


class EventForm(forms.ModelForm):
    class Meta:
        model = InterpersonalEvent
        fields = ["members", "what_happened", "failure", "intervention", "intervention_note"]
        widgets = {
            "members": forms.CheckboxSelectMultiple,
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "intervention_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(attendance__session=session).select_related("patient")
        self.fields["members"].queryset = members.order_by("patient__code")
        self.fields["members"].label_from_instance = lambda membership: membership.patient.code


class AddendumForm(forms.Form):
    text = forms.CharField(label=_("Addendum"), widget=forms.Textarea(attrs={"rows": 4}))


class SignSummaryForm(forms.Form):
    """Signing locks the summary for good, so it asks for a confirmation first."""

    confirm = forms.BooleanField(
        label=_("I have read the summary; signing locks it"),
        error_messages={"required": _("Tick the box to confirm that you have read the summary before you sign it.")},
    )


class SupervisorForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Supervisor"), queryset=None)
    sees_case_formulations = forms.BooleanField(label=_("may read the members' case formulations"), required=False)

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = eligible_supervisors(group)
        self.fields["user"].label_from_instance = lambda user: user.display_name


class SupervisionNoteForm(forms.Form):
    text = forms.CharField(label=_("Supervision note"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
