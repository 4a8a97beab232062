"""``hallq-agent`` (agent/setup.cfg) ships exactly the agent side of the import rules, with the
server's floors for every library both use, pinned in constraints.txt."""

import configparser

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.test_dependencies import _pins, _requirements
from tests.test_import_rules import AGENT_MODULES, AGENT_THIRD_PARTY, MODULES, ROOT


def _options() -> configparser.SectionProxy:
    config = configparser.ConfigParser()
    config.read(ROOT / "agent" / "setup.cfg", encoding="utf-8")
    return config["options"]


def _listed(key: str) -> set[str]:
    return {line.strip() for line in _options()[key].splitlines()
            if line.strip() and not line.strip().startswith("#")}


def _agent_requirements() -> list[Requirement]:
    return [Requirement(line.strip()) for line in _options()["install_requires"].splitlines()
            if line.strip()]


def test_it_ships_every_package_of_hardware_and_hallq_shared():
    packages = {m for m in MODULES if m.partition(".")[0] in ("hardware", "hallq_shared")
                and (ROOT / m.replace(".", "/") / "__init__.py").is_file()}
    assert _listed("packages") == packages


def test_it_ships_the_agent_modules_of_kiosk_and_display_and_no_other():
    modules = _listed("py_modules")
    packages = {name.partition(".")[0] for name in modules}
    assert modules | packages == set(AGENT_MODULES)


def test_it_requires_no_server_library():
    names = {canonicalize_name(r.name) for r in _agent_requirements()}
    assert not names & {"flask", "flask-socketio", "sqlalchemy", "eventlet", "alembic"}


def test_its_floors_are_the_servers_and_pinned_in_constraints():
    server = {(canonicalize_name(r.name), str(r.specifier)) for r in _requirements()}
    pins = _pins()
    for requirement in _agent_requirements():
        name = canonicalize_name(requirement.name)
        assert (name, str(requirement.specifier)) in server, f"{name}: not the server's range"
        assert requirement.specifier.contains(pins[name], prereleases=True), name


def test_the_libraries_the_agents_import_are_the_ones_it_installs():
    """Import names → distributions (python-escpos brings pyusb and pyserial)."""
    provided = {"socketio": "python-socketio", "engineio": "python-engineio",
                "requests": "requests", "escpos": "python-escpos", "usb": "python-escpos",
                "serial": "python-escpos", "PIL": "pillow", "qrcode": "qrcode",
                "evdev": "evdev"}
    installed = {canonicalize_name(r.name) for r in _agent_requirements()} | {"evdev"}
    assert set(provided) == set(AGENT_THIRD_PARTY)
    assert {canonicalize_name(d) for d in provided.values()} <= installed
