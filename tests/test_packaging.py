"""What a non-editable ``pip install`` ships: every data file the packages read at run time."""

import configparser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("queue_server", "kiosk", "display", "hardware")


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
