"""The managers' dashboard in a real browser against a real server process: a ticket waiting
past its limit shows as a red alert, live, on the open dashboard."""

import secrets
import sqlite3

import openpyxl
import pytest
import requests
import yaml

from tests.e2e.browser import HALL_SCREEN, screenshot
from tests.e2e.serverproc import (PASSWORD, ServerProcess, provision, run_cli, server_env,
                                  write_hall_config)

pytestmark = pytest.mark.e2e


@pytest.fixture
def served(hallq):
    """A server whose supervisor runs every 0.3 s (instead of 10 s) on an SQLite file."""
    url = hallq.sqlite()
    env = server_env(url, secrets.token_hex(32), supervisor_interval_s=0.3)
    hall = provision(env, hallq.directory, "e2e_" + secrets.token_hex(3))
    server = ServerProcess(env, hallq.directory, name=hall.code)
    hallq.servers.append(server)
    server.start()
    return server, hall, url.removeprefix("sqlite:///")


def _post(server, path, token, **body):
    response = requests.post(server.url + path, json=body or None, timeout=30,
                             headers={"Authorization": "Bearer " + token})
    assert response.status_code in (200, 201), response.text
    return response.json()


def _token(server, username):
    response = requests.post(server.url + "/api/v1/auth/token", timeout=30,
                             json={"username": username, "password": PASSWORD})
    return response.json()["token"]


def _busy_floor(server, hall):
    """A few tickets waiting and being served, one window paused: a floor worth looking at."""
    for service in "AABBAB":
        _post(server, f"/api/v1/halls/{hall.code}/tickets", hall.kiosk_token, service=service)
    for window in (1, 2):
        _post(server, f"/api/v1/halls/{hall.code}/windows/{window}/call-next",
              _token(server, hall.staff[window]))
    _post(server, f"/api/v1/halls/{hall.code}/windows/4/pause",
          _token(server, hall.staff[4]), reason="临时离开")


def _backdate_waiting(db_path, number, minutes):
    """The ticket has waited ``minutes`` longer: move its place in time back (no sleeping)."""
    with sqlite3.connect(db_path, timeout=30) as conn:
        conn.execute("UPDATE tickets SET queued_at = queued_at - ?, issued_at = issued_at - ? "
                     "WHERE number = ? AND status = 'waiting'", (minutes * 60, minutes * 60,
                                                                   number))


def _sign_in(page, username):
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("section.hall")


def test_ticket_waiting_past_its_limit_shows_a_red_alert(served, open_page):
    server, hall, db_path = served
    _busy_floor(server, hall)
    page = open_page(server.url + "/dashboard", HALL_SCREEN)
    _sign_in(page, hall.manager)
    _backdate_waiting(db_path, "A003", 31)  # service A: max_wait_min 30
    alert = page.locator(".alert.red[data-kind=wait_over_limit]", has_text="A003")
    alert.wait_for(timeout=15_000)
    # The next floor refresh shows the oldest wait in red too: wait for it, not for a time.
    page.locator("td.lvl-red").first.wait_for(timeout=15_000)
    screenshot(page, "dashboard_floor")
    assert alert.is_visible()


def _reports_of_a_busy_floor(served, open_page):
    """The manager's reports tab, once the day's total row is shown."""
    server, hall, _ = served
    _busy_floor(server, hall)
    page = open_page(server.url + "/dashboard", HALL_SCREEN)
    _sign_in(page, hall.manager)
    page.click(".tab[data-tab=reports]")
    page.locator("#report-table tr.total td[data-col=issued]").wait_for(timeout=15_000)
    return page


def test_reports_tab_shows_the_days_figures_and_charts(served, open_page):
    page = _reports_of_a_busy_floor(served, open_page)
    total = page.locator("#report-table tr.total td[data-col=issued]")
    page.wait_for_function("window.Chart && Chart.getChart('chart-satisfaction')",
                           timeout=15_000)  # the charts are drawn
    screenshot(page, "dashboard_reports")
    assert total.inner_text() == "6"


def test_excel_download_carries_the_figures_on_screen(served, open_page):
    page = _reports_of_a_busy_floor(served, open_page)
    on_screen = {col: page.locator(f"#report-table tr.total td[data-col={col}]").inner_text()
                 for col in ("issued", "served", "transfers")}
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as file:
        sheet = openpyxl.load_workbook(file).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if "取号数" in row)
    total = next(row for row in rows if row[0] == "全厅")
    in_file = {col: total[header.index(title)]
               for col, title in (("issued", "取号数"), ("served", "办结数"),
                                  ("transfers", "转移数"))}
    assert {col: str(value) for col, value in in_file.items()} == on_screen
    assert in_file["issued"] == 6


def test_dashboard_switches_to_english(served, open_page):
    server, hall, _ = served
    _busy_floor(server, hall)
    page = open_page(server.url + "/dashboard", HALL_SCREEN)
    _sign_in(page, hall.manager)
    page.click("#lang")
    page.locator("section.hall h3", has_text="Today").first.wait_for(timeout=15_000)
    screenshot(page, "dashboard_floor_en")
    assert page.locator("section.hall h3").first.inner_text() == "Today"


def test_manager_acknowledges_an_alert_with_a_note(served, open_page):
    server, hall, db_path = served
    _busy_floor(server, hall)
    page = open_page(server.url + "/dashboard", HALL_SCREEN)
    _sign_in(page, hall.manager)
    _backdate_waiting(db_path, "A003", 31)
    alert = page.locator(".alert.red[data-kind=wait_over_limit]", has_text="A003")
    alert.wait_for(timeout=15_000)
    alert.locator("input").fill("已增开3号窗口")
    alert.locator("button").click()
    page.locator(".alert", has_text="已增开3号窗口").wait_for(timeout=10_000)
    screenshot(page, "dashboard_acknowledged")
    assert alert.locator("input").count() == 0


def test_admin_sees_every_hall_side_by_side(hallq, open_page):
    url = hallq.sqlite()
    env = server_env(url, secrets.token_hex(32), supervisor_interval_s=0.3)
    first = provision(env, hallq.directory, "e2e_" + secrets.token_hex(3))
    second_code = "e2e_" + secrets.token_hex(3)
    path = write_hall_config(hallq.directory / f"{second_code}.yaml", second_code)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["halls"][0]["name"] = "第二政务服务中心"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run_cli(["load-config", str(path)], env, hallq.directory)
    run_cli(["user", "add", "chief", "--role", "admin", "--hall", first.code], env, hallq.directory, PASSWORD + "\n")
    server = ServerProcess(env, hallq.directory, name=first.code)
    hallq.servers.append(server)
    server.start()
    _busy_floor(server, first)
    page = open_page(server.url + "/dashboard", HALL_SCREEN)
    _sign_in(page, "chief")
    page.locator(f"section.hall[data-hall={second_code}] h2",
                 has_text="第二政务服务中心").wait_for(timeout=15_000)
    screenshot(page, "dashboard_admin_all_halls")
    assert page.locator("section.hall").count() == 2
    assert page.locator(f"section.hall[data-hall={second_code}] h2").inner_text() == \
        "第二政务服务中心"
    boxes = [page.locator(f"section.hall[data-hall={code}]").bounding_box()
             for code in (first.code, second_code)]
    assert boxes[0]["x"] < boxes[1]["x"] and abs(boxes[0]["y"] - boxes[1]["y"]) < 1  # side by side
