"""Byte frames for window LED sign controllers of the "A5 ... 5A" family (pure, no I/O).

Chinese window signs (one-line LED strips over each window, RS-485 at 9600 8N1 or a network
controller) commonly speak a framed binary protocol: a start byte 0xA5, an end byte 0x5A, the
bytes in between escaped so that neither marker can appear inside, a per-sign address, a
command, a little-endian length, the payload and a CRC16. The framing below (markers, escape
table, length and CRC placement, CRC computed over the *unescaped* bytes) follows the documented
family used by Onbon/BX-style controllers and the widely copied "LED屏通讯协议" (帧头 0xA5,
帧尾 0x5A, 0xA5→0xA6 0x02, 0xA6→0xA6 0x01, 0x5A→0x5B 0x02, 0x5B→0x5B 0x01, 长度低位在前,
CRC16 over the data before escaping). Those controllers differ in command codes and payloads;
the command codes and text payload below are this project's, for controllers with a built-in
GB2312 font. Adjust the ``COMMAND_*``/``MODE_*`` constants (and the escape table) to a
controller's manual.

Frame layout (before escaping)::

    offset  size  field
    0       1     0xA5                     start marker (never escaped)
    1       1     address                  0x01-0xFE = one sign (usually the window number),
                                           0x00 = every sign on the bus
    2       1     command                  0x01 show text, 0x02 clear, 0x03 brightness
    3       2     N = payload length       little-endian, counted before escaping
    5       N     payload                  show text:  mode (0x10 static, 0x00 scroll left)
                                                       followed by the GB2312 text;
                                           clear:      empty;
                                           brightness: one byte 0x01 (dim) - 0x0F (brightest)
    5+N     2     CRC16                    CRC-16/MODBUS of bytes 1 .. 4+N (address to the end
                                           of the payload), little-endian (low byte first)
    7+N     1     0x5A                     end marker (never escaped)

CRC-16/MODBUS: reflected polynomial 0xA001 (0x8005), initial value 0xFFFF, no final XOR;
its check value for b"123456789" is 0x4B37.

Escaping: every byte from the address through the CRC is passed through an escape table.
``ESCAPES_A6_5B`` (default, as documented for the family)::

    0xA5 -> 0xA6 0x02      0xA6 -> 0xA6 0x01      0x5A -> 0x5B 0x02      0x5B -> 0x5B 0x01

``ESCAPES_AA`` (a variant some controllers use, one escape byte 0xAA)::

    0xA5 -> 0xAA 0x05      0x5A -> 0xAA 0x0A      0xAA -> 0xAA 0xAA

Worked examples (checked by tests/hardware_led/test_frames.py):
    address 3 shows "A001号", fits, static:
        payload   10 41 30 30 31 BA C5         (mode 0x10, "A001", "号" = BA C5 in GB2312)
        unescaped 03 01 07 00 10 41 30 30 31 BA C5
        CRC16     0x7DCD, sent low byte first: CD 7D
        frame     A5 03 01 07 00 10 41 30 30 31 BA C5 CD 7D 5A
    address 1 shows "B018": the CRC 0x5A52 is sent as 52 5A, and that 0x5A is escaped:
        frame     A5 01 01 05 00 10 42 30 31 38 52 5B 02 5A

Text: normalised with NFKC (full-width ASCII becomes half-width), control characters become
spaces, and each character that GB2312 cannot encode becomes "?" (one replacement per
character). Width is counted in half-width cells (an ASCII character takes one, a Chinese
character two: a 16x16 font on an 8-pixel grid). Text wider than the sign either scrolls (sent
whole with the scroll mode) or is truncated to whole characters (sent static).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Mapping

START = 0xA5
END = 0x5A

COMMAND_SHOW_TEXT = 0x01
COMMAND_CLEAR = 0x02
COMMAND_BRIGHTNESS = 0x03

MODE_STATIC = 0x10
MODE_SCROLL_LEFT = 0x00

BROADCAST_ADDRESS = 0x00
MIN_BRIGHTNESS, MAX_BRIGHTNESS = 0x01, 0x0F
MAX_PAYLOAD = 0xFFFF

OVERFLOW_SCROLL = "scroll"
OVERFLOW_TRUNCATE = "truncate"
REPLACEMENT = "?"

ESCAPES_A6_5B: Mapping[int, bytes] = {
    0xA5: b"\xa6\x02", 0xA6: b"\xa6\x01", 0x5A: b"\x5b\x02", 0x5B: b"\x5b\x01",
}
ESCAPES_AA: Mapping[int, bytes] = {
    0xA5: b"\xaa\x05", 0x5A: b"\xaa\x0a", 0xAA: b"\xaa\xaa",
}
DEFAULT_ESCAPES = ESCAPES_A6_5B


class FrameError(ValueError):
    """Bytes that are not a well-formed frame (markers, escaping, length or CRC)."""


@dataclass(frozen=True)
class Frame:
    """A decoded frame."""

    address: int
    command: int
    payload: bytes

    @property
    def text(self) -> str:
        """The GB2312 text of a show-text frame (without its mode byte)."""
        if self.command != COMMAND_SHOW_TEXT:
            raise FrameError(f"command 0x{self.command:02X} carries no text")
        return self.payload[1:].decode("gb2312")

    @property
    def mode(self) -> int:
        """The display mode byte of a show-text frame."""
        if self.command != COMMAND_SHOW_TEXT or not self.payload:
            raise FrameError(f"command 0x{self.command:02X} carries no mode")
        return self.payload[0]


def crc16_modbus(data: bytes) -> int:
    """CRC-16/MODBUS: reflected poly 0xA001, init 0xFFFF, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def escape(data: bytes, escapes: Mapping[int, bytes] = DEFAULT_ESCAPES) -> bytes:
    """Replace every byte listed in ``escapes`` with its two-byte sequence."""
    out = bytearray()
    for byte in data:
        out += escapes.get(byte, bytes((byte,)))
    return bytes(out)


def unescape(data: bytes, escapes: Mapping[int, bytes] = DEFAULT_ESCAPES) -> bytes:
    """Reverse :func:`escape`; a dangling or unknown escape sequence is a FrameError."""
    reverse = {sequence: byte for byte, sequence in escapes.items()}
    prefixes = {sequence[0] for sequence in escapes.values()}
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] in prefixes:
            pair = data[i:i + 2]
            if pair not in reverse:
                raise FrameError(f"bad escape sequence {pair.hex(' ')} at {i}")
            out.append(reverse[pair])
            i += 2
        else:
            if data[i] in (START, END):
                raise FrameError(f"unescaped marker 0x{data[i]:02X} at {i}")
            out.append(data[i])
            i += 1
    return bytes(out)


def build_frame(address: int, command: int, payload: bytes = b"",
                escapes: Mapping[int, bytes] = DEFAULT_ESCAPES) -> bytes:
    """Frame one command for the sign at ``address``."""
    if not 0 <= address <= 0xFE:
        raise ValueError(f"address must be 0-254, got {address}")
    if not 0 <= command <= 0xFF:
        raise ValueError(f"command must be one byte, got {command}")
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes is too long")
    body = bytes((address, command)) + len(payload).to_bytes(2, "little") + payload
    body += crc16_modbus(body).to_bytes(2, "little")
    return bytes((START,)) + escape(body, escapes) + bytes((END,))


def parse_frame(frame: bytes, escapes: Mapping[int, bytes] = DEFAULT_ESCAPES) -> Frame:
    """Decode and check one frame (markers, escaping, length, CRC)."""
    if len(frame) < 2 or frame[0] != START or frame[-1] != END:
        raise FrameError("a frame starts with 0xA5 and ends with 0x5A")
    body = unescape(frame[1:-1], escapes)
    if len(body) < 6:
        raise FrameError(f"frame body of {len(body)} bytes is too short")
    content, crc = body[:-2], int.from_bytes(body[-2:], "little")
    if crc16_modbus(content) != crc:
        raise FrameError(f"CRC 0x{crc:04X} != computed 0x{crc16_modbus(content):04X}")
    length = int.from_bytes(content[2:4], "little")
    if length != len(content) - 4:
        raise FrameError(f"length field {length} != payload of {len(content) - 4} bytes")
    return Frame(address=content[0], command=content[1], payload=content[4:])


def split_frames(stream: bytes) -> list[bytes]:
    """Cut a byte stream of concatenated frames (e.g. a ``file:`` sign) into frames."""
    frames = []
    start = stream.find(bytes((START,)))
    while start != -1:
        end = stream.find(bytes((END,)), start)
        if end == -1:
            break
        frames.append(stream[start:end + 1])
        start = stream.find(bytes((START,)), end + 1)
    return frames


def sanitize_text(text: str) -> str:
    """Make ``text`` encodable in GB2312: NFKC, control characters to spaces, others to '?'."""
    out = []
    for char in unicodedata.normalize("NFKC", text):
        if unicodedata.category(char).startswith("C"):
            out.append(" ")
            continue
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            char = REPLACEMENT
        out.append(char)
    return "".join(out).strip()


def cell_width(text: str) -> int:
    """Width in half-width cells: ASCII takes one, every other character two."""
    return sum(1 if ord(char) < 0x80 else 2 for char in text)


def fit_text(text: str, max_width: int, overflow: str = OVERFLOW_SCROLL) -> tuple[str, int]:
    """The sanitized text the sign shows and its mode, for a sign ``max_width`` cells wide."""
    if max_width < 2:
        raise ValueError("a sign is at least 2 cells wide")
    if overflow not in (OVERFLOW_SCROLL, OVERFLOW_TRUNCATE):
        raise ValueError(f"overflow must be {OVERFLOW_SCROLL!r} or {OVERFLOW_TRUNCATE!r}")
    text = sanitize_text(text)
    if cell_width(text) <= max_width:
        return text, MODE_STATIC
    if overflow == OVERFLOW_SCROLL:
        return text, MODE_SCROLL_LEFT
    kept, used = [], 0
    for char in text:
        used += cell_width(char)
        if used > max_width:
            break
        kept.append(char)
    return "".join(kept), MODE_STATIC


def show_text_frame(address: int, text: str, max_width: int = 16,
                    overflow: str = OVERFLOW_SCROLL,
                    escapes: Mapping[int, bytes] = DEFAULT_ESCAPES) -> bytes:
    """The frame that shows ``text`` (sanitized and fitted) on the sign at ``address``."""
    shown, mode = fit_text(text, max_width, overflow)
    payload = bytes((mode,)) + shown.encode("gb2312")
    return build_frame(address, COMMAND_SHOW_TEXT, payload, escapes)


def clear_frame(address: int, escapes: Mapping[int, bytes] = DEFAULT_ESCAPES) -> bytes:
    """The frame that blanks the sign at ``address``."""
    return build_frame(address, COMMAND_CLEAR, b"", escapes)


def brightness_frame(address: int, level: int,
                     escapes: Mapping[int, bytes] = DEFAULT_ESCAPES) -> bytes:
    """The frame that sets the brightness (1 dim .. 15 brightest) of the sign at ``address``."""
    if not MIN_BRIGHTNESS <= level <= MAX_BRIGHTNESS:
        raise ValueError(f"brightness must be {MIN_BRIGHTNESS}-{MAX_BRIGHTNESS}, got {level}")
    return build_frame(address, COMMAND_BRIGHTNESS, bytes((level,)), escapes)
