"""Bytes a ticket becomes on an ESC/POS printer (python-escpos Dummy): Chinese mode, QR code,
cut, raster images within the roll's width."""

import pytest
from escpos.printer import Dummy

from hardware.printer.escpos_render import FS_CHINESE_OFF, FS_CHINESE_ON, render_ticket
from hardware.printer.layout import ROLL_58MM, ROLL_80MM, layout_ticket
from tests.hardware.escpos_bytes import GS_QR, qr_store_command, raster_images
from tests.hardware.tickets import TRACKING_URL, sample_ticket

GS_QR_PRINT = GS_QR + b"\x03\x001Q0"
ESC_ALIGN_CENTER = b"\x1ba\x01"
GS_FULL_CUT = b"\x1dV\x00"
GS_PARTIAL_CUT = b"\x1dV\x01"


def printed(roll=ROLL_80MM, ticket=None, **modes) -> bytes:
    printer = Dummy()
    render_ticket(printer, layout_ticket(ticket or sample_ticket(), roll), roll, **modes)
    return printer.output


def in_chinese_mode(text: str) -> bytes:
    return FS_CHINESE_ON + text.encode("gb18030") + FS_CHINESE_OFF


def test_ticket_starts_by_initialising_the_printer():
    assert printed().startswith(b"\x1b@")


def test_people_ahead_is_gb18030_inside_chinese_mode():
    assert in_chinese_mode("您前面还有 7 人在等候") in printed()


def test_hall_name_is_gb18030_inside_chinese_mode():
    assert in_chinese_mode("德州市政务服务中心") in printed()


def test_line_of_chinese_punctuation_is_not_turned_into_question_marks():
    ticket = sample_ticket(notice_lines=("。。。",))
    assert in_chinese_mode("。。。") in printed(ticket=ticket)


def test_no_chinese_text_is_sent_as_utf8():
    assert "等候".encode("utf-8") not in printed()


def test_number_is_sent_at_five_times_size_on_80mm():
    assert b"\x1d!\x44" + b"\x1bE\x01" + ESC_ALIGN_CENTER + b"A001\n" in printed()


def test_qr_command_carries_the_tracking_url():
    assert qr_store_command(TRACKING_URL) in printed()


def test_qr_symbol_is_printed():
    assert GS_QR_PRINT in printed()


def test_alignment_is_centred_before_the_qr_code():
    output = printed()
    assert output[:output.index(GS_QR)].endswith(ESC_ALIGN_CENTER)


def test_ticket_ends_with_a_full_cut():
    assert printed().endswith(GS_FULL_CUT)


def test_partial_cut_when_asked():
    assert printed(cut_mode="PART").endswith(GS_PARTIAL_CUT)


def test_raster_mode_sends_no_chinese_mode_text():
    assert FS_CHINESE_ON not in printed(text_mode="raster")


def test_raster_mode_sends_images():
    assert raster_images(printed(text_mode="raster"))


@pytest.mark.parametrize("roll", [ROLL_80MM, ROLL_58MM], ids=lambda roll: roll.name)
def test_raster_images_are_never_wider_than_the_roll(roll):
    ticket = sample_ticket(hall_name="新疆维吾尔自治区乌鲁木齐市沙依巴克区政务服务中心",
                           number="VIP0001", priority=True)
    images = raster_images(printed(roll, ticket, text_mode="raster", qr_mode="image"))
    assert max(width for width, _ in images) <= roll.dots


def test_raster_mode_still_uses_the_native_qr_command():
    assert qr_store_command(TRACKING_URL) in printed(text_mode="raster")


def test_qr_image_fallback_sends_no_qr_command():
    assert GS_QR not in printed(qr_mode="image")


def test_qr_image_fallback_sends_an_image():
    assert len(raster_images(printed(qr_mode="image"))) == 1


def test_unknown_text_mode_is_refused():
    with pytest.raises(ValueError):
        printed(text_mode="braille")
