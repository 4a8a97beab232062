"""The card reader interface and the path every read takes after the keystroke decoder.

``ReadSink``: text → ``normalize_read`` → ``ReadDeduplicator`` → the caller's callback. The real
reader and the fake one both end here, so the demo exercises the same code as the kiosk. Log
lines carry only the masked repr of a read, never its value.
"""

import logging
from abc import ABC, abstractmethod
from typing import Callable

from hardware.card_reader.normalize import (CardRead, ReadDeduplicator, TenDigits,
                                            normalize_read)

log = logging.getLogger(__name__)

OnRead = Callable[[CardRead], None]


class CardReader(ABC):
    """A device that reads ID or RFID cards and reports each read once."""

    @abstractmethod
    def start(self, on_read: OnRead) -> None:
        """Begin reading in the background; ``on_read`` is called with each new read, from
        the reader's own thread."""

    @abstractmethod
    def stop(self) -> None:
        """Stop reading and release the device."""


class NullCardReader(CardReader):
    """No card reader at this kiosk (spec ``none``)."""

    def start(self, on_read: OnRead) -> None:
        pass

    def stop(self) -> None:
        pass


class ReadSink:
    """Normalises, deduplicates and delivers decoded reads."""

    def __init__(self, on_read: OnRead, dedupe: ReadDeduplicator | None = None,
                 ten_digits: TenDigits = "decimal") -> None:
        self.on_read = on_read
        self.dedupe = dedupe if dedupe is not None else ReadDeduplicator()
        self.ten_digits = ten_digits

    def accept_text(self, text: str) -> CardRead | None:
        """Deliver the read in ``text``; returns it, or None if unrecognised or repeated."""
        read = normalize_read(text, self.ten_digits)
        if read is None:
            log.info("unrecognised card read of %d characters ignored", len(text))
            return None
        if not self.dedupe.accept(read):
            log.debug("repeated card read ignored: %r", read)
            return None
        log.info("card read: %r", read)
        try:
            self.on_read(read)
        except Exception as exc:  # a failing consumer must not stop the reader
            log.error("card read callback failed: %s", type(exc).__name__)
        return read
