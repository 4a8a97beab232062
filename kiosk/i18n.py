"""The texts of the kiosk page and the tracking page: gettext catalogs read through Flask-Babel.

One catalog per language, ``translations/<locale>/LC_MESSAGES/messages.po``, holds every
phrase of both pages, whether the server renders it (templates, Python) or a page script does:
the scripts get the same compiled catalogs as one dictionary per language, embedded in the page
(``script_catalogs``). ``make translations`` extracts the message ids from the templates, the
Python and the scripts (``babel.cfg``), adds new ones to every catalog and compiles the ``.mo``
files, which are committed because a pip install runs no compile step.

The message ids are symbolic keys (``"ahead"``, ``"error_quota_exhausted"``) and every language,
Chinese included, translates them. Chinese source ids were the alternative; keys won because:

- a phrase is used in several places (the help line by the template and both scripts, the advice
  under a number on the kiosk and on the phone): with source ids each use would repeat the
  Chinese phrase, and a character corrected in one copy would split it into two messages; with
  keys each language's phrase is written once, in its catalog;
- one Chinese phrase may need two English ones (绿色通道 is "Priority lane" on the choice and
  "Priority" on the number's badge);
- the scripts pick a refusal by the API's error code, which already is a key.

Extraction stays real: tests/kiosk/test_i18n.py extracts the ids from the sources and fails while
one is missing or untranslated in a catalog, or a catalog keeps one that nothing uses.

Placeholders are ``{name}`` in every catalog and are filled by plain replacement, here and in the
scripts alike, since both read the same catalogs.

The language of a request is ``?lang=zh_CN|en``, Chinese by default. Babel reads ``zh_CN`` as
the locale ``zh_Hans_CN`` (CLDR's full name), and gettext looks for that folder or ``zh``, never
``zh_CN``: so the Chinese catalog's folder is ``zh_Hans_CN``, while the pages and their URLs keep
the short codes. Flask-Babel is set up for the whole application (other pages do not use it
yet); the kiosk blueprint makes its own catalogs the request's domain, so they never mix with
another package's.
"""

from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import read_mo
from flask import has_request_context, request
from flask_babel import Babel, Domain, get_locale

DIRECTORY = Path(__file__).with_name("translations")
DEFAULT = "zh_CN"
LANGUAGES = ("zh_CN", "en")

domain = Domain(translation_directories=[str(DIRECTORY)])


def select_language() -> str:
    """The language asked for with ``?lang=``, else Chinese."""
    asked = request.args.get("lang") if has_request_context() else None
    return asked if asked in LANGUAGES else DEFAULT


def init_app(app) -> None:
    if "babel" not in app.extensions:
        Babel(app, default_locale=DEFAULT, locale_selector=select_language)


def use_kiosk_catalogs() -> None:
    """Make these catalogs the current request's (a ``before_request`` hook)."""
    domain.as_default()


def current_language() -> str:
    """The request's language as a page knows it: ``zh_CN`` or ``en``."""
    locale = get_locale()
    return next((language for language in LANGUAGES if locale == Locale.parse(language)), DEFAULT)


def catalog_path(language: str, suffix: str = ".mo") -> Path:
    """The catalog of ``zh_CN`` or ``en``: ``.po`` (source) or ``.mo`` (compiled)."""
    return DIRECTORY / str(Locale.parse(language)) / "LC_MESSAGES" / f"messages{suffix}"


def fill(phrase: str, values: dict) -> str:
    """Put the values in the phrase's ``{name}`` placeholders, as the scripts do."""
    for name, value in values.items():
        phrase = phrase.replace("{" + name + "}", str(value))
    return phrase


def gettext(msgid: str, **values) -> str:
    """The phrase ``msgid`` in the current request's language, placeholders filled."""
    return fill(domain.gettext(msgid), values)


@lru_cache(maxsize=None)
def script_catalog(language: str) -> dict[str, str]:
    """A compiled catalog as a plain dictionary, for a page script."""
    with open(catalog_path(language), "rb") as compiled:
        catalog = read_mo(compiled)
    return {message.id: message.string for message in catalog if message.id and message.string}


def script_catalogs() -> dict[str, dict[str, str]]:
    return {language: script_catalog(language) for language in LANGUAGES}
