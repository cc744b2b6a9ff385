"""The one e-mail reminder to a rater with unrated assignments in a study: after the clinic's
waiting time since the oldest was assigned, never in quiet hours, once per rater and study."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from allianse.delivery.models import Message
from allianse.rating import services
from allianse.rating.reminders import send_due_reminders
from tests.delivery.helpers import at_local
from tests.rating.conftest import full_answers

DAY = timedelta(hours=24)


@pytest.fixture
def addressed(rater, second_rater):
    rater.email, second_rater.email = "rater1@klinikk.no", ""
    rater.save()
    second_rater.save()


def test_a_rater_with_unrated_assignments_is_reminded_once(assignments, addressed, rater, study):
    assigned = assignments[0].assigned_at
    assert send_due_reminders(assigned + DAY - timedelta(minutes=1)) == []
    noon = at_local(assigned, 12, after=DAY)
    (reminder,) = send_due_reminders(noon)
    assert (reminder.channel, reminder.purpose, reminder.reference, reminder.recipient) == (
        "email",
        "rating_reminder",
        f"{study.public_id}/{rater.public_id}",
        "r…@…no",
    )
    (sent,) = mail.outbox
    assert sent.to == ["rater1@klinikk.no"]
    assert sent.subject == "Segmenter venter på din vurdering"
    assert "1 segment i «MBT-G course, meeting 7» venter på din vurdering" in sent.body
    assert send_due_reminders(noon) == []
    assert send_due_reminders(noon + DAY) == []


def test_the_text_follows_the_site_language(settings, assignments, addressed):
    settings.LANGUAGE_CODE = "en"
    send_due_reminders(at_local(assignments[0].assigned_at, 12, after=DAY))
    assert mail.outbox[0].subject == "Segments waiting for your rating"
    assert "1 segment in “MBT-G course, meeting 7” is waiting for your rating: http" in mail.outbox[0].body


def test_no_reminder_in_quiet_hours(assignments, addressed):
    assert send_due_reminders(at_local(assignments[0].assigned_at, 23, after=DAY)) == []


def test_no_reminder_once_rated(assignments, addressed, rater):
    assignment = next(a for a in assignments if a.rater == rater)
    submission = services.submit_rating(
        assignment=assignment, entered=services.RatingInput(answers=full_answers()), by=rater
    )
    assert submission.rating is not None
    assert send_due_reminders(at_local(assignment.assigned_at, 12, after=DAY)) == []
    assert not Message.objects.exists()
