"""The ticket printer interface, its status values and fault, and ESC/POS status decoding.

Everything that prints a ticket (the real ESC/POS driver and the virtual printer of the demo)
implements ``TicketPrinter``; the kiosk agent sees only this.
"""

import enum
from abc import ABC, abstractmethod

from hardware.printer.layout import Roll, TicketPrint

# DLE EOT n: real-time status transmission (answered even while the printer is busy).
DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_PAPER = b"\x10\x04\x04"
_PRINTER_OFFLINE_BIT = 0x08
_PAPER_NEAR_END_BITS = 0x0C
_PAPER_END_BITS = 0x60
_STATUS_FIXED_MASK = 0x93  # bits 0, 1, 4 and 7: fixed values in every DLE EOT answer
_STATUS_FIXED_VALUE = 0x12


class PrinterStatus(str, enum.Enum):
    """What a printer says about itself; ``UNKNOWN`` when it cannot answer status queries."""

    OK = "ok"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    OFFLINE = "offline"
    UNKNOWN = "unknown"

    @property
    def can_print(self) -> bool:
        return self not in (PrinterStatus.PAPER_OUT, PrinterStatus.OFFLINE)


class PrinterFault(Exception):
    """The ticket was not printed: the printer is offline or out of paper."""

    def __init__(self, status: PrinterStatus, detail: str = "") -> None:
        self.status = PrinterStatus(status)
        self.detail = detail
        super().__init__(f"printer {self.status.value}" + (f": {detail}" if detail else ""))


class PrinterError(Exception):
    """The printer is set up wrongly (bad spec, missing font or library)."""


class TicketPrinter(ABC):
    """A device that prints tickets."""

    roll: Roll

    @abstractmethod
    def print_ticket(self, ticket: TicketPrint) -> PrinterStatus:
        """Print one ticket and return the status after printing.

        Raises ``PrinterFault`` when the ticket could not be printed.
        """

    @abstractmethod
    def status(self) -> PrinterStatus:
        """Ask the printer how it is, without printing."""

    def close(self) -> None:
        """Release the device; the next print opens it again."""

    def __enter__(self) -> "TicketPrinter":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _valid_status_byte(answer: bytes) -> int | None:
    if not answer:
        return None
    byte = answer[-1]
    if byte & _STATUS_FIXED_MASK != _STATUS_FIXED_VALUE:
        return None
    return byte


def decode_status(printer_answer: bytes, paper_answer: bytes) -> PrinterStatus:
    """The status from the answers to DLE EOT 1 (printer) and DLE EOT 4 (paper roll sensor).

    An empty or malformed answer means the printer does not support real-time status.
    """
    printer_byte = _valid_status_byte(printer_answer)
    paper_byte = _valid_status_byte(paper_answer)
    if printer_byte is None and paper_byte is None:
        return PrinterStatus.UNKNOWN
    if paper_byte is not None and paper_byte & _PAPER_END_BITS:
        return PrinterStatus.PAPER_OUT
    if printer_byte is not None and printer_byte & _PRINTER_OFFLINE_BIT:
        return PrinterStatus.OFFLINE
    if paper_byte is not None and paper_byte & _PAPER_NEAR_END_BITS:
        return PrinterStatus.PAPER_LOW
    return PrinterStatus.OK
