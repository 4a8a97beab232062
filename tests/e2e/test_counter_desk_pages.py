"""The counter page at a 1366×768 counter PC, through a clerk's day, against a real server:
signed in without picking the only window, a calm empty queue, call, recall, a too-quick second
call-next that asks first, the transfer and pause dialogs inside the screen (and the warning
before sending a citizen to an unstaffed window), 过号 and its undo, hold and back, 选呼, finish.

Screenshots go to HALLQ_SCREENSHOTS (``counter-day-*.png``) when it is set.
"""

import pytest
import requests

from tests.e2e.browser import screenshot
from tests.e2e.serverproc import PASSWORD

pytestmark = pytest.mark.e2e
WAIT_MS = 15000
COUNTER_PC = {"width": 1366, "height": 768}
SERVES = {1: "不动产登记、社会保障卡", 2: "社会保障卡、不动产登记", 4: "社会保障卡、不动产登记"}
# what windows of the e2e hall serve, in their order of preference


@pytest.fixture(scope="module")
def deployment(hallq_module):
    return hallq_module.deploy(hallq_module.sqlite())


def _api(deployment, method, path, user="manager", **kwargs):
    token = deployment.token(deployment.hall.staff.get(user, user) if isinstance(user, int)
                             else user)
    return requests.request(method, f"{deployment.url}/api/v1/halls/{deployment.hall.code}"
                            + path, headers={"Authorization": "Bearer " + token}, timeout=30,
                            **kwargs)


def _issue(deployment, service="A") -> dict:
    response = requests.post(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/tickets",
                             json={"service": service}, timeout=30,
                             headers={"Authorization": "Bearer " + deployment.hall.kiosk_token})
    assert response.status_code == 201, response.text
    return response.json()


def _status(deployment, ticket) -> str:
    return requests.get(f"{deployment.url}/api/v1/track/{ticket['track_token']}",
                        timeout=30).json()["status"]


def _drain(deployment, window: int) -> None:
    """Serve what earlier tests left waiting, so this test's tickets are the next ones."""
    while _api(deployment, "POST", f"/windows/{window}/call-next").status_code == 200:
        pass
    _api(deployment, "POST", f"/windows/{window}/finish")


def _counter(open_page, deployment, window: int, lang: str = ""):
    """Log in as the window's only clerk: the page signs in at that window by itself."""
    _drain(deployment, window)
    page = open_page(f"{deployment.url}/counter?hall={deployment.hall.code}{lang}", COUNTER_PC)
    page.fill("#login-username", deployment.hall.staff[window])
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#work-view:not([hidden])", timeout=WAIT_MS)
    page.wait_for_function("window.hallq.state !== null", timeout=WAIT_MS)
    _idle(page)
    return page


def _shows(page, number: str) -> None:
    page.wait_for_function("n => document.querySelector('#current-number').textContent === n",
                           arg=number, timeout=WAIT_MS)
    _idle(page)  # a screen can show the call before the action that made it has returned


def _idle(page) -> None:
    """Every request the page sent has been answered and no action is under way (a key pressed
    while one is would be dropped, as it is for a clerk)."""
    page.wait_for_function("window.hallq.pending === 0 && !window.hallq.acting", timeout=WAIT_MS)


def _inside_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= COUNTER_PC["width"]
            and box["y"] + box["height"] <= COUNTER_PC["height"])


def _sign_out(deployment, window: int) -> None:
    _api(deployment, "POST", f"/windows/{window}/sign-out", user=deployment.hall.staff[window])


def test_only_window_is_signed_in_and_an_empty_queue_is_calm(deployment, open_page):
    page = _counter(open_page, deployment, 1)
    session = _api(deployment, "GET", "/windows/1/counter").json()["session"]
    page.keyboard.press("n")
    page.wait_for_selector("#action-info:not([hidden])", timeout=WAIT_MS)
    screenshot(page, "counter-day-1-signed-in-empty")
    shown = (page.is_visible("#action-error"), page.inner_text("#current-service"))
    _sign_out(deployment, 1)
    assert (session["user"], shown) == (deployment.hall.staff[1], (False, "暂无等候的群众"))


def test_second_call_next_right_after_a_call_asks_first(deployment, open_page):
    page = _counter(open_page, deployment, 2)
    first, _ = _issue(deployment, "B"), _issue(deployment, "B")
    page.keyboard.press("n")
    _shows(page, first["number"])
    page.keyboard.press("n")  # the double press: must not end the citizen's turn
    page.wait_for_selector("#confirm-dialog[open]", timeout=WAIT_MS)
    screenshot(page, "counter-day-2-called")
    screenshot(page, "counter-day-3-just-called-confirm")
    inside = _inside_viewport(page, "#confirm-dialog")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    page.wait_for_function("document.querySelector('#current-recalls').textContent !== ''",
                           timeout=WAIT_MS)
    screenshot(page, "counter-day-4-recalled")
    status = _status(deployment, first)
    page.keyboard.press("f")
    _shows(page, "—")
    _sign_out(deployment, 2)
    assert (inside, status) == (True, "called")


def test_transfer_dialog_fits_lists_staff_and_warns_before_an_unstaffed_window(
        deployment, open_page):
    _api(deployment, "POST", "/windows/1/sign-in", user=deployment.hall.staff[1])
    page = _counter(open_page, deployment, 3)
    ticket = _issue(deployment, "A")
    page.keyboard.press("n")
    _shows(page, ticket["number"])
    page.keyboard.press("t")
    page.wait_for_selector("#transfer-dialog[open]", timeout=WAIT_MS)
    screenshot(page, "counter-day-5-transfer-dialog")
    services = page.eval_on_selector_all("#transfer-services .choice",
                                         "els => els.map(e => e.textContent)")
    rows = page.eval_on_selector_all(
        "#transfer-windows tr",
        "rows => rows.map(r => [r.dataset.window, r.cells[1].textContent, r.cells[2].textContent])")
    inside = _inside_viewport(page, "#transfer-dialog")
    page.click("#transfer-windows tr[data-window='4'] .choice")
    page.wait_for_selector("#transfer-warning:not([hidden])", timeout=WAIT_MS)
    screenshot(page, "counter-day-6-transfer-unstaffed-warning")
    still = _status(deployment, ticket)
    page.click("#transfer-anyway")
    page.wait_for_selector("#transfer-dialog:not([open])", state="attached", timeout=WAIT_MS)
    _shows(page, "—")
    _sign_out(deployment, 1)
    _sign_out(deployment, 3)
    assert (inside, [s[0] for s in services], rows, still) == (
        True, ["B"], [["1", deployment.hall.staff[1], SERVES[1]], ["2", "无人签到", SERVES[2]],
                      ["4", "无人签到", SERVES[4]]], "called")


def test_pause_dialog_fits_the_screen(deployment, open_page):
    page = _counter(open_page, deployment, 3)
    page.keyboard.press("p")
    page.wait_for_selector("#pause-dialog[open]", timeout=WAIT_MS)
    screenshot(page, "counter-day-7-pause-dialog")
    inside = _inside_viewport(page, "#pause-dialog")
    page.click("#pause-reasons .choice >> nth=1")
    page.click("#pause-confirm")
    page.wait_for_selector("#paused-banner:not([hidden])", timeout=WAIT_MS)
    screenshot(page, "counter-day-8-paused")
    page.keyboard.press("p")
    page.wait_for_selector("#paused-banner", state="hidden", timeout=WAIT_MS)
    _sign_out(deployment, 3)
    assert inside


def test_no_show_then_undo_restores_the_ticket(deployment, open_page):
    page = _counter(open_page, deployment, 4)
    ticket = _issue(deployment, "B")
    page.keyboard.press("n")
    _shows(page, ticket["number"])
    page.keyboard.press("s")
    page.wait_for_selector("#undo-bar:not([hidden])", timeout=WAIT_MS)
    _shows(page, "—")
    screenshot(page, "counter-day-9-no-show-undo-bar")
    after_no_show = _status(deployment, ticket)
    page.click("#undo-button")
    _shows(page, ticket["number"])
    page.wait_for_selector("#undo-bar", state="hidden", timeout=WAIT_MS)
    screenshot(page, "counter-day-10-undone")
    after_undo = _status(deployment, ticket)
    page.keyboard.press("f")
    _shows(page, "—")
    _sign_out(deployment, 4)
    assert (after_no_show, after_undo) == ("no_show", "called")


def test_hold_bring_back_and_select_call(deployment, open_page):
    page = _counter(open_page, deployment, 2)
    first, second, third = (_issue(deployment, "B") for _ in range(3))
    page.keyboard.press("n")
    _shows(page, first["number"])
    page.keyboard.press("h")
    page.wait_for_selector(f"#held-list [data-ticket='{first['id']}']", timeout=WAIT_MS)
    _shows(page, "—")
    screenshot(page, "counter-day-11-held")
    held = _status(deployment, first)
    page.click(f"#held-list [data-ticket='{first['id']}'] .held-back")
    _shows(page, first["number"])
    screenshot(page, "counter-day-12-brought-back")
    page.keyboard.press("f")
    _shows(page, "—")
    page.keyboard.press("c")
    page.wait_for_selector("#select-dialog[open]", timeout=WAIT_MS)
    page.fill("#select-number", third["number"].lower())
    screenshot(page, "counter-day-13-select-call")
    inside = _inside_viewport(page, "#select-dialog")
    page.click("#select-submit")
    _shows(page, third["number"])
    screenshot(page, "counter-day-14-select-called")
    page.keyboard.press("f")
    _shows(page, "—")
    _idle(page)
    screenshot(page, "counter-day-15-finished")
    upcoming = page.eval_on_selector_all("#upcoming-list [data-number]",
                                         "els => els.map(e => e.dataset.number)")
    _sign_out(deployment, 2)
    assert (held, inside, _status(deployment, second), upcoming) == (
        "held", True, "waiting", [second["number"]])


def test_english_counter_labels_fit_their_buttons(deployment, open_page):
    page = _counter(open_page, deployment, 1, "&lang=en")
    ticket = _issue(deployment, "A")
    page.keyboard.press("n")
    _shows(page, ticket["number"])
    page.keyboard.press("h")
    page.wait_for_selector("#held-list .held-back", timeout=WAIT_MS)
    # The held list can be drawn by the pushed state before the hold's own answer is back;
    # a click on 取回 while the hold is still under way is dropped (one action at a time).
    _idle(page)
    screenshot(page, "counter-day-16-english-held")
    overflowing = page.eval_on_selector_all(
        "#actions .action, #held-list .held-back",
        "els => els.filter(e => e.offsetParent && e.scrollWidth > e.clientWidth)"
        ".map(e => e.textContent)")
    page.click("#held-list .held-back")
    _shows(page, ticket["number"])
    page.keyboard.press("f")
    _shows(page, "—")
    _sign_out(deployment, 1)
    assert overflowing == []


def test_no_show_made_elsewhere_still_offers_the_undo(deployment, open_page):
    """过号 pressed on the window's keypad (here: the same clerk's API call) reaches the page
    as a pushed state, with its undo bar."""
    page = _counter(open_page, deployment, 3)
    ticket = _issue(deployment, "A")
    page.keyboard.press("n")
    _shows(page, ticket["number"])
    response = _api(deployment, "POST", "/windows/3/no-show", user=deployment.hall.staff[3])
    page.wait_for_selector("#undo-bar:not([hidden])", timeout=WAIT_MS)
    page.keyboard.press("u")
    _shows(page, ticket["number"])
    status = _status(deployment, ticket)
    page.keyboard.press("f")
    _shows(page, "—")
    _sign_out(deployment, 3)
    assert (response.status_code, status) == (200, "called")
