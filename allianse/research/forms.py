from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import ResearchProject
from .tables import table_keys

FORMATS = [
    ("csv", _("CSV (with the data dictionary as a separate file)")),
    ("xlsx", _("Excel workbook (the table and its data dictionary)")),
    ("sav", _("SPSS (.sav) with variable and value labels")),
    ("dta", _("Stata (.dta) with variable and value labels")),
]


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ResearchProject
        fields = ["name", "description"]


class ExportForm(forms.Form):
    table = forms.ChoiceField(label=_("Table"))
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    file_format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="csv")
    label_language = forms.ChoiceField(
        label=_("Language of labels (SPSS and Stata)"), choices=[("nb", "norsk (bokmål)"), ("en", "English")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = translation.get_language() or "nb"
        self.fields["table"].choices = [(key, title.get(language[:2], key)) for key, title in table_keys()]
        self.fields["label_language"].initial = language[:2]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start on or before its end."))
        return cleaned
