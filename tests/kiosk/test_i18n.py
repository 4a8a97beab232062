"""The kiosk pages' gettext catalogs: compiled, complete, all used, served in both languages,
placeholders intact."""

import io
import json
import re
from pathlib import Path

import flask_babel
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from kiosk import i18n

KIOSK = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"\{\w+\}")


def source(language: str):
    with open(i18n.catalog_path(language, ".po"), "rb") as po:
        return read_po(po)


def phrases(catalog) -> dict[str, str]:
    """The translated messages, without the header and the fuzzy ones (never compiled)."""
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def compiled(language: str) -> dict[str, str]:
    with open(i18n.catalog_path(language), "rb") as mo:
        return phrases(read_mo(mo))


def embedded(page: str, element: str) -> dict:
    start = page.index(f'id="{element}">') + len(f'id="{element}">')
    return json.loads(page[start:page.index("</script>", start)])


@pytest.fixture(scope="module")
def extraction():
    """What ``make translations`` extracts from the kiosk package: (message ids, files read)."""
    with open(KIOSK / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    files = set()
    ids = {message for _file, _line, message, _comments, _context in extract_from_dir(
        KIOSK, method_map, options_map, callback=lambda name, method, options: files.add(name))}
    return ids, files


# ---- (1) the committed .mo files are the compiled .po files ----------------------------------

@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_committed_mo_file_is_its_po_file_compiled(language):
    # Compared message by message: the bytes also carry the compiling Babel's version.
    buffer = io.BytesIO()
    write_mo(buffer, source(language))
    buffer.seek(0)
    assert phrases(read_mo(buffer)) == compiled(language), "run: make translations"


# ---- (2) extraction: every id the code uses is translated, every catalog entry is used -------

def test_babel_cfg_covers_every_template_script_and_module(extraction):
    _ids, extracted = extraction
    sources = {path.relative_to(KIOSK).as_posix() for pattern in ("*.py", "*.html", "*.js")
               for path in KIOSK.rglob(pattern) if "__pycache__" not in path.parts}
    assert sorted(sources - extracted) == []


def test_extraction_finds_the_ids_of_the_templates_and_both_scripts(extraction):
    ids, _files = extraction
    assert {"page_title", "ahead", "track_live"} <= ids


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_id_the_code_uses_is_translated(extraction, language):
    ids, _files = extraction
    assert sorted(ids - set(phrases(source(language)))) == [], "run: make translations"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_catalog_entry_is_used_by_the_code(extraction, language):
    ids, _files = extraction
    assert sorted({m.id for m in source(language) if m.id} - ids) == []


@pytest.mark.parametrize("code", ["service_closed", "quota_exhausted", "already_waiting",
                                  "blacklisted", "invalid_id_number", "unreachable"])
def test_every_refusal_is_a_chinese_sentence(code):
    assert compiled("zh_CN")["error_" + code].endswith("。")


# ---- (3) the pages: Chinese by default, English when asked, one catalog for both -------------

def test_the_kiosk_page_is_rendered_in_chinese_by_default(client):
    page = client.get("/kiosk/h1").get_data(as_text=True)
    expected = ('<html lang="zh-CN">', "<title>自助取号 ·", ">如需帮助，请到咨询台<", ">English<")
    assert tuple(text for text in expected if text in page) == expected


def test_the_kiosk_page_is_rendered_in_english_when_asked(client):
    page = client.get("/kiosk/h1?lang=en").get_data(as_text=True)
    expected = ('<html lang="en">', "<title>Take a number ·",
                ">Need help? Please ask at the information desk<", ">中文<")
    assert tuple(text for text in expected if text in page) == expected


def test_an_unknown_language_is_chinese(client):
    assert '<html lang="zh-CN">' in client.get("/kiosk/h1?lang=fr").get_data(as_text=True)


def test_the_script_starts_in_the_rendered_language(client):
    page = client.get("/kiosk/h1?lang=en").get_data(as_text=True)
    assert embedded(page, "kiosk-config")["lang"] == "en"


def test_the_tracking_page_is_rendered_in_english_when_asked(client, track_token):
    page = client.get(f"/track/{track_token}?lang=en").get_data(as_text=True)
    assert "<title>Queue progress</title>" in page


@pytest.mark.parametrize("path, element", [("/kiosk/h1", "kiosk-catalogs"),
                                           ("/track/{token}", "track-catalogs")])
def test_the_scripts_get_the_same_catalogs(client, track_token, path, element):
    page = client.get(path.format(token=track_token)).get_data(as_text=True)
    catalogs = embedded(page, element)
    assert catalogs == {language: compiled(language) for language in i18n.LANGUAGES}


def test_the_embedded_catalog_carries_the_english_phrases(client):
    catalogs = embedded(client.get("/kiosk/h1").get_data(as_text=True), "kiosk-catalogs")
    assert catalogs["en"]["choose_service"] == "Choose your service"


def test_other_pages_do_not_get_the_kiosk_catalogs(app):
    with app.test_request_context("/dashboard?lang=en"):
        assert flask_babel.gettext("help") == "help"


# ---- (4) placeholders ------------------------------------------------------------------------

def test_every_translation_keeps_the_placeholders_of_the_chinese():
    chinese, english = compiled("zh_CN"), compiled("en")
    assert {key: PLACEHOLDER.findall(text) for key, text in english.items()
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(chinese[key]))} \
        == {}


@pytest.mark.parametrize("query, expected", [("", "您前面还有 3 人在等候"),
                                             ("?lang=en", "People ahead of you: 3")])
def test_placeholders_are_filled_on_the_server(app, query, expected):
    with app.test_request_context("/kiosk/h1" + query):
        assert i18n.gettext("ahead", n=3) == expected


def test_placeholders_reach_the_scripts_unfilled(client):
    catalogs = embedded(client.get("/kiosk/h1").get_data(as_text=True), "kiosk-catalogs")
    assert catalogs["en"]["keypad_progress"] == "{n} of 18 characters"
