"""The LED frame bytes: CRC16, escaping, layout, GB2312 text, fitting, parsing."""

import pytest

from hardware.led import frames


def test_crc16_modbus_check_value():
    assert frames.crc16_modbus(b"123456789") == 0x4B37


def test_crc16_of_empty_data_is_the_initial_value():
    assert frames.crc16_modbus(b"") == 0xFFFF


@pytest.mark.parametrize("byte, sequence", [
    (0xA5, b"\xa6\x02"), (0xA6, b"\xa6\x01"), (0x5A, b"\x5b\x02"), (0x5B, b"\x5b\x01"),
])
def test_default_escapes_each_special_byte(byte, sequence):
    assert frames.escape(bytes((0x11, byte, 0x22))) == b"\x11" + sequence + b"\x22"


@pytest.mark.parametrize("byte, sequence", [
    (0xA5, b"\xaa\x05"), (0x5A, b"\xaa\x0a"), (0xAA, b"\xaa\xaa"),
])
def test_aa_escapes_each_special_byte(byte, sequence):
    escaped = frames.escape(bytes((0x11, byte, 0x22)), frames.ESCAPES_AA)
    assert escaped == b"\x11" + sequence + b"\x22"


def test_default_escapes_leave_0xaa_alone():
    assert frames.escape(b"\xaa") == b"\xaa"


@pytest.mark.parametrize("escapes", [frames.ESCAPES_A6_5B, frames.ESCAPES_AA])
def test_unescape_reverses_escape_for_every_byte_value(escapes):
    every_byte = bytes(range(256))
    assert frames.unescape(frames.escape(every_byte, escapes), escapes) == every_byte


def test_unescape_refuses_an_unknown_escape_sequence():
    with pytest.raises(frames.FrameError):
        frames.unescape(b"\xa6\x07")


def test_documented_example_frame_for_a001_hao():
    frame = frames.show_text_frame(3, "A001号")
    assert frame == bytes.fromhex("A5 03 01 07 00 10 41 30 30 31 BA C5 CD 7D 5A")


def test_documented_example_escapes_a_crc_byte():
    frame = frames.show_text_frame(1, "B018")
    assert frame == bytes.fromhex("A5 01 01 05 00 10 42 30 31 38 52 5B 02 5A")


def test_frame_crc_covers_address_to_payload_little_endian():
    frame = frames.build_frame(7, frames.COMMAND_BRIGHTNESS, b"\x08")
    crc = frames.crc16_modbus(bytes.fromhex("07 03 01 00 08"))
    assert frame[-3:-1] == crc.to_bytes(2, "little")


def test_address_byte_follows_the_start_marker():
    assert frames.clear_frame(42)[:2] == b"\xa5\x2a"


def test_an_address_equal_to_a_marker_is_escaped():
    assert frames.clear_frame(0xA5)[1:3] == b"\xa6\x02"


def test_inner_bytes_never_contain_a_marker():
    frame = frames.build_frame(0x5A, 0xA5, bytes(range(256)))
    assert 0xA5 not in frame[1:-1] and 0x5A not in frame[1:-1]


def test_text_is_sent_in_gb2312():
    frame = frames.parse_frame(frames.show_text_frame(1, "暂停服务"))
    assert frame.payload[1:] == bytes.fromhex("D4 DD CD A3 B7 FE CE F1")


def test_clear_frame_bytes():
    body = bytes.fromhex("02 02 00 00")
    expected = b"\xa5" + body + frames.crc16_modbus(body).to_bytes(2, "little") + b"\x5a"
    assert frames.clear_frame(2) == expected


def test_brightness_out_of_range_is_refused():
    with pytest.raises(ValueError):
        frames.brightness_frame(1, 16)


def test_address_255_is_refused():
    with pytest.raises(ValueError):
        frames.clear_frame(255)


def test_parse_frame_round_trips_text_and_address():
    frame = frames.parse_frame(frames.show_text_frame(9, "请A001号到3号窗口", max_width=40))
    assert (frame.address, frame.command, frame.text) == (9, frames.COMMAND_SHOW_TEXT,
                                                          "请A001号到3号窗口")


def test_parse_frame_rejects_a_corrupted_byte():
    frame = bytearray(frames.show_text_frame(1, "A001"))
    frame[6] ^= 0x01
    with pytest.raises(frames.FrameError, match="CRC"):
        frames.parse_frame(bytes(frame))


def test_split_frames_cuts_a_stream_into_frames():
    sent = [frames.show_text_frame(1, "B018"), frames.clear_frame(0x5A),
            frames.brightness_frame(1, 15)]
    assert frames.split_frames(b"".join(sent)) == sent


def test_unencodable_characters_become_question_marks():
    assert frames.sanitize_text("A001€😀") == "A001??"


def test_full_width_ascii_is_made_half_width():
    assert frames.sanitize_text("Ａ００１") == "A001"


def test_control_characters_become_spaces():
    assert frames.sanitize_text("3号\n窗口") == "3号 窗口"


def test_cell_width_counts_chinese_as_two():
    assert frames.cell_width("A001号") == 6


def test_text_that_fits_is_static():
    assert frames.fit_text("A001号", 6) == ("A001号", frames.MODE_STATIC)


def test_too_wide_text_scrolls_whole():
    assert frames.fit_text("请A001号到3号窗口", 16) == ("请A001号到3号窗口",
                                                       frames.MODE_SCROLL_LEFT)


def test_too_wide_text_is_truncated_to_whole_characters():
    assert frames.fit_text("A001号窗口", 7, "truncate") == ("A001号", frames.MODE_STATIC)


def test_unknown_overflow_is_refused():
    with pytest.raises(ValueError):
        frames.fit_text("A001", 16, "wrap")
