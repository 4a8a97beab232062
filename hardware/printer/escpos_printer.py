"""The real ticket printer: python-escpos transports (USB, network, serial, file, dummy).

A ticket is rendered into a python-escpos ``Dummy`` first and sent to the device in one write,
so a transport error never leaves half a ticket queued in the driver. Transport errors close the
device (the next print reopens it) and surface as ``PrinterFault(OFFLINE)``.
"""

import errno
import logging
import threading

from hardware.printer.base import (DLE_EOT_PAPER, DLE_EOT_PRINTER, PrinterFault, PrinterStatus,
                                   TicketPrinter, decode_status)
from hardware.printer.escpos_render import QrMode, TextMode, render_ticket
from hardware.printer.layout import ROLL_80MM, Roll, TicketPrint, layout_ticket

log = logging.getLogger(__name__)

NETWORK_TIMEOUT_S = 5.0
STATUS_ANSWER_TIMEOUT_S = 1.0
USB_TIMEOUT_MS = 10_000


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Exceptions meaning "the printer is not there": OS errors (pyusb's ``USBError`` and
    pyserial's ``SerialException`` are ``OSError``) and python-escpos's device errors."""
    from escpos.exceptions import Error as EscposError

    return (OSError, EscposError)


def _is_timeout(exc: BaseException) -> bool:
    """No answer in time: a socket timeout, or pyusb's ``USBTimeoutError`` (errno ETIMEDOUT)."""
    return isinstance(exc, TimeoutError) or getattr(exc, "errno", None) == errno.ETIMEDOUT


def _can_read(device) -> bool:
    """Whether the transport can read answers (file and dummy cannot). Checked before asking,
    because python-escpos writes the query to the device before it finds out."""
    from escpos.escpos import Escpos

    return type(device)._read is not Escpos._read


def appending_file_printer(path: str):
    """A python-escpos ``File`` printer that appends to ``path`` instead of truncating it."""
    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import File

    class AppendingFile(File):
        def open(self, raise_not_found: bool = True) -> None:
            if self._device:
                self.close()
            try:
                self.device = open(self.devfile, "ab")
            except OSError as exc:
                self.device = None
                raise DeviceNotFoundError(f"cannot open {self.devfile}: {exc}") from exc

    return AppendingFile(path)


def usb_printer(vendor_id: int, product_id: int, in_ep: int = 0x82, out_ep: int = 0x01,
                timeout_ms: int = USB_TIMEOUT_MS):
    from escpos.printer import Usb

    return Usb(vendor_id, product_id, timeout=timeout_ms, in_ep=in_ep, out_ep=out_ep)


def network_printer(host: str, port: int = 9100, timeout_s: float = NETWORK_TIMEOUT_S):
    """A python-escpos ``Network`` printer that also reaches IPv6 hosts and closes its socket
    when the connection fails (3.1 connects over IPv4 only and leaks the socket)."""
    import socket

    from escpos.exceptions import DeviceNotFoundError
    from escpos.printer import Network

    class ClosingNetwork(Network):
        def open(self, raise_not_found: bool = True) -> None:
            if self._device:
                self.close()
            try:
                self.device = socket.create_connection((self.host, self.port), self.timeout)
            except OSError as exc:
                self.device = None
                raise DeviceNotFoundError(f"cannot connect to {self.host}:{self.port}: "
                                          f"{exc}") from exc

        def _read(self) -> bytes:
            # A printer without real-time status never answers: do not wait the full timeout.
            self.device.settimeout(STATUS_ANSWER_TIMEOUT_S)
            try:
                return self.device.recv(16)
            finally:
                self.device.settimeout(self.timeout)

    return ClosingNetwork(host, port=port, timeout=timeout_s)


def serial_printer(device: str, baudrate: int = 9600):
    from escpos.printer import Serial

    return Serial(device, baudrate=baudrate)


def dummy_printer():
    from escpos.printer import Dummy

    return Dummy()


class EscposTicketPrinter(TicketPrinter):
    """Prints tickets on an ESC/POS printer reached through a python-escpos ``device``."""

    def __init__(self, device, roll: Roll = ROLL_80MM, text_mode: TextMode = "native",
                 qr_mode: QrMode = "native", cut_mode: str = "FULL",
                 check_status: bool = True, close_after_print: bool = False) -> None:
        self.device = device
        self.roll = roll
        self.text_mode = text_mode
        self.qr_mode = qr_mode
        self.cut_mode = cut_mode
        self.check_status = check_status
        self.close_after_print = close_after_print
        self._answers_status: bool | None = None
        self._lock = threading.Lock()  # the agent may ask for status while a ticket prints

    def render(self, ticket: TicketPrint) -> bytes:
        """The ESC/POS bytes of ``ticket`` for this printer's roll and modes."""
        from escpos.printer import Dummy

        buffer = Dummy()
        buffer.profile = self.device.profile
        render_ticket(buffer, layout_ticket(ticket, self.roll), self.roll,
                      self.text_mode, self.qr_mode, self.cut_mode)
        return buffer.output

    def print_ticket(self, ticket: TicketPrint) -> PrinterStatus:
        data = self.render(ticket)
        with self._lock:
            if self.check_status and self._answers_status is not False:
                before = self._query_status()
                if not before.can_print:
                    raise PrinterFault(before)
            try:
                self.device._raw(data)
            except _transport_errors() as exc:
                self._reset()
                raise PrinterFault(PrinterStatus.OFFLINE, type(exc).__name__) from exc
            if self.close_after_print:
                self._close()
            if self.check_status and self._answers_status:
                return self._query_status()
            return PrinterStatus.UNKNOWN

    def status(self) -> PrinterStatus:
        """DLE EOT 1 and 4; ``UNKNOWN`` on transports that cannot read (file, dummy) or for
        printers that do not answer."""
        with self._lock:
            return self._query_status()

    def _query_status(self) -> PrinterStatus:
        if not _can_read(self.device):
            self._answers_status = False
            return PrinterStatus.UNKNOWN
        try:
            printer_answer = bytes(self.device.query_status(DLE_EOT_PRINTER))
            paper_answer = bytes(self.device.query_status(DLE_EOT_PAPER)) \
                if printer_answer else b""
        except (NotImplementedError, *_transport_errors()) as exc:
            if isinstance(exc, NotImplementedError) or _is_timeout(exc):
                self._answers_status = False
                return PrinterStatus.UNKNOWN
            log.warning("printer status query failed: %s", type(exc).__name__)
            self._reset()
            return PrinterStatus.OFFLINE
        status = decode_status(printer_answer, paper_answer)
        self._answers_status = status is not PrinterStatus.UNKNOWN
        return status

    def _reset(self) -> None:
        """Drop the connection so that the next access to ``device`` opens it again."""
        try:
            self.device.close()
        except _transport_errors():
            pass
        # python-escpos reopens only from False; a failed open leaves None behind.
        self.device._device = False

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        try:
            self.device.close()
        except _transport_errors() as exc:
            log.warning("closing the printer failed: %s", type(exc).__name__)
