from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from allianse import widgets

from .models import ApiPart, AuditEvent, Role, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not self.device.verify_token(token):
            raise forms.ValidationError(_("That code is not right or has expired. Try the code shown now."))
        return token


class PlainForm(forms.Form):
    """A form whose labels end without a colon, like the rest of the product's forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def roles_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
    )


class RolesForm(PlainForm):
    roles = roles_field()


class InviteForm(PlainForm):
    username = forms.CharField(label=_("Username"), max_length=150, validators=[UnicodeUsernameValidator()])
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address (optional)"), required=False)
    roles = roles_field()
    send_email = forms.BooleanField(label=_("Also send the enrolment link to this e-mail address"), required=False)

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Someone already has this username."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("send_email") and not data.get("email"):
            self.add_error("email", _("Give the e-mail address to send the link to."))
        return data


class ResetSecondFactorForm(PlainForm):
    reason = forms.CharField(
        label=_("Reason for the reset"),
        max_length=160,
        help_text=_("For example: lost phone. The reason is kept in the audit log."),
        widget=forms.TextInput,
    )


class AuditFilterForm(PlainForm):
    patient = forms.CharField(label=_("Patient code"), max_length=12, required=False)
    actor = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Everyone"),
        to_field_name="public_id",
        widget=widgets.Select,  # every staff member
    )
    action = forms.ChoiceField(
        label=_("Action"), choices=[("", _("All actions")), *AuditEvent.Action.choices], required=False
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = User.objects.order_by("last_name", "first_name", "username")
        self.fields["actor"].label_from_instance = lambda user: f"{user.display_name} ({user.username})"

    def clean_patient(self):
        return self.cleaned_data["patient"].strip().upper()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period cannot end before it starts."))
        return data


class AccessTokenForm(PlainForm):
    """The name and scope of a new API token; the secret is made by `tokens.issue`."""

    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What the token is for, for example: export to the quality register."),
    )
    can_write = forms.TypedChoiceField(
        label=_("Access"),
        choices=[("0", _("Read only")), ("1", _("Read and write"))],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    parts = forms.MultipleChoiceField(
        label=_("Parts of the API"),
        choices=ApiPart.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one part.")},
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=[(30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("One year"))],
        coerce=int,
        initial=90,
    )


class ServiceAccountForm(PlainForm):
    username = forms.CharField(
        label=_("Account name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("For example: quality-register. It cannot sign in on the pages."),
    )
    description = forms.CharField(label=_("What the account is for"), max_length=200)
    roles = roles_field()

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Someone already has this username."))
        return username
