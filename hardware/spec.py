"""One parser for the device settings strings of every driver (printer, card reader, LED sign,
keypad).

A spec is ``scheme[:target][?name=value&name=value]``: ``usb:0416:5011?roll=58mm``,
``evdev:/dev/input/event3,/dev/input/event4?dedupe_s=2``, ``serial:/dev/ttyUSB0:19200``,
``udp:10.0.0.7:5005``, ``network:[fe80::1]:9100``, ``fake``, ``none``. The scheme is read
case-insensitively; the target is kept as written. Each driver's ``open_<device>`` says which
schemes and options it accepts and raises its own subclass of ``SpecError``; the helpers below
read the common target shapes (HOST:PORT, DEVICE:BAUD, a list of paths) and option values
with the same wording everywhere. Standard library only.
"""

from dataclasses import dataclass, field
from typing import Collection, Mapping
from urllib.parse import parse_qsl


class SpecError(ValueError):
    """A device settings string is wrong; the message says which part and how to write it."""


@dataclass(frozen=True)
class DeviceSpec:
    text: str
    scheme: str
    target: str
    options: Mapping[str, str] = field(default_factory=dict)

    def number(self, name: str, default: float, error: type[SpecError] = SpecError) -> float:
        """Option ``name`` as a number (``default`` when absent)."""
        if name not in self.options:
            return default
        try:
            return float(self.options[name])
        except ValueError:
            raise error(f"{name} must be a number in {self.text!r}") from None

    def whole(self, name: str, default: int, error: type[SpecError] = SpecError,
              base: int = 10) -> int:
        """Option ``name`` as a whole number (``base`` 0 also takes 0x…)."""
        if name not in self.options:
            return default
        try:
            return int(self.options[name], base)
        except ValueError:
            raise error(f"{name} must be a whole number in {self.text!r}") from None

    def choice(self, name: str, allowed: Collection[str], default: str,
               error: type[SpecError] = SpecError) -> str:
        """Option ``name``, one of ``allowed``."""
        value = self.options.get(name, default)
        if value not in allowed:
            raise error(f"{name} must be one of {', '.join(allowed)}, not {value!r} "
                        f"in {self.text!r}")
        return value


def parse_spec(text: str, device: str, options: Collection[str] = (),
               error: type[SpecError] = SpecError,
               scheme_options: Mapping[str, Collection[str]] | None = None) -> DeviceSpec:
    """Split ``text`` into scheme, target and options; an option outside ``options`` (plus
    ``scheme_options[scheme]``) is refused, naming ``device``."""
    text = text.strip()
    head, _, query = text.partition("?")
    scheme, _, target = head.partition(":")
    scheme = scheme.strip().lower()
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError:
        raise error(f"options must be name=value joined with & in {device} spec {text!r}") \
            from None
    allowed = set(options) | set((scheme_options or {}).get(scheme, ()))
    unknown = sorted({name for name, _ in pairs} - allowed)
    if unknown:
        raise error(f"unknown {device} option(s) {unknown} in {text!r}"
                    + (f"; known: {', '.join(sorted(allowed))}" if allowed else ""))
    return DeviceSpec(text, scheme, target, dict(pairs))


def whole_number(value: str, what: str, text: str, error: type[SpecError] = SpecError,
                 base: int = 10) -> int:
    try:
        return int(value, base)
    except ValueError:
        raise error(f"bad {what} {value!r} in {text!r}") from None


def host_port(target: str, default_port: int | None, text: str,
              error: type[SpecError] = SpecError) -> tuple[str, int]:
    """``HOST[:PORT]`` (IPv6 as ``[::1]:PORT``); the port is required when ``default_port`` is
    None and must lie in 1…65535."""
    if target.startswith("["):
        host, bracket, rest = target[1:].partition("]")
        if not bracket:
            raise error(f"unclosed '[' in {text!r}: write [IPv6]:PORT")
        port = rest[1:] if rest.startswith(":") else rest
    else:
        host, _, port = target.rpartition(":") if ":" in target else (target, "", "")
    if not host:
        raise error(f"expected HOST:PORT, got {target!r} in {text!r}")
    if not port:
        if default_port is None:
            raise error(f"expected HOST:PORT, got {target!r} in {text!r}")
        return host, default_port
    number = whole_number(port, "port", text, error)
    if not 0 < number < 65536:
        raise error(f"port out of range in {text!r}")
    return host, number


def device_baud(target: str, default_baud: int, text: str,
                error: type[SpecError] = SpecError) -> tuple[str, int]:
    """``DEVICE[:BAUD]``: a trailing ``:digits`` is the baud rate."""
    device, sep, baud = target.rpartition(":")
    if sep and device and baud.isdigit():
        return device, int(baud)
    if not target:
        raise error(f"expected DEVICE[:BAUD], got nothing in {text!r}")
    return target, default_baud


def path_list(target: str, text: str, error: type[SpecError] = SpecError) -> list[str]:
    """``PATH[,PATH…]``: at least one path."""
    paths = [path.strip() for path in target.split(",") if path.strip()]
    if not paths:
        raise error(f"expected a path after ':' in {text!r}")
    return paths


def require_target(spec: DeviceSpec, form: str, error: type[SpecError] = SpecError) -> str:
    """The target, or an error showing the form (``serial:DEVICE[:BAUD]``)."""
    if not spec.target:
        raise error(f"{spec.text!r} needs a target: {form}")
    return spec.target
