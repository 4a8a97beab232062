"""The JavaScript side of the rules HallQ also runs in Python, against the one vectors file both
sides read (tests/vectors/shared_rules.json): the kiosk's ID number check (idnumber.js), the
wait a citizen is told (hallq.js with the screens' wording, display/i18n/zh.js), the announcer's
quiet hours, Chinese numerals and spoken calls (announcer.js). The page scripts run as they are
in headless Chromium; no server is needed. tests/test_shared_rules.py runs the Python side."""

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VECTORS = json.loads((REPO / "tests" / "vectors" / "shared_rules.json").read_text("utf-8"))
SCRIPTS = ["queue_server/web/static/hallq.js", "kiosk/static/kiosk/idnumber.js",
           "display/static/display/i18n/zh.js", "display/static/display/announcer.js"]

# The JS's answer for a complete number the Python refuses for each reason.
JS_REASONS = {"shape": "bad_char", "area": "bad_area", "date": "bad_date", "check": "bad_check"}


@pytest.fixture(scope="module")
def rules(chromium):
    """A blank page with the rule scripts loaded."""
    context = chromium.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><html><body></body></html>")
    for script in SCRIPTS:
        page.add_script_tag(path=str(REPO / script))
    yield page
    context.close()


def answers(page, section, body):
    """The page's answers, in order, of the JS function `body` (of one vector `v`) for every
    vector of `section`."""
    return page.evaluate("([vectors, body]) => vectors.map(new Function('v', body))",
                         [VECTORS[section], body])


def test_id_number_check_character(rules):
    found = answers(rules, "id_number_check_char", "return HallqId.checkChar(v.prefix17);")
    assert found == [v["check"] for v in VECTORS["id_number_check_char"]]


def test_id_number_validation(rules):
    found = answers(rules, "id_numbers", """
        const [y, m, d] = v.today.split('-').map(Number);
        return HallqId.checkIdNumber(v.number, new Date(Date.UTC(y, m - 1, d)));""")
    expected = ["ok" if v["valid"] else JS_REASONS[v["reason"]] for v in VECTORS["id_numbers"]]
    assert found == expected


def test_wait_minutes_and_the_screens_wording(rules):
    rules.evaluate("Hallq.setLanguage('zh')")
    found = answers(rules, "wait_minutes", """
        const m = Hallq.waitMinutes(v.seconds);
        return [m, Hallq.t('estimated_wait', {m: m})];""")
    assert found == [[v["minutes"], v["zh"]] for v in VECTORS["wait_minutes"]]


def test_quiet_hours(rules):
    found = answers(rules, "quiet_hours", """
        const [h, m] = v.time.split(':').map(Number);
        return HallqAnnouncer.inQuietHours(v.periods, h, m);""")
    assert found == [v["quiet"] for v in VECTORS["quiet_hours"]]


def test_chinese_numbers(rules):
    found = answers(rules, "chinese_numbers", "return HallqAnnouncer.chineseNumber(v.value);")
    assert found == [v["spoken"] for v in VECTORS["chinese_numbers"]]


def test_spoken_call(rules):
    found = answers(rules, "call_speech",
                         "return HallqAnnouncer.speechText(v.template, v.number, v.window);")
    assert found == [v["speech"] for v in VECTORS["call_speech"]]
