"""A pure fake ticket printer: no python-escpos, no Pillow, no bytes.

``FakePrinter`` lays each ticket out exactly as the real drivers do (``layout_ticket``) and keeps
the result as structured lines (``printed``: the ticket and its blocks, with the text lines, QR
codes and cut at hand), so tests and the demo can check what a citizen would hold without
decoding ESC/POS. It behaves like a device: a simulated fault (``simulate``), a roll that runs
out after ``paper_left`` tickets (low at ``PAPER_LOW_AT`` left), or, for a printer in another
process such as the demo's kiosk agent, a file named ``paper_out``, ``paper_low`` or ``offline``
in ``directory``. A refused ticket raises ``PrinterFault`` and is not recorded. With a
``directory`` each ticket's text is also appended to ``tickets.txt`` there.
"""

import threading
from dataclasses import dataclass
from pathlib import Path

from hardware.printer.base import PrinterFault, PrinterStatus, TicketPrinter
from hardware.printer.layout import (ROLL_80MM, Block, Cut, QrCode, Roll, TextLine, TicketPrint,
                                     layout_text, layout_ticket)

TEXT_FILE = "tickets.txt"
PAPER_LOW_AT = 5
FAULT_FILES = (PrinterStatus.OFFLINE, PrinterStatus.PAPER_OUT, PrinterStatus.PAPER_LOW)


@dataclass(frozen=True)
class FakePrint:
    """One printed ticket: what was asked and the blocks that came out, top to bottom."""

    ticket: TicketPrint
    blocks: tuple[Block, ...]

    @property
    def number(self) -> str:
        return self.ticket.number

    @property
    def lines(self) -> list[str]:
        """The text lines, as printed (wrapped for the roll)."""
        return [block.text for block in self.blocks if isinstance(block, TextLine)]

    @property
    def qr_codes(self) -> list[str]:
        return [block.data for block in self.blocks if isinstance(block, QrCode)]

    @property
    def cut(self) -> bool:
        return bool(self.blocks) and isinstance(self.blocks[-1], Cut)


class FakePrinter(TicketPrinter):
    def __init__(self, roll: Roll = ROLL_80MM, directory: str | Path | None = None,
                 paper_left: int | None = None) -> None:
        self.roll = roll
        self.directory = Path(directory) if directory is not None else None
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        self.paper_left = paper_left
        self.printed: list[FakePrint] = []
        self.closed = False
        self._simulated: PrinterStatus | None = None
        self._lock = threading.Lock()

    def simulate(self, status: PrinterStatus | None) -> None:
        """Report ``status`` from now on; ``None`` or ``OK`` clears it (like fixing the fault)."""
        self._simulated = None if status in (None, PrinterStatus.OK) else PrinterStatus(status)

    def load_paper(self, tickets: int | None = None) -> None:
        """A new roll: ``tickets`` more tickets, or endless paper with None."""
        self.paper_left = tickets

    def status(self) -> PrinterStatus:
        if self._simulated is not None:
            return self._simulated
        if self.directory is not None:
            for status in FAULT_FILES:
                if (self.directory / status.value).exists():
                    return status
        if self.paper_left is not None:
            if self.paper_left <= 0:
                return PrinterStatus.PAPER_OUT
            if self.paper_left <= PAPER_LOW_AT:
                return PrinterStatus.PAPER_LOW
        return PrinterStatus.OK

    def print_ticket(self, ticket: TicketPrint) -> PrinterStatus:
        before = self.status()
        if not before.can_print:
            raise PrinterFault(before, "fake printer")
        blocks = tuple(layout_ticket(ticket, self.roll))
        with self._lock:
            self.printed.append(FakePrint(ticket, blocks))
            if self.paper_left is not None:
                self.paper_left -= 1
            if self.directory is not None:
                with open(self.directory / TEXT_FILE, "a", encoding="utf-8") as out:
                    out.write(layout_text(list(blocks), self.roll) + "\n\n")
        self.closed = False
        return self.status()

    def close(self) -> None:
        self.closed = True
