"""Every page works under its Content-Security-Policy in a real browser: the policy is enforced
(no ``bypass_csp``), the page reaches its working state (Socket.IO connected, data shown) and
Chromium reports no violation. Polling is done with ``page.evaluate``, which the policy does not
govern (``wait_for_function`` would need eval)."""

import time

import pytest
import requests

from tests.e2e.browser import HALL_SCREEN, KIOSK_PORTRAIT, PHONE, TABLET, screenshot
from tests.e2e.serverproc import PASSWORD, run_cli

pytestmark = pytest.mark.e2e

WAIT_S = 20


@pytest.fixture(scope="module")
def deployment(hallq_module):
    return hallq_module.deploy(hallq_module.sqlite())


@pytest.fixture
def strict_page(chromium):
    """``strict_page(url, viewport)`` → (page, violations): the policy enforced, and every
    console message or page error about it collected."""
    contexts = []

    def open_(url: str, viewport: dict):
        context = chromium.new_context(viewport=viewport, locale="zh-CN", bypass_csp=False)
        contexts.append(context)
        page = context.new_page()
        violations = []
        page.on("console", lambda m: "Content Security Policy" in m.text
                and violations.append(m.text))
        page.on("pageerror", lambda e: violations.append(f"page error: {e}"))
        page.goto(url)
        return page, violations

    yield open_
    for context in contexts:
        context.close()


def wait_true(page, expression: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        page.wait_for_timeout(100)


def _api(deployment, method, path, token, **body):
    response = requests.request(method, f"{deployment.url}/api/v1{path}", json=body or None,
                                headers={"Authorization": "Bearer " + token}, timeout=30)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_the_hall_screen_connects_and_shows_a_call(deployment, strict_page):
    hall = deployment.hall
    page, violations = strict_page(f"{deployment.url}/display/{hall.code}", HALL_SCREEN)
    wait_true(page, "window.hallq && window.hallq.connects >= 1")
    _api(deployment, "POST", f"/halls/{hall.code}/tickets", hall.kiosk_token, service="A")
    number = _api(deployment, "POST", f"/halls/{hall.code}/windows/1/call-next",
                  deployment.token(hall.staff[1]))["ticket"]["number"]
    wait_true(page, f"document.querySelector('#latest-call').dataset.number === '{number}'")
    screenshot(page, "csp-hall-screen")
    assert violations == []


def test_the_window_screen_connects(deployment, strict_page):
    page, violations = strict_page(
        f"{deployment.url}/display/{deployment.hall.code}/window/2", HALL_SCREEN)
    wait_true(page, "window.hallq && window.hallq.connects >= 1")
    assert violations == []


def test_the_kiosk_lists_services_and_issues(deployment, strict_page):
    hall = deployment.hall
    page, violations = strict_page(f"{deployment.url}/kiosk/{hall.code}?token={hall.kiosk_token}",
                                   KIOSK_PORTRAIT)
    page.wait_for_selector("[data-service]:not([disabled])", timeout=WAIT_S * 1000)
    page.click('[data-service="B"]')
    page.wait_for_selector("#ticket-number", timeout=WAIT_S * 1000)
    screenshot(page, "csp-kiosk-result")
    assert violations == []


def test_the_tracking_page_shows_the_ticket(deployment, strict_page):
    hall = deployment.hall
    ticket = _api(deployment, "POST", f"/halls/{hall.code}/tickets", hall.kiosk_token,
                  service="A")
    page, violations = strict_page(f"{deployment.url}/track/{ticket['track_token']}", PHONE)
    wait_true(page, f"document.body.innerText.includes('{ticket['number']}')")
    assert violations == []


def test_the_case_page_answers_a_query(deployment, strict_page):
    page, violations = strict_page(f"{deployment.url}/case/{deployment.hall.code}?lang=en",
                                   PHONE)
    page.fill("#number", "2026-000001")
    page.fill("#suffix", "1234")
    page.click("#submit")
    page.wait_for_selector("#error:not([hidden])")  # no such case: the API answered 404
    assert "Not found" in page.inner_text("#error") and violations == []


def test_the_counter_signs_in_and_connects(deployment, strict_page):
    hall = deployment.hall
    page, violations = strict_page(f"{deployment.url}/counter?hall={hall.code}", HALL_SCREEN)
    page.fill("#login-username", hall.staff[3])
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    # A clerk with one window is signed in to it without picking.
    page.wait_for_selector("#work-view:not([hidden])", timeout=WAIT_S * 1000)
    wait_true(page, "window.hallq.state !== null")
    assert violations == []


def test_the_dashboard_signs_in_and_shows_the_hall(deployment, strict_page):
    page, violations = strict_page(f"{deployment.url}/dashboard", HALL_SCREEN)
    page.fill("input[name=username]", deployment.hall.manager)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("section.hall", timeout=WAIT_S * 1000)
    # The supervision socket goes straight to a WebSocket: connect-src 'self' must allow it.
    wait_true(page, "document.getElementById('conn').classList.contains('on')")
    page.click(".tab[data-tab=reports]")
    wait_true(page, "window.Chart !== undefined && Chart.getChart('chart-volume') !== undefined")
    screenshot(page, "csp-dashboard-reports")
    page.click(".tab[data-tab=network]")  # the network tab: no inline style, its own socket
    page.wait_for_selector(f"#net-table tr[data-hall={deployment.hall.code}]",
                           timeout=WAIT_S * 1000)
    assert violations == []


def test_the_evaluator_connects(deployment, strict_page):
    out = run_cli(["device", "add", "csp-evaluator", "--kind", "evaluator", "--hall",
                   deployment.hall.code, "--window", "4"], deployment.env, deployment.directory)
    token = out.strip().splitlines()[-1]
    page, violations = strict_page(
        f"{deployment.url}/evaluator/{deployment.hall.code}/4?token={token}", TABLET)
    wait_true(page, "window.hallq.connected === true")
    assert violations == []


def test_the_landing_page_loads_its_stylesheet(deployment, strict_page):
    page, violations = strict_page(deployment.url + "/", HALL_SCREEN)
    background = page.evaluate("getComputedStyle(document.querySelector('header'))"
                               ".backgroundColor")
    assert background == "rgb(11, 92, 173)"
    assert violations == []
