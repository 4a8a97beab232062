"""The one evdev read loop, for every input device a kiosk or window PC reads (the card reader
and the caller and evaluator keypads).

``EvdevLoop`` opens and grabs (``EVIOCGRAB``) every event node it is given, so their keystrokes
never reach the browser or any other program, hands each batch of ``InputEvent``s to a handler,
and ungrabs and closes the nodes in ``finally`` whatever happens. A node that is missing, busy
or unplugged (``ENODEV``) is looked for again with a growing delay (``retry_initial_s`` doubling
up to ``retry_max_s``; back to the start once events flowed) until ``stop()``.

Reading is ``InputDevice.read_loop()`` (``select`` on the nodes, then ``read()``) with a wake-up
pipe added to the ``select``: ``read_loop()`` itself blocks until the next key and cannot be
interrupted from another thread, so ``stop()`` could not release the grab.

The handler is made per node and per connection (``make_handler()``), so a decoder's half-typed
state never survives an unplug. An exception from a handler or a device other than ``OSError``
ends ``run()`` (after the release); ``start()``'s thread logs it. python-evdev is imported only
in ``open_evdev_device``: tests pass objects with ``fileno``, ``grab``, ``ungrab``, ``read`` and
``close``.
"""

import errno
import glob
import logging
import os
import select
import threading
from typing import Callable, Iterable, Sequence

log = logging.getLogger(__name__)

RETRY_INITIAL_S = 0.5
RETRY_MAX_S = 10.0
_GLOB_CHARS = frozenset("*?[")

Handler = Callable[[list], None]


def open_evdev_device(path: str):
    """``evdev.InputDevice(path)``."""
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


def errno_name(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno or 0, type(exc).__name__)


class EvdevLoop:
    """Grab, read, release and reconnect a set of event nodes until stopped."""

    def __init__(self, paths: Sequence[str], name: str,
                 open_device: Callable[[str], object] = open_evdev_device,
                 resolve: Callable[[Sequence[str]], Iterable[str]] = resolve_paths,
                 retry_initial_s: float = RETRY_INITIAL_S,
                 retry_max_s: float = RETRY_MAX_S) -> None:
        if not paths:
            raise ValueError(f"an evdev {name} needs at least one device path")
        self.paths = list(paths)
        self.name = name
        self.open_device = open_device
        self.resolve = resolve
        self.retry_initial_s = retry_initial_s
        self.retry_max_s = retry_max_s
        self._stopping = threading.Event()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        self._thread: threading.Thread | None = None
        self._reported_missing = False

    def start(self, make_handler: Callable[[], Handler]) -> None:
        """``run`` in a daemon thread."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run_logged, args=(make_handler,),
                                        name=self.name.replace(" ", "-"), daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop reading and release the grab (waits for the thread up to ``timeout``)."""
        self._stopping.set()
        os.write(self._wake_write, b"x")
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def close(self) -> None:
        """Stop and free the wake-up pipe; the loop cannot be started again."""
        self.stop()
        os.close(self._wake_read)
        os.close(self._wake_write)

    def _run_logged(self, make_handler: Callable[[], Handler]) -> None:
        try:
            self.run(make_handler)
        except Exception as exc:
            log.error("%s stopped by %s", self.name, type(exc).__name__)

    def run(self, make_handler: Callable[[], Handler]) -> None:
        """Read until ``stop()``: open, grab, read, release, and again after an unplug."""
        delay = self.retry_initial_s
        while not self._stopping.is_set():
            devices = self._open_all()
            if devices:
                try:
                    if self._pump(devices, make_handler):
                        delay = self.retry_initial_s
                finally:
                    self._release(devices)
            if self._stopping.wait(delay):
                break
            delay = min(delay * 2, self.retry_max_s)

    def _open_all(self) -> list:
        """Open and grab every node, or none of them (logged; the caller retries)."""
        paths = list(self.resolve(self.paths))
        if not paths:
            if not self._reported_missing:
                log.warning("%s %s not present; waiting for it", self.name, ",".join(self.paths))
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
            log.warning("%s %s cannot be opened: %s", self.name, path, errno_name(exc))
            self._release(devices)
            return []
        log.info("%s grabbed: %s", self.name, ", ".join(paths))
        return devices

    @staticmethod
    def _release(devices: list) -> None:
        """Ungrab and close; a node already gone raises, and that is fine."""
        for device in devices:
            for action in (device.ungrab, device.close):
                try:
                    action()
                except OSError:
                    pass

    def _pump(self, devices: list, make_handler: Callable[[], Handler]) -> bool:
        """Hand over events until stopped or a node fails; True if any event arrived."""
        handlers = {device.fileno(): (device, make_handler()) for device in devices}
        received = False
        while not self._stopping.is_set():
            ready, _, _ = select.select([*handlers, self._wake_read], [], [])
            self._drain_wake_pipe()
            for fd in ready:
                if fd == self._wake_read:
                    continue
                device, handler = handlers[fd]
                try:
                    events = list(device.read())
                except BlockingIOError:
                    continue
                except OSError as exc:
                    log.warning("%s %s lost: %s", self.name, getattr(device, "path", fd),
                                errno_name(exc))
                    return received
                received = received or bool(events)
                handler(events)
        return received

    def _drain_wake_pipe(self) -> None:
        try:
            while os.read(self._wake_read, 64):
                pass
        except BlockingIOError:
            pass
