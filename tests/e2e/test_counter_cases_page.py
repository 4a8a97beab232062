"""办件登记 on the counter page at 1366×768, against a real server: after "finish" the clerk
records each kind (即办件, 承诺件, 联办件, 代办件, 上报件) and each outcome (补正 with the
一次性告知 list, 不予受理 with a reason) by keys, a second case of one ticket with K, and a
promised day past the statutory limit is refused in the dialog. Screenshots of each kind go
to the test's tmp dir."""

import pytest
import requests

from tests.e2e.serverproc import run_cli
from tests.e2e.test_counter_desk_pages import (
    COUNTER_PC,
    WAIT_MS,
    _api,
    _counter,
    _idle,
    _inside_viewport,
    _issue,
    _shows,
)

pytestmark = pytest.mark.e2e
CATALOGUE = """
- {code: CN-001, name: 社会保障卡申领, department: 人社局, kind: 承诺件, statutory_days: 20,
   promised_days: 5, materials: [身份证原件, 一寸白底照片]}
- {code: JY-001, name: 社保卡挂失, department: 人社局, kind: 即办件, statutory_days: 0,
   promised_days: 0}
"""


@pytest.fixture(scope="module")
def deployment(hallq_module):
    deployment = hallq_module.deploy(hallq_module.sqlite())
    path = deployment.directory / "catalogue.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    run_cli(["load-catalogue", str(path), "--hall", deployment.hall.code], deployment.env,
            deployment.directory)
    return deployment


def _serve_and_finish(page, deployment):
    ticket = _issue(deployment, "B")
    page.keyboard.press("n")
    _shows(page, ticket["number"])
    page.keyboard.press("f")
    page.wait_for_selector("#case-dialog[open]", timeout=WAIT_MS)
    return ticket


def _record(page, key: str, fill=None) -> dict:
    count = page.evaluate("window.hallq.cases.length")
    page.keyboard.press(key)
    if fill:
        fill(page)
    page.keyboard.press("Enter")
    page.wait_for_function("n => window.hallq.cases.length > n", arg=count, timeout=WAIT_MS)
    _idle(page)
    return page.evaluate("window.hallq.cases[window.hallq.cases.length - 1]")


def _joint(page):
    page.fill("#case-co", "税务局、住建局")
    page.focus("#case-co")


def _refused(page):
    page.fill("#case-reason", "不属于本中心受理范围")
    page.focus("#case-reason")


KINDS = [("1", None, "immediate", "done"), ("2", None, "promised", "accepted"),
         ("3", _joint, "joint", "accepted"), ("4", None, "proxy", "accepted"),
         ("5", None, "reported", "accepted"), ("7", _refused, "promised", "refused")]


def test_each_kind_is_recorded_by_keys_after_finish(deployment, open_page, tmp_path):
    page = _counter(open_page, deployment, 1)
    for key, fill, kind, state in KINDS:
        ticket = _serve_and_finish(page, deployment)
        assert _inside_viewport(page, "#case-dialog")
        case = _record(page, key, fill)
        page.screenshot(path=str(tmp_path / f"case-{kind}-{state}.png"))
        assert (case["ticket_id"], case["kind"], case["state"]) == (ticket["id"], kind, state)
        assert case["number"] in page.text_content("#action-notice")
    joint = [c for c in page.evaluate("window.hallq.cases") if c["kind"] == "joint"][0]
    assert (joint["lead_department"], joint["co_departments"]) == ("人社局", ["税务局", "住建局"])
    assert len(list(tmp_path.glob("case-*.png"))) == len(KINDS)


def test_correction_shows_the_materials_and_k_records_a_second_case(deployment, open_page,
                                                                    tmp_path):
    page = _counter(open_page, deployment, 2)
    ticket = _serve_and_finish(page, deployment)
    page.keyboard.press("6")
    assert page.text_content("#case-materials").split() == ["身份证原件", "一寸白底照片"]
    page.screenshot(path=str(tmp_path / "case-correction.png"))
    page.keyboard.press("Enter")
    page.wait_for_function("window.hallq.cases.length === 1", timeout=WAIT_MS)
    _idle(page)
    page.wait_for_selector("#notice-dialog[open]", timeout=WAIT_MS)  # 一次性告知, printable
    notice = page.text_content("#notice-sheet")
    assert "一次性告知书" in notice and "身份证原件" in notice and "一寸白底照片" in notice
    page.screenshot(path=str(tmp_path / "case-correction-notice.png"))
    page.click("#notice-close")
    page.keyboard.press("k")  # a second matter of the same ticket
    page.wait_for_selector("#case-dialog[open]", timeout=WAIT_MS)
    page.select_option("#case-matter", label="JY-001 · 社保卡挂失")
    page.focus("#case-outcomes")
    second = _record(page, "1")
    cases = _api(deployment, "GET", "/cases?mine=true", user=2).json()
    assert [(c["ticket_id"], c["state"], c["matter"]) for c in cases[:2]] == [
        (ticket["id"], "done", "JY-001"), (ticket["id"], "correction", "CN-001")]
    assert cases[1]["note"] == "身份证原件；一寸白底照片" and second["matter"] == "JY-001"


def test_a_promised_day_past_the_statutory_limit_is_refused_in_the_dialog(deployment,
                                                                          open_page):
    page = _counter(open_page, deployment, 3)
    _serve_and_finish(page, deployment)
    page.keyboard.press("2")
    page.fill("#case-promised-on", "2099-01-01")
    page.click("#case-submit")
    page.wait_for_selector("#case-error:not([hidden])", timeout=WAIT_MS)
    assert "statutory" in page.text_content("#case-error")
    assert page.evaluate("window.hallq.cases.length") == 0
    assert requests.get(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/matters",
                        timeout=30).status_code == 200
