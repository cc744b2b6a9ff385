"""A rater is sent only the segment assigned to them: its own file, cut from the recording on first
play, with range requests; the whole recording stays with its therapists and the study leaders."""

import hashlib
import re
import subprocess

import pytest
from django.urls import reverse

from allianse.accounts.models import AuditEvent
from allianse.rating import consents, services
from allianse.rating.media import ffmpeg_executable, session_recording
from allianse.rating.models import Assignment
from tests.conftest import make_user, sign_in

from .conftest import SECONDS, upload


def url(segment):
    return reverse("rating:segment_stream", args=[segment.public_id])


def probed_seconds(path) -> float:
    """The length ffmpeg reads in the file's header."""
    report = subprocess.run([ffmpeg_executable(), "-hide_banner", "-i", str(path)], capture_output=True).stderr
    hours, minutes, seconds = re.search(rb"Duration: (\d+):(\d+):([\d.]+)", report).groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


@pytest.fixture(scope="module")
def webm() -> bytes:
    return session_recording(SECONDS).data


@pytest.fixture
def video_assignment(consent, session, therapist, study, rater, leader, webm):
    recording = upload(session, therapist, webm, name="session.webm")
    segment = services.add_segment(recording=recording, start_seconds=2, end_seconds=12, by=therapist)
    services.add_to_study(study=study, segment=segment)
    return services.assign(study=study, segments=[segment], raters=[rater], kind=Assignment.Kind.RATER, by=leader)[0]


def test_a_rater_gets_the_segment_cut_to_its_length(rater_client, video_assignment):
    segment = video_assignment.segment
    response = rater_client.get(url(segment), HTTP_RANGE="bytes=0-99")
    segment.refresh_from_db()
    data = segment.path.read_bytes()
    assert response.status_code == 206 and response["Content-Type"] == "video/webm"
    assert response["Content-Range"] == f"bytes 0-99/{len(data)}"
    assert b"".join(response.streaming_content) == data[:100] and data[:4] == b"\x1a\x45\xdf\xa3"
    assert segment.path.parent == segment.recording.path.parent and segment.path != segment.recording.path
    assert (segment.size_bytes, segment.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert probed_seconds(segment.path) == pytest.approx(10, abs=0.1)


def test_the_segment_is_cut_once(rater_client, video_assignment):
    segment = video_assignment.segment
    rater_client.get(url(segment), HTTP_RANGE="bytes=0-")
    segment.refresh_from_db()
    first = segment.file_name
    response = rater_client.get(url(segment), HTTP_RANGE="bytes=100-")
    segment.refresh_from_db()
    assert response.status_code == 206 and segment.file_name == first
    assert AuditEvent.objects.filter(object_type="Segment", detail="played").count() == 1


def test_an_audio_recordings_segment_is_audio(rater_client, assignment):
    response = rater_client.get(url(assignment.segment))
    segment = assignment.segment
    segment.refresh_from_db()
    assert response.status_code == 200 and response["Content-Type"] == "audio/webm"
    assert b"".join(response.streaming_content) == segment.path.read_bytes()
    assert probed_seconds(segment.path) == pytest.approx(10, abs=0.1)


def test_a_raters_whole_recording_is_not_found(rater_client, video_assignment):
    recording = video_assignment.segment.recording
    response = rater_client.get(reverse("rating:stream", args=[recording.public_id]), HTTP_RANGE="bytes=0-")
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["leader_client", "therapist_client"])
def test_the_leader_and_the_therapist_stream_the_whole_recording(request, who, video_assignment, webm):
    client = request.getfixturevalue(who)
    recording = video_assignment.segment.recording
    response = client.get(reverse("rating:stream", args=[recording.public_id]), HTTP_RANGE="bytes=0-")
    assert response.status_code == 206 and b"".join(response.streaming_content) == webm


def test_the_leader_plays_the_segment(leader_client, assignment):
    assert leader_client.get(url(assignment.segment), HTTP_RANGE="bytes=0-9").status_code == 206


def test_a_rater_not_assigned_is_refused(client, assignment):
    sign_in(client, make_user("rater9", "rater"))
    response = client.get(url(assignment.segment), HTTP_RANGE="bytes=0-9")
    assert response.status_code == 404 and not assignment.segment.file_name


def test_an_outsider_is_refused(outsider_client, assignment):
    assert outsider_client.get(url(assignment.segment)).status_code == 404


def test_a_withdrawn_consent_blocks_the_segment(rater_client, assignment, consent, therapist):
    assert rater_client.get(url(assignment.segment), HTTP_RANGE="bytes=0-9").status_code == 206
    consents.withdraw_consent(consent=consent, by=therapist)
    assert rater_client.get(url(assignment.segment), HTTP_RANGE="bytes=0-9").status_code == 403
