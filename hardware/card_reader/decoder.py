"""Turn the keystrokes of a keyboard-emulating (HID) card reader into completed reads.

Pure: it consumes ``evdev.InputEvent``-like objects (``type``, ``code``, ``value``, ``sec``,
``usec``) and returns the text typed before each Enter. It tracks Shift (left and right), Caps
Lock, main-row and keypad digits, and decodes the ``\\uXXXX`` escapes some ID readers type for
the holder's name.

Choices:

- Key repeat (value 2) is ignored. Card readers type each character with one press and release
  and never rely on autorepeat; a repeat event only appears when a slow reader holds a key past
  the kernel's repeat delay, and counting it would type a character twice.
- A read whose text is longer than ``max_chars`` (after decoding escapes) is garbage (a stuck
  key, a keyboard plugged in by mistake) and is discarded whole. The raw buffer is capped too,
  so holding a key down cannot grow memory.
- A half-typed read abandoned for longer than ``idle_reset_s`` (measured with the events' own
  timestamps) is dropped, so it cannot prefix the next card's number.

Nothing here logs: the text is personal data.
"""

import re
from typing import Iterable, Iterator, NamedTuple

from hardware.card_reader.keymap import (EV_KEY, KEY_CAPSLOCK, KEY_DOWN, KEY_UP, ENTER_KEYS,
                                          SHIFT_KEYS, char_for)

DEFAULT_MAX_CHARS = 64
DEFAULT_IDLE_RESET_S = 1.0
ESCAPE_CHARS = 6  # "\uXXXX" is six keystrokes for one character
_NAME_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})")


class KeyEvent(NamedTuple):
    """The fields of ``evdev.InputEvent`` the decoder uses, for the fake reader."""

    sec: int
    usec: int
    type: int
    code: int
    value: int


def decode_name_escapes(text: str) -> str:
    """Replace ``\\uXXXX`` escapes with their characters, joining UTF-16 surrogate pairs
    (names with rare characters outside the Basic Multilingual Plane)."""
    if "\\u" not in text:
        return text
    replaced = _NAME_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)
    return replaced.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class KeystrokeDecoder:
    """Feeds on key events; ``feed`` returns the text of a read when Enter completes it."""

    def __init__(self, max_chars: int = DEFAULT_MAX_CHARS,
                 idle_reset_s: float | None = DEFAULT_IDLE_RESET_S) -> None:
        self.max_chars = max_chars
        self.idle_reset_s = idle_reset_s
        self._buffer: list[str] = []
        self._overflow = False
        self._shift_down: set[int] = set()
        self._caps_lock = False
        self._last_key_time: float | None = None

    def reset(self) -> None:
        """Forget a half-typed read (modifier and Caps Lock state are kept)."""
        self._buffer.clear()
        self._overflow = False

    def feed(self, event) -> str | None:
        """Take one event; return the completed read's text, if this event completed one."""
        if event.type != EV_KEY:
            return None
        self._drop_stale_read(event)
        code, value = event.code, event.value
        if code in SHIFT_KEYS:
            if value == KEY_DOWN:
                self._shift_down.add(code)
            elif value == KEY_UP:
                self._shift_down.discard(code)
            return None
        if value != KEY_DOWN:
            return None  # key up, or autorepeat (see the module docstring)
        if code == KEY_CAPSLOCK:
            self._caps_lock = not self._caps_lock
        elif code in ENTER_KEYS:
            return self._complete()
        else:
            self._type(char_for(code, bool(self._shift_down), self._caps_lock))
        return None

    def feed_all(self, events: Iterable) -> Iterator[str]:
        """The reads completed by ``events``, in order."""
        for event in events:
            text = self.feed(event)
            if text is not None:
                yield text

    def _type(self, char: str | None) -> None:
        if char is None or self._overflow:
            return
        if len(self._buffer) >= self.max_chars * ESCAPE_CHARS:
            self._buffer.clear()
            self._overflow = True
            return
        self._buffer.append(char)

    def _complete(self) -> str | None:
        raw = "".join(self._buffer)
        overflow = self._overflow
        self.reset()
        if overflow:
            return None
        text = decode_name_escapes(raw).strip()
        if not text or len(text) > self.max_chars:
            return None
        return text

    def _drop_stale_read(self, event) -> None:
        now = getattr(event, "sec", 0) + getattr(event, "usec", 0) / 1_000_000
        last, self._last_key_time = self._last_key_time, now
        if self.idle_reset_s is not None and last is not None \
                and now - last > self.idle_reset_s:
            self.reset()
