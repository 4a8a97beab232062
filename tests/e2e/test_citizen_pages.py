"""The citizen's pages in a real browser against a real server process: the evaluator keeps a
grade on the tap and shows the window's state, the kiosk's 绿色通道 entry and ID keypad, and
the phone page's alert, cancel, windows and unknown ticket."""

import pytest
import requests
import yaml

from tests.e2e.agentproc import AgentProcess, wait_for
from tests.e2e.browser import KIOSK_PORTRAIT, PHONE, TABLET, screenshot
from tests.e2e.serverproc import PASSWORD, ApiClient, run_cli

pytestmark = pytest.mark.e2e
WAIT_MS = 15000
WRONG_CHECK = "110105194912310021"  # the right check character is X


@pytest.fixture(scope="module")
def deployment(hallq_module):
    """The e2e hall with English names, 绿色通道, and a real-name service of a long department."""
    deployment = hallq_module.deploy(hallq_module.sqlite())
    directory, code = hallq_module.directory, deployment.hall.code
    config = yaml.safe_load((directory / f"{code}.yaml").read_text(encoding="utf-8"))
    hall = config["halls"][0]
    hall.update(allow_priority=True, name_en="End-to-end Test Centre")
    hall["services"][0]["department_en"] = "Natural Resources Bureau"
    hall["services"].append({
        "code": "G", "name": "出入境证件", "name_en": "Exit-entry documents",
        "department": "公安局出入境管理支队",
        "department_en": "Exit-Entry Administration, Public Security Bureau",
        "requires_id": True})
    hall["windows"][0]["services"].append("G")
    path = directory / f"{code}-citizen.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run_cli(["load-config", str(path)], deployment.env, directory)
    wait_for(lambda: "G" in [s["code"] for s in _services(deployment)], timeout=15)
    agent = AgentProcess(deployment.url, deployment.hall.kiosk_token,
                         f"file:{directory / 'citizen-printer.bin'}", directory).start()
    yield deployment
    agent.stop()


def _services(deployment) -> list[dict]:
    return requests.get(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/services",
                        timeout=30).json()


def _api(deployment, method, path, user=None, body=None):
    token = deployment.token(user) if user else deployment.hall.kiosk_token
    with ApiClient(deployment.url, token) as api:
        return api.request(method, f"/api/v1/halls/{deployment.hall.code}{path}", body)


def _issue(deployment, service="B") -> dict:
    status, ticket = _api(deployment, "POST", "/tickets", body={"service": service})
    assert status == 201, ticket
    return ticket


# ---- the evaluator ----------------------------------------------------------------------------

def _evaluator(open_page, deployment, window: int):
    out = run_cli(["device", "add", f"citizen-evaluator-{window}", "--kind", "evaluator",
                   "--hall", deployment.hall.code, "--window", str(window)],
                  deployment.env, deployment.directory)
    token = out.strip().splitlines()[-1]
    page = open_page(f"{deployment.url}/evaluator/{deployment.hall.code}/{window}"
                     f"?token={token}&timeout=60", TABLET)
    page.wait_for_function("window.hallq.connected === true", timeout=WAIT_MS)
    page.wait_for_selector("#idle:not([hidden])", timeout=WAIT_MS)
    return page


def _window(deployment, window: int, action: str, body=None):
    status, answer = _api(deployment, "POST", f"/windows/{window}/{action}",
                          deployment.hall.staff[window], body)
    assert status == 200, answer
    return answer


def test_the_evaluator_keeps_a_bad_grade_tapped_by_a_citizen_who_walks_away(deployment,
                                                                             open_page):
    tablet = _evaluator(open_page, deployment, 3)
    screenshot(tablet, "evaluator-idle-closed")
    closed = tablet.inner_text("#window-state")
    _window(deployment, 3, "sign-in")
    tablet.wait_for_selector("#window-state.idle", timeout=WAIT_MS)
    screenshot(tablet, "evaluator-idle")
    _issue(deployment, "A")
    number = _window(deployment, 3, "call-next")["ticket"]["number"]
    _window(deployment, 3, "finish")
    tablet.click("[data-grade='dissatisfied']", timeout=WAIT_MS)
    tablet.wait_for_selector("#reasons:not([hidden])", timeout=WAIT_MS)
    tablet.fill("#phone", "1381234")
    tablet.click("#reasons-submit")
    tablet.wait_for_selector("#reasons-error:not([hidden])", timeout=WAIT_MS)
    screenshot(tablet, "evaluator-bad-review")
    tablet.close()  # the citizen leaves without 提交
    status, cases = _api(deployment, "GET", "/followups", deployment.hall.manager)
    _window(deployment, 3, "sign-out")
    assert (closed, status, [(c["ticket"], c["grade"], c["phone"]) for c in cases
                             if c["ticket"] == number]) == (
        "未开放", 200, [(number, "dissatisfied", None)])


def test_the_evaluator_takes_the_call_back_phone(deployment, open_page):
    tablet = _evaluator(open_page, deployment, 4)
    _window(deployment, 4, "sign-in")
    _issue(deployment, "B")
    number = _window(deployment, 4, "call-next")["ticket"]["number"]
    _window(deployment, 4, "finish")
    tablet.click("[data-grade='very_dissatisfied']", timeout=WAIT_MS)
    tablet.click("[data-reason='attitude']")
    tablet.fill("#phone", "139 1234 5678")
    tablet.click("#reasons-submit")
    tablet.wait_for_selector("#thanks:not([hidden])", timeout=WAIT_MS)
    status, cases = _api(deployment, "GET", "/followups", deployment.hall.manager)
    _window(deployment, 4, "sign-out")
    assert [(c["comment"], c["phone"]) for c in cases if c["ticket"] == number] == [
        ("【服务态度】", "139****5678")]


def test_the_evaluator_of_a_paused_window_says_so(deployment, open_page):
    tablet = _evaluator(open_page, deployment, 2)
    _window(deployment, 2, "sign-in")
    tablet.wait_for_selector("#window-state.idle", timeout=WAIT_MS)
    _window(deployment, 2, "pause", {"reason": "午间休息"})
    tablet.wait_for_selector("#window-state.paused", timeout=WAIT_MS)
    screenshot(tablet, "evaluator-paused")
    text, state = tablet.inner_text("#idle"), tablet.inner_text("#window-state")
    _window(deployment, 2, "resume")
    _window(deployment, 2, "sign-out")
    # The state in the hall screens' words (未开放/暂停/等候叫号/办理中), the note a sentence.
    assert (state, "本窗口暂停服务" in text, "在岗服务" in text) == ("暂停", True, False)


# ---- the kiosk ----------------------------------------------------------------------------------

def _kiosk(open_page, deployment, lang=""):
    page = open_page(f"{deployment.url}/kiosk/{deployment.hall.code}"
                     f"?token={deployment.hall.kiosk_token}{lang}", KIOSK_PORTRAIT)
    page.wait_for_selector("[data-service='G']:not([disabled])", timeout=WAIT_MS)
    return page


def test_a_normal_tile_issues_at_once_and_priority_has_its_own_entry(deployment, open_page):
    page = _kiosk(open_page, deployment)
    screenshot(page, "kiosk-main-zh")
    page.click("[data-service='B']")
    page.wait_for_selector("#ticket-number", timeout=WAIT_MS)
    normal = page.locator(".service-name .badge").count()
    page.click("[data-action='home']")
    page.click("[data-action='priority']", timeout=WAIT_MS)
    page.wait_for_selector(".priority-title", timeout=WAIT_MS)
    screenshot(page, "kiosk-priority-choose")
    page.click("[data-service='B']")
    page.wait_for_selector("#ticket-number", timeout=WAIT_MS)
    assert (normal, page.locator(".service-name .badge").inner_text()) == (0, "绿色通道")


def test_the_real_name_badge_never_covers_a_long_department(deployment, open_page):
    page = _kiosk(open_page, deployment, "&lang=en")
    screenshot(page, "kiosk-main-en")
    dept = page.locator("[data-service='G'] .dept").bounding_box()
    badge = page.locator("[data-service='G'] .badge").bounding_box()
    apart = dept["x"] + dept["width"] <= badge["x"] or dept["y"] + dept["height"] <= badge["y"]
    assert (apart, page.inner_text("[data-service='G'] .dept"), page.inner_text("#hall-name")) == (
        True, "Exit-Entry Administration, Public Security Bureau", "End-to-end Test Centre")


@pytest.mark.parametrize("lang, suffix", [("", "zh"), ("&lang=en", "en")])
def test_typed_digits_show_whole_and_grouped_until_the_citizen_stops(deployment, open_page, lang,
                                                                     suffix):
    page = _kiosk(open_page, deployment, lang)
    page.click("[data-service='G']")
    page.click("[data-action='keypad']")
    for key in WRONG_CHECK:
        page.click(f"[data-key='{key}']")
    screenshot(page, f"kiosk-id-wrong-check-{suffix}")
    shown = page.inner_text("#typed")
    check = page.inner_text("#check")
    page.evaluate("window.HallqKiosk.parts.hideAfterMs = 300")
    page.click("[data-key='del']")
    page.wait_for_selector("#typed.hidden-digits", timeout=WAIT_MS)
    hidden = page.inner_text("#typed")
    assert (shown.split(), bool(check), hidden.split()) == (
        ["110105", "19491231", "0021"], True, ["110105", "••••••••", "002"])


# ---- the phone page -------------------------------------------------------------------------------

def test_the_phone_page_alerts_when_near_and_cancels(deployment, open_page):
    ticket = _issue(deployment, "A")
    _window(deployment, 1, "sign-in")
    phone = open_page(f"{deployment.url}/track/{ticket['track_token']}", PHONE)
    phone.wait_for_selector("#status.waiting", timeout=WAIT_MS)
    phone.wait_for_selector(".windows li[data-window='1'] .state.idle", timeout=WAIT_MS)
    screenshot(phone, "phone-waiting")
    phone.click("#alert-toggle")
    phone.wait_for_function("window.HallqTrack.alerts >= 1", timeout=WAIT_MS)
    screenshot(phone, "phone-alert-on")
    phone.click("#cancel")
    phone.wait_for_selector("#confirm", timeout=WAIT_MS)
    phone.click("#cancel-yes")
    phone.wait_for_selector("#status.cancelled", timeout=WAIT_MS)
    screenshot(phone, "phone-cancelled")
    _window(deployment, 1, "sign-out")
    with ApiClient(deployment.url) as api:
        _, tracked = api.request("GET", f"/api/v1/track/{ticket['track_token']}")
    assert (phone.inner_text("#status"), tracked["status"]) == ("已取消", "cancelled")


def test_an_unknown_ticket_gets_a_friendly_404(deployment, open_page):
    phone = open_page(f"{deployment.url}/track/no-such-ticket-here", PHONE)
    screenshot(phone, "phone-404")
    text = phone.inner_text("#missing")
    assert ("未找到这张号票" in text, "Ticket not found" in text) == (True, True)


# ---- the follow-ups page: the phone masked, whole on request ----------------------------------------

def test_a_manager_sees_the_call_back_phone_only_on_request(deployment, open_page):
    out = run_cli(["device", "add", "citizen-evaluator-fu", "--kind", "evaluator",
                   "--hall", deployment.hall.code, "--window", "1"],
                  deployment.env, deployment.directory)
    evaluator = {"Authorization": "Bearer " + out.strip().splitlines()[-1]}
    _window(deployment, 1, "sign-in")
    _issue(deployment, "A")
    ticket = _window(deployment, 1, "call-next")["ticket"]
    _window(deployment, 1, "finish")
    _window(deployment, 1, "sign-out")
    path = f"{deployment.url}/api/v1/tickets/{ticket['id']}/evaluation"
    assert requests.post(path, json={"grade": "dissatisfied"}, headers=evaluator,
                         timeout=30).status_code == 201
    assert requests.patch(path, json={"phone": "13712345678"}, headers=evaluator,
                          timeout=30).status_code == 200
    page = open_page(f"{deployment.url}/followups?hall={deployment.hall.code}")
    page.fill("#login-username", deployment.hall.manager)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.click(f"#case-rows tr:has-text('{ticket['number']}')", timeout=WAIT_MS)
    masked = page.inner_text("#d-phone")
    page.click("#d-show-phone")
    page.wait_for_function("document.querySelector('#d-phone').textContent === '13712345678'",
                           timeout=WAIT_MS)
    screenshot(page, "followups-phone-shown")
    assert masked == "137****5678"
