"""The staffing planner tab in a real browser against a real server process: a weekday of
history simulated, then a "what if" with a window closed for an hour, in Chinese and English."""

import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.e2e.serverproc import noon_timezone

import pytest
from sqlalchemy import insert, select

from queue_server.storage.db import Database
from queue_server.storage.models import halls, services, tickets
from tests.e2e.browser import HALL_SCREEN, screenshot
from tests.e2e.serverproc import ServerProcess, provision, server_env
from tests.e2e.test_dashboard import _sign_in

pytestmark = pytest.mark.e2e
# The e2e halls run in the zone where it is about noon (serverproc.noon_timezone).
ZONE = ZoneInfo(noon_timezone())


def _history(url: str, hall_code: str) -> int:
    """Four weeks of one weekday: 12 A and 6 B tickets at 09:xx-10:xx, served; its weekday."""
    today = datetime.now(ZONE).date()
    days = [today - timedelta(days=7 * n) for n in range(1, 5)]
    db = Database(url)
    rows = []
    with db.engine.begin() as conn:
        hall_id = conn.execute(select(halls.c.id).where(halls.c.code == hall_code)).scalar()
        ids = dict(conn.execute(select(services.c.code, services.c.id)
                                .where(services.c.hall_id == hall_id)).all())
        for day in days:
            for n in range(18):
                code = "A" if n < 12 else "B"
                issued = datetime.combine(day, time(9, 0), ZONE) + timedelta(minutes=7 * n)
                rows.append(_row(hall_id, ids[code], code, day, issued, n + 1))
        conn.execute(insert(tickets), rows)
    db.dispose()
    return today.weekday()


def _row(hall_id, service_id, code, day: date, issued: datetime, n: int) -> dict:
    called = issued + timedelta(minutes=6)
    return {"hall_id": hall_id, "service_id": service_id, "original_service_id": service_id,
            "number": f"{code}{n:03d}", "seq": n, "local_date": day, "status": "done",
            "priority": False, "issued_at": issued, "queued_at": issued, "called_at": called,
            "first_called_at": called, "finished_at": called + timedelta(minutes=12),
            "track_token": secrets.token_hex(16)}


@pytest.fixture
def planned(hallq):
    url = hallq.sqlite()
    env = server_env(url, secrets.token_hex(32))
    hall = provision(env, hallq.directory, "e2e_" + secrets.token_hex(3))
    weekday = _history(url, hall.code)
    server = ServerProcess(env, hallq.directory, name=hall.code)
    hallq.servers.append(server)
    server.start()
    return server, hall, weekday


def test_the_planner_predicts_a_weekday_and_answers_a_what_if(planned, open_page):
    server, hall, weekday = planned
    page = open_page(server.url + "/dashboard", HALL_SCREEN)
    _sign_in(page, hall.manager)
    page.click(".tab[data-tab=planner]")
    page.select_option("#plan-form select[name=weekday]", str(weekday))
    page.click("#plan-form button[type=submit]")
    nine = page.locator(".plan-table tr[data-service=A] td[data-hour='9']")
    nine.locator("b").wait_for(timeout=60_000)
    assert page.locator("#plan-summary").is_visible()
    assert "周" in page.locator("#plan-summary h3").inner_text()
    base_windows = nine.locator("small").inner_text()
    assert base_windows.startswith("4/")  # all four windows serve A
    screenshot(page, "dashboard_planner")

    page.uncheck(".plan-hour[data-window='1'][data-hour='9']")
    page.click("#plan-run")
    page.locator("#plan-summary h3", has_text="已调整").wait_for(timeout=60_000)
    assert nine.locator("small").inner_text().startswith("3/")

    page.click("#lang")
    assert page.locator(".tab[data-tab=planner]").inner_text() == "Staffing planner"
    assert "(changed)" in page.locator("#plan-summary h3").inner_text()
    screenshot(page, "dashboard_planner_en")
