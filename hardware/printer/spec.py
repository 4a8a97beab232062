"""``open_printer(spec)``: choose and open a ticket printer from one settings string.

Spec forms (options after ``?`` are optional and may be combined with ``&``)::

    usb:VID:PID            e.g. usb:0416:5011 or usb:0x0416:0x5011  (in_ep, out_ep, timeout_ms)
    network:HOST[:PORT]    port 9100 by default; IPv6 as network:[::1]:9100  (timeout_s)
    serial:DEVICE[:BAUD]   e.g. serial:/dev/ttyUSB0:19200 (9600 by default)
    file:PATH              raw ESC/POS bytes appended to PATH (also /dev/usb/lp0)
    dummy                  python-escpos Dummy; bytes in printer.device.output
    virtual:DIR            VirtualPrinter: a PNG per ticket and the raw bytes in DIR

    options: roll=80mm|58mm  text=native|raster  qr=native|image  cut=full|partial
             status=on|off   (ask the printer for paper/online status around each ticket)

Example: ``usb:0416:5011?roll=58mm&text=raster``.
"""

from urllib.parse import parse_qsl

from hardware.printer.base import PrinterError, TicketPrinter
from hardware.printer.escpos_render import QR_MODES, TEXT_MODES
from hardware.printer.layout import ROLL_80MM, roll_named

DEFAULT_NETWORK_PORT = 9100
DEFAULT_BAUDRATE = 9600
COMMON_OPTIONS = {"roll", "text", "qr", "cut", "status"}
TRANSPORT_OPTIONS = {"usb": {"in_ep", "out_ep", "timeout_ms"}, "network": {"timeout_s"}}


def parse_spec(spec: str) -> tuple[str, str, dict[str, str]]:
    """Split ``scheme:target?options`` into its three parts."""
    spec = spec.strip()
    head, _, query = spec.partition("?")
    scheme, _, target = head.partition(":")
    options = dict(parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query)))
    allowed = COMMON_OPTIONS | TRANSPORT_OPTIONS.get(scheme.lower(), set())
    unknown = set(options) - allowed
    if unknown:
        raise PrinterError(f"unknown printer option(s) {sorted(unknown)} in {spec!r}")
    return scheme.lower(), target, options


def _int(text: str, what: str, base: int = 10) -> int:
    try:
        return int(text, base)
    except ValueError:
        raise PrinterError(f"bad {what} {text!r} in printer spec") from None


def _split_host_port(target: str) -> tuple[str, int]:
    if target.startswith("["):
        host, _, rest = target[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port = target.partition(":")
    if not host:
        raise PrinterError("network printer spec needs a host: network:HOST[:PORT]")
    return host, _int(port, "port") if port else DEFAULT_NETWORK_PORT


def _split_device_baud(target: str) -> tuple[str, int]:
    device, sep, baud = target.rpartition(":")
    if sep and baud.isdigit():
        return device, int(baud)
    return target, DEFAULT_BAUDRATE


def _open_device(scheme: str, target: str, options: dict[str, str]):
    """The python-escpos printer object for a transport."""
    from hardware.printer import escpos_printer as drivers

    if scheme == "usb":
        vendor, _, product = target.partition(":")
        if not vendor or not product:
            raise PrinterError("usb printer spec needs both ids: usb:VID:PID")
        extra = {key: _int(options[key], key, 0) for key in ("in_ep", "out_ep", "timeout_ms")
                 if key in options}
        return drivers.usb_printer(_int(vendor, "vendor id", 16),
                                   _int(product, "product id", 16), **extra)
    if scheme == "network":
        host, port = _split_host_port(target)
        extra = {"timeout_s": float(options["timeout_s"])} if "timeout_s" in options else {}
        return drivers.network_printer(host, port, **extra)
    if scheme == "serial":
        if not target:
            raise PrinterError("serial printer spec needs a device: serial:DEVICE[:BAUD]")
        return drivers.serial_printer(*_split_device_baud(target))
    if scheme == "file":
        if not target:
            raise PrinterError("file printer spec needs a path: file:PATH")
        return drivers.appending_file_printer(target)
    if scheme == "dummy":
        return drivers.dummy_printer()
    raise PrinterError(f"unknown printer spec {scheme!r}: use usb:, network:, serial:, file:, "
                       "dummy or virtual:")


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise PrinterError(f"printer {what} must be one of {allowed}, not {value!r}")
    return value


def open_printer(spec: str, **overrides: str) -> TicketPrinter:
    """The printer described by ``spec``; keyword arguments (roll=, text=, qr=, cut=,
    status=) override the spec's options. Opening is lazy: a missing printer shows up as a
    ``PrinterFault`` at the first print, so the agent can start before the printer does."""
    scheme, target, options = parse_spec(spec)
    options.update({key: value for key, value in overrides.items() if value is not None})
    try:
        roll = roll_named(options.get("roll", ROLL_80MM.name))
    except ValueError as exc:
        raise PrinterError(str(exc)) from None
    text_mode = _choice(options.get("text", "native"), TEXT_MODES, "text mode")
    qr_mode = _choice(options.get("qr", "native"), QR_MODES, "qr mode")
    if scheme == "virtual":
        from hardware.printer.virtual import VirtualPrinter

        if not target:
            raise PrinterError("virtual printer spec needs a directory: virtual:DIR")
        return VirtualPrinter(target, roll, text_mode, qr_mode)
    from hardware.printer.escpos_printer import EscposTicketPrinter

    cut_mode = _choice(options.get("cut", "full").upper(), ("FULL", "PART", "PARTIAL"), "cut")
    return EscposTicketPrinter(
        _open_device(scheme, target, options), roll, text_mode, qr_mode,
        cut_mode="PART" if cut_mode.startswith("PART") else "FULL",
        check_status=options.get("status", "on") != "off",
        close_after_print=scheme == "file")
