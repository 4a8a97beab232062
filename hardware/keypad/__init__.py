"""Window keypads: a caller keypad (call, recall, finish, no-show, pause) and a 4- or 5-key
evaluator keypad (grades), read through evdev, and a fake.

``open_keypad(spec, kind)`` returns a ``Keypad`` (not started). Spec forms (options after ``?``,
joined with ``&``)::

    evdev:PATH     e.g. evdev:/dev/input/by-id/usb-Caller_Keypad-event-kbd
    fake           FakeKeypad: keypad.press("call_next") / keypad.press_key(79)
    none           no keypad

    options: map=ACTION:KEY[+KEY],...   e.g. map=call_next:KEY_F1,recall:KEY_F2
             debounce_ms=300            the same action again within it is dropped
             keys=4|5                   evaluator keypads: how many grade keys (default 5)

Actions: call_next, recall, finish, no_show, pause (a caller) or the grade names very_satisfied
… very_dissatisfied (an evaluator; key 1 = 非常满意 by default, GB/T 39046's order).
Importing this package needs no third-party library.
"""

import importlib.util

from hardware.keypad.base import Keypad, NullKeypad
from hardware.keypad.decoder import KeypadDecoder
from hardware.keypad.fake import FakeKeypad
from hardware.keypad.keymap import (CALLER_ACTIONS, DEFAULT_CALLER_MAP, GRADES, KeyMapError,
                                    default_evaluator_map, parse_map)
from hardware.spec import DeviceSpec, SpecError, parse_spec, require_target

__all__ = ["FakeKeypad", "Keypad", "KeypadDecoder", "KeypadSpecError", "NullKeypad",
           "open_keypad"]
KINDS = ("caller", "evaluator")
OPTIONS = {"map", "debounce_ms", "keys"}


class KeypadSpecError(SpecError):
    """The keypad spec string is wrong."""


def _keymap(kind: str, spec: DeviceSpec) -> dict[int, str]:
    try:
        if "map" in spec.options:
            return parse_map(spec.options["map"], CALLER_ACTIONS if kind == "caller" else GRADES)
        if kind == "caller":
            return dict(DEFAULT_CALLER_MAP)
        return default_evaluator_map(spec.whole("keys", 5, KeypadSpecError))
    except (KeyMapError, ValueError) as error:
        if isinstance(error, KeypadSpecError):
            raise
        raise KeypadSpecError(f"{error} in {spec.text!r}") from None


def open_keypad(spec: str, kind: str = "caller") -> Keypad:
    if kind not in KINDS:
        raise KeypadSpecError(f"kind must be caller or evaluator, not {kind!r}")
    parsed = parse_spec(spec, "keypad", OPTIONS, KeypadSpecError)
    if parsed.scheme in ("", "none"):
        return NullKeypad()
    debounce_s = parsed.whole("debounce_ms", 300, KeypadSpecError) / 1000
    keymap = _keymap(kind, parsed)
    if parsed.scheme == "fake":
        return FakeKeypad(keymap, kind, debounce_s)
    if parsed.scheme == "evdev":
        path = require_target(parsed, "evdev:PATH", KeypadSpecError)
        if importlib.util.find_spec("evdev") is None:
            raise KeypadSpecError("evdev keypads need python-evdev (Linux only)")
        from hardware.keypad.evdev_keypad import EvdevKeypad

        return EvdevKeypad(path, KeypadDecoder(keymap, debounce_s), kind)
    raise KeypadSpecError(f"unknown keypad spec {parsed.scheme!r}: use evdev:, fake or none")
