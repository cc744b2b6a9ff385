"""One reminder by e-mail to a rater whose assignments in a study are still unrated, once the
clinic's waiting time has passed since the oldest of them was assigned (never in quiet hours; see
`allianse.core.reminders`). One reminder per rater and study, ever."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from allianse.accounts.models import User
from allianse.delivery import services as delivery
from allianse.delivery.models import Channel, Message
from allianse.delivery.reminders import due_reminders

from .models import Assignment, Rating, RatingStudy

RATING_REMINDER = "rating_reminder"


def send_due_reminders(now: datetime) -> list[Message]:
    """Remind the raters whose reminder is due at `now`; a second run sends nothing more."""
    pending = (
        Assignment.objects.filter(assigned_at__lte=now, rater__is_active=True)
        .exclude(rater__email="")
        .annotate(rated=Exists(Rating.objects.filter(assignment=OuterRef("pk"))))
        .filter(rated=False)
        .values("study", "rater", "study__public_id", "rater__public_id")
        .annotate(oldest=Min("assigned_at"), count=Count("pk"))
    )
    # One reminder per rater and study: logged under both public ids as one reference.
    rows = {f"{row['study__public_id']}/{row['rater__public_id']}": row for row in pending}
    due = due_reminders(
        dict.fromkeys(rows),
        sent={reference: row["oldest"] for reference, row in rows.items()},
        purpose=RATING_REMINDER,
        now=now,
    )
    studies = RatingStudy.objects.in_bulk([rows[reference]["study"] for reference in due])
    raters = User.objects.in_bulk([rows[reference]["rater"] for reference in due])
    reminders = []
    for reference in due:
        row = rows[reference]
        subject, body = reminder_texts(studies[row["study"]], row["count"])
        rater = raters[row["rater"]]
        reminders.append(
            delivery.send(Channel.EMAIL, rater.email, subject, body, purpose=RATING_REMINDER, reference=reference)
        )
    return reminders


def reminder_texts(study: RatingStudy, count: int) -> tuple[str, str]:
    """The subject and body of a rater's reminder, in the site's language (staff have no other)."""
    with translation.override(settings.LANGUAGE_CODE):
        body = ngettext(
            "Hello. %(count)d segment in “%(study)s” is waiting for your rating: %(url)s",
            "Hello. %(count)d segments in “%(study)s” are waiting for your rating: %(url)s",
            count,
        ) % {"count": count, "study": study.name, "url": settings.SITE_URL + reverse("rating:home")}
        return _("Segments waiting for your rating"), body
