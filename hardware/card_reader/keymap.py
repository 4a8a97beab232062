"""Linux key codes (``linux/input-event-codes.h``, the numbers in ``evdev.ecodes``) and the US
keyboard layout that keyboard-emulating card readers type with.

The numbers are part of the kernel's stable ABI; they are written out here so that the decoder
and the fake reader work without python-evdev (which only builds on Linux). A test checks them
against ``evdev.ecodes``. Keys are matched by number, never by name: evdev names a code with a
list when it has aliases.
"""

EV_SYN = 0
EV_KEY = 1
EV_MSC = 4

KEY_UP = 0
KEY_DOWN = 1
KEY_HOLD = 2  # autorepeat

KEY_ENTER = 28
KEY_KPENTER = 96
KEY_LEFTSHIFT = 42
KEY_RIGHTSHIFT = 54
KEY_CAPSLOCK = 58
KEY_BACKSLASH = 43
KEY_X = 45
KEY_KP0 = 82
KEY_1 = 2

ENTER_KEYS = frozenset({KEY_ENTER, KEY_KPENTER})
SHIFT_KEYS = frozenset({KEY_LEFTSHIFT, KEY_RIGHTSHIFT})

LETTER_KEYS: dict[int, str] = {
    16: "q", 17: "w", 18: "e", 19: "r", 20: "t", 21: "y", 22: "u", 23: "i", 24: "o", 25: "p",
    30: "a", 31: "s", 32: "d", 33: "f", 34: "g", 35: "h", 36: "j", 37: "k", 38: "l",
    44: "z", 45: "x", 46: "c", 47: "v", 48: "b", 49: "n", 50: "m",
}

# Keys other than letters: (character without Shift, character with Shift).
SYMBOL_KEYS: dict[int, tuple[str, str]] = {
    2: ("1", "!"), 3: ("2", "@"), 4: ("3", "#"), 5: ("4", "$"), 6: ("5", "%"),
    7: ("6", "^"), 8: ("7", "&"), 9: ("8", "*"), 10: ("9", "("), 11: ("0", ")"),
    12: ("-", "_"), 13: ("=", "+"), 15: ("\t", "\t"), 26: ("[", "{"), 27: ("]", "}"),
    39: (";", ":"), 40: ("'", '"'), 41: ("`", "~"), 43: ("\\", "|"),
    51: (",", "<"), 52: (".", ">"), 53: ("/", "?"), 57: (" ", " "),
}

# The numeric keypad types the same with or without Shift; readers assume Num Lock is on.
KEYPAD_KEYS: dict[int, str] = {
    82: "0", 79: "1", 80: "2", 81: "3", 75: "4", 76: "5", 77: "6", 71: "7", 72: "8", 73: "9",
    83: ".", 98: "/", 55: "*", 74: "-", 78: "+",
}


def char_for(code: int, shift: bool, caps_lock: bool) -> str | None:
    """The character a key types, or None for keys that type nothing."""
    if code in LETTER_KEYS:
        letter = LETTER_KEYS[code]
        return letter.upper() if shift != caps_lock else letter
    if code in SYMBOL_KEYS:
        return SYMBOL_KEYS[code][1 if shift else 0]
    return KEYPAD_KEYS.get(code)


def keys_for(char: str) -> tuple[int, bool] | None:
    """The main-keyboard key and Shift state that type ``char`` (None if no key does)."""
    lower = char.lower()
    for code, letter in LETTER_KEYS.items():
        if letter == lower:
            return code, char != lower
    for code, (plain, shifted) in SYMBOL_KEYS.items():
        if char == plain:
            return code, False
        if char == shifted:
            return code, True
    return None
