"""Runs espeak-ng (offline speech synthesis) and returns its audio.

espeak-ng 1.51 writes 22050 Hz, 16-bit, mono WAV with ``-w``. The voice ``cmn-latn-pinyin``
speaks Mandarin and reads Latin text as pinyin (give tones as numbers: ``ling2``) and single
capital letters by their Chinese letter names; the plain ``cmn`` voice would read tone numbers
in English. When espeak-ng is missing or fails, :class:`SpeechUnavailable` tells callers to
fall back to the browser's speech synthesis.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from display.voice.audio import AudioFormat, AudioFormatError, read_wav

DEFAULT_VOICE = "cmn-latn-pinyin"
DEFAULT_SPEED = 150  # words per minute; espeak-ng's own default of 175 is hurried in Mandarin
DEFAULT_EXECUTABLE = "espeak-ng"
TIMEOUT_SECONDS = 30


class SpeechUnavailable(RuntimeError):
    """No server-side speech: espeak-ng is missing or failed (use the browser's voice)."""


def find_espeak(executable: str = DEFAULT_EXECUTABLE) -> str:
    """The full path of espeak-ng, or SpeechUnavailable."""
    path = shutil.which(executable)
    if path is None:
        raise SpeechUnavailable(
            f"{executable} is not installed (Debian: apt-get install espeak-ng)")
    return path


def synthesize(text: str, voice: str = DEFAULT_VOICE, speed: int = DEFAULT_SPEED,
               executable: str = DEFAULT_EXECUTABLE) -> tuple[AudioFormat, bytes]:
    """Speak ``text`` with espeak-ng; the text goes through standard input, never argv."""
    command = [find_espeak(executable), "-v", voice, "-s", str(speed), "--stdin", "-w"]
    handle, path = tempfile.mkstemp(suffix=".wav", prefix="hallq-espeak-")
    os.close(handle)
    try:
        try:
            result = subprocess.run(command + [path], input=text.encode("utf-8"),
                                    capture_output=True, timeout=TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SpeechUnavailable(f"espeak-ng did not run: {exc}") from exc
        if result.returncode != 0:
            raise SpeechUnavailable(f"espeak-ng failed ({result.returncode}): "
                                    f"{result.stderr.decode(errors='replace').strip()}")
        try:
            return read_wav(path)
        except AudioFormatError as exc:
            raise SpeechUnavailable(f"espeak-ng wrote no usable WAV: {exc}") from exc
    finally:
        os.unlink(path)
