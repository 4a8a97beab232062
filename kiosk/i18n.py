"""Translation catalogs of the kiosk and tracking pages: one JSON file per language.

The same catalog serves the text the server renders (``text``) and the text the pages' scripts
render (``catalogs``, embedded in the page), so a phrase lives in one place per language.
Chinese (zh_CN) is the default; English is the alternative.
"""

import json
from functools import lru_cache
from pathlib import Path

DIRECTORY = Path(__file__).with_name("translations")
DEFAULT = "zh_CN"
LANGUAGES = ("zh_CN", "en")


@lru_cache(maxsize=None)
def catalog(language: str) -> dict[str, str]:
    if language not in LANGUAGES:
        language = DEFAULT
    return json.loads((DIRECTORY / f"{language}.json").read_text(encoding="utf-8"))


def catalogs() -> dict[str, dict[str, str]]:
    return {language: catalog(language) for language in LANGUAGES}


def text(key: str, language: str = DEFAULT, **values) -> str:
    """The phrase ``key`` in ``language`` with ``{name}`` placeholders filled in."""
    phrase = catalog(language).get(key) or catalog(DEFAULT).get(key) or key
    for name, value in values.items():
        phrase = phrase.replace("{" + name + "}", str(value))
    return phrase
