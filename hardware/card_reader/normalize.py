"""Classify a card reader's text as a citizen ID number or an RFID card number, and drop
repeated reads.

ID readers type the 18-character number (GB 11643, upper-case ``X`` as check character), some
followed or preceded by the holder's name. RFID/IC readers type the card number in one of several
vendor formats; all are reduced to one canonical value, the card's 32-bit number as 8 upper-case
hex digits, so the same card gives the same value whatever reader it is held to:

======  =========================================  ==========================================
format  typed                                      canonical value
======  =========================================  ==========================================
hex10   10 hex digits (EM4100: 1 version byte +    its last 8 hex digits
        the 32-bit number)
dec10   10 decimal digits: the 32-bit number in    the number as 8 hex digits
        decimal (the "last 8 hex as 10 decimals"
        format printed on many cards)
hex8    8 hex digits                               as typed, upper-cased
======  =========================================  ==========================================

Ten decimal digits are valid in both 10-digit formats; they are read as ``dec10`` unless the
reader is configured ``ten_digits="hex"`` (a value above 4294967295 can only be hex10).

The shape of the ID number is checked here, its check character by the server.
``CardRead``'s repr and str mask the ID number and the name: they can go to a log line.
"""

import hashlib
import re
import time
from dataclasses import dataclass
from typing import Callable, Literal

Kind = Literal["id_number", "rfid"]
TenDigits = Literal["decimal", "hex"]
DEFAULT_DEDUPE_WINDOW_S = 2.0
MAX_UINT32 = 0xFFFF_FFFF

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
_NAME_CHARS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f·]+")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_SEPARATORS = re.compile(r"[\s,;:|/-]+")


def mask_id_number(value: str) -> str:
    """``620702********123X``: the first 6 and last 4 characters of an 18-character number."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * 8 + value[-4:]


def mask_name(name: str | None) -> str | None:
    """``张*``: the first character, the rest as stars."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)


@dataclass(frozen=True, repr=False)
class CardRead:
    """One card read. ``value`` is the ID number (upper-case X) or the canonical RFID number."""

    kind: Kind
    value: str
    name: str | None = None
    source_format: str = ""

    @property
    def masked_value(self) -> str:
        return mask_id_number(self.value) if self.kind == "id_number" else self.value

    def __repr__(self) -> str:
        name = f", name={mask_name(self.name)!r}" if self.name else ""
        return f"CardRead(kind={self.kind!r}, value={self.masked_value!r}{name})"

    __str__ = __repr__


def _id_number_read(text: str) -> CardRead | None:
    match = _ID_NUMBER.search(text)
    if match is None:
        return None
    rest = text[:match.start()] + " " + text[match.end():]
    name = "".join(_NAME_CHARS.findall(rest)) or None
    return CardRead("id_number", match.group().upper(), name, "id18")


def _rfid_read(text: str, ten_digits: TenDigits) -> CardRead | None:
    compact = _SEPARATORS.sub("", text)
    if not _HEX.fullmatch(compact):
        return None
    if len(compact) == 10 and compact.isdigit() and ten_digits == "decimal" \
            and int(compact) <= MAX_UINT32:
        return CardRead("rfid", f"{int(compact):08X}", None, "dec10")
    if len(compact) == 10:
        return CardRead("rfid", compact[-8:].upper(), None, "hex10")
    if len(compact) == 8:
        return CardRead("rfid", compact.upper(), None, "hex8")
    return None


def normalize_read(text: str, ten_digits: TenDigits = "decimal") -> CardRead | None:
    """The ``CardRead`` for a reader's text, or None when it is neither format."""
    return _id_number_read(text) or _rfid_read(text.strip(), ten_digits)


class ReadDeduplicator:
    """Drops a read identical to the previous one seen less than ``window_s`` ago.

    The window slides: a card left lying on a reader that reads it again and again gives one
    read until it has been away for the whole window. Only a digest of the last read is kept.
    """

    def __init__(self, window_s: float = DEFAULT_DEDUPE_WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self.clock = clock
        self._last_digest: bytes | None = None
        self._last_seen = 0.0

    def accept(self, read: CardRead) -> bool:
        """True for a new read; False for a repeat inside the window."""
        now = self.clock()
        digest = hashlib.blake2b(f"{read.kind}:{read.value}".encode(), digest_size=16).digest()
        repeated = digest == self._last_digest and now - self._last_seen < self.window_s
        self._last_digest, self._last_seen = digest, now
        return not repeated
