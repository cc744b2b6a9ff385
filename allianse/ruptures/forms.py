from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from allianse import widgets
from allianse.accounts.models import Role, User
from allianse.clinic.models import Approach
from allianse.core.response_rates import Period, last_weeks
from allianse.core.signals import InvalidRules, SignalRules
from allianse.instruments.templatetags.instrument_text import tr

from . import guide, overview
from .models import EpisodeKind, Outcome, RuptureEpisode
from .overview import Selection
from .pages import intensity_item
from .rules import rules_with
from .services import marker_options


class KindForm(forms.Form):
    """Kind, markers (the therapist check's marker options) and intensity of an episode."""

    kind = forms.ChoiceField(label=_("Kind of rupture"), choices=EpisodeKind.choices, widget=forms.RadioSelect)
    markers = forms.MultipleChoiceField(
        label=_("Markers you have seen"), required=False, widget=forms.CheckboxSelectMultiple
    )
    intensity = forms.TypedChoiceField(
        label=_("Intensity"),
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intensity"].choices = [("", _("not rated")), *intensity_choices()]
        self.fields["markers"].choices = [
            (EpisodeKind(kind).label, [(value, tr(text)) for k, value, text in marker_options() if k == kind])
            for kind in (EpisodeKind.WITHDRAWAL, EpisodeKind.CONFRONTATION)
        ]


def intensity_choices() -> list[tuple[str, str]]:
    """The answers of the intensity scale, each with its anchor where the definition has one."""
    item = intensity_item()
    low, high = item.bounds
    return [
        (str(value), f"{value} – {tr(item.anchors[value])}" if value in item.anchors else str(value))
        for value in range(low, high + 1)
    ]


class OpenEpisodeForm(KindForm):
    note = forms.CharField(
        label=_("What did you notice?"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class NoteForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int)
    strategies = forms.MultipleChoiceField(
        label=_("What did you try?"), required=False, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(
        label=_("Note"),
        help_text=_("What happened, how the patient responded, what you want to try next."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    advance = forms.BooleanField(label=_("Move on to the next stage"), required=False)

    def __init__(self, *args, episode: RuptureEpisode, **kwargs):
        kwargs.setdefault("initial", {"stage": episode.stage})
        super().__init__(*args, **kwargs)
        repair_guide = guide.get()
        self.fields["stage"].choices = stage_choices(episode.kind)
        self.fields["strategies"].choices = [(key, tr(text)) for key, text in repair_guide.strategies.items()]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text") and not cleaned.get("strategies"):
            raise forms.ValidationError(_("Write a note or tick what you tried."))
        return cleaned


class StageForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("Stage reached"), coerce=int)

    def __init__(self, *args, episode: RuptureEpisode, **kwargs):
        kwargs.setdefault("initial", {"stage": episode.stage})
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = stage_choices(episode.kind)


def stage_choices(kind: str) -> list[tuple[int, str]]:
    stages = guide.get().for_kind(kind).path.stages
    return [(stage.number, f"{stage.number}. {tr(stage.title)}") for stage in stages]


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Closing note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


# Labels of the core's thresholds (allianse.core.signals.SignalRules, where each names its source).
RULE_LABELS = {
    "z": (
        _("Drop below the patient's own level (standard deviations)"),
        _("Adapted from Stiles et al. (2004, 2: strict) and Strauss et al. (2006, 1: lenient), earlier sessions only."),
    ),
    "min_reference_sessions": (
        _("Earlier sessions needed before the drop rule speaks"),
        _("Project choice; at least 2."),
    ),
    "min_sd": (
        _("Smallest standard deviation used"),
        _("Keeps a very stable patient from triggering on a tiny dip. Project choice."),
    ),
    "reliable_change": (
        _("Fall from the previous session (points)"),
        _(
            "The reliable change index (Jacobson & Truax 1991) from the instrument's published norms or, once "
            "enough treatments have one, this clinic's first scores; without either, a plain number of points. "
            "A value set here is a plain number of points."
        ),
    ),
    "norms_min_treatments": (
        _("Treatments with a first score before the clinic's own figures are used"),
        _("The SD and Cronbach's alpha of the clinic's first scores give the reliable change index. Project choice."),
    ),
    "discrepancy": (_("Gap between therapist and patient (points)"), _("Project choice.")),
    "low_threshold": (_("Low alliance below (points)"), _("The upper bound of the instrument's concern band.")),
    "early_sessions": (
        _("Early alliance: first answered sessions"),
        _("Early alliance predicts dropout (Horvath & Symonds 1991). Project choice."),
    ),
    "early_threshold": (_("Early alliance: mean below (points)"), _("By default the concern level.")),
    "absence_window": (_("Absence window after a rupture (sessions)"), _("Project choice.")),
    "repair_window": (
        _("Repair window (sessions)"),
        _("The V-shape: recovery within this many sessions (Stiles et al. 2004)."),
    ),
    "intensity_threshold": (
        _("Reported tension counts from intensity"),
        _("The lowest intensity means any reported tension."),
    ),
}


class RulesForm(forms.Form):
    """One field per threshold of the core's SignalRules, with the range the core permits."""

    def __init__(self, *args, rules: SignalRules, defaults: SignalRules, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SignalRules.thresholds():
            label, source = RULE_LABELS.get(name, (name, ""))
            default = _("Default: %(value)s.") % {"value": getattr(defaults, name)}
            limits = defaults.limits(name)
            field_class = forms.IntegerField if limits.kind is int else forms.FloatField
            self.fields[name] = field_class(
                label=label,
                help_text=f"{source} {default}",
                initial=getattr(rules, name),
                min_value=limits.low,
                max_value=limits.high,
            )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                rules_with(cleaned)
            except InvalidRules:
                raise forms.ValidationError(
                    _(
                        "A value is at the very edge of what the rule allows (for example 0 where more than 0 is "
                        "needed). Please choose another."
                    )
                ) from None
        return cleaned


class PeriodForm(forms.Form):
    """A period of days to show, both ends optional: `period` fills in what is left out."""

    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period cannot end before it starts."))
        return data

    def period(self, today: date) -> Period:
        """The period asked for: without an end, up to today; without a start, the four weeks up
        to the end; nothing valid asked, the last four weeks."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or max(today, data.get("start") or today)
        return Period(data.get("start") or last_weeks(end).start, end)


class OverviewFilterForm(PeriodForm):
    therapist = forms.ModelChoiceField(
        label=_("Therapist"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All therapists"),
        widget=widgets.Select,  # every therapist of the clinic
    )
    approach = forms.ModelChoiceField(
        label=_("Approach"),
        queryset=Approach.objects.all(),
        required=False,
        empty_label=_("All approaches"),
        help_text=_("Group members' stays record no approach: they are left out when one is chosen."),
    )
    members = forms.ChoiceField(
        label=_("Treatments"),
        required=False,
        choices=[
            (overview.ALL, _("Individual treatments and group members")),
            (overview.INDIVIDUAL, _("Individual treatments only")),
            (overview.GROUPS, _("Group members only")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = User.objects.filter(groups__name=Role.THERAPIST).order_by(
            "last_name", "first_name", "username"
        )
        self.fields["therapist"].label_from_instance = lambda user: user.display_name

    def selection(self) -> Selection:
        """What the figures are counted over (everything, if the filters are not valid)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return Selection(
            start=data.get("start"),
            end=data.get("end"),
            therapist=data.get("therapist"),
            approach=data.get("approach"),
            members=data.get("members") or overview.ALL,
        )
