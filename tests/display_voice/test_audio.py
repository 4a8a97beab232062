"""Standard-library PCM helpers: silence, trimming, resampling, the chime."""

from array import array

from display.voice import audio

MONO16 = audio.AudioFormat(rate=8000, width=2, channels=1)


def pcm(*samples):
    return array("h", samples).tobytes()


def test_silence_length_in_frames():
    assert len(audio.silence(MONO16, 250)) == 2000 * 2


def test_silence_of_8_bit_audio_is_0x80():
    assert audio.silence(audio.AudioFormat(8000, 1, 1), 1) == b"\x80" * 8


def test_trim_removes_quiet_lead_in_and_tail():
    frames = pcm(0, 5, 0, 2000, -3000, 1000, 0, 4)
    assert audio.trim_silence(frames, rate=8000, margin_ms=0) == pcm(2000, -3000, 1000)


def test_trim_of_pure_silence_is_empty():
    assert audio.trim_silence(pcm(0, 1, -1), rate=8000) == b""


def test_resample_changes_the_length_by_the_rate_ratio():
    frames = pcm(*range(0, 22050))
    assert len(audio.resample(frames, 22050, 16000)) == 16000 * 2


def test_resample_interpolates_linearly():
    assert audio.resample(pcm(0, 100, 200, 300), 4, 8) == pcm(0, 50, 100, 150, 200, 250, 300,
                                                              300)


def test_wav_round_trip_keeps_format_and_frames():
    data = audio.wav_bytes(MONO16, pcm(1, 2, 3))
    assert audio.read_wav(data) == (MONO16, pcm(1, 2, 3))


def test_chime_is_two_tones_long():
    assert len(audio.chime(16000, tone_ms=100)) == 2 * 1600 * 2


def test_chime_is_audible_and_not_clipped():
    samples = array("h", audio.chime(16000))
    assert 8000 < max(abs(s) for s in samples) < 32767
