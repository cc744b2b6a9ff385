from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dates import plausible_date
from .models import Approach, EndReason, Patient, Session, Treatment

# The browser's own date-and-time picker; the value it reads and writes has no seconds.
DATE_AND_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def now_to_the_quarter_hour() -> datetime:
    """Now in local time, to the nearest quarter hour: what a form for a session starts with, so the
    browser's picker is never empty (an empty required picker blocks the form without a word)."""
    now = timezone.localtime()
    quarters = round((now.minute * 60 + now.second) / (15 * 60))
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=15 * quarters)


class NewPatientForm(forms.ModelForm):
    """The patient and their treatment; optionally, in the same step, the first session and the
    patient's check link for it."""

    started_on = forms.DateField(
        label=_("Treatment started"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[plausible_date],
    )
    approach = forms.ModelChoiceField(
        label=_("Approach"),
        queryset=Approach.objects.filter(active=True),
        required=False,
        empty_label=_("Not recorded"),
    )
    first_session = forms.BooleanField(label=_("Add the first session"), required=False, initial=True)
    first_session_at = forms.DateTimeField(
        label=_("First session: date and time"),
        required=False,
        initial=now_to_the_quarter_hour,
        widget=DATE_AND_TIME,
        validators=[plausible_date],
    )
    check_link = forms.BooleanField(
        label=_("Make a check link for the patient (QR code, short code and a card to print)"),
        required=False,
        initial=True,
    )

    class Meta:
        model = Patient
        fields = ["name", "language"]
        help_texts = {"name": _("Leave empty to keep the patient identified by code only.")}

    def clean(self):
        data = super().clean()
        if data.get("first_session") and not data.get("first_session_at") and "first_session_at" not in self.errors:
            self.add_error("first_session_at", _("Give the date and time of the first session."))
        if data.get("check_link") and not data.get("first_session"):
            self.add_error("check_link", _("A check link belongs to a session: add the first session too."))
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["starts_at", "attended"]
        widgets = {"starts_at": DATE_AND_TIME}

    def __init__(self, *args, initial=None, **kwargs):
        super().__init__(*args, initial={"starts_at": now_to_the_quarter_hour(), **(initial or {})}, **kwargs)
        self.fields["starts_at"].validators.append(plausible_date)


class EndTreatmentForm(forms.Form):
    ended_on = forms.DateField(
        label=_("Ended on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[plausible_date],
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=EndReason.choices)

    def __init__(self, *args, treatment: Treatment, **kwargs):
        super().__init__(*args, **kwargs)
        self.treatment = treatment

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if ended_on < self.treatment.started_on:
            raise forms.ValidationError(_("A treatment cannot end before it started."))
        return ended_on


class TreatmentApproachForm(forms.ModelForm):
    class Meta:
        model = Treatment
        fields = ["approach"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["approach"]
        field.queryset = Approach.objects.filter(active=True)
        field.empty_label = _("Not recorded")


class ApproachForm(forms.ModelForm):
    class Meta:
        model = Approach
        fields = ["name_nb", "name_en", "active"]
