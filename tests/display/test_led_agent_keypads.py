"""The LED agent runs the window's keypads when they are configured."""

import pytest

from display.led_agent import _keypad_bridge, parse_args

BASE = ["--server", "http://127.0.0.1:5000", "--hall", "h1", "--window", "1", "--sign", "console"]


def test_no_keypad_means_no_bridge():
    assert _keypad_bridge(parse_args(BASE)) is None


def test_fake_caller_keypad_with_a_token_gets_a_bridge():
    bridge = _keypad_bridge(parse_args(BASE + ["--caller-keypad", "fake", "--caller-token", "t"]))
    assert bridge.caller is not None and bridge.evaluator is None


def test_caller_keypad_without_a_token_is_refused(monkeypatch):
    monkeypatch.delenv("HALLQ_CALLER_TOKEN", raising=False)
    with pytest.raises(ValueError):
        _keypad_bridge(parse_args(BASE + ["--caller-keypad", "fake"]))


def test_bad_keypad_spec_is_refused():
    with pytest.raises(ValueError):
        _keypad_bridge(parse_args(BASE + ["--caller-keypad", "bluetooth:x", "--caller-token", "t"]))


def test_help_says_the_caller_token_is_the_windows_caller_device_token(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "the window's caller device token" in help_text and "--kind caller" in help_text
