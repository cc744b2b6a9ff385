"""The people of the home tests: a course leader's study of three segments of a consenting patient's
recorded session, and a rater asked to rate all three (one submitted, one with a draft, one to do)."""

from __future__ import annotations

import pytest

from allianse.rating import services
from allianse.rating.models import Assignment, Purpose
from tests.rating import conftest as rating

SEGMENTS = ("Opening", "Middle", "Ending")

# The rating tests' fixtures: a consenting patient's recorded session, under a temporary MEDIA_ROOT.
# Pages in English unless a test asks for bokmål; the study's leader and a rater.
_media, wav, consent, recording = rating._media, rating.wav, rating.consent, rating.recording
_english, leader, rater = rating._english, rating.leader, rating.rater


@pytest.fixture
def study(recording, therapist, leader):
    study = services.create_study(
        name="MBT-G course, meeting 7",
        description="",
        instrument_key="mbt-g-aqs",
        purpose=Purpose.COURSE,
        leader=leader,
    )
    for number, name in enumerate(SEGMENTS):
        segment = services.add_segment(
            recording=recording, name=name, start_seconds=number * 5, end_seconds=number * 5 + 5, by=therapist
        )
        services.add_to_study(study=study, segment=segment)
    return study


@pytest.fixture
def assignments(study, rater, leader) -> dict[str, Assignment]:
    """The rater's assignments by segment name: Opening submitted, Middle drafted, Ending to do."""
    made = services.assign(study=study, segments=study.segments.all(), raters=[rater], kind="rater", by=leader)
    by_name = {assignment.segment.name: assignment for assignment in made}
    entered = services.RatingInput(answers=rating.full_answers())
    assert services.submit_rating(assignment=by_name["Opening"], entered=entered, by=rater).rating is not None
    services.save_draft(assignment=by_name["Middle"], entered=services.RatingInput(answers={"1": "3"}))
    return by_name
