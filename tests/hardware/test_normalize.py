"""Classifying reads as ID or RFID numbers, masking, and dropping repeated reads."""

import logging

from hardware.card_reader import CardRead, ReadDeduplicator, ReadSink, normalize_read
from hardware.card_reader.normalize import mask_id_number

ID_NUMBER = "11010519491231002X"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_id_number_is_recognised():
    assert normalize_read(ID_NUMBER) == CardRead("id_number", ID_NUMBER, None, "id18")


def test_lower_case_check_character_is_upper_cased():
    assert normalize_read(ID_NUMBER.lower()).value == ID_NUMBER


def test_name_after_the_id_number_is_kept():
    assert normalize_read(ID_NUMBER + "张三").name == "张三"


def test_name_before_the_id_number_is_kept():
    assert normalize_read("欧阳娜娜," + ID_NUMBER).name == "欧阳娜娜"


def test_minority_name_keeps_its_middle_dot():
    assert normalize_read(ID_NUMBER + "买买提·艾力").name == "买买提·艾力"


def test_nineteen_digits_are_not_an_id_number():
    assert normalize_read("1101051949123100211") is None


def test_ten_hex_digits_keep_the_last_eight():
    assert normalize_read("04a1b2c3d4") == CardRead("rfid", "A1B2C3D4", None, "hex10")


def test_ten_decimal_digits_are_the_32_bit_number():
    assert normalize_read("2712847316") == CardRead("rfid", "A1B2C3D4", None, "dec10")


def test_ten_decimal_digits_can_be_configured_as_hex():
    assert normalize_read("0012345678", ten_digits="hex").value == "12345678"


def test_ten_decimal_digits_above_32_bits_can_only_be_hex():
    assert normalize_read("9912345678") == CardRead("rfid", "12345678", None, "hex10")


def test_eight_hex_digits():
    assert normalize_read("a1b2c3d4") == CardRead("rfid", "A1B2C3D4", None, "hex8")


def test_separated_hex_bytes_are_joined():
    assert normalize_read("A1:B2:C3:D4").value == "A1B2C3D4"


def test_same_card_in_decimal_and_hex_formats_gives_the_same_value():
    assert normalize_read("2712847316").value == normalize_read("00A1B2C3D4").value


def test_other_text_is_not_a_read():
    assert normalize_read("hello world") is None


def test_mask_keeps_six_and_four_characters():
    assert mask_id_number(ID_NUMBER) == "110105********002X"


def test_repr_masks_the_id_number():
    assert ID_NUMBER not in repr(CardRead("id_number", ID_NUMBER))


def test_str_masks_the_id_number():
    assert ID_NUMBER not in f"{CardRead('id_number', ID_NUMBER)}"


def test_repr_masks_the_name():
    assert "张三" not in repr(CardRead("id_number", ID_NUMBER, "张三"))


def test_repr_shows_the_masked_id_number():
    assert "110105********002X" in repr(CardRead("id_number", ID_NUMBER))


def test_identical_read_inside_the_window_is_dropped():
    clock = Clock()
    dedupe = ReadDeduplicator(2.0, clock)
    dedupe.accept(CardRead("id_number", ID_NUMBER))
    clock.now += 1.9
    assert dedupe.accept(CardRead("id_number", ID_NUMBER)) is False


def test_identical_read_after_the_window_is_accepted():
    clock = Clock()
    dedupe = ReadDeduplicator(2.0, clock)
    dedupe.accept(CardRead("id_number", ID_NUMBER))
    clock.now += 2.1
    assert dedupe.accept(CardRead("id_number", ID_NUMBER)) is True


def test_different_read_inside_the_window_is_accepted():
    dedupe = ReadDeduplicator(2.0, Clock())
    dedupe.accept(CardRead("rfid", "A1B2C3D4"))
    assert dedupe.accept(CardRead("rfid", "A1B2C3D5")) is True


def test_card_lying_on_the_reader_keeps_the_window_open():
    clock = Clock()
    dedupe = ReadDeduplicator(2.0, clock)
    for _ in range(5):
        dedupe.accept(CardRead("rfid", "A1B2C3D4"))
        clock.now += 1.5
    assert dedupe.accept(CardRead("rfid", "A1B2C3D4")) is False


def test_sink_logs_no_plain_id_number(caplog):
    caplog.set_level(logging.DEBUG, logger="hardware")
    sink = ReadSink(lambda read: None, ReadDeduplicator(2.0, Clock()))
    sink.accept_text(ID_NUMBER + "张三")
    sink.accept_text(ID_NUMBER + "张三")
    assert caplog.records and ID_NUMBER not in caplog.text and "张三" not in caplog.text


def test_sink_survives_a_failing_callback():
    def broken(read):
        raise RuntimeError(read.value)

    sink = ReadSink(broken, ReadDeduplicator(2.0, Clock()))
    assert sink.accept_text(ID_NUMBER).kind == "id_number"


def test_sink_does_not_log_the_failing_callbacks_message(caplog):
    def broken(read):
        raise RuntimeError(read.value)

    ReadSink(broken, ReadDeduplicator(2.0, Clock())).accept_text(ID_NUMBER)
    assert "RuntimeError" in caplog.text and ID_NUMBER not in caplog.text
