"""The dashboard's layout with the demo hall (8 services, 6 windows) busy, in a real browser:
every service row and every window row is on the page and clipped by no inner box, at the hall
manager's 1920×1080 (all in the viewport) and at a 1366×768 office PC (reachable by scrolling
the page). Windows show one state with the same words as the hall screen."""

import secrets
import sqlite3
from pathlib import Path

import pytest
import requests
import yaml

from tests.e2e.browser import HALL_SCREEN, screenshot
from tests.e2e.serverproc import PASSWORD, ServerProcess, run_cli, server_env

pytestmark = pytest.mark.e2e

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "queue_server" / "demo" / "demo_hall.yaml"
COUNTER_PC = {"width": 1366, "height": 768}
SERVICES = list("ABCDEFGH")
WINDOWS = [1, 2, 3, 4, 5, 6]


def _demo_hall(directory: Path, env: dict) -> str:
    """The demo hall under a fresh code, open at any hour, with 空岗 raised without a grace
    period (so the floor shows one); a manager, staff1…staff6 and a kiosk."""
    config = yaml.safe_load(DEMO_CONFIG.read_text(encoding="utf-8"))
    hall = config["halls"][0]
    code = hall["code"] = "e2e_" + secrets.token_hex(3)
    hall["unattended_grace_min"] = 0
    if "catalogue" in hall:  # relative to the demo's own folder, not the copy's
        hall["catalogue"] = str(DEMO_CONFIG.parent / hall["catalogue"])
    for service in hall["services"]:
        service.pop("hours", None)
        service["requires_id"] = False
    path = directory / f"{code}.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run_cli(["load-config", str(path)], env, directory)
    run_cli(["user", "add", "manager", "--role", "manager", "--hall", code], env, directory,
            PASSWORD + "\n")
    for number in WINDOWS:
        run_cli(["user", "add", f"staff{number}", "--role", "staff", "--hall", code,
                 "--window", str(number)], env, directory, PASSWORD + "\n")
    return code


class Floor:
    def __init__(self, server, code, kiosk):
        self.server, self.code, self.kiosk = server, code, kiosk
        self.tokens = {}

    def token(self, username):
        if username not in self.tokens:
            response = requests.post(self.server.url + "/api/v1/auth/token", timeout=30,
                                     json={"username": username, "password": PASSWORD})
            self.tokens[username] = response.json()["token"]
        return self.tokens[username]

    def post(self, path, username=None, token=None, **body):
        token = token or self.token(username)
        response = requests.post(f"{self.server.url}/api/v1/halls/{self.code}{path}",
                                 json=body or None, timeout=30,
                                 headers={"Authorization": "Bearer " + token})
        assert response.status_code in (200, 201), response.text
        return response.json()


@pytest.fixture
def demo_floor(hallq):
    """The demo hall mid-morning: every service has people waiting; windows 1–3 serving,
    window 4 paused, window 5 signed in and free, window 6 nobody (空岗)."""
    url = hallq.sqlite()
    env = server_env(url, secrets.token_hex(32), supervisor_interval_s=0.3)
    code = _demo_hall(hallq.directory, env)
    kiosk = run_cli(["device", "add", "kiosk1", "--kind", "kiosk", "--hall", code], env,
                    hallq.directory).strip().splitlines()[-1]
    server = ServerProcess(env, hallq.directory, name=code)
    hallq.servers.append(server)
    server.start()
    floor = Floor(server, code, kiosk)
    for service in "AABBBCCDDEFFGGHHAB":
        floor.post("/tickets", token=kiosk, service=service)
    for number in (1, 2, 3, 4, 5):
        floor.post(f"/windows/{number}/sign-in", f"staff{number}")
    for number in (1, 2, 3):
        floor.post(f"/windows/{number}/call-next", f"staff{number}")
    floor.post("/windows/4/pause", "staff4", reason="临时离开")
    _backdate(url.removeprefix("sqlite:///"), "B002", 25)  # past B's 20 min: a red alert
    return floor


def _backdate(db_path, number, minutes):
    with sqlite3.connect(db_path, timeout=30) as conn:
        conn.execute("UPDATE tickets SET queued_at = queued_at - ?, issued_at = issued_at - ? "
                     "WHERE number = ? AND status = 'waiting'", (minutes * 60, minutes * 60,
                                                                   number))


def _open_dashboard(open_page, floor, viewport, lang="zh", busy=True):
    page = open_page(floor.server.url + "/dashboard", viewport)
    if lang == "en":
        page.click("#lang")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.locator(".alert[data-kind=window_unattended]").wait_for(timeout=15_000)
    page.locator(".alert[data-kind=wait_over_limit]").wait_for(timeout=15_000)
    if busy:
        page.locator("tr[data-window='1'] .state.serving").wait_for(timeout=15_000)
    return page


# For each element: is it clipped by an ancestor that hides or scrolls its overflow, and where
# is it on the page (document coordinates)?
_PLACEMENT = """(nodes) => nodes.map((node) => {
  const r = node.getBoundingClientRect();
  let clipped = false;
  for (let p = node.parentElement; p && p !== document.body; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    const b = p.getBoundingClientRect();
    if (r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5 || r.left < b.left - 0.5
        || r.right > b.right + 0.5) clipped = true;
  }
  return {clipped, top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left + scrollX,
          right: r.right + scrollX, height: r.height};
})"""


def _placements(page, selector):
    return page.locator(selector).evaluate_all(_PLACEMENT)


def _rows(page):
    return (page.locator("tr[data-service]").evaluate_all("(n) => n.map((x) => x.dataset.service)"),
            page.locator("tr[data-window]").evaluate_all("(n) => n.map((x) => +x.dataset.window)"))


def _page_size(page):
    return page.evaluate("() => ({width: document.documentElement.scrollWidth, "
                         "height: document.documentElement.scrollHeight})")


def test_every_service_and_window_of_the_demo_hall_is_in_view_at_1920x1080(demo_floor,
                                                                          open_page):
    page = _open_dashboard(open_page, demo_floor, HALL_SCREEN)
    screenshot(page, "dashboard_demo_floor_1920")
    boxes = _placements(page, "tr[data-service], tr[data-window], .figure")
    outside = [b for b in boxes if b["clipped"] or b["height"] < 10 or b["top"] < 0
               or b["bottom"] > HALL_SCREEN["height"] or b["right"] > HALL_SCREEN["width"]]
    assert (_rows(page), outside) == ((SERVICES, WINDOWS), [])


def test_every_row_is_reachable_by_page_scroll_at_1366x768(demo_floor, open_page):
    page = _open_dashboard(open_page, demo_floor, COUNTER_PC)
    screenshot(page, "dashboard_demo_floor_1366")
    size = _page_size(page)
    boxes = _placements(page, "tr[data-service], tr[data-window], .figure, .alert")
    outside = [b for b in boxes if b["clipped"] or b["bottom"] > size["height"]
               or b["right"] > COUNTER_PC["width"]]
    assert (_rows(page), outside, size["width"]) == ((SERVICES, WINDOWS), [], 1366)


def test_kpi_labels_are_not_clipped(demo_floor, open_page):
    page = _open_dashboard(open_page, demo_floor, HALL_SCREEN)
    overflowing = page.locator(".figure, .figure .k, .figure .v").evaluate_all(
        "(n) => n.filter((x) => x.scrollWidth > x.clientWidth + 1 "
        "|| x.scrollHeight > x.clientHeight + 1).map((x) => x.textContent)")
    assert overflowing == []


def test_windows_show_one_state_in_the_hall_screens_words(demo_floor, open_page):
    page = _open_dashboard(open_page, demo_floor, HALL_SCREEN)
    states = {n: page.locator(f"tr[data-window='{n}'] .state").inner_text() for n in WINDOWS}
    assert states == {1: "办理中", 2: "办理中", 3: "办理中", 4: "暂停", 5: "等候叫号",
                      6: "未开放"}


def test_window_states_in_english(demo_floor, open_page):
    page = _open_dashboard(open_page, demo_floor, HALL_SCREEN, lang="en")
    screenshot(page, "dashboard_demo_floor_1920_en")
    states = [page.locator(f"tr[data-window='{n}'] .state").inner_text() for n in (1, 4, 5, 6)]
    assert states == ["Serving", "Paused", "Waiting for next", "Closed"]


def test_signing_in_clears_the_unattended_alert_on_the_open_dashboard(demo_floor, open_page):
    page = _open_dashboard(open_page, demo_floor, HALL_SCREEN)
    demo_floor.post("/windows/6/sign-in", "staff6")
    page.locator(".alert[data-kind=window_unattended]").wait_for(state="detached",
                                                                 timeout=15_000)
    page.locator("tr[data-window='6'] .state.idle").wait_for(timeout=15_000)


BY = ["service", "department", "window", "staff", "hour", "day", "hall"]


def test_every_report_tab_fits_and_ends_with_the_whole_hall(demo_floor, open_page):
    for number in (1, 2, 3):
        demo_floor.post(f"/windows/{number}/finish", f"staff{number}")
    seen = {}
    for viewport, name in ((HALL_SCREEN, "1920"), (COUNTER_PC, "1366")):
        page = _open_dashboard(open_page, demo_floor, viewport, busy=False)
        page.click(".tab[data-tab=reports]")
        for by in BY:
            page.select_option("select[name=by]", by)
            page.click("#report-form button[type=submit]")
            page.wait_for_function(
                f"() => document.querySelector('#report-table table')?.dataset.by === '{by}'")
            page.wait_for_timeout(300)  # charts drawn (only for the screenshot)
            screenshot(page, f"dashboard_report_{by}_{name}")
            clipped = [b for b in _placements(page, "#report-table tr") if b["clipped"]]
            total = page.locator("#report-table tr.total td").first.inner_text()
            seen[(name, by)] = (total, len(clipped), _page_size(page)["width"])
    assert seen == {(name, by): ("全厅", 0, width) for name, width in (("1920", 1920),
                                                                      ("1366", 1366))
                    for by in BY}
