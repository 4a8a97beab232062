"""PCM WAV helpers on the standard library: read, write, silence, trim, resample, chime.

``wave`` gives raw little-endian PCM frames; ``audioop`` is deprecated (and gone in Python 3.13),
so trimming and resampling are done on ``array('h')`` and support 16-bit mono, the format of
both espeak-ng's output and the default clip set.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path


class AudioFormatError(ValueError):
    """A file that is not PCM WAV, or audio in a format that does not fit."""


@dataclass(frozen=True)
class AudioFormat:
    """Sample rate (Hz), sample width (bytes) and channel count of PCM audio."""

    rate: int
    width: int
    channels: int

    @property
    def frame_size(self) -> int:
        return self.width * self.channels

    def frames_for_ms(self, ms: float) -> int:
        """The number of frames in ``ms`` milliseconds (rounded)."""
        return round(self.rate * ms / 1000)

    def __str__(self) -> str:
        return f"{self.rate} Hz, {self.width * 8}-bit, {self.channels} channel(s)"


MONO16_16K = AudioFormat(rate=16000, width=2, channels=1)


def read_wav(source: str | Path | bytes) -> tuple[AudioFormat, bytes]:
    """The format and raw frames of a PCM WAV file (a path or the file's bytes)."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")
    name = "WAV data" if isinstance(source, bytes) else str(source)
    try:
        with stream, wave.open(stream, "rb") as wav:
            fmt = AudioFormat(wav.getframerate(), wav.getsampwidth(), wav.getnchannels())
            return fmt, wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(f"{name} is not a PCM WAV file: {exc}") from exc


def wav_bytes(fmt: AudioFormat, frames: bytes) -> bytes:
    """A complete WAV file holding ``frames``."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(fmt.channels)
        wav.setsampwidth(fmt.width)
        wav.setframerate(fmt.rate)
        wav.writeframes(frames)
    return out.getvalue()


def silence(fmt: AudioFormat, ms: float) -> bytes:
    """``ms`` milliseconds of silence (8-bit WAV is unsigned, so its zero is 0x80)."""
    zero = b"\x80" if fmt.width == 1 else b"\x00" * fmt.width
    return zero * (fmt.frames_for_ms(ms) * fmt.channels)


def _samples(frames: bytes) -> array:
    samples = array("h", frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _frames(samples: array) -> bytes:
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()


def trim_silence(frames: bytes, rate: int, threshold: int = 300,
                 margin_ms: float = 10) -> bytes:
    """16-bit mono ``frames`` without the quiet lead-in and tail (keeping a small margin)."""
    samples = _samples(frames)
    first = next((i for i, s in enumerate(samples) if abs(s) > threshold), None)
    if first is None:
        return b""
    last = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > threshold)
    margin = round(rate * margin_ms / 1000)
    return _frames(samples[max(0, first - margin):last + 1 + margin])


def resample(frames: bytes, from_rate: int, to_rate: int) -> bytes:
    """16-bit mono ``frames`` resampled by linear interpolation."""
    if from_rate == to_rate:
        return frames
    source = _samples(frames)
    if not source:
        return b""
    count = max(1, round(len(source) * to_rate / from_rate))
    step = from_rate / to_rate
    last = len(source) - 1
    out = array("h", bytes(2 * count))
    for i in range(count):
        position = i * step
        left = min(int(position), last)
        right = min(left + 1, last)
        fraction = position - left
        out[i] = round(source[left] + (source[right] - source[left]) * fraction)
    return _frames(out)


def chime(rate: int, tones: tuple[float, ...] = (784.0, 659.3), tone_ms: float = 380,
          volume: float = 0.45) -> bytes:
    """A "ding-dong" in 16-bit mono: one decaying sine per tone (G5 then E5 by default)."""
    length = round(rate * tone_ms / 1000)
    attack = max(1, round(rate * 0.005))
    out = array("h")
    for frequency in tones:
        for i in range(length):
            envelope = min(1.0, i / attack) * math.exp(-4.0 * i / length)
            value = math.sin(2 * math.pi * frequency * i / rate) * envelope * volume
            out.append(round(value * 32767))
    return _frames(out)
