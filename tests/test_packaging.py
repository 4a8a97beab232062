"""What a non-editable ``pip install`` ships: every data file the packages read at run time."""

import configparser
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("queue_server", "kiosk", "display", "hardware", "hallq_shared")


def _package_data() -> dict[str, list[str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    section = config["options.package_data"] if "options.package_data" in config else {}
    return {name: [p.strip() for p in value.split(",") if p.strip()]
            for name, value in section.items()}


@pytest.mark.parametrize("package", PACKAGES)
def test_every_data_file_is_declared_in_package_data(package):
    patterns = _package_data().get(package, [])
    base = ROOT / package
    declared = {path for pattern in patterns for path in base.glob(pattern) if path.is_file()}
    data_files = {path for path in base.rglob("*") if path.is_file()
                  and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts}
    missing = sorted(str(path.relative_to(ROOT)) for path in data_files - declared)
    assert not missing, f"not in setup.cfg [options.package_data] {package}: {missing}"


def _data_files(package: str) -> set[Path]:
    base = ROOT / package
    return {path.relative_to(ROOT) for path in base.rglob("*") if path.is_file()
            and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts}


def test_the_build_ships_every_data_file_without_a_would_be_ignored_warning(tmp_path):
    """setuptools warns "Package would be ignored" (some 40 lines each) for every folder of
    data files that is not in ``packages``: ``make run`` printed ~600 lines of them before its
    banner. ``build_py`` is the step of ``pip install`` (editable or not) that warns."""
    lib = tmp_path / "lib"
    done = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "-q",
                           "build_py", "--build-lib", str(lib)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    assert "would be ignored" not in done.stdout + done.stderr, done.stderr[:3000]
    for package in PACKAGES:
        missing = sorted(str(path) for path in _data_files(package) if not (lib / path).is_file())
        assert not missing, f"{package}: not in the build: {missing}"
