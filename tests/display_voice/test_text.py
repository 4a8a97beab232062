"""Announcement wording: templates, digits one by one, recall, pause, privacy guards."""

import pytest

from display.voice.text import (AnnouncementError, Templates, call_announcement,
                                chinese_number, digits_one_by_one, pause_announcement,
                                spoken_window)


def test_digits_are_read_one_by_one():
    assert digits_one_by_one("A001") == "A零零一"


def test_letters_stay_letters():
    assert digits_one_by_one("BC120") == "BC一二零"


def test_default_call_display_text():
    assert call_announcement("A001", "3号窗口").display == "请A001号到3号窗口办理"


def test_default_call_speech_reads_the_number_digit_by_digit():
    assert call_announcement("A001", "3号窗口").speech == "请A零零一号到三号窗口办理"


def test_window_number_is_read_as_a_chinese_number():
    assert spoken_window("12号窗口") == "十二号窗口"


@pytest.mark.parametrize("value, spoken", [(0, "零"), (10, "十"), (20, "二十"), (23, "二十三"),
                                           (99, "九十九"), (105, "一零五")])
def test_chinese_number(value, spoken):
    assert chinese_number(value) == spoken


def test_hall_template_is_used():
    templates = Templates(call="{number}号请到{window}")
    assert call_announcement("B012", "5号窗口", templates).display == "B012号请到5号窗口"


def test_recall_adds_the_recall_mark():
    assert (call_announcement("A001", "3号窗口", recall=True).display
            == "请A001号到3号窗口办理（重呼）")


def test_recall_can_add_nothing():
    templates = Templates(recall=Templates().call)
    assert (call_announcement("A001", "3号窗口", templates, recall=True).display
            == "请A001号到3号窗口办理")


def test_pause_text():
    assert pause_announcement("3号窗口").display == "3号窗口暂停服务"


def test_pause_speech():
    assert pause_announcement("3号窗口").speech == "三号窗口暂停服务"


def test_repeat_count_comes_from_the_templates():
    assert call_announcement("A001", "3号窗口", Templates(repeat=3)).repeat == 3


def test_repeat_above_the_cap_is_refused():
    with pytest.raises(AnnouncementError):
        Templates(repeat=6)


@pytest.mark.parametrize("number", ["110101199003071234", "张三", "A001 张三", "a001", ""])
def test_anything_but_a_ticket_number_is_refused(number):
    with pytest.raises(AnnouncementError):
        call_announcement(number, "3号窗口")


def test_window_name_with_a_long_number_is_refused():
    with pytest.raises(AnnouncementError):
        call_announcement("A001", "13800138000")


@pytest.mark.parametrize("template", ["请{name}到{window}", "请{}号", "请{number", "{0}"])
def test_template_with_other_fields_is_refused(template):
    with pytest.raises(AnnouncementError):
        Templates(call=template)
