"""Window LED signs: ``open_led_sign(spec)`` returns a :class:`LedSign` (serial, UDP, file,
console or fake); :mod:`hardware.led.frames` builds the bytes the real signs receive."""

from hardware.led.drivers import (ConsoleLedSign, FileLedSign, InvalidSignSpec, LedSign,
                                  LedSignError, SerialLedSign, UdpLedSign, open_led_sign)
from hardware.led.fake import FakeLedSign

__all__ = ["ConsoleLedSign", "FakeLedSign", "FileLedSign", "InvalidSignSpec", "LedSign",
           "LedSignError", "SerialLedSign", "UdpLedSign", "open_led_sign"]
