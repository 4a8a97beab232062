"""The HID keystroke decoder, fed with hand-built evdev.InputEvent streams."""

from evdev import InputEvent, ecodes

from hardware.card_reader import keymap
from hardware.card_reader.decoder import KeystrokeDecoder, decode_name_escapes
from tests.hardware.keys import (DOWN, HOLD, UP, backslash_u, digits, enter, key, letters,
                                 shifted, tap)

ID17 = "11010519491231002"


def reads(events, **kwargs) -> list[str]:
    return list(KeystrokeDecoder(**kwargs).feed_all(events))


def test_main_row_digits_and_enter_give_one_read():
    assert reads(digits("0123456789") + enter()) == ["0123456789"]


def test_keypad_digits_and_keypad_enter():
    assert reads(digits("0123456789", keypad=True) + tap(ecodes.KEY_KPENTER)) == ["0123456789"]


def test_nothing_is_returned_before_enter():
    assert reads(digits(ID17)) == []


def test_left_shift_x_types_capital_x():
    assert reads(digits(ID17) + shifted(ecodes.KEY_X) + enter()) == [ID17 + "X"]


def test_right_shift_x_types_capital_x():
    events = digits(ID17) + shifted(ecodes.KEY_X, ecodes.KEY_RIGHTSHIFT) + enter()
    assert reads(events) == [ID17 + "X"]


def test_x_without_shift_is_lower_case():
    assert reads(digits(ID17) + tap(ecodes.KEY_X) + enter()) == [ID17 + "x"]


def test_shift_released_before_next_key_does_not_stick():
    events = shifted(ecodes.KEY_A) + tap(ecodes.KEY_B) + enter()
    assert reads(events) == ["Ab"]


def test_caps_lock_makes_x_capital():
    events = tap(ecodes.KEY_CAPSLOCK) + digits(ID17) + tap(ecodes.KEY_X) + enter()
    assert reads(events) == [ID17 + "X"]


def test_caps_lock_pressed_twice_is_off_again():
    events = tap(ecodes.KEY_CAPSLOCK) + tap(ecodes.KEY_CAPSLOCK) + tap(ecodes.KEY_X) + enter()
    assert reads(events) == ["x"]


def test_caps_lock_with_shift_gives_lower_case():
    events = tap(ecodes.KEY_CAPSLOCK) + shifted(ecodes.KEY_X) + enter()
    assert reads(events) == ["x"]


def test_caps_lock_does_not_shift_digits():
    assert reads(tap(ecodes.KEY_CAPSLOCK) + digits("12") + enter()) == ["12"]


def test_caps_lock_state_carries_over_to_the_next_read():
    decoder = KeystrokeDecoder()
    list(decoder.feed_all(tap(ecodes.KEY_CAPSLOCK) + tap(ecodes.KEY_A) + enter()))
    assert list(decoder.feed_all(tap(ecodes.KEY_X) + enter())) == ["X"]


def test_autorepeat_does_not_duplicate_a_character():
    events = [key(ecodes.KEY_5, DOWN), key(ecodes.KEY_5, HOLD), key(ecodes.KEY_5, HOLD),
              key(ecodes.KEY_5, UP)] + enter()
    assert reads(events) == ["5"]


def test_autorepeat_of_enter_does_not_complete_a_second_read():
    events = digits("12") + [key(ecodes.KEY_ENTER, DOWN), key(ecodes.KEY_ENTER, HOLD)] \
        + digits("34") + enter()
    assert reads(events) == ["12", "34"]


def test_key_up_alone_types_nothing():
    assert reads([key(ecodes.KEY_7, UP)] + digits("1") + enter()) == ["1"]


def test_non_key_events_are_ignored():
    sync = InputEvent(0, 0, ecodes.EV_SYN, ecodes.SYN_REPORT, 0)
    scan = InputEvent(0, 0, ecodes.EV_MSC, ecodes.MSC_SCAN, 0x7001E)
    assert reads([scan, *tap(ecodes.KEY_1), sync] + enter()) == ["1"]


def test_name_escapes_decode_to_the_chinese_name():
    events = digits(ID17) + shifted(ecodes.KEY_X) + backslash_u("5F20") + backslash_u("4E09") \
        + enter()
    assert reads(events) == [ID17 + "X张三"]


def test_lower_case_hex_in_name_escapes_is_accepted():
    events = tap(ecodes.KEY_BACKSLASH) + letters("u5f20") + enter()
    assert reads(events) == ["张"]


def test_surrogate_pair_escapes_join_into_one_character():
    assert decode_name_escapes("\\uD842\\uDFB7") == "\U00020BB7"


def test_incomplete_escape_is_kept_as_typed():
    assert decode_name_escapes("\\u5F") == "\\u5F"


def test_rfid_hex_digits_are_typed_through():
    events = digits("04") + shifted(ecodes.KEY_A) + digits("1") + shifted(ecodes.KEY_B) \
        + digits("2") + shifted(ecodes.KEY_C) + digits("3") + shifted(ecodes.KEY_D) \
        + digits("4") + enter()
    assert reads(events) == ["04A1B2C3D4"]


def test_overlong_garbage_is_discarded():
    assert reads(digits("1234567890" * 7) + enter()) == []


def test_read_after_overlong_garbage_is_decoded():
    assert reads(digits("1234567890" * 7) + enter() + digits("42") + enter()) == ["42"]


def test_endless_key_stream_is_discarded_whole():
    assert reads(digits("9" * 5000) + enter()) == []


def test_long_name_with_escapes_is_counted_after_decoding():
    name = [event for _ in range(10) for event in backslash_u("4E00")]  # 60 keystrokes
    assert reads(digits(ID17 + "1") + name + enter()) == [ID17 + "1" + "一" * 10]


def test_empty_enter_gives_no_read():
    assert reads(enter() + enter()) == []


def test_half_read_abandoned_for_longer_than_the_idle_limit_is_dropped():
    events = [key(ecodes.KEY_1, DOWN, sec=10), key(ecodes.KEY_1, UP, sec=10),
              key(ecodes.KEY_2, DOWN, sec=15), key(ecodes.KEY_2, UP, sec=15),
              key(ecodes.KEY_ENTER, DOWN, sec=15)]
    assert reads(events) == ["2"]


def test_keymap_numbers_are_the_kernel_key_codes():
    names = {"KEY_ENTER": keymap.KEY_ENTER, "KEY_KPENTER": keymap.KEY_KPENTER,
             "KEY_LEFTSHIFT": keymap.KEY_LEFTSHIFT, "KEY_RIGHTSHIFT": keymap.KEY_RIGHTSHIFT,
             "KEY_CAPSLOCK": keymap.KEY_CAPSLOCK, "KEY_BACKSLASH": keymap.KEY_BACKSLASH,
             **{f"KEY_{c.upper()}": code for code, c in keymap.LETTER_KEYS.items()},
             **{f"KEY_KP{c}": code for code, c in keymap.KEYPAD_KEYS.items() if c.isdigit()},
             **{f"KEY_{p}": code for code, (p, _) in keymap.SYMBOL_KEYS.items() if p.isdigit()}}
    assert {name: getattr(ecodes, name) for name in names} == names
