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


def test_the_led_agent_command_runs_as_printed(monkeypatch, tmp_path):
    """The banner's command is an absolute path that exists (a virtualenv's bin/ is seldom on
    PATH), and running it as printed starts the LED agent (here: its --help)."""
    import shlex
    import subprocess
    from pathlib import Path

    monkeypatch.setattr(demo, "ensure_default_clips", lambda directory: False)
    [line] = [line for line in prepare_display_demo("http://127.0.0.1:5000", Hall(), 3)
              if "LED sign agent" in line]
    command = shlex.split(line.split("LED sign agent", 1)[1])
    assert Path(command[0]).is_absolute() and Path(command[0]).exists()
    cut = command.index("--server")
    done = subprocess.run(command[:cut] + ["--help"], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and "led-agent" in done.stdout, done.stderr


def test_the_demo_banner_offers_the_screen_pairing_and_the_led_token():
    text = "\n".join(prepare_display_demo("http://127.0.0.1:5000", Hall(), led_window=3,
                                          screen_token="screen-tok", led_token="led-tok"))
    assert "?token=screen-tok" in text
    assert "--sign console --token led-tok" in text
