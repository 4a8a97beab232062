"""The real keypad: a USB caller or evaluator keypad read through Linux evdev.

Reading, grabbing, releasing and reconnecting are ``hardware.evdev_loop.EvdevLoop``'s, shared
with the card reader: the keypad is grabbed so its keys never reach the desk's browser, released
in ``finally``, and opened again with a growing delay (0.5 s doubling up to 10 s) when it is
missing or unplugged.
"""

import logging
from typing import Callable

from hardware.evdev_loop import RETRY_INITIAL_S, RETRY_MAX_S, EvdevLoop, open_evdev_device
from hardware.keypad.base import Keypad, OnAction
from hardware.keypad.decoder import KeypadDecoder

log = logging.getLogger(__name__)


class EvdevKeypad(Keypad):
    def __init__(self, path: str, decoder: KeypadDecoder, kind: str = "caller",
                 open_device: Callable[[str], object] = open_evdev_device,
                 retry_initial_s: float = RETRY_INITIAL_S, retry_max_s: float = RETRY_MAX_S):
        self.path = path
        self.decoder = decoder
        self.kind = kind
        # A keypad names one node; a missing one fails to open and is retried like an unplug.
        self.loop = EvdevLoop([path], f"{kind} keypad", open_device, resolve=list,
                              retry_initial_s=retry_initial_s, retry_max_s=retry_max_s)

    def start(self, on_action: OnAction) -> None:
        self.loop.start(lambda: self._handle(on_action))

    def stop(self) -> None:
        self.loop.stop()

    def _handle(self, on_action: OnAction) -> Callable[[list], None]:
        def handle(events: list) -> None:
            for event in events:
                action = self.decoder.feed(event)
                if action is None:
                    continue
                try:
                    on_action(action)
                except Exception:  # a failed action must not stop the keypad
                    log.exception("keypad action %s failed", action)
        return handle
