"""``open_printer(spec)``: choose and open a ticket printer from one settings string.

Spec forms (options after ``?`` are optional and may be combined with ``&``)::

    usb:VID:PID            e.g. usb:0416:5011 or usb:0x0416:0x5011  (in_ep, out_ep, timeout_ms)
    network:HOST[:PORT]    port 9100 by default; IPv6 as network:[::1]:9100  (timeout_s)
    serial:DEVICE[:BAUD]   e.g. serial:/dev/ttyUSB0:19200 (9600 by default)
    file:PATH              raw ESC/POS bytes appended to PATH (also /dev/usb/lp0)
    dummy                  python-escpos Dummy; bytes in printer.device.output
    fake[:DIR]             FakePrinter: no escpos; records structured lines (``printed``);
                           a paper_out / paper_low / offline file in DIR simulates that fault
    virtual:DIR            VirtualPrinter: a PNG per ticket and the raw bytes in DIR

    options: roll=80mm|58mm  text=native|raster  qr=native|image  cut=full|partial
             status=on|off   (ask the printer for paper/online status around each ticket)

Example: ``usb:0416:5011?roll=58mm&text=raster``.
"""

from hardware.printer.base import PrinterError, TicketPrinter
from hardware.printer.escpos_render import QR_MODES, TEXT_MODES
from hardware.printer.layout import ROLL_80MM, roll_named
from hardware.spec import (DeviceSpec, SpecError, device_baud, host_port, parse_spec,
                           require_target, whole_number)

DEFAULT_NETWORK_PORT = 9100
DEFAULT_BAUDRATE = 9600
COMMON_OPTIONS = {"roll", "text", "qr", "cut", "status"}
TRANSPORT_OPTIONS = {"usb": {"in_ep", "out_ep", "timeout_ms"}, "network": {"timeout_s"}}


class PrinterSpecError(PrinterError, SpecError):
    """The printer spec string is wrong."""


def parse_printer_spec(spec: str) -> DeviceSpec:
    return parse_spec(spec, "printer", COMMON_OPTIONS, PrinterSpecError, TRANSPORT_OPTIONS)


def _open_device(spec: DeviceSpec):
    """The python-escpos printer object for a transport."""
    from hardware.printer import escpos_printer as drivers

    scheme, target, err = spec.scheme, spec.target, PrinterSpecError
    if scheme == "usb":
        vendor, _, product = target.partition(":")
        if not vendor or not product:
            raise err(f"{spec.text!r} needs both ids: usb:VID:PID")
        extra = {key: spec.whole(key, 0, err, base=0) for key in ("in_ep", "out_ep", "timeout_ms")
                 if key in spec.options}
        return drivers.usb_printer(whole_number(vendor, "vendor id", spec.text, err, 16),
                                   whole_number(product, "product id", spec.text, err, 16),
                                   **extra)
    if scheme == "network":
        host, port = host_port(target, DEFAULT_NETWORK_PORT, spec.text, err)
        extra = {"timeout_s": spec.number("timeout_s", 0, err)} if "timeout_s" in spec.options \
            else {}
        return drivers.network_printer(host, port, **extra)
    if scheme == "serial":
        return drivers.serial_printer(*device_baud(
            require_target(spec, "serial:DEVICE[:BAUD]", err), DEFAULT_BAUDRATE, spec.text, err))
    if scheme == "file":
        return drivers.appending_file_printer(require_target(spec, "file:PATH", err))
    if scheme == "dummy":
        return drivers.dummy_printer()
    raise err(f"unknown printer spec {scheme!r}: use usb:, network:, serial:, file:, "
              "dummy, virtual: or fake")


def open_printer(spec: str, **overrides: str) -> TicketPrinter:
    """The printer described by ``spec``; keyword arguments (roll=, text=, qr=, cut=,
    status=) override the spec's options. Opening is lazy: a missing printer shows up as a
    ``PrinterFault`` at the first print, so the agent can start before the printer does."""
    parsed = parse_printer_spec(spec)
    options = dict(parsed.options)
    options.update({key: value for key, value in overrides.items() if value is not None})
    parsed = DeviceSpec(parsed.text, parsed.scheme, parsed.target, options)
    try:
        roll = roll_named(options.get("roll", ROLL_80MM.name))
    except ValueError as exc:
        raise PrinterSpecError(str(exc)) from None
    text_mode = parsed.choice("text", TEXT_MODES, "native", PrinterSpecError)
    qr_mode = parsed.choice("qr", QR_MODES, "native", PrinterSpecError)
    if parsed.scheme == "fake":
        from hardware.printer.fake import FakePrinter

        return FakePrinter(roll, parsed.target or None)
    if parsed.scheme == "virtual":
        from hardware.printer.virtual import VirtualPrinter

        return VirtualPrinter(require_target(parsed, "virtual:DIR", PrinterSpecError), roll,
                              text_mode, qr_mode)
    from hardware.printer.escpos_printer import EscposTicketPrinter

    cut_mode = parsed.choice("cut", ("full", "FULL", "part", "PART", "partial", "PARTIAL"),
                             "full", PrinterSpecError).upper()
    return EscposTicketPrinter(
        _open_device(parsed), roll, text_mode, qr_mode,
        cut_mode="PART" if cut_mode.startswith("PART") else "FULL",
        check_status=options.get("status", "on") != "off",
        close_after_print=parsed.scheme == "file")
