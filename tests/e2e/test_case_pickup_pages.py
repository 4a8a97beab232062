"""窗口送达 in a real browser against a real server: the citizen looks a finished case up on
the phone page (/case/{hall}) by its number and the last four of the phone, in Chinese and in
English, and takes a 取件 ticket at the kiosk by typing the case number, which the holding
window calls before the ordinary ticket already waiting; the manager reads the 限时办结 figures
in the dashboard's cases tab and downloads them. Screenshots with HALLQ_SCREENSHOTS."""

import openpyxl
import pytest

from tests.e2e.browser import HALL_SCREEN, KIOSK_PORTRAIT, PHONE, screenshot
from tests.e2e.serverproc import PASSWORD, run_cli
from tests.e2e.test_counter_cases_page import CATALOGUE
from tests.e2e.test_counter_desk_pages import _api, _issue

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 15000


@pytest.fixture(scope="module")
def deployment(hallq_module):
    deployment = hallq_module.deploy(hallq_module.sqlite())
    path = deployment.directory / "catalogue.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    run_cli(["load-catalogue", str(path), "--hall", deployment.hall.code], deployment.env,
            deployment.directory)
    return deployment


def _done_case(deployment) -> dict:
    """A 承诺件 accepted at window 1 with a phone number, then done."""
    _issue(deployment, "A")
    assert _api(deployment, "POST", "/windows/1/call-next", user=1).status_code == 200
    ticket = _api(deployment, "POST", "/windows/1/finish", user=1).json()["ticket"]
    case = _api(deployment, "POST", "/windows/1/cases", user=1, json={
        "ticket": ticket["id"], "matter": "CN-001", "phone": "13812345678"})
    assert case.status_code == 201, case.text
    done = _api(deployment, "POST", f"/cases/{case.json()['id']}/state", json={"state": "done"})
    assert done.status_code == 200, done.text
    return case.json()


def test_the_phone_page_shows_a_done_case_and_where_to_collect_it(deployment, open_page):
    case = _done_case(deployment)
    page = open_page(f"{deployment.url}/case/{deployment.hall.code}", PHONE)
    page.fill("#number", case["number"])
    page.fill("#suffix", "1234")
    page.click("#submit")
    page.wait_for_selector("#error:not([hidden])", timeout=TIMEOUT_MS)
    assert "未找到" in page.inner_text("#error")
    page.fill("#suffix", "5678")
    page.click("#submit")
    page.wait_for_selector("#result:not([hidden])", timeout=TIMEOUT_MS)
    screenshot(page, "case-phone-zh")
    assert page.inner_text("#r-state") == "办结"
    assert "138****5678" in page.inner_text("#r-who")
    assert deployment.hall.windows and "1" in page.inner_text("#r-collect")
    english = open_page(f"{deployment.url}/case/{deployment.hall.code}?lang=en", PHONE)
    english.fill("#number", case["number"])
    english.fill("#suffix", "5678")
    english.click("#submit")
    english.wait_for_selector("#result:not([hidden])", timeout=TIMEOUT_MS)
    screenshot(english, "case-phone-en")
    assert "Collect at" in english.inner_text("#result")


def test_the_kiosk_gives_a_pickup_ticket_called_first_at_the_window(deployment, open_page):
    case = _done_case(deployment)
    ordinary = _issue(deployment, "A")
    page = open_page(f"{deployment.url}/kiosk/{deployment.hall.code}"
                     f"?token={deployment.hall.kiosk_token}", KIOSK_PORTRAIT)
    page.click('[data-pickup="start"]', timeout=TIMEOUT_MS)
    for digit in case["number"].replace("-", ""):
        page.click(f'[data-pickup-key="{digit}"]')
    assert page.inner_text("#pickup-typed") == case["number"]
    screenshot(page, "kiosk-pickup")
    page.click('[data-pickup="submit"]')
    page.wait_for_selector("#ticket-number", timeout=TIMEOUT_MS)
    screenshot(page, "kiosk-pickup-result")
    number = page.inner_text("#ticket-number")
    assert number != ordinary["number"] and "取件" in page.inner_text(".service-name")
    called = _api(deployment, "POST", "/windows/1/call-next", user=1).json()["ticket"]
    assert called["number"] == number


def test_the_dashboard_cases_tab_shows_the_figures_and_downloads_them(deployment, open_page):
    _done_case(deployment)
    page = open_page(f"{deployment.url}/dashboard", HALL_SCREEN)
    page.fill("input[name=username]", deployment.hall.manager)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.click(".tab[data-tab=cases]", timeout=TIMEOUT_MS)
    done = page.locator("#cases-table tr.total td[data-col=done]")
    done.wait_for(timeout=TIMEOUT_MS)
    assert page.is_hidden("#floor") and page.inner_text("#cases-table th >> nth=0") == "部门"
    screenshot(page, "dashboard-cases")
    on_screen = int(done.inner_text())
    assert on_screen >= 1
    with page.expect_download() as download:
        page.click("#cases-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as file:
        rows = [[c.value for c in r] for r in openpyxl.load_workbook(file).active.iter_rows()]
    header = next(r for r in rows if "办结件数" in r)
    total = next(r for r in rows if r[0] == "全厅")
    assert total[header.index("办结件数")] == on_screen
