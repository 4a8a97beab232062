"""Render a ticket layout onto a python-escpos printer object.

Two text modes:

- ``native``: the printer's own Chinese font. Text with non-ASCII characters is sent as GB18030
  bytes between ``FS &`` (enter Chinese mode) and ``FS .`` (leave it). python-escpos 3.1 writes
  CJK text as GB18030 without ``FS &`` and turns a line of only Chinese punctuation into ``?``,
  so text bytes are written here directly instead of through ``printer.text()``.
- ``raster``: text drawn by Pillow with a CJK font and sent as a bit image, for printers without
  a Chinese font.

QR codes are native (``GS ( k``, alignment set first: python-escpos cannot centre a native QR)
or, for printers without 2D code support, a centred image. Sizes use ``GS !``, which applies to
Chinese characters as well as ASCII (``ESC !`` does not on most printers).

The printer object needs only ``_raw()``, ``set()``, ``qr()``, ``image()``, ``cut()`` and
``profile``: any python-escpos printer, including ``Dummy``.
"""

import copy
from typing import Literal

from hardware.printer.layout import Block, Cut, Feed, QrCode, Roll, Rule, TextLine

TextMode = Literal["native", "raster"]
QrMode = Literal["native", "image"]
TEXT_MODES = ("native", "raster")
QR_MODES = ("native", "image")

ESC_INIT = b"\x1b@"
FS_CHINESE_ON = b"\x1c&"
FS_CHINESE_OFF = b"\x1c."
GS_QR = b"\x1d(k"
LF = b"\n"
QR_EC_LEVEL_M = 1  # python-escpos QR_ECLEVEL_M: survives a scuffed or creased ticket


def render_ticket(printer, blocks: list[Block], roll: Roll, text_mode: TextMode = "native",
                  qr_mode: QrMode = "native", cut_mode: str = "FULL") -> None:
    """Send the whole ticket to ``printer``, starting from a freshly initialised printer."""
    if text_mode not in TEXT_MODES:
        raise ValueError(f"text_mode must be one of {TEXT_MODES}, not {text_mode!r}")
    if qr_mode not in QR_MODES:
        raise ValueError(f"qr_mode must be one of {QR_MODES}, not {qr_mode!r}")
    set_media_width(printer, roll)
    printer._raw(ESC_INIT)
    pending: list[Block] = []  # raster mode: consecutive text blocks become one image
    for block in blocks:
        if text_mode == "raster" and not isinstance(block, (QrCode, Cut)):
            pending.append(block)
            continue
        render_raster_blocks(printer, pending, roll)
        pending = []
        if isinstance(block, QrCode):
            render_qr(printer, block, roll, qr_mode)
        elif isinstance(block, Cut):
            printer.set(align="left")
            printer.cut(mode=cut_mode)
        else:
            render_native_block(printer, block, roll)
    render_raster_blocks(printer, pending, roll)


def set_media_width(printer, roll: Roll) -> None:
    """Tell the printer's profile how wide the roll is.

    python-escpos checks images against the profile's width and prints a notice to stdout when
    the width is unknown (the default profile). Profiles share their data between printers of
    the same model, so this printer gets its own copy.
    """
    data = copy.deepcopy(printer.profile.profile_data)
    data.setdefault("media", {}).setdefault("width", {})["pixels"] = roll.dots
    printer.profile.profile_data = data


def encode_text(text: str) -> bytes:
    """``text`` as printer bytes: plain ASCII, or GB18030 inside Chinese mode."""
    if text.isascii():
        return text.encode("ascii")
    return FS_CHINESE_ON + text.encode("gb18030") + FS_CHINESE_OFF


def render_native_block(printer, block: Block, roll: Roll) -> None:
    """A text line, rule or feed in the printer's own font."""
    if isinstance(block, TextLine):
        printer.set(align=block.align, bold=block.bold, custom_size=True,
                    width=block.scale, height=block.scale)
        printer._raw(encode_text(block.text) + LF)
        printer.set(bold=False, custom_size=True, width=1, height=1)
    elif isinstance(block, Rule):
        printer.set(align="left")
        printer._raw(encode_text(block.char * roll.columns) + LF)
    elif isinstance(block, Feed):
        printer._raw(LF * block.lines)


def render_raster_blocks(printer, blocks: list[Block], roll: Roll) -> None:
    """Text lines, rules and feeds drawn as one roll-wide bit image (nothing if empty)."""
    if not blocks:
        return
    from hardware.printer.raster import block_image, stack_images

    printer.set(align="left")
    image = stack_images([block_image(block, roll) for block in blocks], roll)
    printer.image(image, impl="bitImageRaster")


def render_qr(printer, qr: QrCode, roll: Roll, qr_mode: QrMode) -> None:
    """The QR code, centred: native ``GS ( k`` or a centred image."""
    if qr_mode == "image":
        from hardware.printer.raster import qr_image

        printer.set(align="left")
        printer.image(qr_image(qr, roll), impl="bitImageRaster")
        return
    printer.set(align="center")
    printer.qr(qr.data, native=True, size=qr.module_dots, ec=QR_EC_LEVEL_M)
    printer._raw(LF)
    printer.set(align="left")
