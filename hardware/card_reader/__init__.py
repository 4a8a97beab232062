"""Card readers: keyboard-emulating ID and RFID readers read through evdev, and a fake.

``open_card_reader(spec)`` returns a ``CardReader``; ``start(on_read)`` calls ``on_read`` with a
``CardRead`` for each new read. Spec forms (options after ``?``, joined with ``&``)::

    evdev:PATH[,PATH...]   event nodes or globs, e.g.
                           evdev:/dev/input/by-id/usb-SYC_ID_IC_USB_Reader-event-kbd
                           evdev:/dev/input/by-id/usb-*Reader*-event-*
    fake                   FakeCardReader: reader.swipe("11010519491231002X")
    fake:DIR               the same, also swiping the text of each DIR/*.swipe file
    none                   no reader

    options: dedupe_s=2 (seconds an identical read is ignored)
             ten_digits=decimal|hex (how 10 decimal digits from an RFID reader are read)

The ID number inside a ``CardRead`` goes to the server; its repr is masked and nothing in this
package logs the plain number. Importing this package needs no third-party library.
"""

import importlib.util
from urllib.parse import parse_qsl

from hardware.card_reader.base import CardReader, NullCardReader, ReadSink
from hardware.card_reader.decoder import KeystrokeDecoder
from hardware.card_reader.fake import FakeCardReader
from hardware.card_reader.normalize import (CardRead, ReadDeduplicator, mask_id_number,
                                            normalize_read)

__all__ = [
    "CardRead", "CardReader", "FakeCardReader", "KeystrokeDecoder", "NullCardReader",
    "ReadDeduplicator", "ReadSink", "mask_id_number", "normalize_read", "open_card_reader",
]

OPTIONS = {"dedupe_s", "ten_digits"}


class CardReaderSpecError(ValueError):
    """The card reader spec string is wrong."""


def _options(query: str, spec: str) -> dict:
    options = dict(parse_qsl(query, keep_blank_values=True))
    unknown = set(options) - OPTIONS
    if unknown:
        raise CardReaderSpecError(f"unknown card reader option(s) {sorted(unknown)} in {spec!r}")
    try:
        window = float(options.get("dedupe_s", 2.0))
    except ValueError:
        raise CardReaderSpecError(f"dedupe_s must be a number in {spec!r}") from None
    ten_digits = options.get("ten_digits", "decimal")
    if ten_digits not in ("decimal", "hex"):
        raise CardReaderSpecError(f"ten_digits must be decimal or hex in {spec!r}")
    return {"dedupe": ReadDeduplicator(window), "ten_digits": ten_digits}


def open_card_reader(spec: str) -> CardReader:
    """The card reader described by ``spec`` (not started yet)."""
    head, _, query = spec.strip().partition("?")
    scheme, _, target = head.partition(":")
    scheme = scheme.lower()
    if scheme in ("", "none"):
        return NullCardReader()
    options = _options(query, spec)
    if scheme == "fake":
        return FakeCardReader(target or None, **options)
    if scheme == "evdev":
        if importlib.util.find_spec("evdev") is None:  # fail here, not in the reader's thread
            raise CardReaderSpecError("evdev card readers need python-evdev (Linux only)")
        from hardware.card_reader.evdev_reader import EvdevCardReader

        paths = [path.strip() for path in target.split(",") if path.strip()]
        if not paths:
            raise CardReaderSpecError("evdev card reader spec needs a path: evdev:PATH")
        return EvdevCardReader(paths, **options)
    raise CardReaderSpecError(f"unknown card reader spec {scheme!r}: use evdev:, fake or none")
