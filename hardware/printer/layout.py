"""The printed ticket as a list of blocks, independent of how it is printed.

``layout_ticket(ticket, roll)`` turns a ``TicketPrint`` into text lines (already wrapped to the
roll's columns), rules, a QR code and a cut. Renderers (native ESC/POS text, raster images, the
virtual printer's PNG) all start from this one list, so every ticket reads the same however it is
printed. Standard library only; no printer, font or clock is touched here.

Widths are counted in font A columns: an ASCII character takes one column (12 dots), a Chinese
character two (24 dots), the way ESC/POS printers lay out mixed text.
"""

import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Union
from zoneinfo import ZoneInfo

Align = Literal["left", "center", "right"]

WAITING_AHEAD_TEXT = "您前面还有 {n} 人在等候"
ESTIMATED_WAIT_TEXT = "预计等候约 {minutes} 分钟"
ISSUED_AT_TEXT = "取号时间：{time}"
ADVICE_TEXT = "请留意叫号及大屏显示信息，过号请重新取号"
PRIORITY_TEXT = "【绿色通道 优先办理】"
BOOKED_TEXT = "【预约 Booked】"
QR_CAPTION_TEXT = "扫码查看排队进度"
DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Roll:
    """A paper roll: its name, printable width in dots and font A columns."""

    name: str
    dots: int
    columns: int
    number_scale: int
    qr_module_dots: int

    @property
    def dots_per_column(self) -> int:
        return self.dots // self.columns


ROLL_80MM = Roll("80mm", dots=576, columns=48, number_scale=5, qr_module_dots=6)
ROLL_58MM = Roll("58mm", dots=384, columns=32, number_scale=4, qr_module_dots=5)
ROLLS = {"80": ROLL_80MM, "80mm": ROLL_80MM, "58": ROLL_58MM, "58mm": ROLL_58MM}


def roll_named(name: str) -> Roll:
    """The roll for "80", "80mm", "58" or "58mm"."""
    try:
        return ROLLS[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown paper roll {name!r}: use 80mm or 58mm") from None


@dataclass(frozen=True)
class TicketPrint:
    """What a printed ticket says. It never carries the citizen's ID number or name."""

    hall_name: str
    number: str
    service_name: str
    waiting_ahead: int
    issued_at: Union[datetime, str]
    tracking_url: str | None = None
    estimated_wait_s: float | None = None
    priority: bool = False
    booked: bool = False  # checked in from a booking (预约)
    notice_lines: tuple[str, ...] = ()
    timezone: str = DEFAULT_TIMEZONE


@dataclass(frozen=True)
class TextLine:
    """One printed line; ``scale`` multiplies width and height (ESC/POS GS ! 1..8)."""

    text: str
    scale: int = 1
    bold: bool = False
    align: Align = "center"


@dataclass(frozen=True)
class Rule:
    """A full-width separator line."""

    char: str = "-"


@dataclass(frozen=True)
class QrCode:
    """A QR code of ``data`` with modules ``module_dots`` wide, centred."""

    data: str
    module_dots: int


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed the ticket out and cut it."""


Block = Union[TextLine, Rule, QrCode, Feed, Cut]


def char_columns(char: str) -> int:
    """Columns one character takes in font A: two for wide (CJK) characters."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_columns(text: str) -> int:
    """Columns a string takes in font A."""
    return sum(char_columns(c) for c in text)


BREAK_AFTER = frozenset("，。；、：！？）》」,.;:!?) ")
NO_LINE_START = frozenset("，。；、：！？）》」,.;:!?)")
BREAK_BEFORE = frozenset("（《「(")


def wrap_columns(text: str, columns: int) -> list[str]:
    """Split ``text`` into lines of at most ``columns`` columns.

    Chinese has no spaces, so a line may break between any two characters; it breaks after
    punctuation when that keeps the line at least half full, never starts with a comma or full
    stop, and keeps an ASCII word (a number, a URL) whole where it can.
    """
    lines: list[str] = []
    rest = text.strip()
    while rest:
        if text_columns(rest) <= columns:
            lines.append(rest)
            break
        cut = _break_point(rest, columns)
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return lines


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _break_point(text: str, columns: int) -> int:
    """Where to end the first line of ``text``, which is longer than ``columns``."""
    fit = len(_take_columns(text, columns))
    if fit >= len(text):
        return fit
    for end in range(fit, 0, -1):
        breaks_here = text[end - 1] in BREAK_AFTER or text[end] in BREAK_BEFORE
        if breaks_here and text_columns(text[:end]) * 2 >= columns:
            return end
    end = fit
    while end > 1 and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
        end -= 1
    if end == 1 and _is_word_char(text[0]):
        end = fit  # a word longer than the line: break it
    if text[end] in NO_LINE_START and end > 1:
        end -= 1
    return end


def _take_columns(text: str, columns: int) -> str:
    taken = ""
    for char in text:
        if text_columns(taken + char) > columns:
            break
        taken += char
    return taken or text[:1]


def format_issued_at(issued_at: Union[datetime, str], timezone: str) -> str:
    """The issue time as the hall's local clock shows it (an aware datetime is converted)."""
    if isinstance(issued_at, str):
        return issued_at
    if issued_at.tzinfo is not None:
        issued_at = issued_at.astimezone(ZoneInfo(timezone))
    return issued_at.strftime("%Y-%m-%d %H:%M")


def format_estimated_wait(seconds: float) -> str:
    """Whole minutes, rounded up, at least one: a citizen would rather wait less than told."""
    return ESTIMATED_WAIT_TEXT.format(minutes=max(1, math.ceil(seconds / 60)))


def _lines(text: str, roll: Roll, bold: bool = False) -> list[TextLine]:
    """``text`` at normal size, wrapped to the roll."""
    return [TextLine(line, 1, bold) for line in wrap_columns(text, roll.columns)]


def _balanced(text: str, columns: int) -> list[str]:
    """``text`` on as few lines as greedy wrapping needs, but of similar lengths."""
    lines = wrap_columns(text, columns)
    if len(lines) <= 1:
        return lines
    for width in range(math.ceil(text_columns(text) / len(lines)), columns):
        candidate = wrap_columns(text, width)
        if len(candidate) <= len(lines):
            return candidate
    return lines


def _prominent_lines(text: str, roll: Roll, max_lines: int, scale: int = 2) -> list[TextLine]:
    """A title in bold: at ``scale`` when it fits on ``max_lines`` lines, else normal size."""
    lines = _balanced(text, roll.columns // scale)
    if len(lines) > max_lines:
        lines, scale = _balanced(text, roll.columns), 1
    return [TextLine(line, scale, bold=True) for line in lines]


def _number_scale(number: str, roll: Roll) -> int:
    return max(1, min(roll.number_scale, roll.columns // max(1, text_columns(number))))


def layout_ticket(ticket: TicketPrint, roll: Roll) -> list[Block]:
    """The blocks of one ticket, top to bottom, for ``roll``."""
    blocks: list[Block] = [*_prominent_lines(ticket.hall_name, roll, max_lines=1), Rule()]
    blocks.append(TextLine(ticket.number, _number_scale(ticket.number, roll), bold=True))
    if ticket.priority:
        blocks += _lines(PRIORITY_TEXT, roll, bold=True)
    if ticket.booked:
        blocks += _lines(BOOKED_TEXT, roll, bold=True)
    blocks += _prominent_lines(ticket.service_name, roll, max_lines=2)
    blocks.append(Feed())
    blocks += _lines(WAITING_AHEAD_TEXT.format(n=ticket.waiting_ahead), roll)
    if ticket.estimated_wait_s is not None:
        blocks += _lines(format_estimated_wait(ticket.estimated_wait_s), roll)
    blocks += _lines(ISSUED_AT_TEXT.format(
        time=format_issued_at(ticket.issued_at, ticket.timezone)), roll)
    blocks.append(Rule())
    blocks += _lines(ADVICE_TEXT, roll)
    for notice in ticket.notice_lines:
        blocks += _lines(notice, roll)
    if ticket.tracking_url:
        blocks += [Feed(), QrCode(ticket.tracking_url, roll.qr_module_dots),
                   *_lines(QR_CAPTION_TEXT, roll)]
    blocks.append(Cut())
    return blocks


def layout_text(blocks: list[Block], roll: Roll) -> str:
    """A plain-text preview of the layout (for logs and debugging)."""
    out = []
    for block in blocks:
        if isinstance(block, TextLine):
            out.append(block.text)
        elif isinstance(block, Rule):
            out.append(block.char * roll.columns)
        elif isinstance(block, QrCode):
            out.append(f"[QR {block.data}]")
        elif isinstance(block, Feed):
            out.extend([""] * block.lines)
        else:
            out.append("-- cut --")
    return "\n".join(out)
