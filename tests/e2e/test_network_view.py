"""The city network view in a real browser against a real server process, on the demo's
network (the city centre, a branch, a county with two towns and three villages, a few weeks
of history): every hall with its status light, a live push, drill down from the city to a
village's floor and back, the ranking. Screenshots at 1920×1080."""

import secrets

import pytest
import requests

from queue_server.app import create_app
from queue_server.demo import CONFIG
from queue_server.demo.network import seed_network
from queue_server.services import accounts
from queue_server.services.config_loader import load_config, read_config_file
from tests.e2e.browser import HALL_SCREEN, screenshot
from tests.e2e.serverproc import PASSWORD, ServerProcess, server_env

pytestmark = pytest.mark.e2e
HALLS = ("demo", "gjj", "xian1", "zhen1", "cun1", "cun2", "zhen2", "cun3")


@pytest.fixture
def network_server(hallq, monkeypatch):
    """The demo network seeded in-process (as ``make run`` does), then served; an admin login
    and a kiosk of the village cun1."""
    url, key = hallq.sqlite(), secrets.token_hex(32)
    monkeypatch.chdir(hallq.directory)
    app = create_app({"database_url": url, "secret_key": key, "async_mode": "threading",
                      "password_hash_method": "pbkdf2:sha256:1000"})
    ctx = app.extensions["hallq"]
    ctx.db.upgrade()
    load_config(ctx, read_config_file(CONFIG))
    seed_network(ctx, ctx.halls.get("demo"), PASSWORD)
    accounts.add_user(ctx, "boss", PASSWORD, "admin", None)
    kiosk = accounts.add_device(ctx, "kiosk-cun1", "kiosk", ctx.halls.get("cun1").id)
    ctx.close()
    server = ServerProcess(server_env(url, key), hallq.directory, name="network")
    hallq.servers.append(server)
    server.start()
    return server, kiosk


def _open_network(open_page, server):
    page = open_page(server.url + "/dashboard", HALL_SCREEN)
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#tabs:not([hidden])")
    page.click(".tab[data-tab=network]")
    page.wait_for_selector("#net-table tr[data-hall=cun3]")
    return page


def _waiting(page, hall):
    return int(page.locator(f"#net-table tr[data-hall={hall}] td.big").inner_text())


def test_drill_down_from_the_city_to_a_village_and_back(network_server, open_page):
    server, _ = network_server
    page = _open_network(open_page, server)
    rows = page.locator("#net-table tr[data-hall]")
    assert [rows.nth(i).get_attribute("data-hall") for i in range(rows.count())] == list(HALLS)
    assert page.locator("#net-table tr[data-hall=zhen2]").get_attribute("data-status") == "red"
    page.wait_for_selector("#rank-table tr[data-rank=cun1]")
    assert "全网合计" in page.locator("#net-total").inner_text()
    screenshot(page, "network_city")
    with page.expect_download() as download:  # the ranking as shown, in Excel
        page.click("#rank-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")

    page.select_option("#net-level", "village")
    assert rows.count() == 3
    page.select_option("#net-level", "")

    page.click("button[data-drill=cun3]")
    page.wait_for_selector("#net-floor section.hall[data-hall=cun3] .windows")
    assert page.locator("#net-path").inner_text().split() == [
        "示范市政务服务中心", "›", "示范县政务服务中心", "›", "河口镇便民服务中心", "›",
        "河口村便民代办点"]
    assert page.locator("#net-overview").is_hidden()
    screenshot(page, "network_village_floor")

    page.click("#net-back")
    page.wait_for_selector("#net-table tr[data-hall=demo]")
    assert page.locator("#net-drill").is_hidden() and rows.count() == len(HALLS)


def test_a_new_ticket_reaches_the_open_view_live(network_server, open_page):
    server, kiosk = network_server
    page = _open_network(open_page, server)
    # The /network socket connected, and the read it makes on connecting is answered.
    page.wait_for_function("window.HQNetwork.state.socket"
                           " && window.HQNetwork.state.socket.connected")
    page.wait_for_load_state("networkidle")
    before = _waiting(page, "cun1")
    response = requests.post(server.url + "/api/v1/halls/cun1/tickets", json={"service": "A"},
                             headers={"Authorization": "Bearer " + kiosk}, timeout=30)
    assert response.status_code == 201
    page.wait_for_function(  # pushed: the page's own full read comes only once a minute
        f"() => +document.querySelector('#net-table tr[data-hall=cun1] td.big')"
        f".textContent === {before + 1}", timeout=30_000)


def test_the_view_in_english(network_server, open_page):
    server, _ = network_server
    page = _open_network(open_page, server)
    page.click("#lang")
    page.wait_for_selector("#net-table th:has-text('Hall')")
    assert "Whole network" in page.locator("#net-total").inner_text()
    screenshot(page, "network_city_en")
