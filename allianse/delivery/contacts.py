"""Contact details: checked, masked for display and logs, and encrypted at rest.

Addresses and numbers are encrypted with Fernet (AES in CBC mode with an HMAC) under
`settings.CONTACT_ENCRYPTION_KEY` (a key made by `Fernet.generate_key()`). Without it the key is
derived from `SECRET_KEY`, so changing `SECRET_KEY` then makes the stored contact details
unreadable: they are treated as absent, and a link must be sent with the contact typed in again.
"""

from __future__ import annotations

import base64
import re

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .models import Channel, ContactDetail

PHONE = re.compile(r"^\+?[0-9]{8,15}$")


def fernet() -> Fernet:
    key = settings.CONTACT_ENCRYPTION_KEY
    if not key:
        digest = salted_hmac("allianse.delivery.contacts", "fernet", algorithm="sha256").digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def normalise(channel: str, to: str) -> str:
    """The address or number as it is sent (ValidationError if it is not one): e-mail as typed
    without spaces around it; a phone number without spaces, dashes or dots, `00` read as `+`."""
    to = to.strip()
    if channel == Channel.EMAIL:
        validate_email(to)
        return to
    number = re.sub(r"[\s\-.()]", "", to)
    number = "+" + number[2:] if number.startswith("00") else number
    if not PHONE.match(number):
        raise ValidationError(_("Enter a phone number of 8 to 15 digits, such as 912 34 567 or +47 912 34 567."))
    return number


def mask(channel: str, to: str) -> str:
    """What may be shown of a recipient: `k…@…no` for kari@example.no, `••••4567` for a number."""
    if channel == Channel.EMAIL:
        local, _at, domain = to.partition("@")
        return f"{local[:1]}…@…{domain.rsplit('.', 1)[-1]}"
    return "••••" + to[-4:]


def remember(owner: str, channel: str, to: str) -> None:
    """Keep `to` (already normalised) encrypted as the owner's address for `channel`."""
    field = _field(channel)
    contact, _created = ContactDetail.objects.get_or_create(owner=owner)
    setattr(contact, field, fernet().encrypt(to.encode()).decode())
    contact.save(update_fields=[field, "updated_at"])


def stored(owner: str, channel: str) -> str | None:
    """The owner's kept address for `channel`, decrypted; None if none is kept or it cannot be read."""
    token = ContactDetail.objects.filter(owner=owner).values_list(_field(channel), flat=True).first()
    if not token:
        return None
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def forget(owner: str) -> None:
    ContactDetail.objects.filter(owner=owner).delete()


def _field(channel: str) -> str:
    return "email_encrypted" if channel == Channel.EMAIL else "phone_encrypted"
