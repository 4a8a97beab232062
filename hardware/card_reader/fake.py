"""A fake keyboard-emulating card reader for the demo and tests.

``swipe(text)`` types ``text`` the way a real reader does (key down/up events, Shift for
capitals such as the ``X`` check character, Chinese characters as ``\\uXXXX`` escapes, Enter)
and feeds those events through the real decoder, normaliser and deduplicator.

For a reader living in another process (the kiosk agent), a swipe can also be requested by
writing the text to a file ``*.swipe`` in a spool directory (spec ``fake:DIR``); the file is
read and deleted.
"""

import logging
import os
import threading
from pathlib import Path

from hardware.card_reader.base import CardReader, OnRead, ReadSink
from hardware.card_reader.decoder import KeyEvent, KeystrokeDecoder
from hardware.card_reader.keymap import (EV_KEY, EV_SYN, KEY_DOWN, KEY_ENTER, KEY_LEFTSHIFT,
                                          KEY_UP, keys_for)
from hardware.card_reader.normalize import CardRead, ReadDeduplicator, TenDigits

log = logging.getLogger(__name__)

SPOOL_SUFFIX = ".swipe"
SPOOL_POLL_S = 0.2
KEY_INTERVAL_US = 2_000  # readers type a key every few milliseconds


def typed_form(text: str) -> str:
    """``text`` as an ID reader types it: non-ASCII characters become ``\\uXXXX`` escapes
    (UTF-16 code units, so characters outside the BMP become surrogate pairs)."""
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
            continue
        units = char.encode("utf-16-be")
        out.extend(f"\\u{units[i:i + 2].hex().upper()}" for i in range(0, len(units), 2))
    return "".join(out)


def key_events(text: str, start_sec: int = 0, enter: bool = True) -> list[KeyEvent]:
    """The key events a HID reader sends to type ``text`` (then Enter)."""
    events: list[KeyEvent] = []
    micros = start_sec * 1_000_000

    def emit(code: int, value: int) -> None:
        nonlocal micros
        micros += KEY_INTERVAL_US
        sec, usec = divmod(micros, 1_000_000)
        events.append(KeyEvent(sec, usec, EV_KEY, code, value))
        events.append(KeyEvent(sec, usec, EV_SYN, 0, 0))

    for char in typed_form(text):
        keys = keys_for(char)
        if keys is None:
            raise ValueError(f"no key types {char!r}")
        code, shift = keys
        if shift:
            emit(KEY_LEFTSHIFT, KEY_DOWN)
        emit(code, KEY_DOWN)
        emit(code, KEY_UP)
        if shift:
            emit(KEY_LEFTSHIFT, KEY_UP)
    if enter:
        emit(KEY_ENTER, KEY_DOWN)
        emit(KEY_ENTER, KEY_UP)
    return events


class FakeCardReader(CardReader):
    """Delivers the reads it is told to ``swipe``, through the real decoding path."""

    def __init__(self, spool_dir: str | os.PathLike | None = None,
                 dedupe: ReadDeduplicator | None = None,
                 ten_digits: TenDigits = "decimal") -> None:
        self.spool_dir = Path(spool_dir) if spool_dir else None
        self.dedupe = dedupe if dedupe is not None else ReadDeduplicator()
        self.ten_digits = ten_digits
        self._decoder = KeystrokeDecoder()
        self._sink: ReadSink | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    def start(self, on_read: OnRead) -> None:
        self._sink = ReadSink(on_read, self.dedupe, self.ten_digits)
        self._stopping.clear()
        if self.spool_dir is not None:
            self.spool_dir.mkdir(parents=True, exist_ok=True)
            threading.Thread(target=self._watch_spool, name="fake-card-reader",
                             daemon=True).start()

    def stop(self) -> None:
        self._stopping.set()
        self._sink = None

    def swipe(self, text: str) -> CardRead | None:
        """Type ``text`` as a reader would; returns the read delivered (None if it was not
        recognised or repeated a read inside the dedupe window)."""
        if self._sink is None:
            raise RuntimeError("the fake card reader is not started")
        delivered = None
        with self._lock:
            for typed in self._decoder.feed_all(key_events(text)):
                delivered = self._sink.accept_text(typed)
        return delivered

    def _watch_spool(self) -> None:
        while not self._stopping.wait(SPOOL_POLL_S):
            for path in sorted(self.spool_dir.glob("*" + SPOOL_SUFFIX)):
                try:
                    text = path.read_text(encoding="utf-8").strip()
                    path.unlink()
                    self.swipe(text)
                except (OSError, ValueError, RuntimeError) as exc:
                    log.warning("fake swipe %s failed: %s", path.name, type(exc).__name__)
