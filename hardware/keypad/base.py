"""The keypad interface: ``start(on_action)`` delivers each action on a thread; ``stop()``."""

from typing import Callable

OnAction = Callable[[str], None]


class Keypad:
    kind = "caller"  # or "evaluator"

    def start(self, on_action: OnAction) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


class NullKeypad(Keypad):
    """No keypad at this window."""

    def start(self, on_action: OnAction) -> None:
        pass

    def stop(self) -> None:
        pass
