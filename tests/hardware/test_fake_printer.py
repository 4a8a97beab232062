"""The pure FakePrinter: structured lines, faults like a device, spec ``fake[:DIR]``."""

import pytest

from hardware.printer import (ROLL_58MM, FakePrinter, PrinterFault, PrinterStatus, TicketPrint,
                              open_printer)
from hardware.printer.layout import WAITING_AHEAD_TEXT

TICKET = TicketPrint(hall_name="测试大厅", number="A007", service_name="不动产登记",
                     waiting_ahead=2, issued_at="2026-03-02T10:00:00+08:00",
                     tracking_url="https://hall.example/t/abc", estimated_wait_s=600)


def test_a_printed_ticket_is_kept_as_lines_qr_and_cut():
    printer = FakePrinter()
    assert printer.print_ticket(TICKET) == PrinterStatus.OK
    [printed] = printer.printed
    assert printed.number == "A007" and printed.ticket == TICKET
    assert printed.lines[:2] == ["测试大厅", "A007"] and "不动产登记" in printed.lines
    assert WAITING_AHEAD_TEXT.format(n=2) in printed.lines
    assert (printed.qr_codes, printed.cut) == (["https://hall.example/t/abc"], True)


def test_the_roll_width_wraps_lines_as_the_real_printer_does():
    long_name = TicketPrint("大厅", "B001", "不动产登记与抵押权变更登记及其他相关业务", 0,
                            "2026-03-02T10:00:00+08:00")
    wide, narrow = FakePrinter(), FakePrinter(ROLL_58MM)
    wide.print_ticket(long_name)
    narrow.print_ticket(long_name)
    assert len(narrow.printed[0].lines) >= len(wide.printed[0].lines)


@pytest.mark.parametrize("status", [PrinterStatus.PAPER_OUT, PrinterStatus.OFFLINE])
def test_a_fault_refuses_the_ticket_and_records_nothing(status):
    printer = FakePrinter()
    printer.simulate(status)
    with pytest.raises(PrinterFault) as raised:
        printer.print_ticket(TICKET)
    assert (raised.value.status, printer.printed, printer.status()) == (status, [], status)
    printer.simulate(None)
    assert printer.print_ticket(TICKET) == PrinterStatus.OK


def test_the_roll_runs_low_then_out():
    printer = FakePrinter(paper_left=6)
    statuses = [printer.print_ticket(TICKET) for _ in range(6)]
    assert statuses == [PrinterStatus.PAPER_LOW] * 5 + [PrinterStatus.PAPER_OUT]
    with pytest.raises(PrinterFault):
        printer.print_ticket(TICKET)
    printer.load_paper()
    assert printer.print_ticket(TICKET) == PrinterStatus.OK and len(printer.printed) == 7


def test_a_fault_file_in_its_directory_stops_it_and_tickets_go_to_a_text_file(tmp_path):
    printer = open_printer(f"fake:{tmp_path}?roll=58mm")
    assert isinstance(printer, FakePrinter) and printer.roll == ROLL_58MM
    printer.print_ticket(TICKET)
    assert "A007" in (tmp_path / "tickets.txt").read_text(encoding="utf-8")
    (tmp_path / "paper_out").touch()
    with pytest.raises(PrinterFault):
        printer.print_ticket(TICKET)


def test_fake_spec_needs_no_directory():
    printer = open_printer("fake")
    assert printer.status() == PrinterStatus.OK and printer.directory is None
