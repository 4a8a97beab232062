"""The virtual printer of the demo: a PNG per ticket from the same layout, the raw bytes, and
simulated faults."""

import pytest
from PIL import Image

from hardware.printer import PrinterFault, PrinterStatus, VirtualPrinter, open_printer
from hardware.printer.layout import ROLL_58MM, ROLL_80MM
from tests.hardware.escpos_bytes import qr_store_command
from tests.hardware.tickets import TRACKING_URL, sample_ticket


@pytest.mark.parametrize("roll", [ROLL_80MM, ROLL_58MM], ids=lambda roll: roll.name)
def test_png_is_as_wide_as_the_roll(tmp_path, roll):
    printer = VirtualPrinter(tmp_path, roll)
    printer.print_ticket(sample_ticket())
    with Image.open(printer.images[0]) as image:
        assert image.width == roll.dots


def test_png_is_written_into_the_directory(tmp_path):
    printer = VirtualPrinter(tmp_path)
    printer.print_ticket(sample_ticket())
    assert [path.name for path in tmp_path.glob("*.png")] == ["00001-A001.png"]


def test_png_is_taller_than_wide_like_a_ticket(tmp_path):
    printer = VirtualPrinter(tmp_path)
    printer.print_ticket(sample_ticket())
    with Image.open(printer.images[0]) as image:
        assert image.height > image.width


def test_png_numbering_continues_after_a_restart(tmp_path):
    VirtualPrinter(tmp_path).print_ticket(sample_ticket())
    printer = VirtualPrinter(tmp_path)
    printer.print_ticket(sample_ticket(number="A002"))
    assert printer.images[0].name == "00002-A002.png"


def test_raw_bytes_are_the_escpos_ticket(tmp_path):
    printer = VirtualPrinter(tmp_path)
    printer.print_ticket(sample_ticket())
    assert qr_store_command(TRACKING_URL) in printer.output


def test_raw_bytes_are_appended_to_a_file(tmp_path):
    printer = VirtualPrinter(tmp_path)
    printer.print_ticket(sample_ticket())
    printer.print_ticket(sample_ticket(number="A002"))
    assert (tmp_path / "tickets.bin").read_bytes() == printer.output


def test_simulated_paper_out_is_a_fault(tmp_path):
    printer = VirtualPrinter(tmp_path)
    printer.simulate(PrinterStatus.PAPER_OUT)
    with pytest.raises(PrinterFault) as fault:
        printer.print_ticket(sample_ticket())
    assert fault.value.status is PrinterStatus.PAPER_OUT


def test_nothing_is_printed_while_offline(tmp_path):
    printer = VirtualPrinter(tmp_path)
    printer.simulate(PrinterStatus.OFFLINE)
    with pytest.raises(PrinterFault):
        printer.print_ticket(sample_ticket())
    assert (printer.output, list(tmp_path.glob("*.png"))) == (b"", [])


def test_clearing_the_simulation_prints_again(tmp_path):
    printer = VirtualPrinter(tmp_path)
    printer.simulate(PrinterStatus.OFFLINE)
    printer.simulate(None)
    assert printer.print_ticket(sample_ticket()) is PrinterStatus.OK


def test_fault_file_in_the_directory_is_the_status(tmp_path):
    (tmp_path / "paper_out").touch()
    assert VirtualPrinter(tmp_path).status() is PrinterStatus.PAPER_OUT


def test_paper_low_still_prints(tmp_path):
    printer = VirtualPrinter(tmp_path)
    printer.simulate(PrinterStatus.PAPER_LOW)
    assert printer.print_ticket(sample_ticket()) is PrinterStatus.PAPER_LOW


def test_virtual_spec_opens_a_virtual_printer(tmp_path):
    printer = open_printer(f"virtual:{tmp_path}?roll=58mm")
    assert isinstance(printer, VirtualPrinter) and printer.roll is ROLL_58MM
