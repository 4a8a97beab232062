"""The real card reader: a keyboard-emulating (HID) reader read through Linux evdev.

The reader's event nodes are opened and grabbed (``EVIOCGRAB``) so its keystrokes never reach
the kiosk's touch page or any other program; they are released in ``finally`` whatever happens.
Several nodes can be read at once (some readers expose two; the spec may list several paths or
a ``/dev/input/by-id`` glob), each with its own decoder and one shared deduplicator. When the
reader is unplugged (``ENODEV``) or cannot be opened, it is looked for again with a growing
delay until it is back or ``stop()`` is called.

Reading: this is ``InputDevice.read_loop()`` (``select`` on the device, then ``read()``) with a
wake-up pipe added to the ``select``: ``read_loop()`` itself blocks until the next key and
cannot be interrupted from another thread, so ``stop()`` could not release the grab.
"""

import errno
import glob
import logging
import os
import select
import threading
from typing import Callable, Sequence

from hardware.card_reader.base import CardReader, OnRead, ReadSink
from hardware.card_reader.decoder import KeystrokeDecoder
from hardware.card_reader.normalize import ReadDeduplicator, TenDigits

log = logging.getLogger(__name__)

RETRY_INITIAL_S = 0.5
RETRY_MAX_S = 10.0
_GLOB_CHARS = frozenset("*?[")


def open_evdev_device(path: str):
    """``evdev.InputDevice(path)``; python-evdev is imported only here."""
    import evdev

    return evdev.InputDevice(path)


def resolve_paths(patterns: Sequence[str]) -> list[str]:
    """The existing event nodes named by ``patterns`` (paths or globs), each node once even
    when a by-id and a by-path link both point at it."""
    found: dict[str, str] = {}
    for pattern in patterns:
        if _GLOB_CHARS & set(pattern):
            candidates = sorted(glob.glob(pattern))
        else:
            candidates = [pattern] if os.path.exists(pattern) else []
        for path in candidates:
            found.setdefault(os.path.realpath(path), path)
    return list(found.values())


def _errno_name(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno or 0, type(exc).__name__)


class EvdevCardReader(CardReader):
    """Reads, decodes and delivers card reads from evdev nodes until stopped."""

    def __init__(self, paths: Sequence[str], dedupe: ReadDeduplicator | None = None,
                 ten_digits: TenDigits = "decimal",
                 open_device: Callable[[str], object] = open_evdev_device,
                 decoder_factory: Callable[[], KeystrokeDecoder] = KeystrokeDecoder,
                 retry_initial_s: float = RETRY_INITIAL_S,
                 retry_max_s: float = RETRY_MAX_S) -> None:
        if not paths:
            raise ValueError("an evdev card reader needs at least one device path")
        self.paths = list(paths)
        self.dedupe = dedupe if dedupe is not None else ReadDeduplicator()
        self.ten_digits = ten_digits
        self.open_device = open_device
        self.decoder_factory = decoder_factory
        self.retry_initial_s = retry_initial_s
        self.retry_max_s = retry_max_s
        self._stopping = threading.Event()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        self._thread: threading.Thread | None = None
        self._reported_missing = False

    def start(self, on_read: OnRead) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run_logged, args=(on_read,),
                                        name="card-reader", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        os.write(self._wake_write, b"x")
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def close(self) -> None:
        """Stop and free the wake-up pipe; the reader cannot be started again."""
        self.stop()
        os.close(self._wake_read)
        os.close(self._wake_write)

    def _run_logged(self, on_read: OnRead) -> None:
        try:
            self.run(on_read)
        except Exception as exc:
            log.error("card reader stopped by %s", type(exc).__name__)

    def run(self, on_read: OnRead) -> None:
        """Read until ``stop()``: open, grab, read, release, and again after an unplug."""
        sink = ReadSink(on_read, self.dedupe, self.ten_digits)
        delay = self.retry_initial_s
        while not self._stopping.is_set():
            devices = self._open_all()
            if devices:
                try:
                    if self._pump(devices, sink):
                        delay = self.retry_initial_s
                finally:
                    self._release(devices)
            if self._stopping.wait(delay):
                break
            delay = min(delay * 2, self.retry_max_s)

    def _open_all(self) -> list:
        """Open and grab every node, or none of them (logged; the caller retries)."""
        paths = resolve_paths(self.paths)
        if not paths:
            if not self._reported_missing:
                log.warning("card reader %s not present; waiting for it", ",".join(self.paths))
            self._reported_missing = True
            return []
        self._reported_missing = False
        devices = []
        try:
            for path in paths:
                device = self.open_device(path)
                devices.append(device)
                device.grab()
        except OSError as exc:
            log.warning("card reader %s cannot be opened: %s", path, _errno_name(exc))
            self._release(devices)
            return []
        log.info("card reader grabbed: %s", ", ".join(paths))
        return devices

    def _release(self, devices: list) -> None:
        """Ungrab and close; a node already gone raises, and that is fine."""
        for device in devices:
            for action in (device.ungrab, device.close):
                try:
                    action()
                except OSError:
                    pass

    def _pump(self, devices: list, sink: ReadSink) -> bool:
        """Deliver reads until stopped or a node fails; True if any event arrived."""
        decoders = {device.fileno(): (device, self.decoder_factory()) for device in devices}
        received = False
        while not self._stopping.is_set():
            ready, _, _ = select.select([*decoders, self._wake_read], [], [])
            self._drain_wake_pipe()
            for fd in ready:
                if fd == self._wake_read:
                    continue
                device, decoder = decoders[fd]
                try:
                    events = list(device.read())
                except BlockingIOError:
                    continue
                except OSError as exc:
                    log.warning("card reader %s lost: %s", getattr(device, "path", fd),
                                _errno_name(exc))
                    return received
                received = received or bool(events)
                for text in decoder.feed_all(events):
                    sink.accept_text(text)
        return received

    def _drain_wake_pipe(self) -> None:
        try:
            while os.read(self._wake_read, 64):
                pass
        except BlockingIOError:
            pass
