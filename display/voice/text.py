"""The wording of voice announcements (pure, standard library only).

A hall sets its templates; the defaults follow the usual hall wording::

    call    请{number}号到{window}办理          -> 请A001号到3号窗口办理
    recall  请{number}号到{window}办理（重呼）   (set it to the call template to add nothing)
    pause   {window}暂停服务                    -> 3号窗口暂停服务

Each announcement has a display form (what a screen shows) and a spoken form, in which the
ticket number is read digit by digit (``A001`` -> ``A零零一``, letters stay letters) and a
number in the window name is read as a Chinese number (``3号窗口`` -> ``三号窗口``,
``12号窗口`` -> ``十二号窗口``; numbers over 99 digit by digit). The spoken form is what the
clip joiner and espeak-ng are given.

Privacy: an announcement can only contain a ticket number (1-2 capital letters and 1-4 digits)
and a window name (at most 20 characters, no run of 5 or more digits); templates may use only
the ``{number}`` and ``{window}`` fields. Anything else is refused, so an ID number, a phone
number or a name cannot reach the loudspeaker.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

DEFAULT_CALL_TEMPLATE = "请{number}号到{window}办理"
DEFAULT_RECALL_TEMPLATE = "请{number}号到{window}办理（重呼）"
DEFAULT_PAUSE_TEMPLATE = "{window}暂停服务"
DEFAULT_REPEAT = 2
MAX_REPEAT = 5
MAX_WINDOW_NAME = 20

CHINESE_DIGITS = "零一二三四五六七八九"
TICKET_NUMBER = re.compile(r"[A-Z]{1,2}[0-9]{1,4}")
LONG_DIGIT_RUN = re.compile(r"[0-9０-９]{5,}")
DIGIT_RUN = re.compile(r"[0-9]+")
FIELDS = frozenset({"number", "window"})


class AnnouncementError(ValueError):
    """A template, ticket number or window name that may not be announced."""


@dataclass(frozen=True)
class Templates:
    """A hall's announcement wording and how often each announcement is said."""

    call: str = DEFAULT_CALL_TEMPLATE
    recall: str = DEFAULT_RECALL_TEMPLATE
    pause: str = DEFAULT_PAUSE_TEMPLATE
    repeat: int = DEFAULT_REPEAT

    def __post_init__(self):
        for template in (self.call, self.recall, self.pause):
            check_template(template)
        if not 1 <= self.repeat <= MAX_REPEAT:
            raise AnnouncementError(f"repeat must be 1-{MAX_REPEAT}, got {self.repeat}")


@dataclass(frozen=True)
class Announcement:
    """One announcement: shown as ``display``, spoken as ``speech``, ``repeat`` times."""

    display: str
    speech: str
    repeat: int


def check_template(template: str) -> None:
    """Refuse a template with fields other than {number} and {window}, or a broken one."""
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(template)
                  if field is not None]
    except ValueError as exc:
        raise AnnouncementError(f"bad template {template!r}: {exc}") from exc
    unknown = set(fields) - FIELDS
    if unknown or any(field == "" for field in fields):
        raise AnnouncementError(
            f"template {template!r} may only use {{number}} and {{window}}")


def check_number(number: str) -> str:
    """The ticket number, if it is one (1-2 capital letters and 1-4 digits)."""
    if not isinstance(number, str) or not TICKET_NUMBER.fullmatch(number):
        raise AnnouncementError("only a ticket number such as A001 can be announced")
    return number


def check_window(window: str) -> str:
    """The window name, if it is short and carries no long digit run."""
    if not isinstance(window, str) or not window.strip():
        raise AnnouncementError("a window name is required")
    if len(window) > MAX_WINDOW_NAME or LONG_DIGIT_RUN.search(window):
        raise AnnouncementError("a window name is at most 20 characters, without long numbers")
    return window.strip()


def digits_one_by_one(text: str) -> str:
    """Every ASCII digit as its Chinese digit: ``A001`` -> ``A零零一``."""
    return "".join(CHINESE_DIGITS[int(c)] if "0" <= c <= "9" else c for c in text)


def chinese_number(value: int) -> str:
    """0-99 as spoken Chinese (十二, 二十, 二十三); larger numbers digit by digit."""
    if value < 10:
        return CHINESE_DIGITS[value]
    if value < 100:
        tens, units = divmod(value, 10)
        return ((CHINESE_DIGITS[tens] if tens > 1 else "") + "十"
                + (CHINESE_DIGITS[units] if units else ""))
    return digits_one_by_one(str(value))


def spoken_window(window: str) -> str:
    """A window name as spoken: ``3号窗口`` -> ``三号窗口``."""
    return DIGIT_RUN.sub(lambda m: chinese_number(int(m.group())), window)


def call_announcement(number: str, window: str, templates: Templates = Templates(),
                      recall: bool = False) -> Announcement:
    """The call (or recall) of ticket ``number`` to ``window``."""
    template = templates.recall if recall else templates.call
    number, window = check_number(number), check_window(window)
    return Announcement(
        display=template.format(number=number, window=window),
        speech=template.format(number=digits_one_by_one(number),
                               window=spoken_window(window)),
        repeat=templates.repeat)


def pause_announcement(window: str, templates: Templates = Templates()) -> Announcement:
    """The announcement that ``window`` has paused its service."""
    window = check_window(window)
    if "{number}" in templates.pause:
        raise AnnouncementError("the pause template has no ticket number")
    return Announcement(display=templates.pause.format(window=window),
                        speech=templates.pause.format(window=spoken_window(window)),
                        repeat=templates.repeat)
