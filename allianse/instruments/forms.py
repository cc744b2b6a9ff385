"""One builder turns any instrument definition into a Django form (a method per item type)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from allianse.core.measures import CheckedAnswers, Instrument, Item

ERROR_MESSAGES = {
    "required": _("Please answer this question."),
    "out_of_range": _("Please choose one of the numbers shown."),
    "not_a_number": _("Please choose one of the numbers shown."),
    "not_yes_no": _("Please answer yes or no."),
    "not_a_choice": _("Please choose one of the options shown."),
    "too_long": _("This answer is too long. Please shorten it."),
    "not_text": _("Please write your answer as text."),
    "unknown_reason": _("Please choose one of the reasons shown."),
}


def _scale_field(item: Item, language: str) -> forms.Field:
    choices = [(str(value), str(value)) for value in range(item.min, item.max + 1)]
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, required=False)


def _yes_no_field(item: Item, language: str) -> forms.Field:
    return forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, required=False)


def _choice_field(item: Item, language: str) -> forms.Field:
    choices = [(option.value, option.text[language]) for option in item.options]
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, required=False)


def _multi_choice_field(item: Item, language: str) -> forms.Field:
    choices = [(option.value, option.text[language]) for option in item.options]
    return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, required=False)


def _text_field(item: Item, language: str) -> forms.Field:
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=item.max_length)


FIELD_BUILDERS = {
    "scale": _scale_field,
    "yes_no": _yes_no_field,
    "choice": _choice_field,
    "multi_choice": _multi_choice_field,
    "text": _text_field,
}


def raw_answers(instrument: Instrument, data) -> dict:
    """The submitted values per item, unchecked (the core checks them); no form needed."""
    return {
        item.id: data.getlist(item.id) if item.type == "multi_choice" else data.get(item.id)
        for item in instrument.items
    }


class InstrumentForm(forms.Form):
    """Field-level checks are the core's (`check_answers`); the form only carries and shows them."""

    def __init__(self, *args, instrument: Instrument, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.language = language
        for item in instrument.items:
            field = FIELD_BUILDERS[item.type](item, language)
            field.label = item.text[language]
            self.fields[item.id] = field

    def raw_answers(self) -> dict:
        return raw_answers(self.instrument, self.data)

    def show_errors(self, checked: CheckedAnswers) -> None:
        for item_id, code in checked.errors.items():
            self.add_error(item_id, ERROR_MESSAGES.get(code, ERROR_MESSAGES["required"]))

    def items_by_section(self):
        """[(section or None, [(item, bound field), ...]), ...] in definition order."""
        groups: list = []
        sections = {section.id: section for section in self.instrument.sections}
        for item in self.instrument.items:
            section = sections.get(item.section)
            if not groups or groups[-1][0] is not section:
                groups.append((section, []))
            groups[-1][1].append((item, self[item.id]))
        return groups
