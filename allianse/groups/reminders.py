"""One reminder of a member's link that was sent and still has questions left, as for a patient's
check (`feedback.reminders`): by the channel it was sent by, to the address kept for the member,
and none where the clinic deletes contact details after use."""

from __future__ import annotations

from datetime import datetime

from allianse.accounts import audit
from allianse.accounts.models import AuditEvent
from allianse.delivery.models import Message
from allianse.delivery.reminders import remind_unanswered

from .checks import pending_keys
from .models import MemberCheck
from .sending import MEMBER_CHECK_LINK, MEMBER_CHECK_REMINDER, member_texts, owner


def send_due_reminders(now: datetime) -> list[Message]:
    """Remind the members whose reminder is due at `now`; a second run sends nothing more."""
    checks = (
        MemberCheck.objects.filter(revoked_at__isnull=True, expires_at__gt=now)
        .select_related("membership__patient")
        .prefetch_related("responses")
    )
    reminded = remind_unanswered(
        {str(check.public_id): check for check in checks if pending_keys(check)},
        link_purpose=MEMBER_CHECK_LINK,
        purpose=MEMBER_CHECK_REMINDER,
        now=now,
        owner=owner,
        expires_at=lambda check: check.expires_at,
        texts=lambda check: member_texts(check, reminder=True),
    )
    audit.record_many(
        None,
        AuditEvent.Action.CREATE,
        [(message, check.membership.patient_id) for check, message in reminded],
        detail="reminder",
    )
    return [message for _check, message in reminded]
