"""Window LED sign drivers: the ``LedSign`` interface, its transports and ``open_led_sign``.

Sign specs (as in the public contract's ``led-agent --sign SPEC``):

* ``serial:DEVICE[:BAUD]`` - an RS-485 adapter (pyserial), 9600 8N1 unless BAUD is given.
* ``udp:HOST:PORT`` - a network controller; each frame is sent as one datagram.
* ``file:PATH`` - frames appended to PATH as raw bytes (for tests and capture).
* ``console`` - prints what the sign would show, one readable line per change (demo).
* ``fake`` - a :class:`~hardware.led.fake.FakeLedSign` that records what it was told.

Framed transports speak the protocol of :mod:`hardware.led.frames`. Every sign takes the same
options: ``address`` (the sign's bus address, usually the window number), ``max_width`` (sign
width in half-width cells; a Chinese character takes two; default 16 = 8 Chinese characters, a
128x16 strip) and ``overflow`` (``"scroll"`` sends wider text whole with the scroll mode,
``"truncate"`` cuts it to the width). Text GB2312 cannot encode is shown as "?".
"""

from __future__ import annotations

import socket
import sys
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Mapping, TextIO

from hardware.led import frames
from hardware.spec import SpecError, device_baud, host_port, parse_spec, require_target

DEFAULT_BAUD = 9600
DEFAULT_WIDTH = 16


class LedSignError(Exception):
    """The sign could not be opened or written to (port missing, network down, ...)."""


class InvalidSignSpec(SpecError):
    """A sign spec string that names no known transport or is malformed."""


class LedSign(ABC):
    """One window's LED sign: shows one line of text."""

    @abstractmethod
    def show(self, text: str) -> None:
        """Show ``text`` (replacing what is shown)."""

    @abstractmethod
    def clear(self) -> None:
        """Blank the sign."""

    @abstractmethod
    def set_brightness(self, level: int) -> None:
        """Set the brightness, 1 (dim) to 15 (brightest)."""

    def close(self) -> None:
        """Release the port or socket; the sign keeps showing its last text."""

    def __enter__(self) -> "LedSign":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class FramedLedSign(LedSign):
    """A sign driven with :mod:`~hardware.led.frames` frames; subclasses move the bytes."""

    def __init__(self, address: int = 1, max_width: int = DEFAULT_WIDTH,
                 overflow: str = frames.OVERFLOW_SCROLL,
                 escapes: Mapping[int, bytes] = frames.DEFAULT_ESCAPES):
        frames.fit_text("", max_width, overflow)  # validates both options early
        frames.build_frame(address, frames.COMMAND_CLEAR)  # validates the address
        self.address = address
        self.max_width = max_width
        self.overflow = overflow
        self.escapes = escapes

    def show(self, text: str) -> None:
        self._send(frames.show_text_frame(self.address, text, self.max_width,
                                          self.overflow, self.escapes))

    def clear(self) -> None:
        self._send(frames.clear_frame(self.address, self.escapes))

    def set_brightness(self, level: int) -> None:
        self._send(frames.brightness_frame(self.address, level, self.escapes))

    @abstractmethod
    def _send(self, frame: bytes) -> None:
        """Deliver one complete frame."""


class SerialLedSign(FramedLedSign):
    """A sign on a serial (RS-485) line, 8N1."""

    def __init__(self, device: str, baudrate: int = DEFAULT_BAUD, **options):
        super().__init__(**options)
        try:
            import serial
        except ImportError as exc:  # optional dependency
            raise LedSignError("serial signs need pyserial (pip install pyserial)") from exc
        self._serial_error = serial.SerialException
        try:
            self._port = serial.Serial(device, baudrate, bytesize=serial.EIGHTBITS,
                                       parity=serial.PARITY_NONE,
                                       stopbits=serial.STOPBITS_ONE, timeout=1,
                                       write_timeout=2)
        except (serial.SerialException, OSError) as exc:
            raise LedSignError(f"cannot open serial port {device}: {exc}") from exc

    def _send(self, frame: bytes) -> None:
        try:
            self._port.write(frame)
            self._port.flush()
        except (self._serial_error, OSError) as exc:
            raise LedSignError(f"serial write failed: {exc}") from exc

    def close(self) -> None:
        self._port.close()


class UdpLedSign(FramedLedSign):
    """A network controller that takes one frame per UDP datagram."""

    def __init__(self, host: str, port: int, **options):
        super().__init__(**options)
        try:
            family, _, _, _, address = socket.getaddrinfo(
                host, port, type=socket.SOCK_DGRAM)[0]
        except socket.gaierror as exc:
            raise LedSignError(f"cannot resolve {host}: {exc}") from exc
        self._target = address
        self._socket = socket.socket(family, socket.SOCK_DGRAM)

    def _send(self, frame: bytes) -> None:
        try:
            self._socket.sendto(frame, self._target)
        except OSError as exc:
            raise LedSignError(f"UDP send to {self._target} failed: {exc}") from exc

    def close(self) -> None:
        self._socket.close()


class FileLedSign(FramedLedSign):
    """Appends each frame to a file as raw bytes (opened per frame, so it survives rotation)."""

    def __init__(self, path: str | Path, **options):
        super().__init__(**options)
        self.path = Path(path)

    def _send(self, frame: bytes) -> None:
        try:
            with self.path.open("ab") as out:
                out.write(frame)
        except OSError as exc:
            raise LedSignError(f"cannot append to {self.path}: {exc}") from exc


class ConsoleLedSign(LedSign):
    """Prints what the sign would show, e.g. ``[LED 3] A001``, for demos."""

    def __init__(self, address: int = 1, max_width: int = DEFAULT_WIDTH,
                 overflow: str = frames.OVERFLOW_SCROLL, stream: TextIO | None = None):
        frames.fit_text("", max_width, overflow)  # same option checks as a real sign
        frames.build_frame(address, frames.COMMAND_CLEAR)
        self.address = address
        self.max_width = max_width
        self.overflow = overflow
        self._stream = stream

    def show(self, text: str) -> None:
        shown, mode = frames.fit_text(text, self.max_width, self.overflow)
        self._print(shown + (" (scrolling)" if mode == frames.MODE_SCROLL_LEFT else ""))

    def clear(self) -> None:
        self._print("(blank)")

    def set_brightness(self, level: int) -> None:
        frames.brightness_frame(self.address, level)  # same validation as a real sign
        self._print(f"(brightness {level}/{frames.MAX_BRIGHTNESS})")

    def _print(self, line: str) -> None:
        stream = self._stream or sys.stdout
        print(f"[LED {self.address}] {line}", file=stream, flush=True)


def open_led_sign(spec: str, **options) -> LedSign:
    """Open the sign named by ``spec`` (see the module docstring) with the common options."""
    parsed = parse_spec(spec, "LED sign", (), InvalidSignSpec)
    if parsed.scheme == "serial":
        device, baud = device_baud(require_target(parsed, "serial:DEVICE[:BAUD]", InvalidSignSpec),
                                   DEFAULT_BAUD, parsed.text, InvalidSignSpec)
        return SerialLedSign(device, baud, **options)
    if parsed.scheme == "udp":
        target = require_target(parsed, "udp:HOST:PORT", InvalidSignSpec)
        host, port = host_port(target, None, parsed.text, InvalidSignSpec)
        return UdpLedSign(host, port, **options)
    if parsed.scheme == "file":
        return FileLedSign(require_target(parsed, "file:PATH", InvalidSignSpec), **options)
    if parsed.scheme == "console" and not parsed.target:
        return ConsoleLedSign(**options)
    if parsed.scheme == "fake" and not parsed.target:
        from hardware.led.fake import FakeLedSign
        return FakeLedSign(**options)
    raise InvalidSignSpec(
        f"unknown LED sign spec {spec!r}; use serial:DEVICE[:BAUD], udp:HOST:PORT, "
        "file:PATH, console or fake")
