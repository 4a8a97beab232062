"""The phone booking page (/book/{hall}, issue 13) in a real browser at a phone viewport
against a real server process: service, day, slot, ID number and mobile, then the booking code
and its QR code; the slot's places go down; the kiosk checks the booking in too early."""

import pytest
import requests
import yaml

from queue_server.domain.idnumber import make_id_number
from tests.e2e.agentproc import wait_for
from tests.e2e.browser import PHONE, screenshot
from tests.e2e.serverproc import run_cli

pytestmark = pytest.mark.e2e
WAIT_MS = 15000


@pytest.fixture(scope="module")
def deployment(hallq_module):
    """The e2e hall whose service A takes bookings (two places per half hour)."""
    deployment = hallq_module.deploy(hallq_module.sqlite())
    directory, code = hallq_module.directory, deployment.hall.code
    config = yaml.safe_load((directory / f"{code}.yaml").read_text(encoding="utf-8"))
    service = config["halls"][0]["services"][0]
    service.update(hours=["08:30-12:00", "14:00-17:30"], booking={
        "enabled": True, "slot_min": 30, "places": 2, "days_ahead": 3})
    path = directory / f"{code}-booking.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run_cli(["load-config", str(path)], deployment.env, directory)
    url = f"{deployment.url}/api/v1/halls/{code}/booking/services"
    wait_for(lambda: requests.get(url, timeout=30).json()["services"], timeout=15)
    return deployment


def _slot_places(deployment, day: str, slot: str) -> int:
    answer = requests.get(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/booking/"
                          "slots?service=A", timeout=30).json()
    found = next(d for d in answer["days"] if d["day"] == day)
    return next(s for s in found["slots"] if s["start"] == slot)["places_left"]


def test_a_citizen_books_on_the_phone_and_gets_a_code_and_qr(open_page, deployment):
    hall = deployment.hall.code
    page = open_page(f"{deployment.url}/book/{hall}", PHONE)
    page.wait_for_selector("#services button[data-service='A']", timeout=WAIT_MS)
    assert page.inner_text("h2 >> nth=0") == "1. 选择业务"
    page.click("#services button[data-service='A']")
    page.wait_for_selector("#days button:not([disabled])", timeout=WAIT_MS)
    day_button = page.locator("#days button:not([disabled])").first
    day = day_button.get_attribute("data-day")
    assert "余 " in day_button.inner_text()
    day_button.click()
    page.click("#slots button[data-slot='09:00']")
    page.fill("#id-number", "110105194912310021")  # wrong check character
    page.fill("#phone", "13812345678")
    page.click("#submit")
    page.wait_for_selector("#error:not([hidden])", timeout=WAIT_MS)
    assert "身份证号码有误" in page.inner_text("#error")
    number = make_id_number("11010519491231002")
    page.fill("#id-number", number)
    page.click("#submit")
    page.wait_for_selector("#step-done:not([hidden])", timeout=WAIT_MS)
    code = page.inner_text("#code").strip()
    assert len(code) == 8
    page.wait_for_function("document.getElementById('qr').naturalWidth > 0", timeout=WAIT_MS)
    summary = page.inner_text("#summary")
    assert "138****5678" in summary and f"{day} 09:00" in summary
    assert number not in page.content() and number[-4:] not in page.inner_text("body")
    screenshot(page, "booking-phone")
    assert _slot_places(deployment, day, "09:00") == 1
    # Too early at the kiosk (the booking is for a later day): not today's booking.
    response = requests.post(f"{deployment.url}/api/v1/halls/{hall}/bookings/check-in",
                             json={"code": code}, timeout=30, headers={
                                 "Authorization": "Bearer " + deployment.hall.kiosk_token})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "booking_not_active"


def test_the_page_in_english_under_the_content_security_policy(chromium, deployment):
    context = chromium.new_context(viewport=PHONE, locale="en-GB", bypass_csp=False)
    try:
        page = context.new_page()
        violations = []
        page.on("console", lambda m: "Content Security Policy" in m.text
                and violations.append(m.text))
        page.on("pageerror", lambda e: violations.append(f"page error: {e}"))
        page.goto(f"{deployment.url}/book/{deployment.hall.code}?lang=en")
        page.wait_for_selector("#services button[data-service='A']", timeout=WAIT_MS)
        assert page.inner_text("h2 >> nth=0") == "1. Service"
        assert page.inner_text("#switch") == "中文"
        page.click("#services button[data-service='A']")
        page.wait_for_selector("#days button:not([disabled])", timeout=WAIT_MS)
        assert " left" in page.locator("#days button").first.inner_text()
        assert violations == []
    finally:
        context.close()
