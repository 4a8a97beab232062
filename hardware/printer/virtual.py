"""A virtual ticket printer for the demo and tests, behaving like a real one.

Each printed ticket is rendered twice from the same layout: to ESC/POS bytes exactly as the real
driver would send them (kept in ``output`` and appended to ``tickets.bin`` in the directory), and
to a PNG picture of the paper (raster renderer, the roll's width in dots) so a person can see what
a citizen would get.

Faults can be simulated from code (``simulate(PrinterStatus.PAPER_OUT)``) or, for a printer
living in another process such as the kiosk agent, by creating a file named ``paper_out``,
``paper_low`` or ``offline`` in the directory.
"""

import os
import re
import threading
from pathlib import Path

from hardware.printer.base import PrinterFault, PrinterStatus, TicketPrinter
from hardware.printer.escpos_printer import EscposTicketPrinter, dummy_printer
from hardware.printer.escpos_render import QrMode, TextMode
from hardware.printer.layout import ROLL_80MM, Roll, TicketPrint, layout_ticket
from hardware.printer.raster import ticket_image

BYTES_FILE = "tickets.bin"
FAULT_FILES = (PrinterStatus.OFFLINE, PrinterStatus.PAPER_OUT, PrinterStatus.PAPER_LOW)
_UNSAFE_FILENAME_CHARS = re.compile(r"[^A-Za-z0-9_-]+")


class VirtualPrinter(TicketPrinter):
    """Prints into ``directory``: one PNG per ticket plus the raw bytes."""

    def __init__(self, directory: str | os.PathLike, roll: Roll = ROLL_80MM,
                 text_mode: TextMode = "native", qr_mode: QrMode = "native") -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.roll = roll
        self.images: list[Path] = []
        self._output = bytearray()
        self._simulated: PrinterStatus | None = None
        self._lock = threading.Lock()
        self._encoder = EscposTicketPrinter(dummy_printer(), roll, text_mode, qr_mode,
                                            check_status=False)
        self._count = len(list(self.directory.glob("*.png")))

    @property
    def output(self) -> bytes:
        """Every byte "sent to the printer" since it was created."""
        return bytes(self._output)

    def simulate(self, status: PrinterStatus | None) -> None:
        """Make the printer report ``status`` from now on; ``None`` or ``OK`` clears it."""
        self._simulated = None if status in (None, PrinterStatus.OK) else PrinterStatus(status)

    def status(self) -> PrinterStatus:
        if self._simulated is not None:
            return self._simulated
        for status in FAULT_FILES:
            if (self.directory / status.value).exists():
                return status
        return PrinterStatus.OK

    def print_ticket(self, ticket: TicketPrint) -> PrinterStatus:
        before = self.status()
        if not before.can_print:
            raise PrinterFault(before, "simulated")
        data = self._encoder.render(ticket)
        image = ticket_image(layout_ticket(ticket, self.roll), self.roll)
        with self._lock:
            self._count += 1
            path = self.directory / f"{self._count:05d}-{_filename(ticket.number)}.png"
            _save_atomically(image, path)
            with open(self.directory / BYTES_FILE, "ab") as raw:
                raw.write(data)
            self._output += data
            self.images.append(path)
        return self.status()


def _filename(number: str) -> str:
    return _UNSAFE_FILENAME_CHARS.sub("_", number) or "ticket"


def _save_atomically(image, path: Path) -> None:
    """Write the PNG beside its final name and rename it, so a watcher never sees half a file."""
    partial = path.with_name(path.name + ".part")
    image.save(partial, format="PNG")
    os.replace(partial, path)
