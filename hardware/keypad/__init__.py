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
from urllib.parse import parse_qsl

from hardware.keypad.base import Keypad, NullKeypad
from hardware.keypad.decoder import KeypadDecoder
from hardware.keypad.fake import FakeKeypad
from hardware.keypad.keymap import (CALLER_ACTIONS, DEFAULT_CALLER_MAP, GRADES, KeyMapError,
                                    default_evaluator_map, parse_map)

__all__ = ["FakeKeypad", "Keypad", "KeypadDecoder", "KeypadSpecError", "NullKeypad",
           "open_keypad"]
KINDS = ("caller", "evaluator")


class KeypadSpecError(ValueError):
    """The keypad spec string is wrong."""


def _keymap(kind: str, options: dict, spec: str) -> dict[int, str]:
    try:
        if "map" in options:
            return parse_map(options["map"], CALLER_ACTIONS if kind == "caller" else GRADES)
        if kind == "caller":
            return dict(DEFAULT_CALLER_MAP)
        return default_evaluator_map(int(options.get("keys", 5)))
    except (KeyMapError, ValueError) as error:
        raise KeypadSpecError(f"{error} in {spec!r}") from None


def open_keypad(spec: str, kind: str = "caller") -> Keypad:
    if kind not in KINDS:
        raise KeypadSpecError(f"kind must be caller or evaluator, not {kind!r}")
    head, _, query = spec.strip().partition("?")
    scheme, _, target = head.partition(":")
    scheme = scheme.lower()
    if scheme in ("", "none"):
        return NullKeypad()
    options = dict(parse_qsl(query, keep_blank_values=True))
    unknown = set(options) - {"map", "debounce_ms", "keys"}
    if unknown:
        raise KeypadSpecError(f"unknown keypad option(s) {sorted(unknown)} in {spec!r}")
    try:
        debounce_s = int(options.get("debounce_ms", 300)) / 1000
    except ValueError:
        raise KeypadSpecError(f"debounce_ms must be a whole number in {spec!r}") from None
    keymap = _keymap(kind, options, spec)
    if scheme == "fake":
        return FakeKeypad(keymap, kind, debounce_s)
    if scheme == "evdev":
        if not target:
            raise KeypadSpecError("an evdev keypad spec needs a path: evdev:PATH")
        if importlib.util.find_spec("evdev") is None:
            raise KeypadSpecError("evdev keypads need python-evdev (Linux only)")
        from hardware.keypad.evdev_keypad import EvdevKeypad

        return EvdevKeypad(target, KeypadDecoder(keymap, debounce_s), kind)
    raise KeypadSpecError(f"unknown keypad spec {scheme!r}: use evdev:, fake or none")
