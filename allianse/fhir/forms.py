from django import forms
from django.utils.translation import gettext_lazy as _

from .resources import MAX_BYTES


class ImportForm(forms.Form):
    questionnaire = forms.FileField(label=_("FHIR R4 Questionnaire (JSON or XML)"))
    validation_source = forms.CharField(
        label=_("Where its validation is published (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "An imported instrument counts as not validated until you record the publication of its "
            "validation here, e.g. the article and the Norwegian translation used."
        ),
    )

    def clean_questionnaire(self):
        upload = self.cleaned_data["questionnaire"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB."), params={"size": MAX_BYTES // 1_000_000}
            )
        return upload
