import pytest

from allianse.demo.rating import RECORDING_SECONDS
from allianse.rating import media
from allianse.rating.files import accepted_type
from allianse.rating.media import MediaError, session_recording, session_webm

DEMO_LIMIT_BYTES = 3 * 1024**2


def test_it_makes_a_small_webm_video_that_uploads_accept():
    generated = session_recording(RECORDING_SECONDS, seed=3)
    assert generated.extension == "webm" and generated.data[:4] == b"\x1a\x45\xdf\xa3"
    assert len(generated.data) < DEMO_LIMIT_BYTES
    file_type = accepted_type(f"session.{generated.extension}", generated.data[:64], len(generated.data))
    assert file_type.content_type == "video/webm"


def test_it_makes_wav_audio_where_there_is_no_video_encoder(monkeypatch):
    monkeypatch.setattr(media, "ffmpeg_executable", lambda: None)
    generated = session_recording(2)
    assert generated.extension == "wav"
    assert accepted_type("session.wav", generated.data[:64], len(generated.data)).content_type == "audio/wav"


def test_it_reports_what_ffmpeg_said_when_encoding_fails(monkeypatch):
    monkeypatch.setattr(media, "VIDEO_SIZE", "not-a-size")
    with pytest.raises(MediaError, match="ffmpeg could not make the video: .*not-a-size"):
        session_webm(2, executable=media.ffmpeg_executable())


def test_it_says_when_ffmpeg_cannot_be_run(tmp_path):
    with pytest.raises(MediaError, match="ffmpeg could not be run"):
        session_webm(2, executable=str(tmp_path / "no-ffmpeg"))
