"""A fake LED sign that records what it was told, for tests and development."""

from __future__ import annotations

from hardware.led import frames
from hardware.led.drivers import DEFAULT_WIDTH, LedSign


class FakeLedSign(LedSign):
    """Behaves like a real sign (same text fitting and validation) but only remembers.

    ``shown`` lists every text passed to :meth:`show`; ``current`` is what the sign displays now
    (fitted and sanitized as a real sign would, ``None`` when blank); ``frames`` holds the bytes
    a framed sign would have sent, so tests can decode them with :mod:`hardware.led.frames`.
    """

    def __init__(self, address: int = 1, max_width: int = DEFAULT_WIDTH,
                 overflow: str = frames.OVERFLOW_SCROLL):
        frames.fit_text("", max_width, overflow)
        self.address = address
        self.max_width = max_width
        self.overflow = overflow
        self.shown: list[str] = []
        self.current: str | None = None
        self.brightness: int | None = None
        self.frames: list[bytes] = []
        self.closed = False

    def show(self, text: str) -> None:
        self._check_open()
        self.frames.append(frames.show_text_frame(self.address, text, self.max_width,
                                                  self.overflow))
        self.shown.append(text)
        self.current = frames.fit_text(text, self.max_width, self.overflow)[0]

    def clear(self) -> None:
        self._check_open()
        self.frames.append(frames.clear_frame(self.address))
        self.current = None

    def set_brightness(self, level: int) -> None:
        self._check_open()
        self.frames.append(frames.brightness_frame(self.address, level))
        self.brightness = level

    def close(self) -> None:
        self.closed = True

    def _check_open(self) -> None:
        if self.closed:
            raise RuntimeError("the fake LED sign was closed")
