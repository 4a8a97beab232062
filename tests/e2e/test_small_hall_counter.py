"""A village point with one clerk and no kiosk: the counter page issues tickets for walk-ins
(代取号) on a 10-inch tablet, real-name matters with the citizen's ID number, and the number goes
through the queue like a kiosk's (the clerk calls it; the phone page follows it)."""

import pytest
import requests

from tests.e2e.browser import screenshot
from tests.e2e.serverproc import PASSWORD

pytestmark = pytest.mark.e2e
WAIT_MS = 15000
TABLET_LANDSCAPE = {"width": 1280, "height": 800}
TABLET_PORTRAIT = {"width": 800, "height": 1280}
VALID_ID = "11010519491231002X"


@pytest.fixture(scope="module")
def village(hallq_module):
    return hallq_module.deploy(hallq_module.sqlite(), windows=1, real_name=("A",))


def _counter(open_page, deployment, viewport, lang="zh"):
    page = open_page(f"{deployment.url}/counter?hall={deployment.hall.code}&lang={lang}",
                     viewport)
    page.fill("#login-username", deployment.hall.staff[1])
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#work-view:not([hidden])", timeout=WAIT_MS)
    page.wait_for_function("window.hallq.state !== null", timeout=WAIT_MS)
    return page


def _sign_out(deployment):
    requests.post(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/windows/1/sign-out",
                  headers={"Authorization": "Bearer " + deployment.token("staff1")}, timeout=30)


def _fits(page, selector) -> bool:
    return page.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight; }""",
                         selector)


def test_the_clerk_issues_a_real_name_ticket_for_a_walk_in_and_calls_it(village, open_page):
    page = _counter(open_page, village, TABLET_LANDSCAPE)
    try:
        page.keyboard.press("i")  # the shortcut opens the dialog
        page.wait_for_selector("#walkin-dialog[open] #walkin-services [data-service=A]", timeout=WAIT_MS)
        page.click("#walkin-services [data-service=A]")
        assert page.is_visible("#walkin-id")
        page.fill("#walkin-id", VALID_ID[:-1] + "3")  # a wrong check character
        page.click("#walkin-submit")
        assert "身份证号码有误" in page.inner_text("#walkin-error")
        page.fill("#walkin-id", VALID_ID)
        page.click("#walkin-submit")
        page.wait_for_selector("#walkin-done:not([hidden])", timeout=WAIT_MS)
        number = page.inner_text("#walkin-number")
        assert number.startswith("A")
        page.wait_for_function("document.getElementById('walkin-qr').naturalWidth > 0",
                               timeout=WAIT_MS)
        assert _fits(page, "#walkin-dialog")
        assert VALID_ID not in page.content()  # the number is not kept in the page
        screenshot(page, "small-hall-walk-in-issued-1280x800")
        page.click("#walkin-call")
        page.wait_for_function(
            "n => window.hallq.state && window.hallq.state.current"
            " && window.hallq.state.current.number === n", arg=number, timeout=WAIT_MS)
        assert page.inner_text("#current-number") == number
        page.click("#btn-finish")
        page.wait_for_function("window.hallq.state && !window.hallq.state.current",
                               timeout=WAIT_MS)
    finally:
        _sign_out(village)


def test_the_same_person_is_refused_a_second_ticket_in_clear_words(village, open_page):
    page = _counter(open_page, village, TABLET_LANDSCAPE)
    try:
        for attempt in range(2):
            page.click("#btn-walk-in")
            page.wait_for_selector("#walkin-dialog[open] #walkin-services [data-service=A]", timeout=WAIT_MS)
            page.click("#walkin-services [data-service=A]")
            page.fill("#walkin-id", "440304199001011233")
            page.click("#walkin-submit")
            if attempt == 0:
                page.wait_for_selector("#walkin-done:not([hidden])", timeout=WAIT_MS)
                page.click("#walkin-cancel")
        page.wait_for_selector("#walkin-error:not([hidden])", timeout=WAIT_MS)
        assert "已在该事项排队" in page.inner_text("#walkin-error")
    finally:
        _sign_out(village)


def test_a_service_without_real_name_issues_at_once_in_english_on_a_portrait_tablet(
        village, open_page):
    page = _counter(open_page, village, TABLET_PORTRAIT, lang="en")
    try:
        assert _fits(page, "#btn-walk-in")
        page.click("#btn-walk-in")
        page.wait_for_selector("#walkin-dialog[open] #walkin-services [data-service=B]", timeout=WAIT_MS)
        assert "walk-in" in page.inner_text("#walkin-title")
        page.click("#walkin-services [data-service=B]")
        assert not page.is_visible("#walkin-id")
        page.click("#walkin-submit")
        page.wait_for_selector("#walkin-done:not([hidden])", timeout=WAIT_MS)
        assert page.inner_text("#walkin-number").startswith("B")
        assert _fits(page, "#walkin-dialog")
        screenshot(page, "small-hall-walk-in-en-800x1280")
        page.click("#walkin-cancel")
        page.wait_for_function("window.hallq.state.queues && window.hallq.state.queues"
                               ".some(q => q.service === 'B' && q.waiting >= 1)",
                               timeout=WAIT_MS)
    finally:
        _sign_out(village)
