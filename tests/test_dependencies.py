"""The dependency floors stay above known advisories, constraints.txt pins every requirement at
a version inside them, and `make` installs from it (rebuilding the venv when it changes)."""

import configparser
import re
import subprocess
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]

# Lowest versions without the advisories docs/DEPENDENCIES.md lists.
SAFE_FLOORS = {
    "eventlet": "0.40.3", "python-socketio": "5.14.0", "python-engineio": "4.13.2",
    "flask": "3.1.3", "werkzeug": "3.1.6", "jinja2": "3.1.6", "requests": "2.33.0",
    "urllib3": "2.7.0", "pillow": "12.3",
}


def _requirements() -> list[Requirement]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options"]["install_requires"].splitlines()
    for extra in ("test", "postgres", "redis"):
        lines += config["options.extras_require"][extra].splitlines()
    return [Requirement(line.strip()) for line in lines if line.strip()]


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = Version(version.strip())
    return pins


@pytest.mark.parametrize("name, floor", sorted(SAFE_FLOORS.items()))
def test_declared_floor_excludes_the_vulnerable_versions(name, floor):
    found = [r for r in _requirements() if canonicalize_name(r.name) == name]
    assert found, f"{name} has no floor in setup.cfg"
    for requirement in found:
        assert not requirement.specifier.contains(_just_below(floor), prereleases=True)
        assert requirement.specifier.contains(floor, prereleases=True)


def _just_below(version: str) -> str:
    parts = [int(p) for p in version.split(".")]
    parts[-1] -= 1
    if parts[-1] < 0:
        parts[-1] = 999
        parts[-2] -= 1
    return ".".join(map(str, parts))


def test_every_requirement_is_pinned_within_its_range():
    pins = _pins()
    for requirement in _requirements():
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f"constraints.txt pins {name}=={pins[name]}, outside {requirement.specifier}"


def test_the_install_uses_the_constraints_and_rebuilds_when_they_change():
    dry_run = subprocess.run(["make", "-n", "-W", "constraints.txt", ".venv/.installed"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert re.search(r"pip install .*-c constraints\.txt .*-e", dry_run), dry_run
