import pytest

from allianse.rating.files import RecordingRejected, UnsatisfiableRange, accepted_type, parse_range
from allianse.rating.media import session_wav


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-200", (800, 999)),
        ("bytes=900-5000", (900, 999)),
        ("bytes=-5000", (0, 999)),
        (None, None),
        ("bytes=0-1,5-9", None),
        ("items=0-5", None),
    ],
)
def test_it_reads_one_byte_range(header, expected):
    assert parse_range(header, 1000) == expected


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=5-2", "bytes=-0"])
def test_it_refuses_ranges_outside_the_file(header):
    with pytest.raises(UnsatisfiableRange):
        parse_range(header, 1000)


def test_it_accepts_a_wav_recording(settings):
    data = session_wav(1)
    assert accepted_type("Session.WAV", data[:64], len(data)).content_type == "audio/wav"


@pytest.mark.parametrize(
    ("name", "head", "size", "code"),
    [
        ("session.wav", b"", 0, "empty"),
        ("session.exe", b"MZ\x90\x00", 100, "wrong_type"),
        ("session.mp4", b"RIFF\x00\x00\x00\x00WAVE", 100, "wrong_type"),
        ("session.wav", b"RIFF\x00\x00\x00\x00WAVE", 10**12, "too_large"),
    ],
)
def test_it_refuses_empty_large_and_mislabelled_files(name, head, size, code, settings):
    settings.RECORDING_MAX_BYTES = 10**9
    with pytest.raises(RecordingRejected) as refused:
        accepted_type(name, head, size)
    assert refused.value.code == code
