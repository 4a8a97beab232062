"""GET /display/{hall}/voice/call.wav: the announcement of one call, validated and cached."""

import pytest

from display.announcers import Announcers
from display.settings import DisplaySettings
from display.voice import Announcer
from display.voice.audio import read_wav
from display.voice.clips import ClipSet
from queue_server.services.config_loader import load_config
from tests.conftest import TEST_HALL

URL = "/display/h1/voice/call.wav"


def get(client, query: str):
    response = client.get(f"{URL}?{query}")
    response.close()
    return response


def body(client, query: str) -> bytes:
    response = client.get(f"{URL}?{query}")
    data = response.get_data()
    response.close()
    return data


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def test_a_call_is_answered_with_a_wav(voice_client):
    response = get(voice_client, "number=A001&window=3&recall=0")
    assert (response.status_code, response.mimetype) == (200, "audio/wav")


def test_the_wav_is_the_announcers_audio_for_that_call(voice_client, voice_settings, tmp_path):
    served = body(voice_client, "number=A001&window=3")
    own = Announcer(tmp_path / "own-cache", voice_settings.voice_clips_dir)
    assert served == own.call("A001", "3号窗口").read_bytes()


def test_a_recall_is_another_announcement(voice_client):
    first = body(voice_client, "number=A001&window=3&recall=0")
    again = body(voice_client, "number=A001&window=3&recall=1")
    assert first != again


@pytest.mark.parametrize("number", ["", "a001", "A00001", "ABC1", "A001;x", "１２３"])
def test_a_bad_ticket_number_is_invalid_request(voice_client, number):
    assert error_of(get(voice_client, f"number={number}&window=1")) == (400, "invalid_request")


@pytest.mark.parametrize("window", ["", "x", "-1", "1.5", "３"])
def test_a_window_that_is_no_number_is_invalid_request(voice_client, window):
    assert error_of(get(voice_client, f"number=A001&window={window}")) == (400, "invalid_request")


def test_a_window_the_hall_lacks_is_404(voice_client):
    assert error_of(get(voice_client, "number=A001&window=9")) == (404, "unknown_window")


def test_an_unknown_hall_is_404(voice_client):
    response = voice_client.get("/display/nope/voice/call.wav?number=A001&window=1")
    assert error_of(response) == (404, "unknown_hall")


def test_recall_must_be_0_or_1(voice_client):
    assert error_of(get(voice_client, "number=A001&window=1&recall=yes")) == \
        (400, "invalid_request")


def test_the_same_call_is_made_once(voice_client, monkeypatch):
    renders = []
    original = ClipSet.render
    monkeypatch.setattr(ClipSet, "render",
                        lambda self, *a, **k: renders.append(a) or original(self, *a, **k))
    for _ in range(3):
        get(voice_client, "number=B007&window=2")
    assert len(renders) == 1


def test_the_hall_repeat_count_lengthens_the_audio(app, voice_client, ctx):
    once = len(read_wav(body(voice_client, "number=A001&window=1"))[1])
    hall = dict(TEST_HALL["halls"][0], voice_repeat=3)
    load_config(ctx, {"halls": [hall]})
    thrice = len(read_wav(body(voice_client, "number=A001&window=1"))[1])
    assert thrice > once


def test_without_clips_or_espeak_the_server_says_speech_unavailable(app, tmp_path, monkeypatch):
    monkeypatch.setattr("display.voice.espeak.shutil.which", lambda name: None)
    app.extensions["hallq_display"] = Announcers(DisplaySettings(
        voice_cache_dir=tmp_path / "cache", voice_clips_dir=tmp_path / "none"))
    response = app.test_client().get(f"{URL}?number=A001&window=1")
    assert error_of(response) == (503, "speech_unavailable")
