"""GET /display/{hall}/voice/call.wav: the announcement of one call, validated and cached."""

from dataclasses import replace

import pytest

from display.announcers import Announcers
from display.settings import DisplaySettings
from display.voice import Announcer
from display.voice.audio import read_wav
from display.voice.clips import ClipSet
from queue_server.services.config_loader import load_config
from tests.conftest import TEST_HALL
from tests.display.conftest import issue_and_call

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
        get(voice_client, "number=A001&window=2")
    assert len(renders) == 1


def test_the_hall_repeat_count_lengthens_the_audio(app, voice_client, ctx):
    once = len(read_wav(body(voice_client, "number=A001&window=1"))[1])
    hall = dict(TEST_HALL["halls"][0], voice_repeat=3)
    load_config(ctx, {"halls": [hall]})
    thrice = len(read_wav(body(voice_client, "number=A001&window=1"))[1])
    assert thrice > once


def test_without_clips_or_espeak_the_server_says_speech_unavailable(app, voice_client, tmp_path,
                                                                    monkeypatch):
    monkeypatch.setattr("display.voice.espeak.shutil.which", lambda name: None)
    app.extensions["hallq_display"] = Announcers(DisplaySettings(
        voice_cache_dir=tmp_path / "cache", voice_clips_dir=tmp_path / "none"))
    response = app.test_client().get(f"{URL}?number=A001&window=1")
    assert error_of(response) == (503, "speech_unavailable")


@pytest.mark.parametrize("number", ["ZZ9999", "A002", "B001"])
def test_a_number_not_called_today_is_not_spoken(voice_client, voice_settings, number):
    assert error_of(get(voice_client, f"number={number}&window=1")) == (404, "not_called")
    assert not list(voice_settings.voice_cache_dir.glob("*.wav"))


def test_a_number_called_yesterday_is_not_spoken_today(voice_client, clock):
    clock.advance(days=1)
    assert error_of(get(voice_client, "number=A001&window=1")) == (404, "not_called")


def test_a_number_called_in_another_hall_is_not_spoken_here(app, voice_client, accts):
    voice_client.post("/api/v1/halls/h2/tickets", json={"service": "A"},
                      headers=accts.device("kiosk", hall="h2"))
    assert voice_client.post("/api/v1/halls/h2/windows/1/call-next",
                             headers=accts.user("manager", hall="h2")).status_code == 200
    assert get(voice_client, "number=A001&window=1").status_code == 200
    other = voice_client.get("/display/h2/voice/call.wav?number=A002&window=1")
    assert error_of(other) == (404, "not_called")


def test_the_cache_keeps_under_its_cap_dropping_the_least_recently_used(app, accts,
                                                                         voice_settings):
    client = app.test_client()
    app.extensions["hallq_display"] = Announcers(voice_settings)
    numbers = [issue_and_call(client, accts, window=w) for w in (1, 2)]
    first = body(client, f"number={numbers[0]}&window=1")
    one_file = len(first)
    cap = one_file * 2 + one_file // 2  # room for two files, not three
    app.extensions["hallq_display"] = Announcers(replace(voice_settings,
                                                         voice_cache_max_bytes=cap))
    cache = voice_settings.voice_cache_dir
    body(client, f"number={numbers[1]}&window=1")
    body(client, f"number={numbers[0]}&window=1")  # used again: now the most recent
    before = {p.name for p in cache.glob("*.wav")}
    body(client, f"number={numbers[1]}&window=2")  # a third file
    after = {p.name for p in cache.glob("*.wav")}
    assert sum(p.stat().st_size for p in cache.glob("*.wav")) <= cap
    assert len(after) == 2
    gone = before - after
    assert len(gone) == 1
    # The one that went is numbers[1] at window 1: the least recently used.
    assert body(client, f"number={numbers[0]}&window=1") == first
    assert {p.name for p in cache.glob("*.wav")} == after
