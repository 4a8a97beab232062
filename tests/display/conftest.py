"""Fixtures for the display tests: the test app with a small synthetic clip set, so the voice
endpoint answers at once and deterministically (no espeak-ng needed)."""

import pytest

from display.announcers import Announcers
from display.settings import DisplaySettings
from display.voice.audio import AudioFormat, wav_bytes
from display.voice.clips import CLIP_PHRASES

CLIP_FORMAT = AudioFormat(rate=8000, width=2, channels=1)


def write_clip_set(directory, frames: int = 200):
    """Every clip the default wording needs, each ``frames`` frames of a constant tone."""
    directory.mkdir(parents=True, exist_ok=True)
    sample = (1000).to_bytes(2, "little", signed=True)
    for name in {"chime", *CLIP_PHRASES.values()}:
        (directory / f"{name}.wav").write_bytes(wav_bytes(CLIP_FORMAT, sample * frames))
    return directory


@pytest.fixture
def voice_settings(tmp_path) -> DisplaySettings:
    return DisplaySettings(voice_cache_dir=tmp_path / "voice-cache",
                           voice_clips_dir=write_clip_set(tmp_path / "voice-clips"),
                           generate_default_clips=False)


@pytest.fixture
def voice_client(app, voice_settings):
    app.extensions["hallq_display"] = Announcers(voice_settings)
    return app.test_client()
