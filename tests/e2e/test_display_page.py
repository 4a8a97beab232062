"""The hall screen and the window screen in Debian's Chromium against a real server process:
calls appear at once and are announced one after another, and a restarted server's state comes
back by itself. Screenshots at the real screen sizes go to $HALLQ_SCREENSHOTS."""


import pytest
import yaml

from tests.e2e.browser import HALL_SCREEN, screenshot
from tests.e2e.displayfix import Hall, install_clips, make_clip_set
from tests.e2e.serverproc import ServerProcess, add_device, device_last_seen, run_cli

pytestmark = pytest.mark.e2e

PORTRAIT = {"width": 1080, "height": 1920}
WINDOW_SCREEN = {"width": 1920, "height": 1080}


@pytest.fixture(scope="session")
def voice_clips(tmp_path_factory):
    return make_clip_set(tmp_path_factory.mktemp("voice") / "voice-clips")


@pytest.fixture
def deployment(hallq, voice_clips):
    install_clips(voice_clips, hallq.directory)
    return hallq.deploy(hallq.sqlite())


@pytest.fixture
def hall(deployment):
    hall = Hall(deployment)
    yield hall
    hall.close()


def open_screen(open_page, deployment, path="", viewport=HALL_SCREEN, lang=""):
    page = open_page(f"{deployment.url}/display/{deployment.hall.code}{path}{lang}", viewport)
    page.wait_for_function("window.hallq && window.hallq.connects >= 1", timeout=10_000)
    return page


def latest_shown(page) -> str:
    return page.locator("#latest-call .number").first.inner_text()


def wait_latest(page, number: str, timeout_ms: int = 15_000) -> None:
    page.wait_for_function("n => document.querySelector('#latest-call').dataset.number === n",
                           arg=number, timeout=timeout_ms)


def test_a_call_shows_on_the_hall_screen(open_page, deployment, hall):
    # How fast is measured by bench/, not asserted here: a timing would fail on a busy machine.
    page = open_screen(open_page, deployment)
    hall.issue()
    number = hall.call_next(1)
    wait_latest(page, number)
    assert latest_shown(page) == number


def test_a_call_queues_an_announcement(open_page, deployment, hall):
    page = open_screen(open_page, deployment)
    hall.issue()
    number = hall.call_next(2)
    page.wait_for_function("n => window.hallq.announcements.some(a => a.number === n)",
                           arg=number, timeout=15_000)
    entry = page.evaluate("window.hallq.announcements[0]")
    assert (entry["number"], entry["window"], entry["recall"]) == (number, 2, False)


def test_the_announcement_plays_the_servers_audio(open_page, deployment, hall):
    page = open_screen(open_page, deployment)
    hall.issue()
    hall.call_next(1)
    page.wait_for_function("window.hallq.announcements.length && "
                           "window.hallq.announcements[0].ended_at", timeout=30_000)
    entry = page.evaluate("window.hallq.announcements[0]")
    assert (entry["via"], entry["error"]) == ("audio", None)


def test_two_quick_calls_are_announced_one_after_the_other(open_page, deployment, hall):
    page = open_screen(open_page, deployment)
    hall.issue()
    hall.issue("B")
    first, second = hall.call_next(1), hall.call_next(2)
    page.wait_for_function("window.hallq.announcements.length === 2 && "
                           "window.hallq.announcements[1].ended_at", timeout=60_000)
    log = page.evaluate("window.hallq.announcements")
    assert [a["number"] for a in log] == [first, second]
    assert log[1]["started_at"] >= log[0]["ended_at"], log


def test_a_recall_is_announced_again(open_page, deployment, hall):
    page = open_screen(open_page, deployment)
    hall.issue()
    number = hall.call_next(1)
    hall.act(1, "recall")
    page.wait_for_function("window.hallq.announcements.length === 2", timeout=15_000)
    log = page.evaluate("window.hallq.announcements")
    assert [(a["number"], a["recall"]) for a in log] == [(number, False), (number, True)]


def test_after_a_server_restart_the_screen_shows_what_happened_meanwhile(
        open_page, deployment, hall):
    page = open_screen(open_page, deployment)
    hall.issue()
    hall.issue("B")
    hall.call_next(1)
    server = deployment.servers[0]
    server.stop()
    hall.close()
    # While the screen's server is down, another process on the same database calls a ticket.
    other = ServerProcess(deployment.env, deployment.directory, name="other").start()
    deployment.servers.insert(0, other)
    meanwhile = Hall(deployment)
    missed = meanwhile.call_next(2)
    meanwhile.close()
    other.stop()
    deployment.servers.remove(other)
    server.start()
    wait_latest(page, missed, timeout_ms=15_000)
    assert page.locator('#windows [data-window="2"] .number').inner_text() == missed


def test_window_screen_shows_the_number_being_served(open_page, deployment, hall):
    page = open_screen(open_page, deployment, "/window/3", WINDOW_SCREEN)
    hall.issue()
    number = hall.call_next(3)
    page.wait_for_function("n => document.querySelector('#window-number').textContent === n",
                           arg=number, timeout=15_000)
    screenshot(page, "display-window-serving")
    assert page.locator("#window-state").inner_text() == "办理中"


def test_window_screen_shows_zanting_when_paused(open_page, deployment, hall):
    page = open_screen(open_page, deployment, "/window/4", WINDOW_SCREEN)
    hall.act(4, "pause", {"reason": "午间休息"})
    page.wait_for_function("document.querySelector('#window-number').textContent === '暂停'",
                           timeout=15_000)
    screenshot(page, "display-window-paused")
    assert page.locator("#window-detail").inner_text() == "午间休息"


def busy_floor(hall) -> list[str]:
    """Ten calls over three windows, window 4 paused, a few people still waiting."""
    for _ in range(8):
        hall.issue("A")
        hall.issue("B")
    numbers = [hall.call_next(window) for window in (1, 2, 3, 1, 2, 3, 1, 2, 3, 1)]
    hall.act(4, "pause", {"reason": "午间休息"})
    return numbers


NOTICE = "请携带有效身份证件，按叫号顺序到对应窗口办理。办事不求人，服务请评价。"


def reconfigure(deployment, **options) -> None:
    """Reload the hall's configuration with ``options`` (the server reads them after a restart)."""
    path = deployment.directory / f"{deployment.hall.code}.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["halls"][0].update(options)
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    deployment.servers[0].stop()
    run_cli(["load-config", str(path)], deployment.env, deployment.directory)
    deployment.servers[0].start()


def test_quiet_hours_silence_the_announcement(open_page, deployment, hall):
    reconfigure(deployment, quiet_hours=["00:00-24:00"])
    page = open_screen(open_page, deployment)
    hall.issue()
    hall.call_next(1)
    page.wait_for_function("window.hallq.announcements.length && "
                           "window.hallq.announcements[0].ended_at", timeout=15_000)
    assert page.evaluate("window.hallq.announcements[0].via") == "quiet"


@pytest.mark.parametrize("viewport, name, lang", [
    (HALL_SCREEN, "display-hall-1920x1080", ""),
    (PORTRAIT, "display-hall-portrait-1080x1920", ""),
    (HALL_SCREEN, "display-hall-1920x1080-en", "?lang=en"),
])
def test_the_latest_call_is_wholly_in_its_panel(open_page, deployment, hall, viewport, name,
                                                lang):
    reconfigure(deployment, notice=NOTICE)
    numbers = busy_floor(hall)
    page = open_screen(open_page, deployment, viewport=viewport, lang=lang)
    wait_latest(page, numbers[-1])
    page.evaluate("document.fonts.ready.then(() => true)")  # laid out in its real fonts
    screenshot(page, name)
    panel = page.locator("#latest").bounding_box()
    inside = [page.locator(f"#latest-call {part}").bounding_box()
              for part in (".number", ".window", ".word >> nth=0")]
    assert all(panel["x"] <= box["x"] and box["x"] + box["width"] <= panel["x"] + panel["width"]
               and panel["y"] <= box["y"]
               and box["y"] + box["height"] <= panel["y"] + panel["height"]
               for box in inside), (panel, inside)


def test_every_recent_call_is_wholly_visible(open_page, deployment, hall):
    busy_floor(hall)
    page = open_screen(open_page, deployment)
    # Judged as drawn: the snapshot rendered, the fonts loaded and the lists fitted to them.
    page.wait_for_function("document.querySelectorAll('.recent-call').length === 8 && "
                           "document.fonts.status === 'loaded' && !window.hallq.fitPending",
                           timeout=15_000)
    clipped = page.evaluate("""Array.from(document.querySelectorAll('.recent-call')).filter(
        item => item.scrollHeight > item.clientHeight + 1
             || item.getBoundingClientRect().bottom >
                document.querySelector('#recent-calls').getBoundingClientRect().bottom + 1
        ).length""")
    assert clipped == 0


def test_an_unstaffed_window_screen_says_weikaifang(open_page, deployment):
    page = open_screen(open_page, deployment, "/window/2", WINDOW_SCREEN)
    screenshot(page, "display-window-unstaffed")
    assert (page.locator("#window-number").inner_text(),
            page.locator("#window-name").inner_text()) == ("未开放", "2号窗口")


def test_without_server_audio_the_browser_speaks(open_page, deployment, hall):
    page = open_screen(open_page, deployment)
    page.route("**/voice/call.wav*", lambda route: route.abort())
    hall.issue()
    hall.call_next(1)
    page.wait_for_function("window.hallq.announcements.length && "
                           "window.hallq.announcements[0].ended_at", timeout=60_000)
    assert page.evaluate("window.hallq.announcements[0].via") == "speech"


def _display_device(deployment, name: str) -> str:
    return add_device(deployment.env, deployment.directory, name, "display", deployment.hall.code)


def _last_seen(deployment, name: str):
    return device_last_seen(deployment.env, name)


def test_a_screen_paired_with_its_token_is_seen_and_keeps_the_token_out_of_sight(
        open_page, deployment):
    token = _display_device(deployment, "screen-lobby")
    page = open_screen(open_page, deployment, lang=f"?token={token}")
    assert token not in page.url
    assert _last_seen(deployment, "screen-lobby") is not None
    page.reload()  # the pairing survives a reload (localStorage), the URL stays clean
    page.wait_for_function("window.hallq && window.hallq.connects >= 1", timeout=10_000)
    assert token not in page.url


def test_a_screen_with_a_revoked_token_still_shows_the_calls(open_page, deployment, hall):
    token = _display_device(deployment, "screen-old")
    run_cli(["device", "revoke", "screen-old", "--hall", deployment.hall.code],
            deployment.env, deployment.directory)
    page = open_page(f"{deployment.url}/display/{deployment.hall.code}?token={token}",
                     HALL_SCREEN)
    page.wait_for_function("window.hallq && window.hallq.connects >= 1", timeout=15_000)
    hall.issue()
    number = hall.call_next(1)
    wait_latest(page, number)
    assert _last_seen(deployment, "screen-old") is None
