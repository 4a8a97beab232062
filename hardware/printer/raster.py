"""Ticket layouts drawn as black-and-white images with a CJK font (Pillow).

Used for printers without a Chinese font (the text goes to the printer as a raster image) and by
the virtual printer, which keeps a PNG of each ticket. Images are exactly the roll's width in
dots, so they can never be wider than the printer's head. Pillow and qrcode are imported here
only; the font comes from Debian's ``fonts-noto-cjk`` (or another installed CJK font).
"""

import functools
import glob
import os

from hardware.printer.base import PrinterError
from hardware.printer.layout import Block, Cut, Feed, QrCode, Roll, Rule, TextLine

FONT_ENV = "HALLQ_CJK_FONT"
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-{weight}.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
FONT_GLOBS = ("/usr/share/fonts/**/*CJK*-{weight}.tt[cf]", "/usr/share/fonts/**/*CJK*.tt[cf]")
BASE_TEXT_DOTS = 24  # font A Chinese characters are 24x24 dots
LINE_GAP_DOTS = 6
FEED_DOTS = BASE_TEXT_DOTS + LINE_GAP_DOTS
CUT_MARGIN_DOTS = 48
TEXT_MARGIN_DOTS = 4  # keep glyphs off the very edge of the head


class FontNotFound(PrinterError):
    """No CJK font is installed, so Chinese text cannot be drawn."""


def find_cjk_font(bold: bool = False) -> str:
    """The path of an installed CJK font: ``$HALLQ_CJK_FONT``, Noto CJK, WenQuanYi, any *CJK*."""
    override = os.environ.get(FONT_ENV)
    if override:
        if not os.path.isfile(override):
            raise FontNotFound(f"{FONT_ENV}={override} does not exist")
        return override
    weight = "Bold" if bold else "Regular"
    for candidate in FONT_CANDIDATES:
        path = candidate.format(weight=weight)
        if os.path.isfile(path):
            return path
    for pattern in FONT_GLOBS:
        found = sorted(glob.glob(pattern.format(weight=weight), recursive=True))
        if found:
            return found[0]
    raise FontNotFound(
        "no CJK font found for raster printing: install the Debian package fonts-noto-cjk "
        f"(/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc) or set {FONT_ENV}")


@functools.lru_cache(maxsize=4)
def _simplified_chinese_index(path: str) -> int:
    """The face of a font collection made for Simplified Chinese (its glyph shapes are the
    ones mainland readers expect); 0 when the collection names none."""
    from PIL import ImageFont

    for index in range(16):
        try:
            family, _style = ImageFont.truetype(path, 12, index=index).getname()
        except OSError:
            break
        if family and family.endswith(" SC"):
            return index
    return 0


@functools.lru_cache(maxsize=32)
def load_font(size: int, bold: bool = False):
    """A Pillow font of ``size`` pixels from the installed CJK font."""
    from PIL import ImageFont

    path = find_cjk_font(bold)
    return ImageFont.truetype(path, size, index=_simplified_chinese_index(path))


def _fitted_font(text: str, size: int, bold: bool, max_width: int):
    """The font at ``size``, shrunk until ``text`` fits ``max_width`` dots."""
    font = load_font(size, bold)
    while size > 8 and font.getlength(text) > max_width:
        size -= 2
        font = load_font(size, bold)
    return font


def text_image(line: TextLine, roll: Roll):
    """One text line as a roll-wide 1-bit image."""
    from PIL import Image, ImageDraw

    size = BASE_TEXT_DOTS * line.scale
    font = _fitted_font(line.text, size, line.bold, roll.dots - 2 * TEXT_MARGIN_DOTS)
    height = size + LINE_GAP_DOTS * line.scale
    image = Image.new("1", (roll.dots, height), 1)
    width = font.getlength(line.text)
    x = {"left": 0, "right": roll.dots - width}.get(line.align, (roll.dots - width) / 2)
    ImageDraw.Draw(image).text((x, height / 2), line.text, font=font, fill=0, anchor="lm")
    return image


def rule_image(rule: Rule, roll: Roll):
    """A thin horizontal line across the roll."""
    from PIL import Image, ImageDraw

    image = Image.new("1", (roll.dots, FEED_DOTS // 2), 1)
    y = image.height // 2
    ImageDraw.Draw(image).line((0, y, roll.dots - 1, y), fill=0, width=2)
    return image


def qr_image(qr: QrCode, roll: Roll):
    """The QR code centred on a roll-wide image; the module size shrinks if it would not fit."""
    import qrcode
    from PIL import Image

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(qr.data)
    code.make(fit=True)
    modules = code.modules_count + 2 * code.border
    module_dots = max(1, min(qr.module_dots, roll.dots // modules))
    code.box_size = module_dots
    symbol = code.make_image().get_image().convert("1")
    image = Image.new("1", (roll.dots, symbol.height), 1)
    image.paste(symbol, ((roll.dots - symbol.width) // 2, 0))
    return image


def blank_image(height: int, roll: Roll):
    from PIL import Image

    return Image.new("1", (roll.dots, height), 1)


def block_image(block: Block, roll: Roll):
    """Any block except a cut as a roll-wide image."""
    if isinstance(block, TextLine):
        return text_image(block, roll)
    if isinstance(block, Rule):
        return rule_image(block, roll)
    if isinstance(block, QrCode):
        return qr_image(block, roll)
    if isinstance(block, Feed):
        return blank_image(FEED_DOTS * block.lines, roll)
    return blank_image(CUT_MARGIN_DOTS, roll)


def stack_images(images: list, roll: Roll):
    """Images placed one under the other on a roll-wide strip."""
    from PIL import Image

    strip = Image.new("1", (roll.dots, max(1, sum(i.height for i in images))), 1)
    y = 0
    for image in images:
        strip.paste(image, (0, y))
        y += image.height
    return strip


def ticket_image(blocks: list[Block], roll: Roll):
    """The whole ticket (text, rules, QR code, margin at the cut) as one image."""
    images = [block_image(block, roll) for block in blocks]
    if blocks and isinstance(blocks[-1], Cut):
        images.insert(0, blank_image(CUT_MARGIN_DOTS // 2, roll))
    return stack_images(images, roll)
