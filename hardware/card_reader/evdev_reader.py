"""The real card reader: a keyboard-emulating (HID) reader read through Linux evdev.

Reading, grabbing, releasing and reconnecting are ``hardware.evdev_loop.EvdevLoop``'s, shared
with the keypads. Several nodes can be read at once (some readers expose two; the spec may list
several paths or a ``/dev/input/by-id`` glob), each with its own decoder and one shared
deduplicator.
"""

from typing import Callable, Sequence

from hardware.card_reader.base import CardReader, OnRead, ReadSink
from hardware.card_reader.decoder import KeystrokeDecoder
from hardware.card_reader.normalize import ReadDeduplicator, TenDigits
from hardware.evdev_loop import (RETRY_INITIAL_S, RETRY_MAX_S, EvdevLoop, open_evdev_device,
                                 resolve_paths)

__all__ = ["EvdevCardReader", "open_evdev_device", "resolve_paths"]


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
        self.dedupe = dedupe if dedupe is not None else ReadDeduplicator()
        self.ten_digits = ten_digits
        self.decoder_factory = decoder_factory
        self.loop = EvdevLoop(paths, "card reader", open_device,
                              retry_initial_s=retry_initial_s, retry_max_s=retry_max_s)

    @property
    def paths(self) -> list[str]:
        return self.loop.paths

    def start(self, on_read: OnRead) -> None:
        self.loop.start(self._handlers(on_read))

    def stop(self, timeout: float = 5.0) -> None:
        self.loop.stop(timeout)

    def close(self) -> None:
        """Stop and free the loop's wake-up pipe; the reader cannot be started again."""
        self.loop.close()

    def run(self, on_read: OnRead) -> None:
        """Read until ``stop()`` (in the calling thread)."""
        self.loop.run(self._handlers(on_read))

    def _handlers(self, on_read: OnRead) -> Callable:
        sink = ReadSink(on_read, self.dedupe, self.ten_digits)

        def make_handler():
            decoder = self.decoder_factory()

            def handle(events: list) -> None:
                for text in decoder.feed_all(events):
                    sink.accept_text(text)
            return handle
        return make_handler
