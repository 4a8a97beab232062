"""The pure keypad decoder: evdev key events in, actions out. No device, no thread."""

from hardware.keypad.keymap import CALLER_ACTIONS

EV_KEY = 1
KEY_DOWN = 1  # 0 = up, 2 = auto-repeat: neither presses a key


class KeypadDecoder:
    """Turns key-down events of mapped keys into actions.

    A key held down (auto-repeat) is one press. A second press of the same action within
    ``debounce_s`` (by the events' own timestamps) is a bounce or a double tap and is dropped:
    calling twice would skip a citizen.
    """

    def __init__(self, keymap: dict[int, str], debounce_s: float = 0.3):
        self.keymap = dict(keymap)
        self.debounce_s = debounce_s
        self._last: dict[str, float] = {}

    def feed(self, event) -> str | None:
        """The action ``event`` triggers, or None."""
        if event.type != EV_KEY or event.value != KEY_DOWN:
            return None
        action = self.keymap.get(event.code)
        if action is None:
            return None
        at = event.sec + event.usec / 1_000_000
        last = self._last.get(action)
        if last is not None and 0 <= at - last < self.debounce_s:
            return None
        self._last[action] = at
        return action

    def feed_all(self, events) -> list[str]:
        return [action for action in map(self.feed, events) if action is not None]


def is_caller_action(action: str) -> bool:
    return action in CALLER_ACTIONS
