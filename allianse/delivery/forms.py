"""The form to send a link by e-mail or SMS: the channel and the contact, typed or kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import contacts
from .models import Channel, Message


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
