"""LED sign transports chosen by spec: file, UDP, serial (a pseudo-terminal), console, fake."""

import io
import os
import socket

import pytest

from hardware.led import (ConsoleLedSign, FakeLedSign, FileLedSign, InvalidSignSpec,
                          LedSignError, SerialLedSign, UdpLedSign, frames, open_led_sign)


def test_file_sign_appends_frames(tmp_path):
    path = tmp_path / "sign.bin"
    path.write_bytes(b"old")
    with open_led_sign(f"file:{path}", address=3) as sign:
        sign.show("A001")
        sign.clear()
    assert path.read_bytes() == (b"old" + frames.show_text_frame(3, "A001")
                                 + frames.clear_frame(3))


def test_file_sign_appends_across_reopening(tmp_path):
    path = tmp_path / "sign.bin"
    for number in ("A001", "A002"):
        with open_led_sign(f"file:{path}") as sign:
            sign.show(number)
    shown = [frames.parse_frame(f).text for f in frames.split_frames(path.read_bytes())]
    assert shown == ["A001", "A002"]


def test_file_sign_in_a_missing_directory_raises_led_sign_error(tmp_path):
    sign = open_led_sign(f"file:{tmp_path / 'missing' / 'sign.bin'}")
    with pytest.raises(LedSignError):
        sign.show("A001")


def test_udp_sign_sends_one_frame_per_datagram():
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    port = receiver.getsockname()[1]
    try:
        with open_led_sign(f"udp:127.0.0.1:{port}", address=2) as sign:
            sign.show("暂停服务")
        datagram = receiver.recv(2048)
    finally:
        receiver.close()
    assert datagram == frames.show_text_frame(2, "暂停服务")


def test_serial_sign_writes_the_frame_to_the_port():
    master, slave = os.openpty()
    try:
        with open_led_sign(f"serial:{os.ttyname(slave)}", address=4) as sign:
            sign.show("A001")
        received = os.read(master, 1024)
    finally:
        os.close(master)
        os.close(slave)
    assert received == frames.show_text_frame(4, "A001")


def test_serial_sign_missing_port_raises_led_sign_error(tmp_path):
    with pytest.raises(LedSignError):
        open_led_sign(f"serial:{tmp_path / 'ttyNONE'}")


def test_console_sign_prints_readable_text():
    out = io.StringIO()
    sign = open_led_sign("console", address=3, stream=out)
    sign.show("A001")
    assert out.getvalue() == "[LED 3] A001\n"


def test_console_sign_marks_scrolling_text():
    out = io.StringIO()
    ConsoleLedSign(address=1, max_width=8, stream=out).show("请A001号到3号窗口")
    assert out.getvalue() == "[LED 1] 请A001号到3号窗口 (scrolling)\n"


def test_console_sign_prints_stdout_by_default(capsys):
    open_led_sign("console").clear()
    assert capsys.readouterr().out == "[LED 1] (blank)\n"


def test_fake_sign_records_shown_texts():
    sign = FakeLedSign()
    sign.show("A001")
    sign.show("暂停服务")
    assert sign.shown == ["A001", "暂停服务"]


def test_fake_sign_is_blank_after_clear():
    sign = FakeLedSign()
    sign.show("A001")
    sign.clear()
    assert sign.current is None


def test_fake_sign_truncates_like_a_real_sign():
    sign = FakeLedSign(max_width=4, overflow="truncate")
    sign.show("3号窗口")
    assert sign.current == "3号"


@pytest.mark.parametrize("spec, kind", [
    ("serial:/dev/ttyUSB0:19200", SerialLedSign), ("udp:10.0.0.5:5005", UdpLedSign),
    ("file:/tmp/x.bin", FileLedSign), ("console", ConsoleLedSign), ("fake", FakeLedSign),
])
def test_spec_chooses_the_transport(spec, kind, monkeypatch):
    monkeypatch.setattr(SerialLedSign, "__init__", lambda self, *a, **k: None)
    monkeypatch.setattr(SerialLedSign, "close", lambda self: None)
    with open_led_sign(spec) as sign:
        assert type(sign) is kind


def test_serial_spec_defaults_to_9600_baud(monkeypatch):
    seen = {}
    monkeypatch.setattr(SerialLedSign, "__init__",
                        lambda self, device, baud, **k: seen.update(device=device, baud=baud))
    open_led_sign("serial:/dev/ttyUSB0")
    assert seen == {"device": "/dev/ttyUSB0", "baud": 9600}


@pytest.mark.parametrize("spec", ["lcd:1", "udp:host", "serial:", "file:", "consol"])
def test_bad_specs_are_refused(spec):
    with pytest.raises(InvalidSignSpec):
        open_led_sign(spec)
