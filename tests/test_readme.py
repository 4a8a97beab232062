"""The README's statements that the code can check: the settings table and the catalog paths."""

import re
from dataclasses import fields
from pathlib import Path

from queue_server.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
ROOT = Path(__file__).resolve().parents[1]


def test_every_server_setting_is_in_the_readme_table():
    table = "\n".join(line for line in README.splitlines() if line.startswith("| `HALLQ_"))
    missing = [f"HALLQ_{f.name.upper()}" for f in fields(Settings)
               if f.name != "extra" and f"`HALLQ_{f.name.upper()}`" not in table]
    assert not missing, f"settings missing from the README's table: {missing}"


def test_the_kiosk_catalogs_the_readme_names_exist():
    named = re.findall(r"kiosk/translations/\{([^}]+)\}/LC_MESSAGES/messages\.po", README)
    assert named, "the README no longer says where the kiosk texts are"
    languages = [lang.strip() for group in named for lang in group.split(",")]
    assert all((ROOT / f"kiosk/translations/{lang}/LC_MESSAGES/messages.po").is_file()
               for lang in languages), languages
    assert ".json" not in re.sub(r"openapi\.json|\(JSON\)", "", README.split("## Kiosk")[1])
