"""Ticket printers: the layout of a ticket, ESC/POS drivers, a virtual printer
(PNG and bytes) and a pure fake one (structured lines).

``open_printer(spec)`` returns a ``TicketPrinter`` whose ``print_ticket(TicketPrint)`` prints one
ticket or raises ``PrinterFault``. Importing this package needs no third-party library: the
drivers import python-escpos, Pillow and qrcode when they are used.
"""

from hardware.printer.base import PrinterError, PrinterFault, PrinterStatus, TicketPrinter
from hardware.printer.fake import FakePrint, FakePrinter
from hardware.printer.layout import ROLL_58MM, ROLL_80MM, Roll, TicketPrint, layout_ticket
from hardware.printer.spec import open_printer

__all__ = [
    "FakePrint", "FakePrinter", "PrinterError", "PrinterFault", "PrinterStatus", "ROLL_58MM",
    "ROLL_80MM", "Roll", "TicketPrint", "TicketPrinter", "VirtualPrinter", "layout_ticket", "open_printer",
]


def __getattr__(name: str):
    # VirtualPrinter needs python-escpos and Pillow: import it only when asked for.
    if name == "VirtualPrinter":
        from hardware.printer.virtual import VirtualPrinter

        return VirtualPrinter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
