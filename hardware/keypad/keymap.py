"""Key maps of window keypads: which key (by scancode) means which action.

A caller keypad (叫号器) sends call / recall / finish / no-show / pause; an evaluator keypad
(评价器, 4 or 5 keys) sends a grade. Keys are matched by scancode, never by key name: python-evdev
may report a list of alias names for one code. Names in a spec (``KEY_F1``) are resolved with
python-evdev when it is installed, else from the small table below; plain numbers always work.
"""

CALLER_ACTIONS = ("call_next", "recall", "finish", "no_show", "pause")
GRADES = ("very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied")

# Linux input-event codes (linux/input-event-codes.h) of the keys keypads commonly send.
KEY_CODES = {
    "KEY_ESC": 1, "KEY_1": 2, "KEY_2": 3, "KEY_3": 4, "KEY_4": 5, "KEY_5": 6, "KEY_6": 7,
    "KEY_7": 8, "KEY_8": 9, "KEY_9": 10, "KEY_0": 11, "KEY_BACKSPACE": 14, "KEY_TAB": 15,
    "KEY_ENTER": 28, "KEY_KPASTERISK": 55, "KEY_SPACE": 57,
    "KEY_F1": 59, "KEY_F2": 60, "KEY_F3": 61, "KEY_F4": 62, "KEY_F5": 63, "KEY_F6": 64,
    "KEY_F7": 65, "KEY_F8": 66, "KEY_F9": 67, "KEY_F10": 68, "KEY_F11": 87, "KEY_F12": 88,
    "KEY_KP7": 71, "KEY_KP8": 72, "KEY_KP9": 73, "KEY_KPMINUS": 74, "KEY_KP4": 75,
    "KEY_KP5": 76, "KEY_KP6": 77, "KEY_KPPLUS": 78, "KEY_KP1": 79, "KEY_KP2": 80,
    "KEY_KP3": 81, "KEY_KP0": 82, "KEY_KPDOT": 83, "KEY_KPENTER": 96, "KEY_KPSLASH": 98,
}

# A numeric keypad or F-keys: 1/F1 call next, 2/F2 recall, 3/F3 finish, 4/F4 no-show,
# 5/F5 pause (pressed again: resume).
DEFAULT_CALLER_MAP = {
    79: "call_next", 59: "call_next", 80: "recall", 60: "recall", 81: "finish", 61: "finish",
    75: "no_show", 62: "no_show", 76: "pause", 63: "pause",
}


def default_evaluator_map(keys: int = 5) -> dict[int, str]:
    """Keys 1..N (main row or keypad) → grades in GB/T 39046 order, 1 = 非常满意.

    A 4-key evaluator has 非常满意, 满意, 基本满意, 不满意."""
    if keys not in (4, 5):
        raise ValueError("an evaluator keypad has 4 or 5 keys")
    row = ("KEY_1", "KEY_2", "KEY_3", "KEY_4", "KEY_5")
    pad = ("KEY_KP1", "KEY_KP2", "KEY_KP3", "KEY_KP4", "KEY_KP5")
    mapping = {}
    for index in range(keys):
        mapping[KEY_CODES[row[index]]] = GRADES[index]
        mapping[KEY_CODES[pad[index]]] = GRADES[index]
    return mapping


class KeyMapError(ValueError):
    """A key map in a keypad spec is wrong."""


def key_code(name: str) -> int:
    """A scancode from ``79``, ``KEY_KP1`` or ``KP1``."""
    name = name.strip()
    if name.isdigit():
        return int(name)
    full = name.upper() if name.upper().startswith("KEY_") else "KEY_" + name.upper()
    try:
        from evdev import ecodes

        code = ecodes.ecodes.get(full)
        if isinstance(code, int):
            return code
    except ImportError:
        pass
    if full in KEY_CODES:
        return KEY_CODES[full]
    raise KeyMapError(f"unknown key {name!r}: use a KEY_ name or a scancode")


def parse_map(text: str, actions: tuple[str, ...]) -> dict[int, str]:
    """``call_next:KEY_F1+KEY_KP1,recall:KEY_F2`` → {59: "call_next", 79: ..., 60: ...}."""
    mapping: dict[int, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        action, _, keys = item.partition(":")
        if action not in actions:
            raise KeyMapError(f"unknown action {action!r}: use one of {', '.join(actions)}")
        if not keys:
            raise KeyMapError(f"no key given for {action}")
        for key in keys.split("+"):
            code = key_code(key)
            if code in mapping and mapping[code] != action:
                raise KeyMapError(f"key {key} is mapped twice")
            mapping[code] = action
    if not mapping:
        raise KeyMapError("the key map is empty")
    return mapping
