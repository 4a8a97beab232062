"""The pure ticket layout: wording, sizes, wrapping, time zone, QR code and cut."""

from datetime import datetime

import pytest

from hardware.printer.layout import (ADVICE_TEXT, ROLL_58MM, ROLL_80MM, Cut, QrCode, TextLine,
                                     layout_text, layout_ticket, text_columns, wrap_columns)
from tests.hardware.tickets import TRACKING_URL, sample_ticket


def texts(blocks) -> list[str]:
    return [block.text for block in blocks if isinstance(block, TextLine)]


def line(blocks, text) -> TextLine:
    return next(block for block in blocks if isinstance(block, TextLine) and block.text == text)


def test_people_ahead_wording():
    assert "您前面还有 7 人在等候" in texts(layout_ticket(sample_ticket(), ROLL_80MM))


def test_advice_wording():
    assert ADVICE_TEXT in texts(layout_ticket(sample_ticket(), ROLL_80MM))


def test_number_is_printed_large():
    assert line(layout_ticket(sample_ticket(), ROLL_80MM), "A001").scale >= 4


def test_number_is_bold():
    assert line(layout_ticket(sample_ticket(), ROLL_80MM), "A001").bold


def test_hall_name_comes_first():
    assert texts(layout_ticket(sample_ticket(), ROLL_80MM))[0] == "德州市政务服务中心"


def test_aware_issue_time_is_shown_in_the_halls_zone():
    assert "取号时间：2024-05-20 09:31" in texts(layout_ticket(sample_ticket(), ROLL_80MM))


def test_issue_time_in_another_zone_setting():
    ticket = sample_ticket(timezone="Asia/Urumqi")
    assert "取号时间：2024-05-20 07:31" in texts(layout_ticket(ticket, ROLL_80MM))


def test_naive_issue_time_is_taken_as_local():
    ticket = sample_ticket(issued_at=datetime(2024, 5, 20, 14, 5))
    assert "取号时间：2024-05-20 14:05" in texts(layout_ticket(ticket, ROLL_80MM))


def test_issue_time_given_as_text_is_printed_as_is():
    ticket = sample_ticket(issued_at="05-20 14:05")
    assert "取号时间：05-20 14:05" in texts(layout_ticket(ticket, ROLL_80MM))


def test_estimated_wait_rounds_up_to_whole_minutes():
    assert "预计等候约 11 分钟" in texts(layout_ticket(sample_ticket(), ROLL_80MM))


def test_no_estimate_no_estimate_line():
    ticket = sample_ticket(estimated_wait_s=None)
    assert not any("预计" in text for text in texts(layout_ticket(ticket, ROLL_80MM)))


def test_priority_ticket_says_so():
    ticket = sample_ticket(priority=True)
    assert any("绿色通道" in text for text in texts(layout_ticket(ticket, ROLL_80MM)))


def test_ordinary_ticket_has_no_priority_line():
    assert not any("绿色通道" in text for text in texts(layout_ticket(sample_ticket(), ROLL_80MM)))


def test_notice_lines_are_printed():
    ticket = sample_ticket(notice_lines=("请携带身份证原件",))
    assert "请携带身份证原件" in texts(layout_ticket(ticket, ROLL_80MM))


def test_qr_code_carries_the_tracking_url():
    qr = [b for b in layout_ticket(sample_ticket(), ROLL_80MM) if isinstance(b, QrCode)]
    assert [code.data for code in qr] == [TRACKING_URL]


def test_no_tracking_url_no_qr_code():
    blocks = layout_ticket(sample_ticket(tracking_url=None), ROLL_80MM)
    assert not any(isinstance(block, QrCode) for block in blocks)


def test_ticket_ends_with_a_cut():
    assert isinstance(layout_ticket(sample_ticket(), ROLL_58MM)[-1], Cut)


@pytest.mark.parametrize("roll", [ROLL_80MM, ROLL_58MM], ids=lambda roll: roll.name)
def test_every_line_fits_the_roll(roll):
    ticket = sample_ticket(hall_name="新疆维吾尔自治区乌鲁木齐市沙依巴克区政务服务中心",
                           service_name="不动产登记（抵押权首次登记、变更及注销）", priority=True,
                           notice_lines=("温馨提示：本大厅午间不休息，周六上午正常办理部分业务。",))
    lines = [b for b in layout_ticket(ticket, roll) if isinstance(b, TextLine)]
    assert max(text_columns(b.text) * b.scale for b in lines) <= roll.columns


def test_hall_name_too_wide_for_double_size_is_printed_normal_size():
    blocks = layout_ticket(sample_ticket(), ROLL_58MM)
    assert line(blocks, "德州市政务服务中心").scale == 1


def test_long_service_name_is_double_size_on_two_lines():
    blocks = layout_ticket(sample_ticket(service_name="不动产登记（抵押权首次登记）"), ROLL_80MM)
    assert [(b.text, b.scale) for b in blocks if isinstance(b, TextLine) and "登记" in b.text] \
        == [("不动产登记", 2), ("（抵押权首次登记）", 2)]


def test_service_name_too_long_for_two_double_lines_is_normal_size():
    blocks = layout_ticket(sample_ticket(service_name="不动产登记（抵押权首次登记）"), ROLL_58MM)
    assert line(blocks, "不动产登记（抵押权首次登记）").scale == 1


def test_wrapping_breaks_after_the_comma():
    assert wrap_columns(ADVICE_TEXT, 32) == ["请留意叫号及大屏显示信息，", "过号请重新取号"]


def test_wrapping_never_starts_a_line_with_a_comma():
    assert not any(line.startswith("，") for line in wrap_columns("一二三四五六七八，九十", 16))


def test_wrapping_keeps_an_ascii_word_whole():
    assert wrap_columns("Window 12 please", 10) == ["Window 12", "please"]


def test_text_preview_shows_the_qr_target():
    preview = layout_text(layout_ticket(sample_ticket(), ROLL_58MM), ROLL_58MM)
    assert f"[QR {TRACKING_URL}]" in preview
