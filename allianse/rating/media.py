"""Small generated recordings for the demo and the tests, so neither ships media files, and the
segments cut from recordings for raters (`cut`).

A WebM video (VP8 picture, Opus sound) made with the ffmpeg binary inside the `imageio-ffmpeg`
wheel: ffmpeg's `testsrc` pattern, whose built-in counter burns in the seconds since the start
(drawn without fonts, so it works on servers that have none), and a soft tone. Where the wheel has
no ffmpeg for the platform, a WAV recording made with the standard library and numpy instead.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SAMPLE_RATE = 8000  # WAV: 8 kHz, 8-bit mono: 8 kB per second, plenty for a voice-like test signal

# WebM: 160x90 at 1 frame per second and 8 kbit/s narrowband sound, about 0.7 MB for four
# minutes. A key frame every 5 s lets the player seek to any second quickly; libvpx's realtime
# mode and Opus's lowest complexity with 60 ms frames make four minutes in under a second of CPU.
VIDEO_SIZE = "160x90"
VIDEO_FPS = 1
KEY_FRAME_SECONDS = 5
ENCODE_TIMEOUT_SECONDS = 60


class MediaError(RuntimeError):
    """ffmpeg could not make the recording or cut the segment; the message says what it reported."""


@dataclass(frozen=True)
class GeneratedRecording:
    data: bytes
    extension: str  # "webm" or "wav": the upload validation of files.py accepts both


def ffmpeg_executable() -> str | None:
    """The ffmpeg binary shipped in the imageio-ffmpeg wheel, or None where there is none."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return None


def session_recording(seconds: int, *, seed: int = 0) -> GeneratedRecording:
    """A recording of `seconds`: WebM video where ffmpeg is available, else WAV audio."""
    executable = ffmpeg_executable()
    if executable is None:
        return GeneratedRecording(session_wav(seconds, seed=seed), "wav")
    return GeneratedRecording(session_webm(seconds, seed=seed, executable=executable), "webm")


def session_webm(seconds: int, *, seed: int = 0, executable: str) -> bytes:
    """A WebM video of `seconds`: a test pattern with the running seconds and a tone whose pitch
    and picture hue depend on `seed`, so the demo's recordings look and sound different."""
    picture = f"testsrc=size={VIDEO_SIZE}:rate={VIDEO_FPS}:duration={seconds}:decimals=0,hue=h={(seed * 47) % 360}"
    tone = f"sine=frequency={180 + (seed * 37) % 160}:sample_rate=8000:duration={seconds},volume=0.5"
    with tempfile.TemporaryDirectory(prefix="allianse-media-") as directory:
        # A file, not a pipe: only a seekable output gets the cue index the browser seeks with.
        output = Path(directory) / "recording.webm"
        command = [
            executable, "-hide_banner", "-loglevel", "error", "-nostdin",
            "-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", tone,
            "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "20k",
            "-g", str(KEY_FRAME_SECONDS * VIDEO_FPS),
            "-c:a", "libopus", "-b:a", "8k", "-compression_level", "0", "-frame_duration", "60",
            "-shortest", str(output),
        ]  # fmt: skip
        _run(command)
        return output.read_bytes()


def cut(source: Path, target: Path, *, start: float, seconds: float, video: bool, executable: str) -> None:
    """Write `seconds` of `source` from `start` to `target` as WebM (VP8 picture, Opus sound).

    Re-encoded rather than stream-copied: a copy can only begin at a key frame, which may lie
    seconds before the segment, so the file would show what precedes it and its clock would not
    start at the segment's start. Decoding from `start` (-ss before -i) is exact to the frame.
    """
    picture = ["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-crf", "10", "-b:v", "2M"]
    command = [
        executable, "-hide_banner", "-loglevel", "error", "-nostdin",
        "-ss", f"{start:.3f}", "-i", str(source), "-t", f"{seconds:.3f}",
        *(picture if video else ["-vn"]), "-c:a", "libopus", "-b:a", "32k", "-f", "webm", str(target),
    ]  # fmt: skip
    _run(command, timeout=None)


def _run(command: list[str], timeout: float | None = ENCODE_TIMEOUT_SECONDS) -> None:
    try:
        subprocess.run(command, capture_output=True, check=True, timeout=timeout)
    except subprocess.CalledProcessError as error:
        reported = error.stderr.decode(errors="replace").strip() or f"exit status {error.returncode}"
        raise MediaError(f"ffmpeg could not make the video: {reported}") from error
    except (OSError, subprocess.TimeoutExpired) as error:
        raise MediaError(f"ffmpeg could not be run ({command[0]}): {error}") from error


def session_wav(seconds: float, *, seed: int = 0) -> bytes:
    """A WAV recording of `seconds`: soft tones that change every few seconds, like turns of talk."""
    rng = np.random.default_rng(seed)
    count = int(seconds * SAMPLE_RATE)
    turns = np.repeat(rng.uniform(140, 320, size=count // (3 * SAMPLE_RATE) + 1), 3 * SAMPLE_RATE)[:count]
    time = np.arange(count) / SAMPLE_RATE
    loudness = 0.25 + 0.15 * np.sin(2 * np.pi * 0.7 * time) ** 2
    signal = loudness * np.sin(2 * np.pi * np.cumsum(turns) / SAMPLE_RATE)
    samples = np.clip(128 + 127 * signal, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as output:
        output.setnchannels(1)
        output.setsampwidth(1)
        output.setframerate(SAMPLE_RATE)
        output.writeframes(samples.tobytes())
    return buffer.getvalue()
