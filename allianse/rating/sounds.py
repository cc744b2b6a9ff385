"""Small generated recordings: a WAV file made with the standard library and numpy, so the demo
and the tests have a real, playable recording without shipping media or needing ffmpeg."""

from __future__ import annotations

import io
import wave

import numpy as np

SAMPLE_RATE = 8000  # 8 kHz, 8-bit mono: 8 kB per second, plenty for a voice-like test signal


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
