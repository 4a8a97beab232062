"""Call → screen latency: how long after a clerk's call-next the hall screen (headless Chromium)
has redrawn the latest call, and the window's LED agent has written the sign frame.

Runs a real ``queue-server serve`` (eventlet) on a temporary SQLite file, one ``led-agent``
subprocess with a ``file:`` sign for window 1 and Debian's Chromium showing ``/display/{hall}``
(voice on, so the screen also fetches every announcement's WAV as in a hall). Then ``--calls``
call-next requests on window 1, ``--pause`` seconds apart, each timed from just before the
request is written to (a) the page's MutationObserver seeing the new number in the latest-call
panel (``performance.timeOrigin + performance.now()``) and (b) a thread watching the sign file
seeing the frame with the number. Browser, agent and benchmark share one machine and its clock.

    .venv/bin/python bench/bench_display.py [--calls 50] [--pause 0.3]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from hardware.led.frames import COMMAND_SHOW_TEXT, parse_frame, split_frames  # noqa: E402
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, HALL_SCREEN  # noqa: E402
from tests.e2e.displayfix import install_clips, make_clip_set  # noqa: E402
from tests.e2e.serverproc import (ApiClient, ServerProcess, provision, server_env,  # noqa: E402
                                  sqlite_url)

OBSERVER = """() => {
  window.__shown = {};
  const node = document.querySelector('#latest-call');
  new MutationObserver(() => {
    const n = node.dataset.number;
    if (n && !(n in window.__shown)) window.__shown[n] = performance.timeOrigin + performance.now();
  }).observe(node, {attributes: true, childList: true, subtree: true});
}"""


class SignWatcher(threading.Thread):
    """Records the wall-clock time at which each shown text first appears in the sign file."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path = path
        self.seen: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self):
        size = 0
        while not self.stop.is_set():
            try:
                current = self.path.stat().st_size
            except FileNotFoundError:
                current = 0
            if current != size:
                now = time.time() * 1000
                size = current
                for frame in split_frames(self.path.read_bytes()):
                    decoded = parse_frame(frame)
                    if decoded.command == COMMAND_SHOW_TEXT:
                        self.seen.setdefault(decoded.text, now)
            time.sleep(0.0002)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def report(name: str, values: list[float]) -> None:
    print(f"  {name:<32} p50 {percentile(values, 0.5):7.1f} ms   p95 "
          f"{percentile(values, 0.95):7.1f} ms   max {max(values):7.1f} ms   (n={len(values)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between calls")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="hallq-bench-display-") as tmp:
        tmp = Path(tmp)
        install_clips(make_clip_set(tmp / "clips"), tmp)
        env = server_env(sqlite_url(tmp), os.urandom(16).hex())
        hall = provision(env, tmp, "bench_display")
        server = ServerProcess(env, tmp, name="server").start()
        sign_path = tmp / "sign.bin"
        agent = subprocess.Popen(
            [sys.executable, "-m", "display.led_agent", "--server", server.url, "--hall",
             hall.code, "--window", "1", "--sign", f"file:{sign_path}", "--log-level", "WARNING"],
            env=dict(os.environ, PYTHONPATH=str(REPO)), cwd=tmp)
        watcher = SignWatcher(sign_path)
        watcher.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                     args=CHROMIUM_ARGS)
                page = browser.new_context(viewport=HALL_SCREEN, locale="zh-CN").new_page()
                page.goto(f"{server.url}/display/{hall.code}")
                page.wait_for_function("window.hallq && window.hallq.connects >= 1")
                page.evaluate(OBSERVER)
                deadline = time.monotonic() + 15
                while "1号窗口" not in watcher.seen and time.monotonic() < deadline:
                    time.sleep(0.05)
                screen_ms, led_ms, answer_ms = measure(server, hall, page, watcher, args)
                browser.close()
        finally:
            watcher.stop.set()
            agent.terminate()
            agent.wait(10)
            server.stop()
    print(f"call → display, {args.calls} calls on window 1, {args.pause} s apart "
          "(server, Chromium, LED agent and this script on one machine):")
    report("call-next answer", answer_ms)
    report("call → hall screen DOM updated", screen_ms)
    report("call → LED frame written", led_ms)
    print(f"rerun: .venv/bin/python bench/bench_display.py --calls {args.calls} "
          f"--pause {args.pause}")
    return 0


def measure(server, hall, page, watcher, args):
    with ApiClient(server.url, hall.kiosk_token) as kiosk:
        for index in range(args.calls):
            kiosk.request("POST", f"/api/v1/halls/{hall.code}/tickets",
                          {"service": hall.services[index % len(hall.services)]})
    sent, answers = {}, []
    with ApiClient(server.url) as staff:
        staff.login(hall.staff[1])
        for _ in range(args.calls):
            started = time.time() * 1000
            status, body = staff.request("POST", f"/api/v1/halls/{hall.code}/windows/1/call-next")
            answers.append(time.time() * 1000 - started)
            assert status == 200, body
            sent[body["ticket"]["number"]] = started
            time.sleep(args.pause)
    time.sleep(1.0)
    shown = page.evaluate("window.__shown")
    missing = [n for n in sent if n not in shown or f"请{n}号办理" not in watcher.seen]
    if missing:
        print(f"  not seen everywhere: {missing}", file=sys.stderr)
    screen = [shown[n] - t for n, t in sent.items() if n in shown]
    led = [watcher.seen[f"请{n}号办理"] - t for n, t in sent.items()
           if f"请{n}号办理" in watcher.seen]
    return screen, led, answers


if __name__ == "__main__":
    sys.exit(main())
