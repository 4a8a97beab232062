"""Finding a CJK font and fitting raster text to the roll."""

import subprocess
import sys

import pytest

from hardware.printer import raster
from hardware.printer.layout import ROLL_58MM, TextLine


def test_missing_font_error_names_the_debian_package(monkeypatch):
    monkeypatch.delenv(raster.FONT_ENV, raising=False)
    monkeypatch.setattr(raster, "FONT_CANDIDATES", ())
    monkeypatch.setattr(raster, "FONT_GLOBS", ())
    with pytest.raises(raster.FontNotFound, match="fonts-noto-cjk"):
        raster.find_cjk_font()


def test_font_override_must_exist(monkeypatch, tmp_path):
    monkeypatch.setenv(raster.FONT_ENV, str(tmp_path / "nothing.ttf"))
    with pytest.raises(raster.FontNotFound):
        raster.find_cjk_font()


def test_simplified_chinese_face_of_the_collection_is_used():
    assert raster.load_font(24).getname()[0].endswith(" SC")


def test_text_too_wide_for_its_size_is_shrunk_to_fit():
    line = TextLine("德州市政务服务中心不动产登记窗口", scale=2)
    font = raster._fitted_font(line.text, 48, False, ROLL_58MM.dots)
    assert font.getlength(line.text) <= ROLL_58MM.dots


def test_text_line_image_is_the_roll_width():
    assert raster.text_image(TextLine("A001", scale=4), ROLL_58MM).width == ROLL_58MM.dots


@pytest.mark.parametrize("package, optional", [
    ("hardware.printer", ("escpos", "PIL", "qrcode")),
    ("hardware.card_reader", ("evdev",)),
])
def test_importing_a_package_loads_no_optional_library(package, optional):
    code = (f"import sys, {package}; "
            f"print([name for name in {optional!r} if name in sys.modules])")
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                            text=True, check=True, timeout=60)
    assert result.stdout.strip() == "[]"
