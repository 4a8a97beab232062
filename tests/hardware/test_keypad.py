"""Window keypads: the pure decoder fed hand-built evdev InputEvents, key maps, specs, fake."""

import os
import threading

import pytest
from evdev import InputEvent, ecodes

from hardware.keypad import FakeKeypad, KeypadSpecError, NullKeypad, open_keypad
from hardware.keypad.decoder import KeypadDecoder
from hardware.keypad.evdev_keypad import EvdevKeypad
from hardware.keypad.keymap import DEFAULT_CALLER_MAP, default_evaluator_map, parse_map

DOWN, UP, HOLD = 1, 0, 2


def key(code, value=DOWN, sec=100, usec=0):
    return InputEvent(sec, usec, ecodes.EV_KEY, code, value)


def caller():
    return KeypadDecoder(DEFAULT_CALLER_MAP)


def test_keypad_1_calls_next():
    assert caller().feed(key(ecodes.KEY_KP1)) == "call_next"


@pytest.mark.parametrize("code, action", [
    (ecodes.KEY_F1, "call_next"), (ecodes.KEY_F2, "recall"), (ecodes.KEY_F3, "finish"),
    (ecodes.KEY_F4, "no_show"), (ecodes.KEY_F5, "pause")])
def test_function_keys_map_to_caller_actions(code, action):
    assert caller().feed(key(code)) == action


def test_key_release_and_auto_repeat_are_no_presses():
    decoder = caller()
    assert decoder.feed_all([key(ecodes.KEY_KP1, DOWN), key(ecodes.KEY_KP1, HOLD),
                             key(ecodes.KEY_KP1, HOLD), key(ecodes.KEY_KP1, UP)]) == ["call_next"]


def test_unmapped_keys_and_other_event_types_are_ignored():
    sync = InputEvent(100, 0, ecodes.EV_SYN, 0, 0)
    scan = InputEvent(100, 0, ecodes.EV_MSC, ecodes.MSC_SCAN, 458841)
    assert caller().feed_all([sync, scan, key(ecodes.KEY_A)]) == []


def test_a_bounce_within_the_debounce_time_is_dropped():
    decoder = caller()
    events = [key(ecodes.KEY_KP1, DOWN, 100, 0), key(ecodes.KEY_KP1, UP, 100, 50_000),
              key(ecodes.KEY_KP1, DOWN, 100, 120_000)]
    assert decoder.feed_all(events) == ["call_next"]


def test_a_second_press_after_the_debounce_time_counts():
    events = [key(ecodes.KEY_KP1, DOWN, 100, 0), key(ecodes.KEY_KP1, UP, 100, 50_000),
              key(ecodes.KEY_KP1, DOWN, 101, 0)]
    assert caller().feed_all(events) == ["call_next", "call_next"]


def test_different_actions_in_quick_succession_both_count():
    events = [key(ecodes.KEY_KP3, DOWN, 100, 0), key(ecodes.KEY_KP1, DOWN, 100, 100_000)]
    assert caller().feed_all(events) == ["finish", "call_next"]


def test_five_key_evaluator_runs_from_very_satisfied_to_very_dissatisfied():
    decoder = KeypadDecoder(default_evaluator_map(5))
    codes = [ecodes.KEY_1, ecodes.KEY_2, ecodes.KEY_3, ecodes.KEY_4, ecodes.KEY_5]
    assert decoder.feed_all([key(c, DOWN, 100 + i) for i, c in enumerate(codes)]) == [
        "very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"]


def test_four_key_evaluator_has_no_very_dissatisfied_key():
    assert "very_dissatisfied" not in default_evaluator_map(4).values()


def test_custom_map_by_name_and_scancode():
    assert parse_map("call_next:KEY_SPACE+28,recall:KP9", ("call_next", "recall")) == {
        ecodes.KEY_SPACE: "call_next", ecodes.KEY_ENTER: "call_next", ecodes.KEY_KP9: "recall"}


@pytest.mark.parametrize("spec", ["evdev:", "serial:/dev/ttyS0", "fake?map=dance:KEY_1",
                                  "fake?map=call_next:KEY_NOPE", "fake?colour=red",
                                  "fake?debounce_ms=soon"])
def test_bad_specs_are_refused(spec):
    with pytest.raises(KeypadSpecError):
        open_keypad(spec)


def test_none_is_no_keypad():
    assert isinstance(open_keypad("none"), NullKeypad)


def test_fake_keypad_uses_the_spec_key_map():
    keypad = open_keypad("fake?map=finish:KEY_ENTER&debounce_ms=0")
    pressed = []
    keypad.start(pressed.append)
    keypad.press_key(ecodes.KEY_ENTER)
    assert pressed == ["finish"]


def test_fake_evaluator_refuses_a_grade_it_has_no_key_for():
    keypad = open_keypad("fake?keys=4", "evaluator")
    with pytest.raises(ValueError):
        keypad.press("very_dissatisfied")


class PipeDevice:
    """Stands in for evdev.InputDevice: a readable fd and the events to hand out."""

    def __init__(self, events):
        self._read, self._write = os.pipe()
        self.fd = self._read
        self.events = list(events)
        self.grabbed = False
        os.write(self._write, b"x")

    def fileno(self):
        return self._read

    def grab(self):
        self.grabbed = True

    def ungrab(self):
        self.grabbed = False

    def read(self):
        os.read(self._read, 1)
        events, self.events = self.events, []
        return events

    def close(self):
        os.close(self._read)
        os.close(self._write)


def test_evdev_keypad_delivers_actions_and_releases_the_grab():
    device = PipeDevice([key(ecodes.KEY_KP1), key(ecodes.KEY_KP1, UP)])
    got = threading.Event()
    pressed = []
    keypad = EvdevKeypad("/dev/input/fake", caller(), open_device=lambda path: device)
    keypad.start(lambda action: (pressed.append(action), got.set()))
    assert got.wait(30), "the keypad delivered nothing"
    keypad.stop()
    assert (pressed, device.grabbed) == (["call_next"], False)


def test_fake_keypad_is_a_keypad():
    assert isinstance(open_keypad("fake"), FakeKeypad)
