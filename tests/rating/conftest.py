"""Personas and objects of the rating tests: a therapist with a consenting patient and a
recorded session, a study leader, two raters and an outsider."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from allianse.accounts.models import Role
from allianse.instruments import registry as instruments
from allianse.rating import consents, services
from allianse.rating.media import session_wav
from allianse.rating.models import Assignment, Purpose
from tests.conftest import make_user, sign_in

SECONDS = 20


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(client):
    """Pages in English, so assertions read as the msgids; test_pages checks the bokmål."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def leader(db):
    return make_user("leader", Role.COURSE_LEADER)


@pytest.fixture
def rater(db):
    return make_user("rater1", Role.RATER)


@pytest.fixture
def second_rater(db):
    return make_user("rater2", Role.RATER)


@pytest.fixture
def wav() -> bytes:
    return session_wav(SECONDS)


@pytest.fixture
def consent(session, therapist):
    return consents.record_consent(
        patient=session.treatment.patient,
        purpose=Purpose.COURSE,
        given_at=timezone.localdate(),
        document_reference="journal note 2026-02-01",
        by=therapist,
    )


def upload(session, by, data: bytes, name: str = "session.wav", purpose: str = Purpose.COURSE):
    file = SimpleUploadedFile(name, data)
    return services.store_recording(
        session=session,
        name=name,
        head=data[:64],
        size=len(data),
        chunks=file.chunks(),
        purpose=purpose,
        title="Session 1",
        duration_seconds=SECONDS,
        by=by,
    )


@pytest.fixture
def recording(consent, session, therapist, wav):
    return upload(session, therapist, wav)


@pytest.fixture
def segment(recording, therapist):
    return services.add_segment(recording=recording, name="Opening", start_seconds=2, end_seconds=12, by=therapist)


@pytest.fixture
def study(leader, segment):
    study = services.create_study(
        name="MBT-G course, meeting 7",
        description="",
        instrument_key="mbt-g-aqs",
        purpose=Purpose.COURSE,
        leader=leader,
    )
    services.add_to_study(study=study, segment=segment)
    return study


@pytest.fixture
def assignments(study, segment, rater, second_rater, leader):
    return services.assign(
        study=study, segments=[segment], raters=[rater, second_rater], kind=Assignment.Kind.RATER, by=leader
    )


@pytest.fixture
def assignment(assignments):
    return assignments[0]


@pytest.fixture
def rater_client(rater, client):
    sign_in(client, rater)
    return client


@pytest.fixture
def leader_client(leader, client):
    sign_in(client, leader)
    return client


def full_answers(value: int = 4) -> dict[str, str]:
    """Form data rating every MBT-G item `value`."""
    return {item.id: str(value) for item in instruments.get("mbt-g-aqs").items if item.type == "scale"}
