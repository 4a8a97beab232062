"""``led-agent`` as a real subprocess against a real server, with a ``file:`` sign: the frames it
writes show each call, a pause and the resume, and the true state again after a restart."""

import os
import signal
import subprocess
import sys
import time

import pytest

from hardware.led.frames import COMMAND_SHOW_TEXT, parse_frame, split_frames
from tests.e2e.displayfix import Hall
from tests.e2e.serverproc import (REPO_ROOT, ServerProcess, add_device, device_last_seen,
                                  run_cli)

pytestmark = pytest.mark.e2e

WINDOW = 2
UNSTAFFED = f"{WINDOW}号窗口 未开放"
IDLE = f"{WINDOW}号窗口 等候叫号"


def agent_command(url: str, hall: str, sign: str, token: str | None = None) -> list[str]:
    return [sys.executable, "-c", "import sys; from display.led_agent import main; sys.exit(main())",
            "--server", url, "--hall", hall, "--window", str(WINDOW), "--sign", sign,
            "--log-level", "WARNING"] + (["--token", token] if token else [])


class Agent:
    def __init__(self, deployment, path, token=None):
        self.path = path
        env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
        self.log = open(deployment.directory / "led-agent.log", "wb")
        self.process = subprocess.Popen(
            agent_command(deployment.url, deployment.hall.code, f"file:{path}", token),
            stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def texts(self) -> list[str]:
        data = self.path.read_bytes() if self.path.exists() else b""
        frames = [parse_frame(frame) for frame in split_frames(data)]
        return [frame.text for frame in frames if frame.command == COMMAND_SHOW_TEXT]

    def wait_for(self, text: str, count: int = 1, timeout: float = 15.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            texts = self.texts()
            if texts.count(text) >= count:
                return texts
            time.sleep(0.02)
        raise AssertionError(f"the sign never showed {text!r} x{count}: {self.texts()}")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(15)
        finally:
            self.log.close()


@pytest.fixture
def deployment(hallq):
    return hallq.deploy(hallq.sqlite())


@pytest.fixture
def hall(deployment):
    hall = Hall(deployment)
    yield hall
    hall.close()


@pytest.fixture
def agent(deployment, tmp_path):
    agent = Agent(deployment, tmp_path / "sign.bin")
    yield agent
    if agent.process.poll() is None:
        agent.process.kill()
        agent.process.wait(10)
        agent.log.close()


def test_an_unstaffed_window_shows_weikaifang(agent):
    assert agent.wait_for(UNSTAFFED)[-1] == UNSTAFFED


def test_each_call_is_shown(agent, hall):
    agent.wait_for(UNSTAFFED)
    for _ in range(3):
        hall.issue()
    numbers = [hall.call_next(WINDOW) for _ in range(3)]
    texts = agent.wait_for(f"请{numbers[-1]}号办理")
    assert [t for t in texts if t.startswith("请")] == [f"请{n}号办理" for n in numbers]


def test_pause_and_resume_are_shown(agent, hall):
    agent.wait_for(UNSTAFFED)
    hall.issue()
    number = hall.call_next(WINDOW)
    agent.wait_for(f"请{number}号办理")
    hall.act(WINDOW, "pause", {"reason": "午间休息"})
    agent.wait_for(f"{WINDOW}号窗口 暂停")
    hall.act(WINDOW, "resume")
    texts = agent.wait_for(f"请{number}号办理", count=2)
    assert texts[-3:] == [f"请{number}号办理", f"{WINDOW}号窗口 暂停", f"请{number}号办理"]


def test_a_transfer_a_no_show_and_a_sign_out_take_the_number_off_the_sign(agent, hall):
    agent.wait_for(UNSTAFFED)
    hall.act(WINDOW, "sign-in")
    agent.wait_for(IDLE)
    for _ in range(3):
        hall.issue()
    first = hall.call_next(WINDOW)
    agent.wait_for(f"请{first}号办理")
    hall.act(WINDOW, "transfer", {"window": 1})
    agent.wait_for(IDLE, count=2)
    second = hall.call_next(WINDOW)
    agent.wait_for(f"请{second}号办理")
    hall.act(WINDOW, "no-show")
    agent.wait_for(IDLE, count=3)
    third = hall.call_next(WINDOW)
    agent.wait_for(f"请{third}号办理")
    hall.act(WINDOW, "sign-out")
    texts = agent.wait_for(UNSTAFFED, count=2)
    assert texts[-7:] == [IDLE, f"请{first}号办理", IDLE, f"请{second}号办理", IDLE,
                          f"请{third}号办理", UNSTAFFED]


def test_after_a_server_restart_the_sign_shows_what_happened_meanwhile(agent, hall, deployment):
    agent.wait_for(UNSTAFFED)
    hall.issue()
    server = deployment.servers[0]
    server.stop()
    hall.close()
    other = ServerProcess(deployment.env, deployment.directory, name="other").start()
    deployment.servers.insert(0, other)
    meanwhile = Hall(deployment)
    missed = meanwhile.call_next(WINDOW)
    meanwhile.close()
    other.stop()
    deployment.servers.remove(other)
    server.start()
    assert agent.wait_for(f"请{missed}号办理", timeout=30)[-1] == f"请{missed}号办理"


def test_sigterm_stops_the_agent_cleanly(agent):
    agent.wait_for(UNSTAFFED)
    assert agent.stop() == 0


def _led_device(deployment, name: str) -> str:
    return add_device(deployment.env, deployment.directory, name, "led", deployment.hall.code)


def _last_seen(deployment, name: str):
    return device_last_seen(deployment.env, name)


def _started(deployment, tmp_path, token):
    agent = Agent(deployment, tmp_path / "sign.bin", token)
    try:
        agent.wait_for(UNSTAFFED)
    except AssertionError:
        agent.process.kill()
        agent.process.wait(10)
        agent.log.close()
        raise
    return agent


def test_an_agent_with_its_led_token_is_seen_by_the_server(deployment, tmp_path):
    token = _led_device(deployment, "led-window-2")
    assert _last_seen(deployment, "led-window-2") is None
    agent = _started(deployment, tmp_path, token)
    try:
        assert _last_seen(deployment, "led-window-2") is not None
    finally:
        agent.stop()


def test_a_revoked_led_token_still_leaves_the_sign_working(deployment, tmp_path):
    token = _led_device(deployment, "led-revoked")
    run_cli(["device", "revoke", "led-revoked", "--hall", deployment.hall.code],
            deployment.env, deployment.directory)
    agent = _started(deployment, tmp_path, token)
    try:
        assert _last_seen(deployment, "led-revoked") is None
    finally:
        agent.stop()
