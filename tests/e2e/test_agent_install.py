"""A kiosk PC or a window PC installs ``hallq-agent`` (``pip install ./agent``), not the server:
in a clean venv it brings neither Flask, SQLAlchemy, eventlet nor ``queue_server``, and the
``kiosk-agent`` and ``led-agent`` it installs work against a real server (a ticket issued at the
kiosk comes out of its printer; the window's sign shows the window, then a call).

Slow (a venv and a pip install from the package index, about a minute); skipped when no package
index answers (the CI machine has one)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hardware.led.frames import COMMAND_SHOW_TEXT, parse_frame, split_frames
from tests.e2e.agentproc import wait_for
from tests.e2e.displayfix import Hall
from tests.e2e.serverproc import REPO_ROOT

pytestmark = pytest.mark.e2e

INSTALL_TIMEOUT_S = 900
# What the agent distribution is built from (agent/setup.py reads the packages from "..").
SOURCES = ("agent", "hallq_shared", "hardware", "kiosk", "display", "constraints.txt",
           "README.md")
SERVER_ONLY = ("flask", "sqlalchemy", "eventlet", "queue_server")
WINDOW = 2


def _run(args, cwd, timeout=120, env=None):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          check=False, env=env)


def _clean_env() -> dict:
    """No PYTHONPATH pointing into the checkout, no HALLQ_ settings: only the venv counts."""
    return {k: v for k, v in os.environ.items()
            if k != "PYTHONPATH" and not k.startswith(("HALLQ_", "VIRTUAL_ENV"))}


def _copy_sources(target: Path) -> Path:
    """A copy of what the build reads, so that the build leaves nothing in the checkout."""
    for name in SOURCES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
        else:
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def agent_venv(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("agent-install")
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], base)
    assert made.returncode == 0, made.stderr
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    probe = _run(pip + ["download", "--no-deps", "--dest", str(base / "probe"), "bidict"],
                 base, env=_clean_env())
    if probe.returncode != 0:
        pytest.skip(f"no package index reachable: {probe.stderr.strip()[-300:]}")
    src = _copy_sources(base / "src")
    installed = _run(pip + ["install", "-q", "-c", str(src / "constraints.txt"),
                            str(src / "agent")], base, INSTALL_TIMEOUT_S, _clean_env())
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    return venv


@pytest.mark.parametrize("module", SERVER_ONLY)
def test_the_agent_install_has_no_server(agent_venv, module, tmp_path):
    found = _run([str(agent_venv / "bin" / "python"), "-c",
                  f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) "
                  "is not None)"], tmp_path, env=_clean_env())
    assert found.returncode == 0, f"{module} is installed with the agents"


def test_the_installed_kiosk_agent_prints_a_ticket_issued_at_its_kiosk(agent_venv, hallq,
                                                                       tmp_path):
    deployment = hallq.deploy(hallq.sqlite())
    printed = tmp_path / "printer.bin"
    env = dict(_clean_env(), HALLQ_KIOSK_TOKEN=deployment.hall.kiosk_token,
               XDG_STATE_HOME=str(tmp_path / "state"))
    with open(tmp_path / "kiosk-agent.log", "wb") as log:
        agent = subprocess.Popen(
            [str(agent_venv / "bin" / "kiosk-agent"), "--server", deployment.url,
             "--printer", f"file:{printed}", "--log-level", "INFO"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        ticket = Hall(deployment).issue()
        wait_for(lambda: printed.exists() and ticket["track_token"].encode() in
                 printed.read_bytes(), timeout=30, what="the ticket on the kiosk's printer",
                 log=lambda: (tmp_path / "kiosk-agent.log").read_text(errors="replace"))
    finally:
        agent.terminate()
        assert agent.wait(20) == 0


def test_the_installed_led_agent_shows_its_window_and_a_call(agent_venv, hallq, tmp_path):
    deployment = hallq.deploy(hallq.sqlite())
    sign = tmp_path / "sign.bin"

    def texts() -> list[str]:
        frames = [parse_frame(f) for f in split_frames(sign.read_bytes() if sign.exists() else b"")]
        return [frame.text for frame in frames if frame.command == COMMAND_SHOW_TEXT]

    def log() -> str:
        return (tmp_path / "led-agent.log").read_text(errors="replace")

    with open(tmp_path / "led-agent.log", "wb") as out:
        agent = subprocess.Popen(
            [str(agent_venv / "bin" / "led-agent"), "--server", deployment.url, "--hall",
             deployment.hall.code, "--window", str(WINDOW), "--sign", f"file:{sign}"],
            cwd=tmp_path, env=_clean_env(), stdout=out, stderr=subprocess.STDOUT)
    hall = Hall(deployment)
    try:
        wait_for(lambda: f"{WINDOW}号窗口 未开放" in texts(), timeout=30,
                 what="the unstaffed window on the sign", log=log)
        hall.issue()
        number = hall.call_next(WINDOW)
        wait_for(lambda: f"请{number}号办理" in texts(), timeout=30, what="the call", log=log)
    finally:
        hall.close()
        agent.terminate()
        assert agent.wait(20) == 0
