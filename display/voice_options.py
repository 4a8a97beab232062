"""A hall's voice options (from its configuration file) as the hall screen and the server use
them. Pure: standard library and :mod:`display.voice.text` only.

Hall options (all optional, next to ``notice`` in the hall configuration file)::

    voice_template: 请{number}号到{window}办理          # the call wording
    voice_recall_template: 请{number}号到{window}办理（重呼）
    voice_repeat: 2                 # times each announcement is said, 1-5
    volume: 80                      # percent, 0-100
    quiet_hours: ["12:00-14:00"]    # local times without sound (may cross midnight)

A bad value is never fatal for a hall screen: it is replaced by the default and reported in
``problems`` (logged by the server), so one typo cannot silence every hall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from display.voice.text import (DEFAULT_CALL_TEMPLATE, DEFAULT_RECALL_TEMPLATE, DEFAULT_REPEAT,
                                MAX_REPEAT, AnnouncementError, Templates, check_template)

DEFAULT_VOLUME = 80
QUIET_PERIOD = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])")


@dataclass(frozen=True)
class VoiceOptions:
    templates: Templates = Templates()
    volume: int = DEFAULT_VOLUME
    quiet_hours: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=(), compare=False)

    def page_config(self) -> dict:
        """What the hall screen needs to announce (and to speak itself when server audio fails)."""
        return {"call_template": self.templates.call, "recall_template": self.templates.recall,
                "repeat": self.templates.repeat, "volume": self.volume,
                "quiet_hours": list(self.quiet_hours)}


def voice_options(options: dict) -> VoiceOptions:
    problems: list[str] = []
    call = _template(options, "voice_template", DEFAULT_CALL_TEMPLATE, problems)
    recall = _template(options, "voice_recall_template", DEFAULT_RECALL_TEMPLATE, problems)
    repeat = _whole(options, "voice_repeat", DEFAULT_REPEAT, 1, MAX_REPEAT, problems)
    volume = _whole(options, "volume", DEFAULT_VOLUME, 0, 100, problems)
    quiet = _quiet_hours(options.get("quiet_hours"), problems)
    return VoiceOptions(Templates(call=call, recall=recall, repeat=repeat), volume, quiet,
                        tuple(problems))


def _template(options: dict, key: str, default: str, problems: list[str]) -> str:
    value = options.get(key)
    if value is None:
        return default
    try:
        if not isinstance(value, str) or "{number}" not in value or "{window}" not in value:
            raise AnnouncementError(f"{key} must use both {{number}} and {{window}}")
        check_template(value)
    except AnnouncementError as error:
        problems.append(f"{key}: {error}")
        return default
    return value


def _whole(options: dict, key: str, default: int, low: int, high: int,
           problems: list[str]) -> int:
    value = options.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(f"{key}: expected a whole number {low}-{high}, got {value!r}")
        return default
    return value


def _quiet_hours(value, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"quiet_hours: expected a list of HH:MM-HH:MM, got {value!r}")
        return ()
    periods = []
    for period in value:
        if isinstance(period, str) and QUIET_PERIOD.fullmatch(period.strip()):
            periods.append(period.strip())
        else:
            problems.append(f"quiet_hours: {period!r} is not HH:MM-HH:MM")
    return tuple(periods)


def is_quiet(quiet_hours: tuple[str, ...], hour: int, minute: int) -> bool:
    """Whether local time ``hour:minute`` falls in a quiet period (end excluded; a period whose
    end is before its start runs over midnight). The hall screen applies the same rule."""
    now = hour * 60 + minute
    for period in quiet_hours:
        start_h, start_m, end_h, end_m = map(int, QUIET_PERIOD.fullmatch(period).groups())
        start, end = start_h * 60 + start_m, end_h * 60 + end_m
        if (start <= now < end) if start <= end else (now >= start or now < end):
            return True
    return False
