"""One reminder of a patient's check link that was sent and is still unanswered.

The reminder goes by the channel the link was last sent by, to the address the clinic kept for
the patient; where contact details are deleted after use (`DeliverySettings`) nothing is kept,
so no reminder goes. When it is due is the core's rule (`allianse.core.reminders`).
"""

from __future__ import annotations

from datetime import datetime

from allianse.accounts import audit
from allianse.accounts.models import AuditEvent
from allianse.delivery.models import Message
from allianse.delivery.reminders import remind_unanswered

from .models import Administration, Respondent
from .sending import CHECK_LINK, CHECK_REMINDER, check_url, link_texts, owner


def send_due_reminders(now: datetime) -> list[Message]:
    """Remind the patients whose reminder is due at `now`; a second run sends nothing more."""
    links = Administration.objects.filter(
        respondent=Respondent.PATIENT, revoked_at__isnull=True, expires_at__gt=now, responses__isnull=True
    ).select_related("patient")
    reminded = remind_unanswered(
        {str(link.public_id): link for link in links},
        link_purpose=CHECK_LINK,
        purpose=CHECK_REMINDER,
        now=now,
        owner=owner,
        expires_at=lambda link: link.expires_at,
        texts=lambda link: link_texts(check_url(link), link.expires_at, link.language, reminder=True),
    )
    audit.record_many(
        None, AuditEvent.Action.CREATE, [(message, link.patient_id) for link, message in reminded], detail="reminder"
    )
    return [message for _link, message in reminded]
