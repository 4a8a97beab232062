"""The counter page and the window evaluator in a real browser against a real server process.

A staff member logs in, signs in at a window, calls and finishes a ticket; the evaluator at that
window asks the citizen, who taps a grade, and the rating is recorded. Keyboard shortcuts work;
an unanswered evaluator records nothing; a staff member never reaches another window. The
evaluator's idle screen shows the staff member's name, staff number (工号) and photo; a window's
caller keypad device calls for whoever is signed in there.
"""

import itertools

import pytest
import requests

from tests.e2e.browser import HALL_SCREEN, TABLET, screenshot
from tests.e2e.serverproc import PASSWORD, run_cli

pytestmark = pytest.mark.e2e
WAIT_MS = 15000
DEVICE_NUMBERS = itertools.count(1)


@pytest.fixture(scope="module")
def deployment(hallq_module):
    return hallq_module.deploy(hallq_module.sqlite())


def _device_token(deployment, window: int, kind: str = "evaluator") -> str:
    out = run_cli(["device", "add", f"{kind}-{window}-{next(DEVICE_NUMBERS)}",
                   "--kind", kind, "--hall", deployment.hall.code,
                   "--window", str(window)], deployment.env, deployment.directory)
    return out.strip().splitlines()[-1]


def _evaluator_token(deployment, window: int) -> str:
    return _device_token(deployment, window)


def _sign_in(deployment, window: int) -> None:
    username = deployment.hall.staff[window]
    response = requests.post(
        f"{deployment.url}/api/v1/halls/{deployment.hall.code}/windows/{window}/sign-in",
        headers={"Authorization": "Bearer " + deployment.token(username)}, timeout=30)
    assert response.status_code == 200, response.text


def _issue(deployment, service: str = "A") -> dict:
    response = requests.post(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/tickets",
                             json={"service": service}, timeout=30,
                             headers={"Authorization": "Bearer " + deployment.hall.kiosk_token})
    assert response.status_code == 201, response.text
    return response.json()


def _export(deployment) -> list[dict]:
    response = requests.get(
        f"{deployment.url}/api/v1/halls/{deployment.hall.code}/evaluations/export",
        headers={"Authorization": "Bearer " + deployment.token("manager")}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["records"]


def _sign_out(deployment, window: int) -> None:
    """Leave the window free for the next test (the module shares one hall)."""
    username = deployment.hall.staff[window]
    requests.post(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/windows/{window}/"
                  "sign-out", headers={"Authorization": "Bearer " + deployment.token(username)},
                  timeout=30)


def _logged_in(open_page, url: str, username: str):
    page = open_page(url, HALL_SCREEN)
    page.fill("#login-username", username)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    return page


def _counter(open_page, deployment, window: int):
    """The counter page, logged in as the window's staff member and signed in there (each
    staff member has one window, so the page signs in by itself)."""
    page = _logged_in(open_page, f"{deployment.url}/counter?hall={deployment.hall.code}",
                      deployment.hall.staff[window])
    page.wait_for_selector("#work-view:not([hidden])", timeout=WAIT_MS)
    page.wait_for_function("window.hallq.state !== null", timeout=WAIT_MS)
    return page


def _called(counter) -> str:
    """The number the counter shows once a call has gone through."""
    counter.wait_for_function("document.querySelector('#current-number').textContent !== '—'",
                              timeout=WAIT_MS)
    return counter.inner_text("#current-number")


def _evaluator(open_page, deployment, window: int, timeout_s: int = 60):
    token = _evaluator_token(deployment, window)
    page = open_page(f"{deployment.url}/evaluator/{deployment.hall.code}/{window}"
                     f"?token={token}&timeout={timeout_s}&thanks=2", TABLET)
    page.wait_for_function("window.hallq.connected === true", timeout=WAIT_MS)
    page.wait_for_selector("#idle:not([hidden])", timeout=WAIT_MS)
    return page


def test_served_citizen_rates_on_the_evaluator_of_that_window(deployment, open_page):
    tablet = _evaluator(open_page, deployment, 1)
    screenshot(tablet, "evaluator-idle-empty")
    counter = _counter(open_page, deployment, 1)
    tablet.wait_for_selector("#staff-card:not([hidden])", timeout=WAIT_MS)
    screenshot(tablet, "evaluator-idle")
    _issue(deployment)
    _issue(deployment, "B")
    counter.click("#btn-call")
    number = _called(counter)
    screenshot(counter, "counter-serving")
    counter.click("#btn-finish")
    tablet.wait_for_selector("#ask:not([hidden])", timeout=WAIT_MS)
    assert "请您对本次服务进行评价" in tablet.inner_text("#ask")
    screenshot(tablet, "evaluator-ask")
    tablet.click("[data-grade='satisfied']")
    tablet.wait_for_selector("#thanks:not([hidden])", timeout=WAIT_MS)
    screenshot(tablet, "evaluator-thanks")
    records = [r for r in _export(deployment) if r["case_number"].endswith("-" + number)]
    _sign_out(deployment, 1)
    assert [(r["grade_code"], r["grade_name"]) for r in records] == [(2, "满意")]


def test_bad_grade_offers_reasons_and_records_them(deployment, open_page):
    tablet = _evaluator(open_page, deployment, 2)
    counter = _counter(open_page, deployment, 2)
    _issue(deployment, "B")
    counter.click("#btn-call")
    number = _called(counter)
    counter.click("#btn-finish")
    tablet.click("[data-grade='dissatisfied']", timeout=WAIT_MS)
    tablet.click("[data-reason='efficiency']")
    tablet.fill("#comment", "等候时间太长")
    screenshot(tablet, "evaluator-reasons")
    tablet.click("#reasons-submit")
    tablet.wait_for_selector("#thanks:not([hidden])", timeout=WAIT_MS)
    records = [r for r in _export(deployment) if r["case_number"].endswith("-" + number)]
    _sign_out(deployment, 2)
    assert [(r["grade_code"], r["text"]) for r in records] == [(4, "【办事效率】等候时间太长")]


def test_manager_follows_up_the_bad_review(deployment, open_page):
    page = open_page(f"{deployment.url}/followups?hall={deployment.hall.code}", HALL_SCREEN)
    page.fill("#login-username", deployment.hall.manager)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.click("#case-rows tr >> nth=0", timeout=WAIT_MS)
    assert "【办事效率】等候时间太长" in page.inner_text("#case-rows")
    page.fill("#d-callback", "已电话回访，群众反映高峰期等候时间长")
    page.click("#d-save-callback")
    page.wait_for_selector("#d-callback-done:not([hidden])", timeout=WAIT_MS)
    page.click("[data-outcome='fix_by_date']")
    page.fill("#d-note", "高峰期增开窗口")
    page.fill("#d-fix-by", "2099-12-31")
    page.fill("#d-measure", "高峰期增开2号、4号窗口")
    page.fill("#d-responsible", "王主任")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "followups")
    page.click("#d-submit-close")
    page.wait_for_function("window.hallq.cases.length === 0", timeout=WAIT_MS)
    page.click("[data-status='closed']")
    page.wait_for_selector("#case-rows tr", timeout=WAIT_MS)
    assert "已办结" in page.inner_text("#case-rows")


def test_a_supervisor_reads_the_follow_ups_but_changes_nothing(deployment, open_page):
    run_cli(["user", "add", "watcher", "--role", "supervisor", "--hall", deployment.hall.code],
            deployment.env, deployment.directory, PASSWORD + "\n")
    page = _logged_in(open_page, f"{deployment.url}/followups?hall={deployment.hall.code}",
                      "watcher")
    page.wait_for_selector("#read-only:not([hidden])", timeout=WAIT_MS)
    assert "只读" in page.inner_text("#read-only")
    page.click("[data-status='']")
    page.click("#case-rows tr >> nth=0", timeout=WAIT_MS)
    assert page.is_visible("#detail-body")
    assert not page.is_visible("#d-close-form") and not page.is_visible("#d-save-callback")
    assert page.query_selector("#d-show-phone") is None
    screenshot(page, "followups-supervisor")
    counter = _logged_in(open_page, f"{deployment.url}/counter?hall={deployment.hall.code}",
                         "watcher")
    counter.wait_for_selector("#login-error:not([hidden])", timeout=WAIT_MS)
    assert "/dashboard" in counter.inner_text("#login-error")


def test_keyboard_shortcut_calls_next(deployment, open_page):
    counter = _counter(open_page, deployment, 3)
    _issue(deployment)
    counter.keyboard.press("n")
    _called(counter)
    counter.keyboard.press("t")
    counter.wait_for_selector("#transfer-dialog:not([hidden])", timeout=WAIT_MS)
    screenshot(counter, "counter-transfer")
    counter.keyboard.press("Escape")
    counter.keyboard.press("f")  # finish it too, leaving the window empty
    counter.wait_for_function("document.querySelector('#current-number').textContent === '—'",
                              timeout=WAIT_MS)
    _sign_out(deployment, 3)


def test_pause_with_a_reason_and_resume(deployment, open_page):
    counter = _counter(open_page, deployment, 3)
    counter.keyboard.press("p")
    counter.click("#pause-reasons .choice >> nth=0")
    counter.click("#pause-confirm")
    counter.wait_for_selector("#paused-banner:not([hidden])", timeout=WAIT_MS)
    screenshot(counter, "counter-paused")
    banner = counter.inner_text("#paused-banner")
    counter.keyboard.press("p")
    counter.wait_for_selector("#paused-banner", state="hidden", timeout=WAIT_MS)
    _sign_out(deployment, 3)
    assert banner == "暂停服务中：午间休息"


def test_unanswered_evaluator_returns_to_idle_and_records_nothing(deployment, open_page):
    tablet = _evaluator(open_page, deployment, 4, timeout_s=3)
    counter = _counter(open_page, deployment, 4)
    _issue(deployment, "B")
    counter.click("#btn-call")
    number = _called(counter)
    counter.click("#btn-finish")
    tablet.wait_for_selector("#ask:not([hidden])", timeout=WAIT_MS)
    tablet.wait_for_selector("#idle:not([hidden])", timeout=WAIT_MS)
    records = [r for r in _export(deployment) if r["case_number"].endswith("-" + number)]
    _sign_out(deployment, 4)
    assert (tablet.evaluate("window.hallq.timeouts"), records) == (1, [])


def test_staff_sees_only_their_own_window(deployment, open_page):
    page = _counter(open_page, deployment, 1)  # signed in at once: window 1 is their only one
    page.click("#sign-out")
    page.wait_for_selector("#windows-view:not([hidden])", timeout=WAIT_MS)
    screenshot(page, "counter-choose-window")
    offered = page.eval_on_selector_all(".window-choice", "els => els.map(e => e.dataset.window)")
    assert offered == ["1"]


def test_staff_token_in_the_page_cannot_act_on_another_window(deployment, open_page):
    page = _counter(open_page, deployment, 1)
    status = page.evaluate("""async (hall) => {
        const token = sessionStorage.getItem('hallq.token.staff');
        const response = await fetch('/api/v1/halls/' + hall + '/windows/2/call-next',
            {method: 'POST', headers: {Authorization: 'Bearer ' + token}});
        return response.status;
    }""", deployment.hall.code)
    _sign_out(deployment, 1)
    assert status == 403


def test_error_is_shown_inline_in_chinese(deployment, open_page):
    page = _counter(open_page, deployment, 1)
    page.keyboard.press("r")  # recall with no ticket at the window
    page.wait_for_selector("#action-error:not([hidden])", timeout=WAIT_MS)
    screenshot(page, "counter-error")
    text = page.inner_text("#action-error")
    _sign_out(deployment, 1)
    assert text == "当前没有正在呼叫或办理的号码。"


def test_evaluator_idle_screen_shows_name_staff_number_and_photo(deployment, open_page):
    from queue_server.demo import placeholder_photo

    # Window 1: its last visit was rated, so the evaluator opens idle (window 3 and 4 still
    # offer their unrated visits for EVALUATION_OFFER_S).

    photo = deployment.directory / "staff1.png"
    photo.write_bytes(placeholder_photo("#2f855a"))
    run_cli(["user", "set", deployment.hall.staff[1], "--name", "张三", "--staff-no", "0123",
             "--photo", str(photo)], deployment.env, deployment.directory)
    _sign_in(deployment, 1)
    tablet = _evaluator(open_page, deployment, 1)
    tablet.wait_for_selector("#staff-photo:not([hidden])", timeout=WAIT_MS)
    screenshot(tablet, "evaluator-idle-photo")
    shown = (tablet.inner_text("#staff-name"), tablet.inner_text("#staff-no"),
             tablet.evaluate("document.getElementById('staff-photo').naturalWidth"),
             tablet.is_visible("#staff-initial"))
    _sign_out(deployment, 1)
    assert shown == ("张三", "0123", 300, False)


def test_without_staff_number_or_photo_the_card_shows_the_initial(deployment, open_page):
    _sign_in(deployment, 2)
    tablet = _evaluator(open_page, deployment, 2)
    tablet.wait_for_selector("#staff-card:not([hidden])", timeout=WAIT_MS)
    screenshot(tablet, "evaluator-idle-no-photo")
    shown = (tablet.inner_text("#staff-initial"), tablet.is_visible("#staff-no-line"),
             tablet.is_visible("#staff-photo"))
    _sign_out(deployment, 2)
    assert shown == ("S", False, False)  # staff2 has no name of their own: the username's S


def test_caller_keypad_device_calls_for_the_signed_in_staff_member(deployment, open_page):
    token = _device_token(deployment, 2, kind="caller")
    url = f"{deployment.url}/api/v1/halls/{deployment.hall.code}/windows/2/call-next"
    refused = requests.post(url, headers={"Authorization": "Bearer " + token}, timeout=30)
    counter = _counter(open_page, deployment, 2)
    _issue(deployment, "B")
    called = requests.post(url, headers={"Authorization": "Bearer " + token}, timeout=30)
    number = _called(counter)
    requests.post(url.replace("call-next", "finish"),
                  headers={"Authorization": "Bearer " + token}, timeout=30)
    _sign_out(deployment, 2)
    assert (refused.status_code, refused.json()["error"]["code"], called.status_code,
            called.json()["ticket"]["number"]) == (409, "not_signed_in", 200, number)
