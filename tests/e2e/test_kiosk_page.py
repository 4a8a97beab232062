"""The kiosk page and the phone tracking page in a real browser, against a real server process
and a real kiosk agent (file printer, fake card reader fed through its spool directory)."""

import json
import re
import secrets
import urllib.request

import pytest
import yaml

from tests.e2e.agentproc import AgentProcess, wait_for
from tests.e2e.browser import KIOSK_LANDSCAPE, KIOSK_PORTRAIT, PHONE, screenshot
from tests.e2e.serverproc import ApiClient, run_cli

pytestmark = pytest.mark.e2e

ID_NUMBER = "11010519491231002X"


def make_id_number(prefix17: str) -> str:
    """GB 11643: the 17 digits and their check character."""
    total = sum(int(d) * w for d, w in zip(prefix17, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5,
                                                       8, 4, 2)))
    return prefix17 + "10X98765432"[total % 11]
NUMBER = re.compile(r"^[A-Z]{1,2}\d{3,}$")
TIMEOUT_MS = 15000


class Kiosk:
    """A deployment with a real-name service C and a service D of one ticket a day, and a kiosk
    agent printing into a file."""

    def __init__(self, deployment, directory):
        self.deployment = deployment
        self.directory = directory
        self.hall = deployment.hall.code
        self.token = deployment.hall.kiosk_token
        self.printed = directory / "printer.bin"
        self.swipes = directory / "swipes"

    def add_real_name_service(self) -> None:
        path = self.directory / f"{self.hall}.yaml"
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        config["halls"][0]["services"].append(
            {"code": "C", "name": "户籍办理", "name_en": "Household registration",
             "department": "公安局", "requires_id": True})
        config["halls"][0]["services"].append(
            {"code": "D", "name": "住房公积金", "name_en": "Housing provident fund",
             "department": "住房公积金管理中心", "daily_quota": 1})
        config["halls"][0]["windows"][0]["services"].append("C")
        real_name = self.directory / f"{self.hall}-real-name.yaml"
        real_name.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        run_cli(["load-config", str(real_name)], self.deployment.env, self.directory)
        wait_for(lambda: "D" in self.service_codes(), timeout=15)

    def service_codes(self) -> list[str]:
        with ApiClient(self.deployment.url) as api:
            return [s["code"] for s in api.request("GET", f"/api/v1/halls/{self.hall}/services")[1]]

    def url(self, paired: bool = True) -> str:
        pairing = f"?token={self.token}" if paired else ""
        return f"{self.deployment.url}/kiosk/{self.hall}{pairing}"

    def swipe(self, number: str) -> None:
        self.swipes.mkdir(exist_ok=True)
        (self.swipes / f"{secrets.token_hex(4)}.swipe").write_text(number)


@pytest.fixture(scope="module")
def kiosk(hallq_module, tmp_path_factory):
    deployment = hallq_module.deploy(hallq_module.sqlite())
    kiosk = Kiosk(deployment, hallq_module.directory)
    kiosk.add_real_name_service()
    agent = AgentProcess(deployment.url, kiosk.token, f"file:{kiosk.printed}",
                         hallq_module.directory, card_reader=f"fake:{kiosk.swipes}").start()
    yield kiosk
    agent.stop()


def open_kiosk(open_page, kiosk, viewport=KIOSK_PORTRAIT):
    page = open_page(kiosk.url(), viewport)
    page.wait_for_selector("[data-service]:not([disabled])", timeout=TIMEOUT_MS)
    return page


def take_number(page, service: str) -> str:
    page.click(f'[data-service="{service}"]')
    page.wait_for_selector("#ticket-number", timeout=TIMEOUT_MS)
    return page.inner_text("#ticket-number")


def test_tapping_a_service_shows_a_number(kiosk, open_page):
    page = open_kiosk(open_page, kiosk)
    screenshot(page, "kiosk-portrait")
    number = take_number(page, "B")
    page.wait_for_selector("#print-status.printed", timeout=TIMEOUT_MS)
    screenshot(page, "kiosk-result-portrait")
    assert NUMBER.match(number)


def test_the_page_says_when_the_ticket_is_printed(kiosk, open_page):
    page = open_kiosk(open_page, kiosk)
    take_number(page, "A")
    page.wait_for_selector("#print-status.printed", timeout=TIMEOUT_MS)
    assert page.inner_text("#print-status") == "请取走您的号票"


def test_the_landscape_kiosk_shows_every_service(kiosk, open_page):
    page = open_kiosk(open_page, kiosk, KIOSK_LANDSCAPE)
    screenshot(page, "kiosk-landscape")
    take_number(page, "A")
    screenshot(page, "kiosk-result-landscape")
    page.click('[data-action="home"]')
    assert page.locator("[data-service]").count() == 4


def test_the_pairing_survives_a_reload(kiosk, open_page):
    page = open_kiosk(open_page, kiosk)
    page.reload()
    page.wait_for_selector("[data-service]:not([disabled])", timeout=TIMEOUT_MS)
    assert (NUMBER.match(take_number(page, "B")) is not None, "token" in page.url) == (True, False)


def test_an_unpaired_page_says_so(kiosk, open_page):
    page = open_page(kiosk.url(paired=False), KIOSK_PORTRAIT)
    page.wait_for_selector(".message", timeout=TIMEOUT_MS)
    assert "尚未配对" in page.inner_text("main")


def test_a_card_read_takes_a_real_name_number(kiosk, open_page):
    page = open_kiosk(open_page, kiosk)
    page.click('[data-service="C"]')
    page.wait_for_selector(".swipe", timeout=TIMEOUT_MS)
    screenshot(page, "kiosk-swipe-card")
    kiosk.swipe(ID_NUMBER)
    page.wait_for_selector("#ticket-number", timeout=TIMEOUT_MS)
    assert page.inner_text("#ticket-number").startswith("C")


def test_a_second_number_for_the_same_person_is_refused_in_chinese(kiosk, open_page):
    number = make_id_number("11010519800101003")  # any valid number, used twice
    page = open_kiosk(open_page, kiosk)
    for _ in range(2):
        page.click('[data-service="C"]')
        page.wait_for_selector(".swipe", timeout=TIMEOUT_MS)
        page.wait_for_timeout(2100)  # the reader drops a repeat inside its 2 s window
        kiosk.swipe(number)
        page.wait_for_selector("#ticket-number, #error-text", timeout=TIMEOUT_MS)
        if page.locator("#error-text").count():
            break
        page.click('[data-action="home"]')
    screenshot(page, "kiosk-refusal")
    assert page.inner_text("#error-text").startswith("您已经取过该事项的号")


def test_the_keypad_refuses_a_wrong_check_character(kiosk, open_page):
    page = open_kiosk(open_page, kiosk)
    page.click('[data-service="C"]')
    page.click('[data-action="keypad"]')
    for key in "110105194912310021":
        page.click(f'[data-key="{key}"]')
    screenshot(page, "kiosk-keypad")
    assert (page.is_disabled('[data-action="submit-id"]'), "校验位" in page.inner_text("#check")) \
        == (True, True)


def test_the_keypad_takes_a_real_name_number(kiosk, open_page):
    page = open_kiosk(open_page, kiosk)
    page.click('[data-service="C"]')
    page.click('[data-action="keypad"]')
    for key in "11010519900307003":
        page.click(f'[data-key="{key}"]')
    page.click(f'[data-key="{make_id_number("11010519900307003")[-1]}"]')
    page.click('[data-action="submit-id"]')
    page.wait_for_selector("#ticket-number", timeout=TIMEOUT_MS)
    assert page.inner_text("#ticket-number").startswith("C")


def test_the_phone_page_shows_the_window_once_called(kiosk, open_page):
    with ApiClient(kiosk.deployment.url, kiosk.token) as api:
        status, ticket = api.request("POST", f"/api/v1/halls/{kiosk.hall}/tickets",
                                     {"service": "B"})
    phone = open_page(f"{kiosk.deployment.url}/track/{ticket['track_token']}", PHONE)
    phone.wait_for_selector("#status.waiting", timeout=TIMEOUT_MS)
    screenshot(phone, "phone-waiting")
    with ApiClient(kiosk.deployment.url) as staff:
        staff.login(kiosk.deployment.hall.staff[2])
        for _ in range(100):  # earlier tests left tickets in the queue
            status, called = staff.request("POST",
                                           f"/api/v1/halls/{kiosk.hall}/windows/2/call-next")
            if status != 200 or called["ticket"]["number"] == ticket["number"]:
                break
    phone.wait_for_selector("#status.called", timeout=TIMEOUT_MS)
    screenshot(phone, "phone-called")
    assert "2号窗口" in phone.inner_text("#status")


# ---- faults: another kiosk of their own -------------------------------------------------------

@pytest.fixture
def faulty_kiosk(hallq, tmp_path):
    deployment = hallq.deploy(hallq.sqlite())
    printer = tmp_path / "virtual-printer"
    printer.mkdir()
    (printer / "paper_out").touch()  # the virtual printer is out of paper
    agent = AgentProcess(deployment.url, deployment.hall.kiosk_token, f"virtual:{printer}",
                         tmp_path).start()
    yield Kiosk(deployment, tmp_path)
    agent.stop()


def test_a_printer_fault_keeps_the_number_on_screen(faulty_kiosk, open_page):
    page = open_kiosk(open_page, faulty_kiosk)
    take_number(page, "A")
    page.wait_for_selector("#print-status.failed", timeout=TIMEOUT_MS)
    screenshot(page, "kiosk-printer-fault")
    assert (page.inner_text("#print-status"), NUMBER.match(page.inner_text("#ticket-number"))
            is not None) == ("打印机故障，请记下您的号码", True)


def test_an_unreachable_server_is_a_plain_sentence(faulty_kiosk, open_page):
    page = open_kiosk(open_page, faulty_kiosk)
    faulty_kiosk.deployment.servers[0].stop()
    page.click('[data-service="A"]')
    page.wait_for_selector("#error-text", timeout=TIMEOUT_MS)
    assert page.inner_text("#error-text").startswith("暂时无法连接服务器")


def test_the_english_switch_translates_the_page(kiosk, open_page):
    page = open_kiosk(open_page, kiosk)
    page.click("#lang")
    screenshot(page, "kiosk-portrait-en")
    assert (page.inner_text("h1.title"), page.inner_text("#help"), page.title().split(" · ")[0]) \
        == ("Choose your service", "Need help? Please ask at the information desk", "Take a number")


def test_the_page_opens_in_english_when_asked(kiosk, open_page):
    page = open_page(kiosk.url() + "&lang=en", KIOSK_LANDSCAPE)
    page.wait_for_selector("[data-service]:not([disabled])", timeout=TIMEOUT_MS)
    screenshot(page, "kiosk-landscape-en")
    assert (page.inner_text("h1.title"), page.inner_text("#lang")) == ("Choose your service", "中文")


def test_the_english_keypad_fills_its_placeholder(kiosk, open_page):
    page = open_kiosk(open_page, kiosk)
    page.click("#lang")
    page.click('[data-service="C"]')
    page.click('[data-action="keypad"]')
    for key in "110":
        page.click(f'[data-key="{key}"]')
    screenshot(page, "kiosk-keypad-en")
    assert page.inner_text("#check") == "3 of 18 characters"


# ---- a hall of two services: its tiles are centred -----------------------------------------

@pytest.fixture
def small_kiosk(hallq, tmp_path):
    return Kiosk(hallq.deploy(hallq.sqlite()), tmp_path)


def test_a_short_landscape_list_is_centred(small_kiosk, open_page):
    page = open_kiosk(open_page, small_kiosk, KIOSK_LANDSCAPE)
    screenshot(page, "kiosk-landscape-two-services")
    tiles = [page.locator(f'[data-service="{code}"]').bounding_box() for code in "AB"]
    left = tiles[0]["x"]
    right = KIOSK_LANDSCAPE["width"] - (tiles[1]["x"] + tiles[1]["width"])
    assert abs(left - right) <= 2


# ---- a hall that allows priority (绿色通道) ----------------------------------------------------

@pytest.fixture
def priority_kiosk(hallq, tmp_path):
    deployment = hallq.deploy(hallq.sqlite())
    kiosk = Kiosk(deployment, tmp_path)
    path = tmp_path / f"{kiosk.hall}.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["halls"][0]["allow_priority"] = True
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run_cli(["load-config", str(path)], deployment.env, tmp_path)
    # The server's hall cache takes the new option up within seconds: wait for it, not a time.
    wait_for(lambda: page_config(kiosk).get("allow_priority"), timeout=30,
             what="allow_priority in the kiosk page's config")
    return kiosk


def page_config(kiosk) -> dict:
    """The configuration the server renders into the kiosk page."""
    with urllib.request.urlopen(f"{kiosk.deployment.url}/kiosk/{kiosk.hall}", timeout=30) as page:
        html = page.read().decode("utf-8")
    return json.loads(re.search(r'id="kiosk-config">(.*?)</script>', html, re.S).group(1))


def test_a_priority_ticket_is_marked_on_screen(priority_kiosk, open_page):
    page = open_page(priority_kiosk.url(), KIOSK_PORTRAIT)
    page.wait_for_selector("[data-service]:not([disabled])", timeout=TIMEOUT_MS)
    page.click('[data-action="priority"]', timeout=TIMEOUT_MS)  # 绿色通道 is its own entry
    page.wait_for_selector(".priority-title", timeout=TIMEOUT_MS)
    screenshot(page, "kiosk-priority")
    page.click('[data-service="B"]')
    page.wait_for_selector("#ticket-number", timeout=TIMEOUT_MS)
    assert page.locator(".service-name .badge").inner_text() == "绿色通道"


def test_the_result_screen_returns_to_the_start_when_idle(kiosk, open_page):
    page = open_kiosk(open_page, kiosk)
    page.evaluate("window.HallqKiosk.config.result_idle_s = 1")
    take_number(page, "B")
    page.wait_for_selector("h1.title", timeout=TIMEOUT_MS)
    assert page.locator("#ticket-number").count() == 0


def test_a_sold_out_service_is_shown_disabled_with_its_reason(kiosk, open_page):
    page = open_kiosk(open_page, kiosk)
    take_number(page, "D")
    page.click('[data-action="home"]')
    page.wait_for_selector('[data-service="D"][disabled]', timeout=TIMEOUT_MS)
    screenshot(page, "kiosk-sold-out")
    assert "今日号已取完" in page.inner_text('[data-service="D"]')
