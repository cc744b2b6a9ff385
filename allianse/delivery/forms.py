"""The form to send a link by e-mail or SMS (the channel and the contact, typed or kept), and the
clinic's delivery settings."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import contacts
from .models import Channel, DeliverySettings, Message


class SendForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Send by"), choices=Channel.choices, widget=forms.RadioSelect)
    to = forms.CharField(
        label=gettext_lazy("E-mail address or mobile number"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, stored: dict[str, str], **kwargs) -> None:
        """`stored`: the masked address kept for each channel, used when `to` is left empty."""
        super().__init__(*args, **kwargs)
        self.stored = stored
        if stored:
            self.fields["to"].help_text = _("Leave empty to use the one kept: %(kept)s.") % {
                "kept": ", ".join(f"{Channel(channel).label} {masked}" for channel, masked in stored.items())
            }

    def clean(self):
        data = super().clean()
        channel, to = data.get("channel"), data.get("to", "")
        if channel is None:
            return data
        if to:
            try:
                data["to"] = contacts.normalise(channel, to)
            except forms.ValidationError as error:
                self.add_error("to", error)
        elif channel not in self.stored:
            self.add_error("to", _("Type the address or number to send to."))
        return data


def outcome(message: Message) -> str:
    """What the sender is told after sending a link."""
    if message.status == Message.Status.SENT:
        return _("The link was sent by %(channel)s.") % {"channel": message.get_channel_display()}
    return _("The link could not be sent. Try again, or show the QR code.")


class DeliverySettingsForm(forms.ModelForm):
    """The clinic's rules for reminders and contact details, as an administrator sets them."""

    class Meta:
        model = DeliverySettings
        fields = ["keep_contact_details", "reminder_after_hours", "quiet_hours_start", "quiet_hours_end"]
        help_texts = {
            "reminder_after_hours": gettext_lazy(
                "One reminder goes this many hours after a link was sent, if it is still unanswered and open."
            ),
            "quiet_hours_start": gettext_lazy(
                "No reminders go out between these two times (the clinic's time); a reminder due then waits until "
                "the quiet hours end. The same time twice means no quiet hours."
            ),
        }
        widgets = {
            "quiet_hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["reminder_after_hours"].widget.attrs.update(min=1, max=settings.CHECK_LINK_HOURS - 1)

    def clean_reminder_after_hours(self) -> int:
        hours = self.cleaned_data["reminder_after_hours"]
        if hours < 1:
            raise forms.ValidationError(_("Choose at least 1 hour."))
        if hours >= settings.CHECK_LINK_HOURS:
            raise forms.ValidationError(
                _("Links close after %(hours)s hours, so a later reminder would never go. Choose fewer hours.")
                % {"hours": settings.CHECK_LINK_HOURS}
            )
        return hours
