"""The clip joiner: tokens, the joined WAV's length and format, refused clip sets."""

import io
import wave

import pytest

from display.voice.audio import AudioFormat, AudioFormatError
from display.voice.clips import (AFTER_CHIME_MS, GAP_MS, PAUSE, PAUSE_MS, REPEAT_GAP_MS,
                                 ClipSet, ClipSetError, MissingClip)
from display.voice.text import call_announcement
from tests.display_voice.conftest import CLIP_FORMAT, write_clip


def frames_of(ms):
    return round(CLIP_FORMAT.rate * ms / 1000)


def clip_frames(directory, name):
    with wave.open(str(directory / f"{name}.wav"), "rb") as clip:
        return clip.getnframes()


def wav_frames(data):
    with wave.open(io.BytesIO(data), "rb") as joined:
        return joined.getnframes()


def test_call_is_cut_into_clips(clip_dir):
    speech = call_announcement("A001", "3号窗口").speech
    assert ClipSet(clip_dir).tokens(speech) == [
        "qing", "letter_A", "digit_0", "digit_0", "digit_1", "hao_dao", "digit_3", "hao",
        "chuangkou", "banli"]


def test_joined_call_has_the_expected_length(clip_dir):
    announcement = call_announcement("A001", "3号窗口")
    tokens = ClipSet(clip_dir).tokens(announcement.speech)
    once = (sum(clip_frames(clip_dir, t) for t in tokens)
            + (len(tokens) - 1) * frames_of(GAP_MS))
    expected = (clip_frames(clip_dir, "chime") + frames_of(AFTER_CHIME_MS)
                + 2 * once + frames_of(REPEAT_GAP_MS))
    data = ClipSet(clip_dir).render(announcement.speech, repeat=2)
    assert wav_frames(data) == expected


def test_joined_wav_keeps_the_clip_format(clip_dir):
    data = ClipSet(clip_dir).render("请A零零一", repeat=1)
    with wave.open(io.BytesIO(data), "rb") as joined:
        fmt = AudioFormat(joined.getframerate(), joined.getsampwidth(), joined.getnchannels())
    assert fmt == CLIP_FORMAT


def test_joined_wav_starts_with_the_chime(clip_dir):
    data = ClipSet(clip_dir).render("请", repeat=1)
    with wave.open(io.BytesIO(data), "rb") as joined:
        start = joined.readframes(clip_frames(clip_dir, "chime") + 1)
    assert start == (1000).to_bytes(2, "little") * clip_frames(clip_dir, "chime") + b"\0\0"


def test_punctuation_becomes_one_pause(clip_dir):
    assert ClipSet(clip_dir).tokens("办理（重呼）") == ["banli", PAUSE, "chonghu"]


def test_pause_token_is_a_silence_of_pause_ms(clip_dir):
    with_pause = wav_frames(ClipSet(clip_dir).render("办理，重呼"))
    without = wav_frames(ClipSet(clip_dir).render("办理重呼"))
    assert with_pause - without == frames_of(PAUSE_MS) + frames_of(GAP_MS)


def test_hao_dao_falls_back_to_hao_and_dao(clip_dir):
    (clip_dir / "hao_dao.wav").unlink()
    assert ClipSet(clip_dir).tokens("号到") == ["hao", "dao"]


def test_a_word_without_a_clip_raises_missing_clip(clip_dir):
    with pytest.raises(MissingClip):
        ClipSet(clip_dir).tokens("请A001号到综合窗口办理")


def test_phrases_file_adds_hall_words(clip_dir):
    write_clip(clip_dir, "zonghe", 50)
    (clip_dir / "phrases.txt").write_text("# hall words\n综合 = zonghe\n", encoding="utf-8")
    assert ClipSet(clip_dir).tokens("综合窗口") == ["zonghe", "chuangkou"]


def test_mismatched_sample_rates_are_refused(clip_dir):
    write_clip(clip_dir, "digit_5", 100, AudioFormat(rate=16000, width=2, channels=1))
    with pytest.raises(ClipSetError, match="one format"):
        ClipSet(clip_dir)


def test_mismatched_channels_are_refused(clip_dir):
    write_clip(clip_dir, "qing", 100, AudioFormat(rate=8000, width=2, channels=2))
    with pytest.raises(ClipSetError):
        ClipSet(clip_dir)


def test_a_clip_set_without_chime_is_refused(clip_dir):
    (clip_dir / "chime.wav").unlink()
    with pytest.raises(ClipSetError, match="chime"):
        ClipSet(clip_dir)


def test_a_file_that_is_not_wav_is_refused(clip_dir):
    (clip_dir / "qing.wav").write_bytes(b"ID3 not a wave file")
    with pytest.raises(AudioFormatError, match="qing.wav"):
        ClipSet(clip_dir)


def test_fingerprint_changes_when_a_clip_changes(clip_dir):
    before = ClipSet(clip_dir).fingerprint()
    write_clip(clip_dir, "qing", 1234)
    assert ClipSet(clip_dir).fingerprint() != before


def test_ascii_digits_use_the_digit_clips(clip_dir):
    assert ClipSet(clip_dir).tokens("A01") == ["letter_A", "digit_0", "digit_1"]
