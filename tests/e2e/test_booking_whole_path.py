"""The whole path of a booking (预约取号, issue 13) in a real browser against a real server process
and a real kiosk agent (printing into a file): book on a phone viewport, check in at the
portrait kiosk with the booking code on its keypad, the ticket printed with its 预约 mark, then
called at the counter ahead of a walk-in who came earlier, with the mark on the counter and
on the hall screen. Screenshots with HALLQ_SCREENSHOTS.

The server's clock is the real one and bookings are for the coming days (today excluded), so the
test moves the booking made on the phone to today, at the current minute (its slot has begun)
in the database, as a day passing would."""

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
import yaml

from queue_server.domain.idnumber import make_id_number
from tests.e2e.agentproc import AgentProcess, wait_for
from tests.e2e.browser import HALL_SCREEN, KIOSK_PORTRAIT, PHONE, screenshot
from tests.e2e.serverproc import PASSWORD, run_cli

pytestmark = pytest.mark.e2e
WAIT_MS = 15000


@pytest.fixture(scope="module")
def deployment(hallq_module):
    """The e2e hall whose service A takes bookings round the clock (so that the test runs at any
    hour), with a kiosk agent printing into a file."""
    deployment = hallq_module.deploy(hallq_module.sqlite())
    directory, code = hallq_module.directory, deployment.hall.code
    config = yaml.safe_load((directory / f"{code}.yaml").read_text(encoding="utf-8"))
    service = config["halls"][0]["services"][0]
    service.update(hours=["00:00-23:59"], booking={
        "enabled": True, "slot_min": 30, "places": 2, "days_ahead": 3})
    path = directory / f"{code}-booking.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run_cli(["load-config", str(path)], deployment.env, directory)
    url = f"{deployment.url}/api/v1/halls/{code}/booking/services"
    wait_for(lambda: requests.get(url, timeout=30).json()["services"], timeout=15)
    deployment.zone = ZoneInfo(config["halls"][0]["timezone"])  # about noon (serverproc)
    deployment.printed = directory / "booking-printer.bin"
    agent = AgentProcess(deployment.url, deployment.hall.kiosk_token,
                         f"file:{deployment.printed}", directory, name="booking-agent").start()
    yield deployment
    agent.stop()


def _book_on_the_phone(open_page, deployment) -> str:
    page = open_page(f"{deployment.url}/book/{deployment.hall.code}", PHONE)
    page.wait_for_selector("#services button[data-service='A']", timeout=WAIT_MS)
    page.click("#services button[data-service='A']")
    page.wait_for_selector("#days button:not([disabled])", timeout=WAIT_MS)
    page.locator("#days button:not([disabled])").first.click()
    page.click("#slots button[data-slot='09:00']")
    page.fill("#id-number", make_id_number("11010519850615002"))
    page.fill("#phone", "13912345678")
    page.click("#submit")
    page.wait_for_selector("#step-done:not([hidden])", timeout=WAIT_MS)
    page.wait_for_function("document.getElementById('qr').naturalWidth > 0", timeout=WAIT_MS)
    screenshot(page, "whole-path-1-phone-booked")
    return page.inner_text("#code").strip()


def _move_to_now(deployment, code: str) -> None:
    """Today, at the current minute in the hall's time zone: the slot has just begun."""
    now = datetime.now(deployment.zone)
    if now.hour == 23 and now.minute >= 55:
        pytest.skip("too close to the hall's midnight: the ticket's day would change")
    path = deployment.env["HALLQ_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path, timeout=30) as conn:
        moved = conn.execute("UPDATE bookings SET local_date = ?, slot_start = ? WHERE code = ?",
                             (now.date().isoformat(), now.strftime("%H:%M"), code)).rowcount
    assert moved == 1


def _counter(open_page, deployment, window: int):
    page = open_page(f"{deployment.url}/counter?hall={deployment.hall.code}", HALL_SCREEN)
    page.fill("#login-username", deployment.hall.staff[window])
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#work-view:not([hidden])", timeout=WAIT_MS)
    page.wait_for_function("window.hallq.state !== null", timeout=WAIT_MS)
    return page


def test_book_on_the_phone_check_in_at_the_kiosk_called_at_the_counter(open_page, deployment):
    hall = deployment.hall.code
    code = _book_on_the_phone(open_page, deployment)
    _move_to_now(deployment, code)
    walk_in = requests.post(f"{deployment.url}/api/v1/halls/{hall}/tickets",
                            json={"service": "A"}, timeout=30, headers={
                                "Authorization": "Bearer " + deployment.hall.kiosk_token}).json()

    kiosk = open_page(f"{deployment.url}/kiosk/{hall}?token={deployment.hall.kiosk_token}",
                      KIOSK_PORTRAIT)
    kiosk.wait_for_selector("[data-action='checkin']", timeout=WAIT_MS)
    assert "预约签到" in kiosk.inner_text("[data-action='checkin']")
    screenshot(kiosk, "whole-path-2-kiosk-start")
    kiosk.click("[data-action='checkin']")
    kiosk.wait_for_selector(".code-keypad", timeout=WAIT_MS)
    for char in code:
        kiosk.click(f"[data-code-key='{char}']")
    assert kiosk.inner_text("#booking-code") == code
    screenshot(kiosk, "whole-path-3-kiosk-code")
    kiosk.click("[data-action='submit-code']")
    kiosk.wait_for_selector("#ticket-number", timeout=WAIT_MS)
    number = kiosk.inner_text("#ticket-number")
    assert kiosk.inner_text("#booked-badge") == "预约"
    kiosk.wait_for_selector("#print-status.printed", timeout=WAIT_MS)
    screenshot(kiosk, "whole-path-4-kiosk-ticket")
    assert "【预约 Booked】".encode("gb18030") in deployment.printed.read_bytes()

    display = open_page(f"{deployment.url}/display/{hall}", HALL_SCREEN)
    counter = _counter(open_page, deployment, 1)
    counter.wait_for_selector(f".upcoming-item[data-number='{number}'] .badge.booked",
                              timeout=WAIT_MS)
    first = counter.locator(".upcoming-item").first
    assert (first.get_attribute("data-number"), walk_in["number"] != number) == (number, True)
    screenshot(counter, "whole-path-5-counter-next")
    counter.click("#btn-call")
    counter.wait_for_function(
        f"document.querySelector('#current-number').textContent === '{number}'",
        timeout=WAIT_MS)
    assert counter.is_visible("#current-booked")
    screenshot(counter, "whole-path-6-counter-called")
    display.wait_for_selector(f"#latest-call[data-number='{number}'] .booked-tag",
                              timeout=WAIT_MS)
    screenshot(display, "whole-path-7-hall-screen")

    # The manager's bookings tab: today's checked-in booking, the share of booked tickets.
    dashboard = open_page(f"{deployment.url}/dashboard", HALL_SCREEN)
    dashboard.fill("input[name=username]", deployment.hall.manager)
    dashboard.fill("input[name=password]", PASSWORD)
    dashboard.click("#login-form button[type=submit]")
    dashboard.wait_for_selector("section.hall", timeout=WAIT_MS)
    dashboard.click(".tab[data-tab=bookings]")
    today = datetime.now(deployment.zone).date().isoformat()
    cell = dashboard.locator(f"#bookings-table tr[data-day='{today}'] td[data-col=checked_in]")
    cell.wait_for(timeout=WAIT_MS)
    assert cell.inner_text() == "1"
    assert dashboard.inner_text("dd[data-figure=bk_booked_share]") == "50.0%"
    screenshot(dashboard, "whole-path-8-dashboard-bookings")
    with dashboard.expect_download() as download:  # the same figures as CSV
        dashboard.click("#bookings-csv")
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert download.value.suggested_filename.endswith(".csv") and today in exported
    assert dashboard.inner_text(".tab[data-tab=bookings]") == "预约"


def _book_by_api(deployment, n: int) -> str:
    day = requests.get(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/booking/slots"
                       "?service=A", timeout=30).json()["days"][0]["day"]
    response = requests.post(f"{deployment.url}/api/v1/halls/{deployment.hall.code}/bookings",
                             json={"service": "A", "day": day, "slot": "10:00", "phone":
                                   "13712345678",
                                   "id_number": make_id_number(f"1101051990010100{n}")},
                             timeout=30)
    assert response.status_code == 201, response.text
    return response.json()["code"]


def _at(deployment, code: str, minutes: int) -> datetime:
    """Move the booking to today, its slot ``minutes`` from now (whole minutes, local); the
    slot's start."""
    now = datetime.now(deployment.zone)
    slot = now + timedelta(minutes=minutes)
    if slot.date() != now.date():
        pytest.skip("too close to the hall's midnight")
    path = deployment.env["HALLQ_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path, timeout=30) as conn:
        conn.execute("UPDATE bookings SET local_date = ?, slot_start = ? WHERE code = ?",
                     (now.date().isoformat(), slot.strftime("%H:%M"), code))
    return slot


def test_too_early_says_when_and_too_late_offers_an_ordinary_ticket(open_page, deployment):
    hall = deployment.hall.code
    early, late = _book_by_api(deployment, 1), _book_by_api(deployment, 2)
    slot = _at(deployment, early, 90)
    _at(deployment, late, -20)
    kiosk = open_page(f"{deployment.url}/kiosk/{hall}?token={deployment.hall.kiosk_token}",
                      KIOSK_PORTRAIT)
    kiosk.wait_for_selector("[data-action='checkin']", timeout=WAIT_MS)
    kiosk.click("[data-action='checkin']")
    kiosk.wait_for_selector(".code-keypad", timeout=WAIT_MS)
    kiosk.keyboard.type(early.lower())  # a scanner types the code and presses Enter
    kiosk.keyboard.press("Enter")
    kiosk.wait_for_selector("#error-text", timeout=WAIT_MS)
    opens = (slot - timedelta(minutes=30)).strftime("%H:%M")  # check-in opens 30 min before
    assert f"还未到签到时间，请于 {opens} 后再来签到" == kiosk.inner_text("#error-text")
    screenshot(kiosk, "booking-kiosk-too-early")
    kiosk.click("[data-action='home']")
    kiosk.click("[data-action='checkin']")
    kiosk.click("#lang")
    assert kiosk.inner_text("h1.title") == "Check in your booking"
    for char in late:
        kiosk.click(f"[data-code-key='{char}']")
    kiosk.click("[data-action='submit-code']")
    kiosk.wait_for_selector("#error-text", timeout=WAIT_MS)
    assert "ordinary ticket" in kiosk.inner_text("#error-text")
    screenshot(kiosk, "booking-kiosk-too-late-en")
    kiosk.click("#screen [data-service='A']")
    kiosk.wait_for_selector("#ticket-number", timeout=WAIT_MS)
    assert kiosk.locator("#booked-badge").count() == 0
