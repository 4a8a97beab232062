"""Hand-built evdev key event streams for the card reader tests."""

from evdev import InputEvent, ecodes

DOWN, UP, HOLD = 1, 0, 2


def key(code: int, value: int, sec: int = 0, usec: int = 0) -> InputEvent:
    return InputEvent(sec, usec, ecodes.EV_KEY, code, value)


def tap(code: int) -> list[InputEvent]:
    """Press and release one key."""
    return [key(code, DOWN), key(code, UP)]


def shifted(code: int, shift: int = ecodes.KEY_LEFTSHIFT) -> list[InputEvent]:
    """Press ``code`` while holding a Shift key."""
    return [key(shift, DOWN), *tap(code), key(shift, UP)]


def enter() -> list[InputEvent]:
    return tap(ecodes.KEY_ENTER)


DIGIT_KEYS = {str(n): getattr(ecodes, f"KEY_{n}") for n in range(10)}
KEYPAD_KEYS = {str(n): getattr(ecodes, f"KEY_KP{n}") for n in range(10)}


def digits(text: str, keypad: bool = False) -> list[InputEvent]:
    """Type a string of digits on the main row or the keypad."""
    keys = KEYPAD_KEYS if keypad else DIGIT_KEYS
    return [event for char in text for event in tap(keys[char])]


def letters(text: str) -> list[InputEvent]:
    """Type lower-case letters and digits without Shift."""
    events = []
    for char in text:
        code = DIGIT_KEYS[char] if char.isdigit() else getattr(ecodes, f"KEY_{char.upper()}")
        events += tap(code)
    return events


def backslash_u(hex4: str) -> list[InputEvent]:
    """Type ``\\uXXXX`` as an ID reader does (hex letters upper-case with Shift)."""
    events = tap(ecodes.KEY_BACKSLASH) + tap(ecodes.KEY_U)
    for char in hex4:
        if char.isdigit():
            events += tap(DIGIT_KEYS[char])
        else:
            events += shifted(getattr(ecodes, f"KEY_{char.upper()}"))
    return events
