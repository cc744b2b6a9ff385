import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from allianse.accounts.models import AuditEvent
from allianse.rating.models import Recording
from tests.conftest import make_user, sign_in

from .conftest import upload


def test_it_stores_the_file_outside_the_web_root_with_size_and_hash(recording, wav, settings):
    assert recording.path.parent == settings.MEDIA_ROOT / "recordings"
    assert recording.path.name == recording.file_name and recording.file_name.endswith(".wav")
    assert recording.path.read_bytes() == wav
    assert recording.size_bytes == len(wav)
    assert recording.sha256 == hashlib.sha256(wav).hexdigest()
    assert str(recording.session.treatment.patient.code) not in recording.file_name


def test_the_upload_page_stores_a_recording(therapist_client, session, consent, wav):
    url = reverse("rating:session_recordings", args=[session.public_id])
    data = {"file": SimpleUploadedFile("s.wav", wav), "purpose": "course", "title": "Opening", "duration": "0:20"}
    response = therapist_client.post(url, data)
    recording = Recording.objects.get()
    assert response.status_code == 302 and response.url == reverse("rating:recording", args=[recording.public_id])
    assert recording.duration_seconds == 20


def test_the_upload_page_explains_a_refused_type(therapist_client, session, consent):
    url = reverse("rating:session_recordings", args=[session.public_id])
    data = {"file": SimpleUploadedFile("notes.txt", b"hello"), "purpose": "course"}
    response = therapist_client.post(url, data)
    assert response.status_code == 400
    assert "This file type is not accepted" in response.content.decode()
    assert not Recording.objects.exists()


def test_the_upload_page_explains_a_file_too_large(therapist_client, session, consent, wav, settings):
    settings.RECORDING_MAX_BYTES = 100
    url = reverse("rating:session_recordings", args=[session.public_id])
    response = therapist_client.post(url, {"file": SimpleUploadedFile("s.wav", wav), "purpose": "course"})
    assert response.status_code == 400 and "is larger than the 100" in response.content.decode()


def test_it_refuses_other_therapists_the_upload_page(outsider_client, session):
    response = outsider_client.get(reverse("rating:session_recordings", args=[session.public_id]))
    assert response.status_code == 404


def test_it_refuses_other_therapists_the_recording_page(outsider_client, recording):
    assert outsider_client.get(reverse("rating:recording", args=[recording.public_id])).status_code == 404


def test_the_therapist_adds_a_segment(therapist_client, recording):
    url = reverse("rating:recording", args=[recording.public_id])
    response = therapist_client.post(url, {"name": "Rupture", "start": "0:05", "end": "0:15"})
    assert response.status_code == 302
    segment = recording.segments.get()
    assert (segment.start_seconds, segment.end_seconds) == (5, 15)


def test_a_segment_must_end_within_the_recording(therapist_client, recording):
    url = reverse("rating:recording", args=[recording.public_id])
    response = therapist_client.post(url, {"name": "Too long", "start": "0:05", "end": "9:00"})
    assert response.status_code == 200 and "ends after the end of the recording" in response.content.decode()
    assert not recording.segments.exists()


class TestStream:
    def url(self, recording):
        return reverse("rating:stream", args=[recording.public_id])

    def test_it_sends_the_asked_bytes_as_partial_content(self, therapist_client, recording, wav):
        response = therapist_client.get(self.url(recording), HTTP_RANGE="bytes=100-199")
        assert response.status_code == 206
        assert b"".join(response.streaming_content) == wav[100:200]
        assert response["Content-Range"] == f"bytes 100-199/{len(wav)}"
        assert response["Content-Length"] == "100"
        assert response["Accept-Ranges"] == "bytes"
        assert response["Content-Type"] == "audio/wav"

    def test_it_sends_the_end_of_the_file_for_an_open_range(self, therapist_client, recording, wav):
        response = therapist_client.get(self.url(recording), HTTP_RANGE=f"bytes={len(wav) - 10}-")
        assert response.status_code == 206 and b"".join(response.streaming_content) == wav[-10:]

    def test_it_sends_the_whole_file_without_a_range(self, therapist_client, recording, wav):
        response = therapist_client.get(self.url(recording))
        assert response.status_code == 200 and b"".join(response.streaming_content) == wav
        assert response["Accept-Ranges"] == "bytes"

    def test_it_answers_416_to_a_range_past_the_end(self, therapist_client, recording, wav):
        response = therapist_client.get(self.url(recording), HTTP_RANGE=f"bytes={len(wav)}-")
        assert response.status_code == 416 and response["Content-Range"] == f"bytes */{len(wav)}"

    def test_it_audits_a_playback_once_not_every_seek(self, therapist_client, recording):
        therapist_client.get(self.url(recording), HTTP_RANGE="bytes=0-")
        therapist_client.get(self.url(recording), HTTP_RANGE="bytes=5000-")
        assert AuditEvent.objects.filter(object_type="Recording", detail="played").count() == 1

    def test_it_is_not_found_by_an_outsider(self, outsider_client, recording):
        assert outsider_client.get(self.url(recording), HTTP_RANGE="bytes=0-9").status_code == 404

    def test_it_sends_anonymous_visitors_to_sign_in(self, client, recording):
        response = client.get(self.url(recording))
        assert response.status_code == 302 and "login" in response.url

    def test_it_is_not_found_by_an_assigned_rater(self, rater_client, assignment, recording):
        """A rater is sent only their segment (test_segments.py), never the whole recording."""
        response = rater_client.get(self.url(recording), HTTP_RANGE="bytes=0-")
        assert response.status_code == 404 and not AuditEvent.objects.filter(detail="played").exists()

    def test_it_is_not_found_by_a_rater_not_assigned(self, client, recording, study):
        sign_in(client, make_user("rater9", "rater"))
        assert client.get(self.url(recording), HTTP_RANGE="bytes=0-9").status_code == 404

    def test_it_plays_to_the_study_leader(self, leader_client, study, recording):
        assert leader_client.get(self.url(recording), HTTP_RANGE="bytes=0-9").status_code == 206


def test_a_second_upload_gets_its_own_file(recording, session, therapist, wav):
    other = upload(session, therapist, wav)
    assert other.file_name != recording.file_name and other.path.exists()


def test_the_first_byte_can_be_asked_for(therapist_client, recording, wav):
    response = therapist_client.get(reverse("rating:stream", args=[recording.public_id]), HTTP_RANGE="bytes=0-0")
    assert response.status_code == 206 and response["Content-Range"] == f"bytes 0-0/{len(wav)}"
    assert response["Content-Length"] == "1"
    assert b"".join(response.streaming_content) == wav[:1]


@pytest.mark.parametrize("language, name", [("nb", "Time 1, 0:05–0:15"), ("en", "Session 1, 0:05–0:15")])
def test_a_segment_without_a_name_is_named_by_its_real_start_and_end(therapist_client, recording, language, name):
    url = reverse("rating:recording", args=[recording.public_id])
    therapist_client.post(url, {"name": "", "start": "0:05", "end": "0:15"}, HTTP_ACCEPT_LANGUAGE=language)
    assert recording.segments.get().name == name
    assert name in therapist_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
