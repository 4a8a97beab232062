"""What the hall screen, the window screen and the phone queue page say must be true, in
Chromium against a real server: a call transferred, marked 过号, or whose window paused or whose
clerk signed out leaves the big panel (the latest call still true shows instead, or nothing);
a window nobody staffs says 未开放 everywhere. Screenshots of a call → transfer → pause
sequence go to $HALLQ_SCREENSHOTS (hall 1920x1080, window screen, phone 390x844)."""

import pytest

from tests.e2e.browser import HALL_SCREEN, PHONE, screenshot
from tests.e2e.displayfix import Hall

pytestmark = pytest.mark.e2e

WAIT_MS = 10_000


@pytest.fixture
def deployment(hallq):
    return hallq.deploy(hallq.sqlite())


@pytest.fixture
def hall(deployment):
    hall = Hall(deployment)
    yield hall
    hall.close()


def open_connected(open_page, url, viewport):
    page = open_page(url, viewport)
    page.wait_for_function("window.hallq && window.hallq.connects >= 1", timeout=WAIT_MS)
    return page


def hall_screen(open_page, deployment, lang=""):
    return open_connected(open_page, f"{deployment.url}/display/{deployment.hall.code}{lang}",
                          HALL_SCREEN)


def window_screen(open_page, deployment, number):
    return open_connected(
        open_page, f"{deployment.url}/display/{deployment.hall.code}/window/{number}",
        HALL_SCREEN)


def phone_page(open_page, deployment, lang=""):
    return open_connected(open_page, f"{deployment.url}/queue/{deployment.hall.code}{lang}",
                          PHONE)


def wait_big_panel(page, number: str) -> None:
    """The hall screen's big panel shows ``number`` ("" = no call)."""
    page.wait_for_function(
        "n => document.querySelector('#latest-call').dataset.number === n", arg=number,
        timeout=WAIT_MS)


def wait_window_row(page, window: int, state: str) -> None:
    page.wait_for_function(
        "([w, s]) => { const r = document.querySelector(`#windows [data-window=\"${w}\"]`);"
        " return r && r.dataset.state === s; }", arg=[window, state], timeout=WAIT_MS)


def wait_window_screen(page, shows: str) -> None:
    page.wait_for_function(
        "t => document.querySelector('#window-number').textContent === t", arg=shows,
        timeout=WAIT_MS)


def phone_calling(page) -> list[str]:
    return page.eval_on_selector_all("#calling .q-call", "els => els.map(e => e.dataset.number)")


def wait_phone_calling(page, numbers: list[str]) -> None:
    page.wait_for_function(
        "ns => JSON.stringify(Array.from(document.querySelectorAll('#calling .q-call'))"
        ".map(e => e.dataset.number)) === JSON.stringify(ns)", arg=numbers, timeout=WAIT_MS)


def shoot(step, hall_page, window_page, phone):
    screenshot(hall_page, f"truth-{step}-hall-1920x1080")
    screenshot(window_page, f"truth-{step}-window1")
    screenshot(phone, f"truth-{step}-phone-390x844")


def test_a_transferred_call_then_a_pause_leave_every_screen(open_page, deployment, hall):
    for window in (1, 2, 3):
        hall.act(window, "sign-in")
    for service in ("B", "A", "A", "B"):
        hall.issue(service)
    board, window1, phone = (hall_screen(open_page, deployment),
                             window_screen(open_page, deployment, 1),
                             phone_page(open_page, deployment))
    earlier = hall.call_next(3)   # still being served at window 3 throughout
    number = hall.call_next(1)
    wait_big_panel(board, number)
    wait_window_screen(window1, number)
    wait_phone_calling(phone, [number, earlier])
    shoot("1-called", board, window1, phone)

    hall.act(1, "transfer", {"window": 2})
    wait_big_panel(board, earlier)          # the latest call still true
    wait_window_screen(window1, "等候叫号")
    wait_phone_calling(phone, [earlier])
    shoot("2-transferred", board, window1, phone)
    ended = board.locator(f'#recent-calls [data-number="{number}"]')
    # The older call shown again must not flash like a new one.
    assert (ended.get_attribute("class").split()[-1],
            "highlight" in board.locator("#latest").get_attribute("class")) == ("is-ended", False)

    hall.act(1, "pause", {"reason": "午间休息"})
    wait_window_row(board, 1, "paused")
    wait_window_screen(window1, "暂停")
    phone.wait_for_function("document.querySelector('#windows [data-window=\"1\"]')"
                            ".dataset.state === 'paused'", timeout=WAIT_MS)
    shoot("3-paused", board, window1, phone)
    assert (board.locator('#windows [data-window="1"] .window-status').inner_text().split(),
            window1.locator("#window-detail").inner_text(),
            board.locator("#latest-call").get_attribute("data-number")) == (
        ["暂停", "午间休息"], "午间休息", earlier)


def test_a_no_show_leaves_the_big_panel(open_page, deployment, hall):
    hall.act(1, "sign-in")
    hall.issue()
    board, window1 = hall_screen(open_page, deployment), window_screen(open_page, deployment, 1)
    number = hall.call_next(1)
    wait_big_panel(board, number)
    hall.act(1, "no-show")
    wait_big_panel(board, "")
    wait_window_screen(window1, "等候叫号")
    assert board.locator("#latest-call").inner_text() == "请留意叫号"


def test_a_paused_windows_call_leaves_the_big_panel(open_page, deployment, hall):
    hall.act(1, "sign-in")
    ticket = hall.issue()
    board, window1 = hall_screen(open_page, deployment), window_screen(open_page, deployment, 1)
    phone = open_page(f"{deployment.url}/track/{ticket['track_token']}", PHONE)
    number = hall.call_next(1)
    wait_big_panel(board, number)
    phone.wait_for_selector("#status.called:not(.window-paused)", timeout=WAIT_MS)
    hall.act(1, "pause")
    wait_big_panel(board, "")
    wait_window_screen(window1, "暂停")
    wait_window_row(board, 1, "paused")
    # The citizen's own page no longer says "go now" either (the screens dropped the call).
    phone.wait_for_selector("#status.called.window-paused", timeout=WAIT_MS)
    screenshot(phone, "truth-paused-call-phone-390x844")
    paused = (phone.inner_text("#status"), phone.inner_text(".hint"),
              phone.inner_text(".windows li[data-window='1'] .state"))
    hall.act(1, "resume")
    phone.wait_for_selector("#status.called:not(.window-paused)", timeout=WAIT_MS)
    assert (paused, phone.inner_text("#status")) == (
        ("1号窗口 暂停，请在附近稍候", "窗口恢复服务后会继续为您办理，请留意叫号", "暂停"),
        "请到 1号窗口 办理")


def test_an_unstaffed_window_says_weikaifang_everywhere(open_page, deployment, hall):
    board, window2 = hall_screen(open_page, deployment), window_screen(open_page, deployment, 2)
    phone = phone_page(open_page, deployment)
    wait_window_row(board, 2, "closed")
    assert (board.locator('#windows [data-window="2"] .window-status').inner_text(),
            window2.locator("#window-number").inner_text(),
            phone.locator('#windows [data-window="2"] .q-window-state').inner_text()) == (
        "未开放", "未开放", "未开放")
    hall.act(2, "sign-in")
    wait_window_row(board, 2, "idle")
    wait_window_screen(window2, "等候叫号")
    hall.issue()
    number = hall.call_next(2)
    wait_big_panel(board, number)
    hall.act(2, "sign-out")        # the clerk leaves with a ticket still called
    wait_window_row(board, 2, "closed")
    wait_big_panel(board, "")
    wait_window_screen(window2, "未开放")


def test_a_recalled_number_is_listed_once(open_page, deployment, hall):
    hall.act(1, "sign-in")
    hall.act(2, "sign-in")
    hall.issue("A")
    hall.issue("B")
    board = hall_screen(open_page, deployment)
    first = hall.call_next(1)
    hall.act(1, "recall")
    second = hall.call_next(2)
    wait_big_panel(board, second)
    board.wait_for_function("n => document.querySelectorAll("
                            "`#recent-calls [data-number=\"${n}\"]`).length >= 1",
                            arg=first, timeout=WAIT_MS)
    # The pushes arrive in order: the recall was drawn before the second call shown above.
    live = board.locator(f'#recent-calls [data-number="{first}"]').count()
    board.reload()  # and the same from the snapshot
    board.wait_for_function("window.hallq && window.hallq.connects >= 1", timeout=WAIT_MS)
    assert (live, board.locator(f'#recent-calls [data-number="{first}"]').count()) == (1, 1)


def test_waiting_counts_are_big_and_the_queue_qr_is_shown(open_page, deployment, hall):
    for _ in range(12):
        hall.issue("A")
    board = hall_screen(open_page, deployment)
    board.wait_for_function("document.querySelector('#services [data-service=\"A\"] .count')"
                            ".textContent === '12'", timeout=WAIT_MS)
    board.wait_for_function("document.getElementById('follow-qr').naturalWidth > 0",
                            timeout=WAIT_MS)
    count_px = board.evaluate("parseFloat(getComputedStyle(document.querySelector("
                              "'#services .count')).fontSize)")
    qr = board.locator("#follow-qr").bounding_box()
    screenshot(board, "truth-counts-hall-1920x1080")
    assert count_px >= 80, count_px   # ~30 px before: unreadable from 8 m
    assert qr["width"] >= 180 and qr["y"] + qr["height"] <= HALL_SCREEN["height"], qr


def test_the_phone_page_follows_the_queue_live_in_english_too(open_page, deployment, hall):
    hall.act(1, "sign-in")
    phone = phone_page(open_page, deployment, "?lang=en")
    hall.issue("A")
    phone.wait_for_function("document.querySelector('#queue [data-service=\"A\"] .q-waiting')"
                            ".textContent === '1 waiting'", timeout=WAIT_MS)
    number = hall.call_next(1)
    wait_phone_calling(phone, [number])
    screenshot(phone, "truth-phone-en-390x844")
    assert (phone.locator("#calling .q-window").inner_text(),
            phone.evaluate("document.documentElement.scrollWidth")) == ("Window 1", PHONE["width"])


DEMO_SERVICES = [("A", "不动产登记"), ("B", "社会保障卡"), ("C", "医保业务"), ("D", "住房公积金"),
                 ("E", "企业开办"), ("F", "户籍办理"), ("G", "出入境证件"), ("H", "税务综合")]


def test_eight_services_stay_readable_beside_the_windows(open_page, deployment, hall):
    from tests.e2e.test_display_page import reconfigure

    reconfigure(deployment, services=[{"code": c, "name": n} for c, n in DEMO_SERVICES])
    for window in (1, 2):
        hall.act(window, "sign-in")
    for index, (code, _) in enumerate(DEMO_SERVICES):
        for _ in range(index + 5):
            hall.issue(code)
    hall.call_next(1)
    board = hall_screen(open_page, deployment)
    board.wait_for_function("document.querySelectorAll('#services .service-row').length === 8"
                            " && document.fonts.status === 'loaded'", timeout=WAIT_MS)
    # Measure after the fit scheduled by the last render has run (two animation frames).
    board.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    screenshot(board, "truth-eight-services-hall-1920x1080")
    panel = board.locator("#services").bounding_box()
    rows = [board.locator(f"#services .service-row >> nth={i}").bounding_box() for i in range(8)]
    count_px = board.evaluate("parseFloat(getComputedStyle(document.querySelector("
                              "'#services .count')).fontSize)")
    assert all(r["y"] + r["height"] <= panel["y"] + panel["height"] + 1 for r in rows), rows
    assert count_px >= 60, count_px


def test_a_requeued_no_show_tells_the_phone_what_to_do(open_page, deployment, hall):
    """过号顺延: the phone page says the turn was moved back and shows the place again; a
    no-show past the policy's last requeue says to take a new number."""
    from tests.e2e.test_display_page import reconfigure

    reconfigure(deployment, services=[
        {"code": "A", "name": "不动产登记", "no_show_requeue": 1, "no_show_requeue_max": 1},
        {"code": "B", "name": "社会保障卡"}])
    hall.act(1, "sign-in")
    first, second = hall.issue("A"), hall.issue("A")
    phone = open_page(f"{deployment.url}/track/{first['track_token']}", PHONE)
    phone.wait_for_selector("#status.waiting", timeout=WAIT_MS)
    assert hall.call_next(1) == first["number"]
    phone.wait_for_selector("#status.called", timeout=WAIT_MS)
    answer = hall.act(1, "no-show")
    phone.wait_for_selector("#requeued", timeout=WAIT_MS)
    phone.wait_for_function("document.getElementById('ahead').textContent === '1'",
                            timeout=WAIT_MS)
    screenshot(phone, "truth-requeued-phone-390x844")
    requeued = (phone.inner_text("#status"), phone.inner_text("#requeued"))
    called = [hall.call_next(1), hall.call_next(1)]   # the second, then the first again
    hall.act(1, "no-show")                            # the policy's one requeue is used up
    phone.wait_for_selector("#status.no_show", timeout=WAIT_MS)
    screenshot(phone, "truth-final-no-show-phone-390x844")
    assert (answer["requeued"], requeued, called, phone.inner_text("#status")) == (
        True, ("等候中", "您已过号，已为您顺延，请留意叫号"),
        [second["number"], first["number"]], "已过号，请重新取号")
