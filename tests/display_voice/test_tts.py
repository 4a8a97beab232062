"""The announcer: clip set or espeak-ng, a cache keyed by text, voice and repeat count."""

import wave

import pytest

from display.voice import clips as clips_module
from display.voice.espeak import SpeechUnavailable, synthesize
from display.voice.text import Templates, call_announcement
from display.voice.tts import Announcer

NO_ESPEAK = "hallq-test-no-such-espeak-ng"


def test_call_with_clips_is_a_wav_in_the_cache(tmp_path, clip_dir):
    path = Announcer(tmp_path / "cache", clip_dir, executable=NO_ESPEAK).call("A001", "3号窗口")
    with wave.open(str(path), "rb") as wav:
        assert (path.parent, wav.getframerate()) == (tmp_path / "cache", 8000)


def test_same_call_is_made_once(tmp_path, clip_dir, monkeypatch):
    announcer = Announcer(tmp_path, clip_dir, executable=NO_ESPEAK)
    renders = []
    real_render = clips_module.ClipSet.render
    monkeypatch.setattr(clips_module.ClipSet, "render",
                        lambda self, *a: renders.append(a) or real_render(self, *a))
    announcer.call("A001", "3号窗口")
    announcer.call("A001", "3号窗口")
    assert len(renders) == 1


def test_repeat_count_is_part_of_the_cache_key(tmp_path, clip_dir):
    once = Announcer(tmp_path, clip_dir, Templates(repeat=1), executable=NO_ESPEAK)
    twice = Announcer(tmp_path, clip_dir, Templates(repeat=2), executable=NO_ESPEAK)
    assert once.call("A001", "3号窗口") != twice.call("A001", "3号窗口")


def test_voice_is_part_of_the_cache_key(tmp_path, clip_dir):
    announcement = call_announcement("A001", "3号窗口")
    with_clips = Announcer(tmp_path, clip_dir).cache_key(announcement)
    with_espeak = Announcer(tmp_path).cache_key(announcement)
    assert with_clips != with_espeak


def test_recall_is_a_different_file(tmp_path, clip_dir):
    announcer = Announcer(tmp_path, clip_dir, executable=NO_ESPEAK)
    assert announcer.call("A001", "3号窗口") != announcer.call("A001", "3号窗口", recall=True)


def test_no_clips_and_no_espeak_raises_speech_unavailable(tmp_path):
    with pytest.raises(SpeechUnavailable):
        Announcer(tmp_path, executable=NO_ESPEAK).call("A001", "3号窗口")


def test_missing_clip_and_no_espeak_raises_speech_unavailable(tmp_path, clip_dir):
    with pytest.raises(SpeechUnavailable):
        Announcer(tmp_path, clip_dir, executable=NO_ESPEAK).call("A001", "综合窗口")


def test_espeak_failure_raises_speech_unavailable(espeak_ng):
    with pytest.raises(SpeechUnavailable, match="voice"):
        synthesize("请", voice="hallq-no-such-voice")


def test_espeak_call_is_chime_then_speech(tmp_path, espeak_ng):
    path = Announcer(tmp_path, templates=Templates(repeat=1)).call("A001", "3号窗口")
    with wave.open(str(path), "rb") as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 2.0 < seconds < 10.0


def test_words_missing_from_the_clip_set_are_spoken_by_espeak(tmp_path, clip_dir, espeak_ng):
    path = Announcer(tmp_path, clip_dir).pause("综合窗口")
    with wave.open(str(path), "rb") as wav:
        assert wav.getframerate() == 22050


def test_cache_inside_the_clip_set_is_refused(clip_dir):
    with pytest.raises(ValueError):
        Announcer(clip_dir, clip_dir)
