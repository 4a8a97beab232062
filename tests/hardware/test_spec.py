"""The one device-spec parser (hardware/spec.py): every accepted form, and a clear error for
each bad one, also through the four drivers' open_<device>."""

from functools import partial

import pytest

from hardware.card_reader import CardReaderSpecError, open_card_reader
from hardware.keypad import KeypadSpecError, open_keypad
from hardware.led import InvalidSignSpec, open_led_sign
from hardware.printer import PrinterError, open_printer
from hardware.spec import (SpecError, device_baud, host_port, parse_spec, path_list,
                           require_target)


@pytest.mark.parametrize("text, scheme, target, options", [
    ("fake", "fake", "", {}),
    ("  NONE ", "none", "", {}),
    ("", "", "", {}),
    ("usb:0416:5011", "usb", "0416:5011", {}),
    ("USB:0x0416:0x5011?roll=58mm&text=raster", "usb", "0x0416:0x5011",
     {"roll": "58mm", "text": "raster"}),
    ("network:[::1]:9100?timeout_s=2", "network", "[::1]:9100", {"timeout_s": "2"}),
    ("evdev:/dev/input/event3,/dev/input/by-id/*Reader*?dedupe_s=", "evdev",
     "/dev/input/event3,/dev/input/by-id/*Reader*", {"dedupe_s": ""}),
    ("fake?map=call_next:KEY_F1,recall:KEY_F2", "fake", "",
     {"map": "call_next:KEY_F1,recall:KEY_F2"}),
    ("file:/tmp/Sign Capture.bin", "file", "/tmp/Sign Capture.bin", {}),
])
def test_accepted_forms(text, scheme, target, options):
    spec = parse_spec(text, "test device", {"roll", "text", "timeout_s", "dedupe_s", "map"})
    assert (spec.scheme, spec.target, dict(spec.options)) == (scheme, target, options)


def test_scheme_options_add_to_the_common_ones():
    spec = parse_spec("usb:1:2?in_ep=0x81&roll=58mm", "printer", {"roll"},
                      scheme_options={"usb": {"in_ep"}})
    assert spec.whole("in_ep", 0, base=0) == 0x81
    with pytest.raises(SpecError, match="in_ep"):
        parse_spec("network:h?in_ep=1", "printer", {"roll"}, scheme_options={"usb": {"in_ep"}})


def test_unknown_option_names_the_device_and_the_known_options():
    with pytest.raises(SpecError) as raised:
        parse_spec("fake?colour=red", "card reader", {"dedupe_s"})
    assert "card reader" in str(raised.value) and "colour" in str(raised.value)
    assert "dedupe_s" in str(raised.value)


def test_malformed_options_are_refused():
    with pytest.raises(SpecError, match="name=value"):
        parse_spec("fake?dedupe_s", "card reader", {"dedupe_s"})


def test_the_error_is_the_drivers_own_class():
    class OwnError(SpecError):
        pass

    with pytest.raises(OwnError):
        parse_spec("fake?x=1", "thing", (), OwnError)


def test_option_values():
    spec = parse_spec("fake?a=2.5&b=7&c=hex&d=x", "thing", "abcd")
    assert (spec.number("a", 0), spec.whole("b", 0), spec.choice("c", ("hex", "decimal"), "")) \
        == (2.5, 7, "hex")
    assert (spec.number("z", 1.5), spec.whole("z", 3), spec.choice("z", ("q",), "q")) == \
        (1.5, 3, "q")
    for read in (lambda: spec.number("d", 0), lambda: spec.whole("d", 0),
                 lambda: spec.choice("d", ("hex",), "hex")):
        with pytest.raises(SpecError, match="d must be"):
            read()


@pytest.mark.parametrize("target, default, expected", [
    ("printer.local", 9100, ("printer.local", 9100)),
    ("10.0.0.7:5005", None, ("10.0.0.7", 5005)),
    ("[fe80::1]:9101", 9100, ("fe80::1", 9101)),
    ("[fe80::1]", 9100, ("fe80::1", 9100)),
])
def test_host_port(target, default, expected):
    assert host_port(target, default, "spec") == expected


@pytest.mark.parametrize("target, default", [
    ("host", None), (":9100", 9100), ("host:0", 9100), ("host:70000", None),
    ("host:http", 9100), ("[::1", 9100), ("[::1]x", 9100),
])
def test_bad_host_port(target, default):
    with pytest.raises(SpecError):
        host_port(target, default, "spec")


@pytest.mark.parametrize("target, expected", [
    ("/dev/ttyUSB0", ("/dev/ttyUSB0", 9600)),
    ("/dev/ttyUSB0:19200", ("/dev/ttyUSB0", 19200)),
    ("COM3:115200", ("COM3", 115200)),
])
def test_device_baud(target, expected):
    assert device_baud(target, 9600, "spec") == expected


def test_device_baud_needs_a_device():
    with pytest.raises(SpecError):
        device_baud("", 9600, "serial:")


def test_path_list_and_required_target():
    assert path_list(" /a , /b ,", "spec") == ["/a", "/b"]
    with pytest.raises(SpecError, match="path"):
        path_list(" , ", "evdev: ,")
    with pytest.raises(SpecError, match="serial:DEVICE"):
        require_target(parse_spec("serial:", "sign"), "serial:DEVICE[:BAUD]")


@pytest.mark.parametrize("opener, error, spec", [
    (open_printer, PrinterError, "network:host:port"),
    (open_printer, PrinterError, "usb:0416"),
    (open_printer, PrinterError, "dummy?cut=sideways"),
    (open_card_reader, CardReaderSpecError, "fake?ten_digits=octal"),
    (open_card_reader, CardReaderSpecError, "fake?dedupe_s=soon"),
    (open_card_reader, CardReaderSpecError, "evdev:"),
    (open_keypad, KeypadSpecError, "fake?debounce_ms=fast"),
    (partial(open_keypad, kind="evaluator"), KeypadSpecError, "fake?keys=four"),
    (open_led_sign, InvalidSignSpec, "udp:host:99999"),
    (open_led_sign, InvalidSignSpec, "console:extra"),
    (open_led_sign, InvalidSignSpec, "file:/tmp/x?mode=1"),
])
def test_every_driver_refuses_bad_specs_with_a_spec_error(opener, error, spec):
    with pytest.raises(error) as raised:
        opener(spec)
    assert isinstance(raised.value, SpecError) and str(raised.value)
