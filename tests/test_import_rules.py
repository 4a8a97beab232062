"""Which code may import which, by the machine it runs on (README, "Layout").

An AST walk of every module, imports inside functions included (a lazy ``import`` on a kiosk PC
fails just the same, only later). The rules:

- ``queue_server/domain`` imports nothing of the project but ``domain`` (and the standard
  library only);
- ``queue_server/storage`` imports only ``domain`` and ``storage``;
- the agents (``kiosk-agent`` with its journal, ``led-agent`` with the keypad bridge),
  ``hardware/`` and ``hallq_shared/`` never import ``queue_server`` nor the server's web parts
  of ``kiosk/`` and ``display/``, and of third-party libraries only those the agent
  distribution installs (``agent/setup.cfg``);
- ``hallq_shared`` is standard library only (its Socket.IO client apart), and its protocol
  imports nothing at all.
"""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("queue_server", "kiosk", "display", "hardware", "hallq_shared")

# What runs on a kiosk PC or a window PC, besides hardware/ and hallq_shared/.
AGENT_MODULES = ("kiosk", "kiosk.agent", "kiosk.journal",
                 "display", "display.led_agent", "display.keypad_bridge")
# Third-party import names the agent distribution brings (agent/setup.cfg): python-socketio's
# client (with python-engineio), requests, python-escpos (with pyusb, pyserial), python-evdev,
# Pillow and qrcode for the printer's raster mode.
AGENT_THIRD_PARTY = ("socketio", "engineio", "requests", "escpos", "usb", "serial", "evdev",
                     "PIL", "qrcode")
# The one module of hallq_shared that is not standard library only: the agents' client.
SHARED_CLIENT = "hallq_shared.inorder_client"

# Deliberate exceptions, each with its reason.
EXCEPTIONS = {
    # The four state words and their labels are what the LED agent shows as well: they live in
    # the shared, standard-library-only package, and the domain's rules use them from there.
    ("queue_server.domain.windows", "hallq_shared.windows"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module ``source`` imports (absolute names; relative imports resolved)."""
    found = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            # ``from pkg import mod`` may name a submodule: count pkg.mod as imported too
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _project_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PROJECT
            for path in sorted((ROOT / package).rglob("*.py")) if "__pycache__" not in path.parts}


MODULES = _project_modules()


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    return imports_of(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")


def _top(name: str) -> str:
    return name.split(".")[0]


def _is_project(name: str) -> bool:
    return _top(name) in PROJECT


def _under(name: str, *prefixes: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def _own(name: str) -> bool:
    """``name`` is a project module (a ``from pkg import Class`` also yields ``pkg.Class``,
    which is not a module and is ignored)."""
    return _is_project(name) and (name in MODULES or "." not in name)


def violations(modules, allowed) -> list[str]:
    """``module -> import`` for every project import of ``modules`` outside ``allowed``."""
    found = []
    for module in modules:
        for name in sorted(_imports(module)):
            if _own(name) and not allowed(name) and (module, name) not in EXCEPTIONS:
                found.append(f"{module} -> {name}")
    return found


def _agent_side() -> list[str]:
    return [m for m in MODULES
            if m in AGENT_MODULES or _under(m, "hardware", "hallq_shared")]


def _stdlib(name: str) -> bool:
    return _top(name) in sys.stdlib_module_names or name == "__future__"


def test_the_domain_imports_nothing_of_the_project_but_the_domain():
    domain = [m for m in MODULES if _under(m, "queue_server.domain")]
    assert domain
    assert violations(domain, lambda name: _under(name, "queue_server.domain")) == []


def test_the_domain_uses_the_standard_library_only():
    domain = [m for m in MODULES if _under(m, "queue_server.domain")]
    foreign = sorted(f"{m} -> {n}" for m in domain for n in _imports(m)
                     if not _stdlib(n) and not _is_project(n))
    assert foreign == []


def test_storage_imports_only_the_domain_and_storage():
    storage = [m for m in MODULES if _under(m, "queue_server.storage")]
    assert storage
    assert violations(storage, lambda name: _under(
        name, "queue_server.domain", "queue_server.storage")) == []


def test_agents_hardware_and_the_shared_package_never_import_the_server():
    agent_side = _agent_side()
    assert {"kiosk.agent", "display.led_agent", "display.keypad_bridge"} <= set(agent_side)
    assert violations(agent_side, lambda name: name in AGENT_MODULES
                      or _under(name, "hardware", "hallq_shared")) == []


def test_agents_use_only_the_libraries_the_agent_distribution_installs():
    foreign = sorted(f"{m} -> {n}" for m in _agent_side() for n in _imports(m)
                     if not _stdlib(n) and not _is_project(n)
                     and _top(n) not in AGENT_THIRD_PARTY)
    assert foreign == []


def test_the_shared_package_is_standard_library_only_and_the_protocol_imports_nothing():
    shared = [m for m in MODULES if _under(m, "hallq_shared") and m != SHARED_CLIENT]
    foreign = sorted(f"{m} -> {n}" for m in shared for n in _imports(m)
                     if not _stdlib(n) and not _under(n, "hallq_shared"))
    assert foreign == []
    assert _imports("hallq_shared.protocol") == set()


@pytest.mark.parametrize("source, module, expected", [
    ("from queue_server.realtime import protocol", "kiosk.agent",
     {"queue_server.realtime", "queue_server.realtime.protocol"}),
    ("def f():\n    import flask\n", "display.led_agent", {"flask"}),
    ("from . import frames", "hardware.led.fake", {"hardware.led", "hardware.led.frames"}),
    ("from ..domain import errors", "queue_server.storage.db",
     {"queue_server.domain", "queue_server.domain.errors"}),
    ("from .base import Keypad", "hardware.keypad", {"hardware.keypad.base",
                                                     "hardware.keypad.base.Keypad"}),
])
def test_the_walk_finds_lazy_and_relative_imports(source, module, expected):
    """The rules above pass because nothing breaks them, not because the walk is blind."""
    assert imports_of(source, module, is_package=module == "hardware.keypad") == expected
