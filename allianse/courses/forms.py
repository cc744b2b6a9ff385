from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from allianse.accounts.models import User
from allianse.core.courses import DESCRIPTION_LINES, too_long
from allianse.groups.models import Membership
from allianse.instruments.language import current_language
from allianse.rating.models import Recording, Segment

from . import services
from .models import Attendance, Course, DayBlock, Meeting, MeetingRole, Participant, Reading, SupervisionNote
from .pages import scale_sections


def item_choices() -> list[tuple[str, str]]:
    """The MBT-G scale's items (its sections, titled "10. Engagement, interest and warmth")."""
    language = current_language()
    return [(section.id, section.title[language]) for section in scale_sections()]


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "title",
            "organiser",
            "venue",
            "language",
            "learning_goals",
            "capacity",
            "attendance_threshold",
            "preparation_due",
        ]
        widgets = {
            "preparation_due": forms.DateInput(attrs={"type": "date"}),
            "learning_goals": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_attendance_threshold(self) -> int:
        value = self.cleaned_data["attendance_threshold"]
        if value > 100:
            raise forms.ValidationError(_("A share of the meetings is at most 100 per cent."))
        return value


class MeetingForm(forms.ModelForm):
    items = forms.MultipleChoiceField(
        label=_("items of the MBT-G rating scale taught"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Meeting
        fields = ["number", "date", "title", "theme", "mode", "role_play_topic", "theory", "items", "scores_video"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "theme": forms.Textarea(attrs={"rows": 2}),
            "theory": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = item_choices()


class BlockForm(forms.ModelForm):
    class Meta:
        model = DayBlock
        fields = ["starts", "ends", "kind", "description"]
        widgets = {"starts": forms.TimeInput(attrs={"type": "time"}), "ends": forms.TimeInput(attrs={"type": "time"})}

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends <= starts:
            self.add_error("ends", _("A block ends after it starts."))
        return cleaned


class AddParticipantForm(forms.Form):
    user = forms.ModelChoiceField(label=_("staff member"), queryset=User.objects.none())

    def __init__(self, *args, course: Course, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        taken = course.participants.exclude(status=Participant.Status.WITHDRAWN).values("user")
        self.fields["user"].queryset = User.objects.filter(is_active=True).exclude(pk__in=taken).order_by("username")


class RolesForm(forms.Form):
    """The co-therapists and presenters of one meeting."""

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = services.enrolled(meeting.course).order_by("user__username")
        for role, label in MeetingRole.Role.choices:
            self.fields[role] = forms.ModelMultipleChoiceField(
                label=label, queryset=people, required=False, widget=forms.CheckboxSelectMultiple
            )
            self.initial.setdefault(role, [entry.participant for entry in meeting.roles.filter(role=role)])
        self.fields[MeetingRole.Role.CO_THERAPIST].label_from_instance = _name
        self.fields[MeetingRole.Role.CLINICAL].label_from_instance = _name
        self.fields[MeetingRole.Role.THEORY].label_from_instance = _name

    def clean_co_therapist(self):
        chosen = self.cleaned_data["co_therapist"]
        if len(chosen) > 2:
            raise forms.ValidationError(_("Two participants play co-therapists at a meeting."))
        return chosen


def _name(participant: Participant) -> str:
    return participant.user.display_name


class AttendanceForm(forms.Form):
    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        recorded = dict(meeting.attendance.values_list("participant", "status"))
        self.people = list(services.enrolled(meeting.course).order_by("user__username"))
        choices = [("", _("not recorded")), *Attendance.Status.choices]
        for participant in self.people:
            self.fields[str(participant.public_id)] = forms.ChoiceField(
                label=participant.user.display_name, choices=choices, required=False
            )
            self.initial.setdefault(str(participant.public_id), recorded.get(participant.pk, ""))

    def statuses(self) -> dict[Participant, str]:
        return {participant: self.cleaned_data[str(participant.public_id)] for participant in self.people}


class GroupForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["group", "group_declaration", "aims_at_mbt_g"]
        widgets = {"group_declaration": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = self.instance.user.therapy_groups.filter(ended_on__isnull=True)


class CharacterForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["character_name", "character_description"]
        widgets = {"character_description": forms.Textarea(attrs={"rows": 3})}


class PreparationForm(forms.Form):
    """The group's account, a description of each patient (one per current member of the
    participant's group in Allianse, filled from the member's page, plus free ones), the case
    formulation."""

    group_account = forms.CharField(label=_("the group and its frame"), widget=forms.Textarea(attrs={"rows": 4}))
    case_formulation = forms.CharField(
        label=_("draft case formulation of one member"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    EXTRA = 2

    def __init__(self, *args, participant: Participant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        preparation = services.preparation_of(participant)
        saved = list(preparation.descriptions.all()) if preparation else []
        self.members = services.current_members(participant.group)
        rows: list[tuple[str, str, Membership | None]] = [
            (member.patient.code, member.description, member) for member in self.members
        ]
        by_member = {description.membership_id: description for description in saved if description.membership_id}
        rows = [(label, by_member[m.pk].text if m and m.pk in by_member else text, m) for label, text, m in rows]
        rows += [(description.label, description.text, None) for description in saved if not description.membership_id]
        rows += [("", "", None)] * self.EXTRA
        self.rows = rows
        for index, (label, text, member) in enumerate(rows):
            self.fields[f"label_{index}"] = forms.CharField(
                label=_("patient"), max_length=40, required=False, initial=label, disabled=member is not None
            )
            self.fields[f"text_{index}"] = forms.CharField(
                label=_("description"), required=False, initial=text, widget=forms.Textarea(attrs={"rows": 5})
            )
        account, formulation = (preparation.group_account, preparation.case_formulation) if preparation else ("", "")
        self.initial.setdefault("group_account", account or self._frame(participant))
        self.initial.setdefault("case_formulation", formulation or self._formulation())

    @staticmethod
    def _frame(participant: Participant) -> str:
        return services.group_frame(participant.group) if participant.group else ""

    def _formulation(self) -> str:
        return next((member.case_formulation for member in self.members if member.case_formulation), "")

    def descriptions(self) -> list[tuple[str, str, Membership | None]]:
        found = []
        for index, (_label, _text, member) in enumerate(self.rows):
            text = self.cleaned_data.get(f"text_{index}", "")
            label = self.cleaned_data.get(f"label_{index}", "") or (member.patient.code if member else "")
            if text.strip():
                found.append((label or str(index + 1), text, member))
        return found

    def long_descriptions(self) -> list[str]:
        """The patients whose description is longer than the course asks (warned, still kept)."""
        return [label for label, text, _member in self.descriptions() if too_long(text)]

    LIMIT = DESCRIPTION_LINES


class ReadingForm(forms.ModelForm):
    class Meta:
        model = Reading
        fields = ["title", "reference"]


class VideoForm(forms.Form):
    participant = forms.ModelChoiceField(label=_("participant"), queryset=Participant.objects.none())
    recording = forms.ModelChoiceField(
        label=_("recording in Allianse"), queryset=Recording.objects.none(), required=False
    )
    consent_confirmed = forms.BooleanField(label=_("the patients' written consent is on record"), required=False)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = services.enrolled(meeting.course).order_by("user__username")
        self.fields["participant"].label_from_instance = _name
        users = services.enrolled(meeting.course).values("user")
        self.fields["recording"].queryset = services.recordings_of(users).order_by("-uploaded_at")

    def clean(self):
        cleaned = super().clean()
        recording, participant = cleaned.get("recording"), cleaned.get("participant")
        if recording and participant and not services.recordings_of([participant.user]).filter(pk=recording.pk):
            self.add_error("recording", _("The recording is not of a group or patient the participant treats."))
        if not cleaned.get("recording") and not cleaned.get("consent_confirmed"):
            raise forms.ValidationError(
                _("Choose the recording in Allianse, or confirm that the patients' written consent is on record.")
            )
        return cleaned


class SupervisionNoteForm(forms.ModelForm):
    class Meta:
        model = SupervisionNote
        fields = ["participant", "basis", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, meeting: Meeting, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = services.enrolled(meeting.course).order_by("user__username")
        self.fields["participant"].label_from_instance = _name


class ScoringForm(forms.Form):
    segment = forms.ModelChoiceField(label=_("video sequence"), queryset=Segment.objects.none())

    def __init__(self, *args, meeting: Meeting, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        segments = services.exercise_segments(meeting, user).select_related("recording")
        self.fields["segment"].queryset = segments.order_by("recording", "start_seconds")
        self.fields["segment"].label_from_instance = lambda segment: f"{segment.recording}: {segment.name}"
