"""A scoring exercise: every participant rates the same sequence, the leader's rating is the
reference; the leader's meeting page shows agreement and calibration, a participant their own."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from allianse.courses import services
from allianse.rating import consents
from allianse.rating import services as rating
from allianse.rating.media import session_wav
from allianse.rating.models import Assignment, Purpose
from tests.courses.conftest import client_for
from tests.rating.conftest import SECONDS, upload


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def segment(session, therapist):
    consents.record_consent(
        patient=session.treatment.patient,
        purpose=Purpose.COURSE,
        given_at=timezone.localdate(),
        document_reference="journal",
        by=therapist,
    )
    recording = upload(session, therapist, session_wav(SECONDS))
    return rating.add_segment(recording=recording, name="Åpningen", start_seconds=2, end_seconds=12, by=therapist)


def _rate(assignment, value: int) -> None:
    answers = {key: max(1, min(7, value + index % 3 - 1)) for index, key in enumerate(_scale_items())}
    rating.submit_rating(assignment=assignment, entered=rating.RatingInput(answers=answers), by=assignment.rater)


def _scale_items():
    from allianse.instruments import registry

    return [item.id for item in registry.get("mbt-g-aqs").items if item.type == "scale"]


def test_the_leader_starts_the_exercise_on_a_participants_sequence(course, participants, leader, therapist, segment):
    course.capacity = 13
    course.save()
    own = services.enrol(course=course, user=therapist)  # the sequence is of their own session
    meeting = course.meetings.get(number=7)
    url = reverse("courses:meeting_change", args=[meeting.public_id, "scoring"])
    assert client_for(participants[0].user).post(url, {"scoring-segment": segment.pk}).status_code == 404
    assert client_for(leader).post(url, {"scoring-segment": segment.pk}).status_code == 302

    meeting.refresh_from_db()
    study = meeting.scoring_study
    assert study.purpose == Purpose.COURSE and study.leader == leader
    raters = set(study.assignments.filter(kind=Assignment.Kind.RATER).values_list("rater", flat=True))
    assert raters == {p.user_id for p in [*participants, own]}
    assert study.assignments.get(kind=Assignment.Kind.EXPERT).rater == leader


def test_the_leader_sees_everyones_distance_from_the_reference_and_a_participant_their_own_link(
    course, participants, leader, segment
):
    meeting = course.meetings.get(number=7)
    study = services.start_scoring_exercise(meeting=meeting, segment=segment, by=leader)
    _rate(study.assignments.get(kind=Assignment.Kind.EXPERT), 4)
    for index, participant in enumerate(participants[:3]):
        _rate(study.assignments.get(rater=participant.user, kind=Assignment.Kind.RATER), 3 + index)

    page = client_for(leader).get(reverse("courses:meeting", args=[meeting.public_id])).content.decode()
    assert "Hver deltaker mot din referanse" in page
    assert page.count(reverse("rating:calibration", args=[study.public_id, participants[0].user.public_id])) == 1
    assert "ikke ennå" in page  # those who have not rated yet

    own_page = client_for(participants[0].user).get(reverse("courses:meeting", args=[meeting.public_id]))
    text = own_page.content.decode()
    assert reverse("rating:calibration", args=[study.public_id, participants[0].user.public_id]) in text
    assert "Hver deltaker mot din referanse" not in text
    waiting = study.assignments.get(rater=participants[5].user, kind=Assignment.Kind.RATER)
    other_page = client_for(participants[5].user).get(reverse("courses:meeting", args=[meeting.public_id]))
    assert reverse("rating:rate", args=[waiting.public_id]) in other_page.content.decode()
    calibration = reverse("rating:calibration", args=[study.public_id, participants[0].user.public_id])
    assert client_for(participants[0].user).get(calibration).status_code == 200
    assert client_for(participants[1].user).get(calibration).status_code == 404
