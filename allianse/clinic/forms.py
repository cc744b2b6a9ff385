from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Patient, Session


class NewPatientForm(forms.ModelForm):
    started_on = forms.DateField(
        label=_("Treatment started"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Patient
        fields = ["name", "language"]
        help_texts = {"name": _("Leave empty to keep the patient identified by code only.")}


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["starts_at", "attended"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}
