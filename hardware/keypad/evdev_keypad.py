"""The real keypad: a USB caller or evaluator keypad read through Linux evdev.

The device is grabbed (``EVIOCGRAB``) so its keys never reach the desk's browser, and released
in ``finally``. Reading is ``read_loop()``'s ``select`` + ``read()`` with a wake-up pipe in the
``select``, so ``stop()`` returns promptly and the grab is always released. An unplugged or
missing keypad is opened again with a growing delay (0.5 s doubling up to 10 s).
"""

import logging
import os
import select
import threading
from typing import Callable

from hardware.keypad.base import Keypad, OnAction
from hardware.keypad.decoder import KeypadDecoder

log = logging.getLogger(__name__)
RETRY_INITIAL_S, RETRY_MAX_S = 0.5, 10.0


def open_evdev_device(path: str):
    import evdev  # python-evdev only here: the package imports without it

    return evdev.InputDevice(path)


class EvdevKeypad(Keypad):
    def __init__(self, path: str, decoder: KeypadDecoder, kind: str = "caller",
                 open_device: Callable[[str], object] = open_evdev_device,
                 retry_initial_s: float = RETRY_INITIAL_S, retry_max_s: float = RETRY_MAX_S):
        self.path = path
        self.decoder = decoder
        self.kind = kind
        self.open_device = open_device
        self.retry_initial_s, self.retry_max_s = retry_initial_s, retry_max_s
        self._stopping = threading.Event()
        self._wake_read, self._wake_write = os.pipe()
        self._thread: threading.Thread | None = None

    def start(self, on_action: OnAction) -> None:
        self._thread = threading.Thread(target=self._run, args=(on_action,), daemon=True,
                                        name=f"keypad-{self.kind}")
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        os.write(self._wake_write, b"x")
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self, on_action: OnAction) -> None:
        delay = self.retry_initial_s
        while not self._stopping.is_set():
            try:
                device = self.open_device(self.path)
            except OSError as error:
                log.warning("keypad %s cannot be opened (%s); retrying in %.1f s",
                            self.path, error, delay)
                self._stopping.wait(delay)
                delay = min(delay * 2, self.retry_max_s)
                continue
            delay = self.retry_initial_s
            try:
                self._read(device, on_action)
            except OSError as error:  # unplugged: ENODEV
                log.warning("keypad %s lost (%s)", self.path, error)
            finally:
                _release(device)

    def _read(self, device, on_action: OnAction) -> None:
        device.grab()
        log.info("keypad %s (%s) grabbed", self.path, self.kind)
        while not self._stopping.is_set():
            ready, _, _ = select.select([device.fd, self._wake_read], [], [])
            if self._wake_read in ready:
                return
            for event in device.read():
                action = self.decoder.feed(event)
                if action is not None:
                    try:
                        on_action(action)
                    except Exception:  # a failed action must not stop the keypad
                        log.exception("keypad action %s failed", action)


def _release(device) -> None:
    for step in ("ungrab", "close"):
        try:
            getattr(device, step)()
        except (OSError, AttributeError):
            pass
