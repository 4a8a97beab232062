"""The fake card reader (same decoding path as the real one) and open_card_reader specs."""

import threading

import pytest

from hardware.card_reader import (CardRead, FakeCardReader, NullCardReader, ReadDeduplicator,
                                  open_card_reader)
from hardware.card_reader.decoder import KeystrokeDecoder
from hardware.card_reader.fake import key_events, typed_form
from hardware.card_reader.keymap import EV_KEY, KEY_LEFTSHIFT, KEY_X

ID_NUMBER = "11010519491231002X"


def started(reader):
    reads = []
    reader.start(reads.append)
    return reads


def test_swipe_delivers_the_id_number():
    reader = FakeCardReader()
    reads = started(reader)
    reader.swipe(ID_NUMBER)
    assert reads == [CardRead("id_number", ID_NUMBER, None, "id18")]


def test_swipe_types_the_check_character_with_shift():
    codes = [(event.code, event.value) for event in key_events("X", enter=False)
             if event.type == EV_KEY]
    assert codes[:2] == [(KEY_LEFTSHIFT, 1), (KEY_X, 1)]


def test_swipe_types_chinese_as_name_escapes():
    assert typed_form("张三") == "\\u5F20\\u4E09"


def test_swipe_with_a_name_round_trips_through_the_decoder():
    assert list(KeystrokeDecoder().feed_all(key_events(ID_NUMBER + "张三"))) == [ID_NUMBER + "张三"]


def test_swipe_with_a_rare_name_character_round_trips():
    assert list(KeystrokeDecoder().feed_all(key_events("\U00020BB7"))) == ["\U00020BB7"]


def test_second_identical_swipe_is_dropped():
    reader = FakeCardReader(dedupe=ReadDeduplicator(2.0, lambda: 0.0))
    reads = started(reader)
    reader.swipe(ID_NUMBER)
    reader.swipe(ID_NUMBER)
    assert len(reads) == 1


def test_swipe_before_start_is_refused():
    with pytest.raises(RuntimeError):
        FakeCardReader().swipe(ID_NUMBER)


def test_spool_file_is_swiped_and_removed(tmp_path):
    reader = FakeCardReader(tmp_path)
    arrived = threading.Event()
    reader.start(lambda read: arrived.set())
    (tmp_path / "1.swipe").write_text("2712847316", encoding="utf-8")
    try:
        assert arrived.wait(5.0) and not (tmp_path / "1.swipe").exists()
    finally:
        reader.stop()


def test_spec_none_gives_no_reader():
    assert isinstance(open_card_reader("none"), NullCardReader)


def test_spec_fake_gives_a_fake_reader():
    assert isinstance(open_card_reader("fake"), FakeCardReader)


def test_spec_option_reads_ten_digits_as_hex():
    reader = open_card_reader("fake?ten_digits=hex")
    reads = started(reader)
    reader.swipe("0012345678")
    assert reads[0].value == "12345678"


def test_spec_option_sets_the_dedupe_window():
    assert open_card_reader("fake?dedupe_s=5").dedupe.window_s == 5.0


def test_unknown_spec_is_refused():
    with pytest.raises(ValueError):
        open_card_reader("bluetooth:reader")


def test_unknown_option_is_refused():
    with pytest.raises(ValueError):
        open_card_reader("fake?speed=3")
