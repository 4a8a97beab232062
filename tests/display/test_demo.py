"""The demo banner names the screens and the LED agent command."""

from display import demo
from display.demo import prepare_display_demo


class Window:
    def __init__(self, number):
        self.number = number


class Hall:
    code = "demo"
    windows = [Window(n) for n in range(1, 7)]


def test_the_banner_gives_the_hall_screen_window_screens_and_led_agent(monkeypatch):
    monkeypatch.setattr(demo, "ensure_default_clips", lambda directory: False)
    text = "\n".join(prepare_display_demo("http://127.0.0.1:5000", Hall(), led_window=3))
    assert all(part in text for part in (
        "http://127.0.0.1:5000/display/demo ", "http://127.0.0.1:5000/display/demo/window/1",
        "led-agent --server http://127.0.0.1:5000 --hall demo --window 3 --sign console"))


def test_the_demo_banner_offers_the_screen_pairing_and_the_led_token():
    text = "\n".join(prepare_display_demo("http://127.0.0.1:5000", Hall(), led_window=3,
                                          screen_token="screen-tok", led_token="led-tok"))
    assert "?token=screen-tok" in text
    assert "--sign console --token led-tok" in text
