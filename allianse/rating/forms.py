from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from allianse import widgets
from allianse.accounts.models import Role, User
from allianse.core.measures import Instrument
from allianse.instruments import registry as instruments
from allianse.instruments.forms import ERROR_MESSAGES, FIELD_BUILDERS

from .clock import format_clock, parse_clock
from .models import Assignment, ConsentRecord, Purpose, RatingSettings, RatingStudy, Segment
from .services import RATING_SCALES, RatingInput

RATING_ERRORS = {
    **ERROR_MESSAGES,
    "needs_reason": _("Rate this item, or choose why it is left empty."),
    "unknown_item": _("This time stamp belongs to no item of the scale."),
}
NOTE_LENGTH = 300
MISSING_REASON_LABELS = {"not_applicable": _("not applicable"), "not_observed": _("not observed")}


class ClockField(forms.CharField):
    default_error_messages = {"invalid": _("Write the time as minutes and seconds, for example 12:40.")}

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        seconds = parse_clock(text)
        if seconds is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return seconds


class ConsentForm(forms.ModelForm):
    class Meta:
        model = ConsentRecord
        fields = ["purpose", "given_at", "document_reference"]
        widgets = {"given_at": forms.DateInput(attrs={"type": "date"})}


class MemberConsentForm(forms.Form):
    """A group member's written consent: one or more purposes, with the scanned signed form if there is one."""

    membership = forms.ModelChoiceField(label=_("Member"), queryset=None)
    purposes = forms.MultipleChoiceField(
        label=_("Purposes it covers"), choices=Purpose.choices, widget=forms.CheckboxSelectMultiple
    )
    given_at = forms.DateField(label=_("Written consent given on"), widget=forms.DateInput(attrs={"type": "date"}))
    document_reference = forms.CharField(
        label=_("Where the signed document is kept"),
        max_length=200,
        required=False,
        help_text=_("For example the journal note or archive reference of the signed form."),
    )
    scanned_form = forms.FileField(
        label=_("Scanned form (PDF, PNG or JPEG)"),
        required=False,
        help_text=_(
            "Optional. Kept on the clinic's server and shown only to the group's therapists and administrators."
        ),
    )

    REJECTIONS = {
        "empty": _("The file is empty."),
        "too_large": _("The scanned form is larger than 20 MB."),
        "wrong_type": _("Upload the scanned form as a PDF, PNG or JPEG file."),
    }

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships
        self.fields["membership"].label_from_instance = lambda membership: membership.patient.code

    def clean(self):
        data = super().clean()
        if not data.get("document_reference") and not data.get("scanned_form"):
            raise forms.ValidationError(_("Upload the scanned form or say where the signed document is kept."))
        return data


class SuperiorConsentForm(forms.ModelForm):
    class Meta:
        model = ConsentRecord
        fields = ["superior_name", "purpose", "given_at", "document_reference"]
        widgets = {"given_at": forms.DateInput(attrs={"type": "date"})}


class RecordingForm(forms.Form):
    file = forms.FileField(label=_("Video or audio file"))
    purpose = forms.ChoiceField(label=_("Used for"), choices=Purpose.choices)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    duration = ClockField(
        label=_("Length (minutes:seconds)"),
        required=False,
        help_text=_("Optional; used to check that segments end within the recording."),
    )

    REJECTIONS = {
        "empty": _("The file is empty."),
        "too_large": _("The file is larger than the %(limit)s this clinic accepts. Shorten or compress it first."),
        "wrong_type": _(
            "This file type is not accepted. Upload an MP4, WebM or Ogg video, or a WAV, MP3, M4A or Ogg audio file."
        ),
    }

    def __init__(self, *args, purposes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = purposes


class SegmentForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        help_text=_(
            "Leave it empty to name the segment by its session, start and end, for example Session 20, 1:30–2:30."
        ),
    )
    start = ClockField(label=_("Start (minutes:seconds)"))
    end = ClockField(label=_("End (minutes:seconds)"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", _("The end must come after the start."))
        return cleaned


class AddToStudyForm(forms.Form):
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=Segment.objects.none())
    study = forms.ModelChoiceField(label=_("Rating study"), queryset=RatingStudy.objects.none())

    def __init__(self, *args, segments, studies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = segments
        self.fields["study"].queryset = studies


class StudyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    instrument_key = forms.ChoiceField(label=_("Rating scale"))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    reveal = forms.ChoiceField(
        label=_("Raters see the other ratings of a segment"),
        choices=RatingStudy.Reveal.choices,
        initial=RatingStudy.Reveal.OWN_SUBMITTED,
        required=False,
    )
    naming = forms.ChoiceField(
        label=_("Raters are named"),
        choices=RatingStudy.Naming.choices,
        initial=RatingStudy.Naming.NAMES,
        required=False,
    )

    def clean_reveal(self) -> str:
        return self.cleaned_data["reveal"] or RatingStudy.Reveal.OWN_SUBMITTED

    def clean_naming(self) -> str:
        return self.cleaned_data["naming"] or RatingStudy.Naming.NAMES

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument_key"].choices = [(key, instruments.get(key).title[language]) for key in RATING_SCALES]


def rater_choices():
    """Raters and leaders; therapists too, for self-assessment of the sessions they led."""
    roles = [Role.RATER, Role.COURSE_LEADER, Role.SUPERVISOR, Role.THERAPIST]
    return User.objects.filter(groups__name__in=roles).distinct()


class AssignForm(forms.Form):
    segments = forms.ModelMultipleChoiceField(
        label=_("Segments"), queryset=Segment.objects.none(), widget=widgets.Checkboxes
    )
    raters = forms.ModelMultipleChoiceField(label=_("Raters"), queryset=User.objects.none(), widget=widgets.Checkboxes)
    kind = forms.ChoiceField(label=_("What they give"), choices=Assignment.Kind.choices, initial=Assignment.Kind.RATER)

    def __init__(self, *args, study: RatingStudy, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the boxes show: the study page lists hundreds of people.
        self.fields["segments"].queryset = study.segments.only("pk", "name")
        self.fields["raters"].queryset = (
            rater_choices().only("pk", "username", "first_name", "last_name").order_by("username")
        )
        self.fields["raters"].label_from_instance = lambda user: user.display_name


class RatingForm(forms.Form):
    """Per item: the answer (built as in the check form), a reason for leaving it empty, an
    optional time stamp and note. Field names: `<item>`, `<item>__reason`, `<item>__time`, `<item>__note`."""

    def __init__(self, *args, instrument: Instrument, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        reasons = [("", "–")] + [(key, MISSING_REASON_LABELS[key]) for key in instrument.missing_reasons]
        for item in instrument.items:
            field = FIELD_BUILDERS[item.type](item, language)
            field.label = item.text[language]
            self.fields[item.id] = field
            if item.type == "scale" and instrument.missing_reasons:
                self.fields[f"{item.id}__reason"] = forms.ChoiceField(
                    label=_("Left empty because"), choices=reasons, required=False, widget=widgets.Select
                )
            self.fields[f"{item.id}__time"] = ClockField(label=_("At (time)"), required=False)
            self.fields[f"{item.id}__note"] = forms.CharField(
                label=_("Note"), max_length=NOTE_LENGTH, required=False, widget=widgets.TextInput(attrs={"size": 30})
            )

    def entered(self) -> RatingInput:
        """What was entered, time stamps parsed (call after is_valid; a bad time is a form error)."""
        answers, reasons, stamps, notes = {}, {}, {}, {}
        for item in self.instrument.items:
            multi = item.type == "multi_choice"
            answers[item.id] = self.data.getlist(item.id) if multi else self.data.get(item.id)
            if self.data.get(f"{item.id}__reason"):
                reasons[item.id] = self.data[f"{item.id}__reason"]
            stamp = self.cleaned_data.get(f"{item.id}__time")
            if stamp is not None:
                stamps[item.id] = stamp
            note = self.cleaned_data.get(f"{item.id}__note")
            if note:
                notes[item.id] = note
        return RatingInput(answers=answers, missing_reasons=reasons, time_stamps=stamps, notes=notes)

    def show_errors(self, errors: dict[str, str]) -> None:
        for item_id, code in errors.items():
            if item_id in self.fields:
                self.add_error(item_id, RATING_ERRORS.get(code, RATING_ERRORS["required"]))

    def entries(self):
        """[(section or None, [(item, answer field, reason field or None, time field, note field)])] in order."""
        sections = {section.id: section for section in self.instrument.sections}
        groups: list = []
        for item in self.instrument.items:
            section = sections.get(item.section)
            if not groups or groups[-1][0] is not section:
                groups.append((section, []))
            reason = self[f"{item.id}__reason"] if f"{item.id}__reason" in self.fields else None
            groups[-1][1].append((item, self[item.id], reason, self[f"{item.id}__time"], self[f"{item.id}__note"]))
        return groups


def initial_from(answers: dict, missing_reasons: dict, time_stamps: dict, notes: dict | None = None) -> dict:
    """Form initial values from a draft or an earlier rating."""
    initial = {key: value for key, value in answers.items() if value not in (None, "")}
    initial.update({f"{key}__reason": value for key, value in missing_reasons.items()})
    initial.update({f"{key}__time": format_clock(value) for key, value in time_stamps.items()})
    initial.update({f"{key}__note": value for key, value in (notes or {}).items()})
    return initial


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the rating corrected?"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class RatingSettingsForm(forms.ModelForm):
    """Whose written consent the clinic requires before a recording is used, as an administrator sets it."""

    class Meta:
        model = RatingSettings
        fields = ["requires_superior_consent", "group_superior_purposes"]
        help_texts = {
            "requires_superior_consent": _(
                "Off: the written consent of every patient present is enough. On: each therapist's superior must "
                "consent too; recordings already stored are blocked until their superiors' consents are recorded."
            ),
        }

    group_superior_purposes = forms.MultipleChoiceField(
        label=_("Group recordings need the consent of each group therapist's superior when used for"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Every member present must consent in any case. The first rule above applies to group recordings too."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # Django compares a field whose model default is callable with a hidden copy of the value
        # shown; the stored (or default) value is what a change is measured against here.
        self.fields["requires_superior_consent"].show_hidden_initial = False
        self.fields["group_superior_purposes"].show_hidden_initial = False
