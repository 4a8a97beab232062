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


def issue_and_call(client, accts, service: str = "A", window: int = 1) -> str:
    """Issue a ticket in h1 and call it at ``window``; its number (the server speaks only
    numbers called today)."""
    client.post("/api/v1/halls/h1/tickets", json={"service": service},
                headers=accts.device("kiosk"))
    response = client.post(f"/api/v1/halls/h1/windows/{window}/call-next",
                           headers=accts.user("staff", windows=(window,)))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["ticket"]["number"]


@pytest.fixture
def voice_client(app, voice_settings, accts):
    """A client of the test app whose A001 has been called (at window 1)."""
    app.extensions["hallq_display"] = Announcers(voice_settings)
    client = app.test_client()
    assert issue_and_call(client, accts) == "A001"
    return client
