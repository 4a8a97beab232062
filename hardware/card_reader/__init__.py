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

from hardware.card_reader.base import CardReader, NullCardReader, ReadSink
from hardware.card_reader.decoder import KeystrokeDecoder
from hardware.card_reader.fake import FakeCardReader
from hardware.card_reader.normalize import (CardRead, ReadDeduplicator, mask_id_number,
                                            normalize_read)
from hardware.spec import DeviceSpec, SpecError, parse_spec, path_list

__all__ = [
    "CardRead", "CardReader", "FakeCardReader", "KeystrokeDecoder", "NullCardReader",
    "ReadDeduplicator", "ReadSink", "mask_id_number", "normalize_read", "open_card_reader",
]

OPTIONS = {"dedupe_s", "ten_digits"}


class CardReaderSpecError(SpecError):
    """The card reader spec string is wrong."""


def _options(spec: DeviceSpec) -> dict:
    window = spec.number("dedupe_s", 2.0, CardReaderSpecError)
    ten_digits = spec.choice("ten_digits", ("decimal", "hex"), "decimal", CardReaderSpecError)
    return {"dedupe": ReadDeduplicator(window), "ten_digits": ten_digits}


def open_card_reader(spec: str) -> CardReader:
    """The card reader described by ``spec`` (not started yet)."""
    parsed = parse_spec(spec, "card reader", OPTIONS, CardReaderSpecError)
    if parsed.scheme in ("", "none"):
        return NullCardReader()
    options = _options(parsed)
    if parsed.scheme == "fake":
        return FakeCardReader(parsed.target or None, **options)
    if parsed.scheme == "evdev":
        paths = path_list(parsed.target, parsed.text, CardReaderSpecError)
        if importlib.util.find_spec("evdev") is None:  # fail here, not in the reader's thread
            raise CardReaderSpecError("evdev card readers need python-evdev (Linux only)")
        from hardware.card_reader.evdev_reader import EvdevCardReader

        return EvdevCardReader(paths, **options)
    raise CardReaderSpecError(
        f"unknown card reader spec {parsed.scheme!r}: use evdev:, fake or none")
