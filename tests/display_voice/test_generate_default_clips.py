"""The default clip set made with espeak-ng covers every clip and joins into a call."""

import wave

import pytest

from display.voice import espeak
from display.voice.audio import MONO16_16K
from display.voice.clips import CHIME, CLIP_PHRASES, ClipSet
from display.voice.generate_default_clips import (DEFAULT_CLIP_TEXT, generate_default_clips,
                                                  main)
from display.voice.text import call_announcement, pause_announcement


@pytest.fixture(scope="module")
def default_clips(tmp_path_factory, espeak_ng):
    directory = tmp_path_factory.mktemp("default-clips")
    generate_default_clips(directory)
    return directory


def test_every_clip_name_has_default_text():
    assert set(CLIP_PHRASES.values()) <= set(DEFAULT_CLIP_TEXT)


def test_every_clip_is_written(default_clips):
    names = {path.stem for path in default_clips.glob("*.wav")}
    assert names == set(DEFAULT_CLIP_TEXT) | {CHIME}


def test_clips_are_16_khz_16_bit_mono(default_clips):
    assert ClipSet(default_clips).format == MONO16_16K


def test_every_clip_has_sound(default_clips):
    lengths = {}
    for path in default_clips.glob("*.wav"):
        with wave.open(str(path), "rb") as clip:
            lengths[path.stem] = clip.getnframes()
    assert min(lengths.values()) > MONO16_16K.frames_for_ms(100)


def test_default_set_speaks_a_call(default_clips):
    speech = call_announcement("Z109", "12号窗口", recall=True).speech
    assert ClipSet(default_clips).render(speech, repeat=2)[:4] == b"RIFF"


def test_default_set_speaks_a_pause(default_clips):
    speech = pause_announcement("3号窗口").speech
    assert ClipSet(default_clips).render(speech)[:4] == b"RIFF"


def test_command_line_writes_the_set(tmp_path, espeak_ng, capsys):
    assert main([str(tmp_path)]) == 0 and (tmp_path / "chime.wav").exists()


def test_command_line_without_espeak_fails_cleanly(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(espeak.shutil, "which", lambda name: None)
    assert main([str(tmp_path)]) == 1
    assert "espeak-ng is not installed" in capsys.readouterr().err
