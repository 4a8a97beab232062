"""open_printer specs, the file: transport, status queries and faults (a fake network printer
on loopback answers DLE EOT like a real one)."""

import errno
import socket
import threading

import pytest
from escpos.printer import Dummy

from hardware.printer import PrinterError, PrinterFault, PrinterStatus, open_printer
from hardware.printer import escpos_printer
from hardware.printer.escpos_printer import EscposTicketPrinter
from hardware.printer.base import DLE_EOT_PAPER, DLE_EOT_PRINTER, decode_status
from tests.hardware.tickets import sample_ticket

GS_FULL_CUT = b"\x1dV\x00"
ONLINE, PAPER_OK, PAPER_NEAR_END, PAPER_END = b"\x12", b"\x12", b"\x1e", b"\x72"


class FakeNetworkPrinter:
    """A TCP printer on 127.0.0.1 answering DLE EOT 1 and 4 and keeping everything else."""

    def __init__(self, paper=PAPER_OK, printer=ONLINE, silent=False):
        self.answers = {} if silent else {DLE_EOT_PRINTER: printer, DLE_EOT_PAPER: paper}
        self.received = bytearray()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        connection, _ = self.server.accept()
        with connection:
            while chunk := connection.recv(65536):
                if chunk in self.answers:
                    connection.sendall(self.answers[chunk])
                elif chunk not in (DLE_EOT_PRINTER, DLE_EOT_PAPER):
                    self.received += chunk

    def close(self):
        self.server.close()


@pytest.fixture
def network_printer():
    printers = []

    def make(**answers):
        printers.append(FakeNetworkPrinter(**answers))
        return printers[-1]

    yield make
    for printer in printers:
        printer.close()


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as server:
        return server.getsockname()[1]


def test_dummy_spec_prints_into_memory():
    printer = open_printer("dummy")
    printer.print_ticket(sample_ticket())
    assert printer.device.output.endswith(GS_FULL_CUT)


def test_file_transport_appends(tmp_path):
    path = tmp_path / "printer.bin"
    path.write_bytes(b"earlier ticket")
    printer = open_printer(f"file:{path}")
    printer.print_ticket(sample_ticket())
    printer.print_ticket(sample_ticket(number="A002"))
    data = path.read_bytes()
    assert data.startswith(b"earlier ticket") and data.count(GS_FULL_CUT) == 2


def test_file_transport_sends_no_status_queries(tmp_path):
    path = tmp_path / "printer.bin"
    open_printer(f"file:{path}").print_ticket(sample_ticket())
    assert b"\x10\x04" not in path.read_bytes()


def test_file_transport_status_is_unknown(tmp_path):
    assert open_printer(f"file:{tmp_path / 'p.bin'}").status() is PrinterStatus.UNKNOWN


def test_unwritable_file_is_a_printer_fault(tmp_path):
    printer = open_printer(f"file:{tmp_path / 'missing-dir' / 'printer.bin'}")
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(sample_ticket())
    assert fault.value.status is PrinterStatus.OFFLINE


def test_network_printer_receives_the_ticket(network_printer):
    fake = network_printer()
    printer = open_printer(f"network:127.0.0.1:{fake.port}")
    printer.print_ticket(sample_ticket())
    printer.close()
    fake.thread.join(5)
    assert bytes(fake.received).endswith(GS_FULL_CUT)


def test_network_printer_reports_ok(network_printer):
    fake = network_printer()
    with open_printer(f"network:127.0.0.1:{fake.port}") as printer:
        assert printer.status() is PrinterStatus.OK


def test_paper_near_end_is_reported_after_printing(network_printer):
    fake = network_printer(paper=PAPER_NEAR_END)
    with open_printer(f"network:127.0.0.1:{fake.port}") as printer:
        assert printer.print_ticket(sample_ticket()) is PrinterStatus.PAPER_LOW


def test_paper_out_is_a_fault(network_printer):
    fake = network_printer(paper=PAPER_END, printer=b"\x1a")
    with open_printer(f"network:127.0.0.1:{fake.port}") as printer:
        with pytest.raises(PrinterFault) as fault:
            printer.print_ticket(sample_ticket())
    assert fault.value.status is PrinterStatus.PAPER_OUT


def test_paper_out_prints_nothing(network_printer):
    fake = network_printer(paper=PAPER_END, printer=b"\x1a")
    with open_printer(f"network:127.0.0.1:{fake.port}") as printer:
        with pytest.raises(PrinterFault):
            printer.print_ticket(sample_ticket())
    fake.thread.join(5)
    assert bytes(fake.received) == b""


def test_unreachable_network_printer_is_offline():
    printer = open_printer(f"network:127.0.0.1:{closed_port()}?timeout_s=2")
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(sample_ticket())
    assert fault.value.status is PrinterStatus.OFFLINE


def test_printer_reconnects_after_being_offline(network_printer):
    port = closed_port()
    printer = open_printer(f"network:127.0.0.1:{port}?timeout_s=2")
    with pytest.raises(PrinterFault):
        printer.print_ticket(sample_ticket())
    fake = FakeNetworkPrinter()
    printer.device.port = fake.port  # the printer came back (at a port we can bind)
    try:
        assert printer.print_ticket(sample_ticket()) is PrinterStatus.OK
    finally:
        printer.close()
        fake.close()


def test_printer_that_never_answers_status_still_prints(network_printer, monkeypatch):
    monkeypatch.setattr(escpos_printer, "STATUS_ANSWER_TIMEOUT_S", 0.05)
    fake = network_printer(silent=True)
    with open_printer(f"network:127.0.0.1:{fake.port}") as printer:
        assert printer.print_ticket(sample_ticket()) is PrinterStatus.UNKNOWN


class UsbLikePrinter(Dummy):
    """A printer whose status reads time out the way pyusb's USBTimeoutError does."""

    def _read(self) -> bytes:
        raise OSError(errno.ETIMEDOUT, "Operation timed out")


def test_usb_status_timeout_is_unknown_not_offline():
    assert EscposTicketPrinter(UsbLikePrinter()).status() is PrinterStatus.UNKNOWN


class UnpluggedPrinter(Dummy):
    def _raw(self, msg: bytes) -> None:
        raise OSError(errno.ENODEV, "No such device")


def test_write_error_is_an_offline_fault():
    printer = EscposTicketPrinter(UnpluggedPrinter(), check_status=False)
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(sample_ticket())
    assert fault.value.status is PrinterStatus.OFFLINE


@pytest.mark.parametrize("printer_byte, paper_byte, expected", [
    (ONLINE, PAPER_OK, PrinterStatus.OK),
    (ONLINE, PAPER_NEAR_END, PrinterStatus.PAPER_LOW),
    (b"\x1a", PAPER_END, PrinterStatus.PAPER_OUT),
    (b"\x1a", PAPER_OK, PrinterStatus.OFFLINE),
    (b"", b"", PrinterStatus.UNKNOWN),
    (b"\xff", b"\xff", PrinterStatus.UNKNOWN),
])
def test_status_bytes_decode(printer_byte, paper_byte, expected):
    assert decode_status(printer_byte, paper_byte) is expected


def test_usb_spec_sets_vendor_and_product_ids():
    device = open_printer("usb:0416:5011?in_ep=0x81&out_ep=0x02").device
    assert (device.usb_args, device.in_ep, device.out_ep) == (
        {"idVendor": 0x0416, "idProduct": 0x5011}, 0x81, 0x02)


def test_network_spec_defaults_to_port_9100():
    assert open_printer("network:192.0.2.10").device.port == 9100


def test_network_spec_accepts_ipv6_with_port():
    device = open_printer("network:[fd00::10]:9101").device
    assert (device.host, device.port) == ("fd00::10", 9101)


def test_serial_spec_takes_device_and_baud_rate():
    device = open_printer("serial:/dev/ttyUSB0:19200").device
    assert (device.devfile, device.baudrate) == ("/dev/ttyUSB0", 19200)


def test_spec_options_choose_roll_and_text_mode():
    printer = open_printer("dummy?roll=58mm&text=raster")
    assert (printer.roll.dots, printer.text_mode) == (384, "raster")


def test_keyword_overrides_beat_spec_options():
    assert open_printer("dummy?roll=58mm", roll="80mm").roll.dots == 576


@pytest.mark.parametrize("spec", ["lpt:1", "dummy?colour=red", "dummy?roll=110mm",
                                  "dummy?text=braille", "usb:0416", "network:"])
def test_bad_specs_are_refused(spec):
    with pytest.raises(PrinterError):
        open_printer(spec)
