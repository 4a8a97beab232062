"""A fake keypad for the demo and tests: ``press("call_next")`` or ``press_key(79)``.

``press_key`` goes through the same decoder as the real keypad (key map, debounce), with the
current time as the event time.
"""

import time
from dataclasses import dataclass

from hardware.keypad.base import Keypad, OnAction
from hardware.keypad.decoder import EV_KEY, KEY_DOWN, KeypadDecoder


@dataclass(frozen=True)
class _Event:
    sec: int
    usec: int
    type: int
    code: int
    value: int


class FakeKeypad(Keypad):
    def __init__(self, keymap: dict[int, str], kind: str = "caller", debounce_s: float = 0.3):
        self.kind = kind
        self.decoder = KeypadDecoder(keymap, debounce_s)
        self.actions = set(keymap.values())
        self._on_action: OnAction | None = None

    def start(self, on_action: OnAction) -> None:
        self._on_action = on_action

    def stop(self) -> None:
        self._on_action = None

    def press(self, action: str) -> None:
        """Deliver ``action`` as if its key was pressed (no debounce)."""
        if action not in self.actions:
            raise ValueError(f"this keypad has no {action!r} key")
        if self._on_action is not None:
            self._on_action(action)

    def press_key(self, code: int) -> str | None:
        now = time.time()
        action = self.decoder.feed(_Event(int(now), int(now % 1 * 1_000_000), EV_KEY, code,
                                          KEY_DOWN))
        if action is not None and self._on_action is not None:
            self._on_action(action)
        return action
